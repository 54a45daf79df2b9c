"""Pushing tested commits from a CI runner: only ``codey/...`` branches, never forced, never onto
the branch under review or the base, never waiting for a password nobody will type."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from codey_git import proc
from codey_git.ci import refs
from codey_git.errors import UsageError

PUSH_TIMEOUT = 300
RIGHTS_HINT = (
    "Give the job push rights: on GitHub `permissions: contents: write` in the workflow (and "
    "actions/checkout's default `persist-credentials: true`); on Forgejo/Gitea a token with write "
    "access; on GitLab a project access token with `write_repository` in the remote URL (the job "
    "token cannot push)."
)


@dataclass
class PushResult:
    branch: str
    remote: str
    pushed: bool
    reason: str | None = None  # why not
    hint: str | None = None


def check_branch(branch: str, protected: set[str]) -> None:
    """Refuse to push anything but a ``codey/...`` branch that is not a protected name."""
    if not branch.startswith("codey/") or branch in protected:
        raise UsageError(
            f"refusing to push {branch!r}: codey pushes only its own codey/... branches, never the base "
            "or the branch under review"
        )


def protected_names(root: Path, remote: str, *names: str | None) -> set[str]:
    """Branch names a push must never touch: those given (the CI's base and head) and the remote's
    default branch."""
    out = {n.removeprefix("refs/heads/") for n in names if n}
    head = proc.run(["git", "symbolic-ref", "--quiet", "--short", f"refs/remotes/{remote}/HEAD"], cwd=root, timeout=30)
    if head.ok and head.stdout.strip():
        out.add(head.stdout.strip().removeprefix(f"{remote}/"))
    return out


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"  # no credentials: fail now, do not ask
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    return env


def _why(branch: str, output: str) -> tuple[str, str | None]:
    text = output.strip()
    lower = text.lower()
    last = next((line.strip() for line in reversed(text.splitlines()) if line.strip()), "git push failed")
    if any(
        s in lower
        for s in (
            "permission",
            "403",
            "could not read username",
            "authentication failed",
            "denied",
            "terminal prompts disabled",
            "unauthorized",
            "not allowed",
        )
    ):
        return f"no push rights ({last})", RIGHTS_HINT
    if "non-fast-forward" in lower or "rejected" in lower or "fetch first" in lower:
        return (
            f"the remote's {branch} has commits this one lacks ({last})",
            "codey never force-pushes: delete that branch on the remote, or run again (a new branch name).",
        )
    return last, None


def push_branch(root: Path, branch: str, remote: str, protected: set[str]) -> PushResult:
    check_branch(branch, protected)
    if not refs.has_remote(root, remote):
        return PushResult(
            branch,
            remote,
            False,
            f"there is no remote named {remote!r}",
            "Run in a clone with that remote, or pass --remote NAME.",
        )
    out = proc.run(
        ["git", "push", "--porcelain", remote, f"refs/heads/{branch}:refs/heads/{branch}"],
        cwd=root,
        env=_env(),
        timeout=PUSH_TIMEOUT,
    )
    if out.ok:
        return PushResult(branch, remote, True)
    if out.timed_out:
        return PushResult(branch, remote, False, f"git push timed out after {PUSH_TIMEOUT} s", RIGHTS_HINT)
    reason, hint = _why(branch, out.output)
    return PushResult(branch, remote, False, reason, hint)
