"""Taking a finished result onto the user's branch: only when it is safe, never losing work."""

from __future__ import annotations

import os

import pygit2

from codey_git import proc
from codey_git.gitrepo import Repo

_DIRTY = (pygit2.GIT_STATUS_WT_MODIFIED | pygit2.GIT_STATUS_WT_DELETED | pygit2.GIT_STATUS_WT_NEW
          | pygit2.GIT_STATUS_WT_RENAMED | pygit2.GIT_STATUS_WT_TYPECHANGE | pygit2.GIT_STATUS_INDEX_MODIFIED
          | pygit2.GIT_STATUS_INDEX_NEW | pygit2.GIT_STATUS_INDEX_DELETED | pygit2.GIT_STATUS_INDEX_RENAMED
          | pygit2.GIT_STATUS_INDEX_TYPECHANGE | pygit2.GIT_STATUS_CONFLICTED)


def dirty_paths(repo: Repo, paths: list[str]) -> list[str]:
    """Which of ``paths`` have uncommitted changes (staged, unstaged, or an untracked file there)."""
    out = []
    for path in paths:
        try:
            flags = repo.repo.status_file(path)
        except KeyError:
            flags = pygit2.GIT_STATUS_WT_NEW if (repo.root / path).exists() else 0
        if flags & _DIRTY:
            out.append(path)
    return out


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
        return "uncommitted changes in " + ", ".join(dirty)
    return None


def land(repo: Repo, branch: str) -> proc.ProcResult:
    """Fast-forward the current branch to ``branch``; git updates only the touched files and
    refuses if that would overwrite a local change."""
    env = dict(os.environ, GIT_MERGE_AUTOEDIT="no")
    return proc.run(["git", "merge", "--ff-only", "--quiet", "--no-stat", f"refs/heads/{branch}"],
                    cwd=repo.root, env=env, timeout=120)


def take_command(branch: str) -> str:
    return f"git merge --ff-only {branch}   # or: git cherry-pick ..{branch}"
