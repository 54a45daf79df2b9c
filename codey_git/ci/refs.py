"""Base and head as commits, in a CI checkout that may hold neither the base branch nor enough
history to reach the merge base.

actions/checkout fetches one commit by default (``fetch-depth: 1``) and GitLab a few dozen: the
base branch is then missing, or the merge base lies below the shallow boundary. What is missing
is fetched from the remote (the base branch or commit, then ``git fetch --deepen`` a few times);
when that is not enough the error says which setting gives the job the history it needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from codey_git import proc
from codey_git.errors import UsageError

DEEPEN_STEPS = (100, 500, 2000)
FETCH_TIMEOUT = 300
FULL_HISTORY_HINT = (
    "Give the job the whole history: `fetch-depth: 0` on actions/checkout (GitHub, Forgejo, "
    "Gitea), or `GIT_DEPTH: 0` in the job's variables (GitLab)."
)


@dataclass(frozen=True)
class Range:
    base: str  # the commit named as the base
    head: str  # the commit under review
    merge_base: str  # where head left base: a pull request's diff starts here
    fetched: tuple[str, ...] = ()  # what had to be fetched, for the log


def _git(root: Path, *args: str, timeout: float = 60) -> proc.ProcResult:
    return proc.run(["git", *args], cwd=root, timeout=timeout)


def commit_of(root: Path, ref: str) -> str | None:
    out = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    return out.stdout.strip() if out.ok and out.stdout.strip() else None


def is_shallow(root: Path) -> bool:
    return _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"


def has_remote(root: Path, remote: str) -> bool:
    return _git(root, "remote", "get-url", remote).ok


def _is_sha(ref: str) -> bool:
    return re.fullmatch(r"[0-9a-f]{7,64}", ref) is not None


def _local_or_tracking(root: Path, ref: str, remote: str) -> str | None:
    for candidate in (ref, f"{remote}/{ref}", f"refs/remotes/{remote}/{ref}"):
        found = commit_of(root, candidate)
        if found:
            return found
    return None


def _fetch(root: Path, remote: str, ref: str, shallow: bool) -> str | None:
    """Fetch ``ref`` (a branch name or a commit) from ``remote``; its commit, or None."""
    depth = ["--depth=50"] if shallow else []
    if _is_sha(ref):
        out = _git(root, "fetch", "--no-tags", *depth, remote, ref, timeout=FETCH_TIMEOUT)
        return commit_of(root, ref) if out.ok else None
    name = ref.removeprefix("refs/heads/")
    out = _git(
        root, "fetch", "--no-tags", *depth, remote, f"+refs/heads/{name}:refs/remotes/{remote}/{name}", timeout=FETCH_TIMEOUT
    )
    return commit_of(root, f"refs/remotes/{remote}/{name}") if out.ok else None


def ensure_commit(root: Path, ref: str, remote: str = "origin", fetched: list[str] | None = None) -> str:
    """The commit ``ref`` names here, fetched from ``remote`` when this clone lacks it."""
    found = _local_or_tracking(root, ref, remote)
    if found:
        return found
    if has_remote(root, remote):
        found = _fetch(root, remote, ref, is_shallow(root))
        if found:
            if fetched is not None:
                fetched.append(f"{ref} from {remote}")
            return found
        raise UsageError(
            f"{ref!r} is neither in this clone nor on the remote {remote!r}",
            "Check the name (a branch or a commit); " + FULL_HISTORY_HINT,
        )
    raise UsageError(
        f"unknown revision {ref!r}, and there is no remote {remote!r} to fetch it from",
        "Check the name with `git log --oneline --all`, or fetch it first.",
    )


def merge_base(root: Path, a: str, b: str) -> str | None:
    out = _git(root, "merge-base", a, b)
    return out.stdout.strip() if out.ok and out.stdout.strip() else None


def ensure_range(root: Path, base: str, head: str = "HEAD", remote: str = "origin") -> Range:
    """``base...head`` as a pull request shows it: both commits and their merge base, fetching
    and deepening a shallow clone as needed."""
    fetched: list[str] = []
    head_oid = ensure_commit(root, head, remote, fetched)
    base_oid = ensure_commit(root, base, remote, fetched)
    found = merge_base(root, base_oid, head_oid)
    if found is None and is_shallow(root) and has_remote(root, remote):
        for step in DEEPEN_STEPS:
            if not _git(root, "fetch", "--no-tags", f"--deepen={step}", remote, timeout=FETCH_TIMEOUT).ok:
                break
            fetched.append(f"{step} more commits of history")
            found = merge_base(root, base_oid, head_oid)
            if found is not None or not is_shallow(root):
                break
    if found is None:
        if is_shallow(root):
            raise UsageError(
                f"{base} and {head} share no history in this shallow clone, even after fetching {sum(DEEPEN_STEPS)} more commits",
                FULL_HISTORY_HINT,
            )
        raise UsageError(f"{base} and {head} share no history", "Check the base: it must be an ancestor branch.")
    return Range(base_oid, head_oid, found, tuple(fetched))
