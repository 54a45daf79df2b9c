"""Throwaway git worktrees for work that does not go through the engine (shell tasks, the
failing-tests generator). Each lives under a known folder so a resumed run can prune it."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from codey_git import proc
from codey_git.errors import RepoStateError


def _git(root: Path, *args: str, timeout: float = 120) -> proc.ProcResult:
    return proc.run(["git", *args], cwd=root, timeout=timeout)


def add_worktree(root: Path, path: Path, base: str, branch: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    args = ["worktree", "add", "-q"] + (["-b", branch] if branch else ["--detach"]) + [str(path), base]
    result = _git(root, *args)
    if not result.ok:
        raise RepoStateError(
            f"cannot create a scratch worktree: {result.stderr.strip()[:300]}", "Run `git worktree prune` and try again."
        )


def remove_worktree(root: Path, path: Path) -> None:
    _git(root, "worktree", "remove", "--force", str(path))
    if path.exists():
        shutil.rmtree(path, ignore_errors=True)
    _git(root, "worktree", "prune")


def prune_under(root: Path, folder: Path) -> int:
    """Remove every worktree whose directory lies under folder (left by a killed run)."""
    listing = _git(root, "worktree", "list", "--porcelain").stdout
    removed = 0
    for line in listing.splitlines():
        if line.startswith("worktree "):
            path = Path(line[len("worktree ") :])
            if folder.resolve() in path.resolve().parents:
                remove_worktree(root, path)
                removed += 1
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
    _git(root, "worktree", "prune")
    return removed


@contextmanager
def scratch_worktree(root: Path, path: Path, base: str, branch: str | None = None) -> Iterator[Path]:
    add_worktree(root, path, base, branch)
    try:
        yield path
    finally:
        remove_worktree(root, path)
