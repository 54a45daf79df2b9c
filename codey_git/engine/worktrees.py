"""Scratch worktrees under .git/codey/worktrees, owned by a process, and their garbage collection.

Each worktree has an owner file ``<name>.owner.json`` with the pid and process start time of the
codey run that made it; ``gc_worktrees`` removes worktrees whose owner is gone. Codey records every
branch it creates in ``branches.jsonl``; gc deletes such a branch only when no finished result is
recorded for it (``results.jsonl`` or a run journal) and no live run owns it. It never touches a
branch codey did not create.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import psutil
import pygit2

from codey_git import proc
from codey_git.edits.treefs import TreeFS
from codey_git.gitrepo import Repo


@dataclass
class Worktree:
    name: str
    path: Path
    branch: str
    repo: pygit2.Repository  # the worktree's own repository object

    @functools.cached_property
    def fs(self) -> TreeFS:
        """The only way files in the worktree are read and written (no symlink is followed out)."""
        return TreeFS(self.path, submodule_paths(self.repo))

    def read(self, rel: str) -> str | None:
        return self.fs.read(rel)

    def changed_beyond(self, changes: dict[str, str | None]) -> list[str]:
        """Paths the tests changed in the worktree beyond the accepted edit ``changes`` (never committed)."""
        status = proc.run(["git", "status", "--porcelain=v1", "-z", "--untracked-files=all"], cwd=self.path, timeout=120)
        out = []
        for entry in status.stdout.split("\0"):
            path = entry[3:]
            if len(entry) <= 3:
                continue
            if path in changes and self.fs.read_bytes(path) == (None if (text := changes[path]) is None else text.encode()):
                continue
            out.append(path)
        return sorted(set(out))

    def reset(self) -> list[str]:
        """Make the worktree exactly its HEAD again (tracked files restored, everything else
        removed, ignored files included). Returns the paths that differed, ignored ones left out:
        what an attempt or its tests changed that is not committed."""
        status = proc.run(["git", "status", "--porcelain=v1", "-z", "--untracked-files=all"], cwd=self.path, timeout=120)
        changed = sorted({entry[3:] for entry in status.stdout.split("\0") if len(entry) > 3})
        proc.run(["git", "reset", "--quiet", "--hard", "HEAD"], cwd=self.path, timeout=300)
        proc.run(["git", "clean", "-ffdxq"], cwd=self.path, timeout=300)
        return changed


def submodule_paths(repo: pygit2.Repository) -> frozenset[str]:
    """Paths of the submodules (gitlinks) in HEAD's tree: codey never writes into them."""
    if repo.head_is_unborn:
        return frozenset()
    index = pygit2.Index()
    index.read_tree(repo.head.peel(pygit2.Commit).tree)
    return frozenset(e.path for e in index if e.mode == pygit2.GIT_FILEMODE_COMMIT)


def _wt_dir(repo: Repo) -> Path:
    return repo.codey_dir / "worktrees"


def _me() -> dict[str, Any]:
    proc = psutil.Process()
    return {"pid": proc.pid, "started": proc.create_time()}


def _alive(owner: dict[str, Any]) -> bool:
    try:
        proc = psutil.Process(int(owner["pid"]))
        return abs(proc.create_time() - float(owner["started"])) < 1.0 and proc.status() != psutil.STATUS_ZOMBIE
    except (psutil.Error, KeyError, ValueError, TypeError):
        return False


def _append(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut by a kill; the rest of the journal still counts
    return out


def record_result_branch(repo: Repo, branch: str, status: str) -> None:
    """A branch that holds a finished result: gc never deletes it."""
    _append(repo.codey_dir / "results.jsonl", {"branch": branch, "status": status, "time": time.time()})


def create_worktree(repo: Repo, base: str, branch: str) -> Worktree:
    """Create branch ``branch`` at ``base`` (or reuse it if it already points there or is ours to
    stack on) and check it out in a new scratch worktree."""
    name = f"codey-{secrets.token_hex(4)}"
    root = _wt_dir(repo)
    root.mkdir(parents=True, exist_ok=True)
    path = root / name
    owner = {**_me(), "branch": branch, "path": str(path), "name": name}
    (root / f"{name}.owner.json").write_text(json.dumps(owner))
    commit = cast(pygit2.Commit, repo.repo.get(base))  # base is a commit id the caller resolved
    if branch in repo.repo.branches.local:
        ref = repo.repo.branches.local[branch]
        if str(ref.target) != base:
            ref.set_target(commit.id)
    else:
        repo.repo.branches.local.create(branch, commit)
        _append(repo.codey_dir / "branches.jsonl", {"branch": branch, "base": base, **_me(), "time": time.time()})
    repo.repo.add_worktree(name, str(path), repo.repo.lookup_reference(f"refs/heads/{branch}"))
    return Worktree(name=name, path=path, branch=branch, repo=pygit2.Repository(str(path)))


def remove_worktree(repo: Repo, wt_name: str) -> None:
    root = _wt_dir(repo)
    shutil.rmtree(root / wt_name, ignore_errors=True)
    try:
        repo.repo.lookup_worktree(wt_name).prune(True)
    except (KeyError, pygit2.GitError):
        pass
    shutil.rmtree(repo.common_dir / "worktrees" / wt_name, ignore_errors=True)
    (root / f"{wt_name}.owner.json").unlink(missing_ok=True)


def delete_branch(repo: Repo, branch: str) -> None:
    try:
        repo.repo.branches.local.delete(branch)
    except (KeyError, pygit2.GitError):
        pass


def finished_branches(repo: Repo) -> set[str]:
    keep = {r["branch"] for r in _read_jsonl(repo.codey_dir / "results.jsonl") if "branch" in r}
    for journal in (repo.codey_dir / "runs").glob("*/journal.jsonl"):
        keep |= {r["branch"] for r in _read_jsonl(journal) if r.get("event") == "result" and r.get("branch")}
    return keep


def gc_worktrees(repo: Repo) -> dict[str, list[str]]:
    """Remove worktrees of dead runs and attempt branches that hold no recorded result."""
    removed, branches = [], []
    live_branches: set[str] = set()
    root = _wt_dir(repo)
    for owner_file in sorted(root.glob("*.owner.json")) if root.is_dir() else []:
        try:
            owner = json.loads(owner_file.read_text())
        except (OSError, json.JSONDecodeError):
            owner = {}
        name = owner_file.name[: -len(".owner.json")]
        if owner and _alive(owner):
            live_branches.add(owner.get("branch", ""))
            continue
        remove_worktree(repo, name)
        removed.append(name)
    # worktree folders without an owner file (killed between mkdir and owner write)
    for path in root.iterdir() if root.is_dir() else []:
        if path.is_dir() and not (root / f"{path.name}.owner.json").exists():
            remove_worktree(repo, path.name)
            removed.append(path.name)
    for name in repo.repo.list_worktrees():
        try:
            wt = repo.repo.lookup_worktree(name)
            if wt.is_prunable:
                wt.prune(True)
        except pygit2.GitError:
            pass
    keep = finished_branches(repo)
    current = None if repo.repo.head_is_detached or repo.repo.head_is_unborn else repo.repo.head.shorthand
    created = {r["branch"] for r in _read_jsonl(repo.codey_dir / "branches.jsonl") if "branch" in r}
    for branch in sorted(created - keep - live_branches):
        if branch != current and branch in repo.repo.branches.local and only_codey_commits(repo, branch):
            delete_branch(repo, branch)
            branches.append(branch)
    return {"worktrees": removed, "branches": branches}


_CODEY_MARKS = ("Codey-Task: ", "wip(codey): ")


def only_codey_commits(repo: Repo, branch: str, limit: int = 50) -> bool:
    """Whether every commit on ``branch`` that no other local branch holds was made by codey. A
    commit the user added (no codey trailer) makes the branch the user's: gc leaves it."""
    git = repo.repo
    tip = git.branches.local[branch].target
    others = [b.target for name in git.branches.local if name != branch for b in [git.branches.local[name]]]
    commit = cast("pygit2.Commit | None", git.get(tip))  # a branch points at a commit
    for _ in range(limit):
        if commit is None or any(o == commit.id or git.descendant_of(o, commit.id) for o in others):
            return True
        if not any(mark in commit.message for mark in _CODEY_MARKS):
            return False
        if not commit.parents:
            return True
        commit = commit.parents[0]
    return False
