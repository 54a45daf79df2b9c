"""Git and pytest operations on a task's scratch copy, all through ``codey_git.proc.run``."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from codey_git.proc import run

IDENTITY = {
    "GIT_AUTHOR_NAME": "fixbench", "GIT_AUTHOR_EMAIL": "fixbench@example.invalid",
    "GIT_COMMITTER_NAME": "fixbench", "GIT_COMMITTER_EMAIL": "fixbench@example.invalid",
}
TEST_TIMEOUT_S = 120


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without codey/pytest settings, with a fixed git identity."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEY_", "PYTEST_"))}
    env.update(IDENTITY)
    # the user's git config (signing, hooks paths, templates) must not change a benchmark run
    env.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"})
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra or {})
    return env


def git(cwd: Path, *args: str) -> str:
    result = run(["git", *args], cwd=cwd, env=clean_env(), timeout=60)
    if not result.ok:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}: {result.stderr.strip()}")
    return result.stdout.strip()


def init_repo(root: Path, message: str = "initial") -> str:
    """Make root a git repo on branch main with everything committed; returns the commit id."""
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", IDENTITY["GIT_AUTHOR_NAME"])  # for tools that read config, not env
    git(root, "config", "user.email", IDENTITY["GIT_AUTHOR_EMAIL"])
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", message)
    return git(root, "rev-parse", "HEAD")


def ref_exists(repo: Path, ref: str) -> bool:
    return run(["git", "rev-parse", "--verify", "-q", ref + "^{commit}"], cwd=repo, env=clean_env()).ok


def changed_files(repo: Path, old: str, new: str) -> list[str]:
    out = git(repo, "diff", "--name-only", "--no-renames", old, new)
    return [line for line in out.splitlines() if line]


def clean_checkout(repo: Path, ref: str, dest: Path) -> Path:
    """A fresh clone of repo at ref: only committed work, no untracked leftovers."""
    git(repo.parent, "clone", "-q", "--no-checkout", str(repo), str(dest))
    git(dest, "checkout", "-q", "--detach", ref)
    return dest


def apply_patch(root: Path, patch: Path) -> None:
    git(root, "apply", "--whitespace=nowarn", str(patch.resolve()))


@dataclass
class TestRun:
    returncode: int
    summary: str
    seconds: float
    timed_out: bool

    @property
    def passed(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def failed_tests(self) -> bool:
        """pytest ran the tests and some failed (exit 1), as opposed to not collecting them."""
        return self.returncode == 1 and not self.timed_out


def run_tests(root: Path, python: str = sys.executable, timeout: float = TEST_TIMEOUT_S) -> TestRun:
    result = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root,
                 env=clean_env(), timeout=timeout)
    lines = [line for line in result.output.splitlines() if line.strip()]
    summary = "timed out" if result.timed_out else (lines[-1].strip("= ") if lines else "")
    return TestRun(result.returncode, summary, result.seconds, result.timed_out)
