"""Taking a finished result onto the user's branch: only when it is safe, never losing work."""

from __future__ import annotations

import os
from pathlib import Path

import pygit2

from codey_git import proc
from codey_git.gitrepo import Repo

_DIRTY = (
    pygit2.GIT_STATUS_WT_MODIFIED
    | pygit2.GIT_STATUS_WT_DELETED
    | pygit2.GIT_STATUS_WT_NEW
    | pygit2.GIT_STATUS_WT_RENAMED
    | pygit2.GIT_STATUS_WT_TYPECHANGE
    | pygit2.GIT_STATUS_INDEX_MODIFIED
    | pygit2.GIT_STATUS_INDEX_NEW
    | pygit2.GIT_STATUS_INDEX_DELETED
    | pygit2.GIT_STATUS_INDEX_RENAMED
    | pygit2.GIT_STATUS_INDEX_TYPECHANGE
    | pygit2.GIT_STATUS_CONFLICTED
)


def dirty_paths(repo: Repo, paths: list[str]) -> list[str]:
    """Which of ``paths`` have uncommitted changes (staged, unstaged, or an untracked file there,
    ignored or not: git's fast-forward silently overwrites an ignored file, so codey refuses)."""
    out = []
    for path in paths:
        try:
            flags = repo.repo.status_file(path)
        except (KeyError, pygit2.GitError, ValueError):
            flags = 0
        if not flags and not _tracked(repo, path) and _occupied(repo.root, path):
            flags = pygit2.GIT_STATUS_WT_NEW  # something untracked is there (a folder, an ignored file)
        if flags & (_DIRTY | pygit2.GIT_STATUS_IGNORED):
            out.append(path)
    return out


def _tracked(repo: Repo, path: str) -> bool:
    repo.repo.index.read()
    return path in repo.repo.index


def _occupied(root: Path, path: str) -> bool:
    """Whether anything is at ``path`` or where one of its folders would go (not following links)."""
    current = root
    for part in path.split("/"):
        current = current / part
        if os.path.lexists(current) and not (current.is_dir() and not current.is_symlink()):
            return True
    return os.path.lexists(current)


def why_not_land(repo: Repo, base: str, head_ref: str, touched: list[str]) -> str | None:
    """None when landing is safe, else the reason in one line."""
    repo.repo.index.read()
    current = repo.repo.head
    if current.name != head_ref:
        return f"you switched branches (now on {current.shorthand})"
    if str(current.target) != base:
        return "your branch moved since codey started"
    dirty = dirty_paths(repo, touched)
    if dirty:
        return "uncommitted changes in " + ", ".join(
            p + ("" if _tracked(repo, p) else " (an untracked file is there, maybe ignored)") for p in dirty
        )
    return None


def land(repo: Repo, branch: str) -> proc.ProcResult:
    """Fast-forward the current branch to ``branch``; git updates only the touched files and
    refuses if that would overwrite a local change."""
    env = dict(os.environ, GIT_MERGE_AUTOEDIT="no")
    return proc.run(
        ["git", "merge", "--ff-only", "--quiet", "--no-stat", f"refs/heads/{branch}"], cwd=repo.root, env=env, timeout=120
    )


def take_command(branch: str, dirty: bool = False) -> str:
    """How to take kept-back commits. With local changes in the touched files a plain merge fails,
    so the changes are put aside first and brought back after (git says so if they conflict)."""
    if dirty:
        return f"git stash push && git merge --ff-only {branch} && git stash pop"
    return f"git merge --ff-only {branch}   # or: git cherry-pick ..{branch}"
