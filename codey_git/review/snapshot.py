"""A scratch worktree that holds one tree at a time: the staged snapshot, then the base it is
compared with. It lives under ``.git/codey/worktrees/`` with an owner file, so ``git codey gc``
removes it if codey is killed mid-review. The user's working tree and index are never read or
written: git runs here without the hook's ``GIT_INDEX_FILE`` (and the other variables a hook is
given), and so do the tests.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Iterator

import psutil

from codey_git import proc

# what git gives a hook about the user's repository; inside the snapshot they would point back at it
GIT_HOOK_VARIABLES = tuple(
    "GIT_INDEX_FILE GIT_DIR GIT_WORK_TREE GIT_PREFIX GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES "
    "GIT_COMMON_DIR GIT_NAMESPACE GIT_EDITOR GIT_REFLOG_ACTION".split()
)


class SnapshotError(Exception):
    """git could not make or fill the scratch worktree."""


def clean_env() -> dict[str, str]:
    """The environment for git in the snapshot: no hook variables, and Git LFS files left as their
    pointers (filling the snapshot must not download anything)."""
    return {**{k: v for k, v in os.environ.items() if k not in GIT_HOOK_VARIABLES}, "GIT_LFS_SKIP_SMUDGE": "1"}


@contextlib.contextmanager
def without_hook_variables() -> Iterator[None]:
    """os.environ without the hook's git variables for the duration (the test runner reads it)."""
    saved = {k: os.environ.pop(k) for k in GIT_HOOK_VARIABLES if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


class Snapshot:
    """``with Snapshot(workdir, common_dir, commit) as snap: snap.show(tree); ...`` - removed on exit."""

    def __init__(self, workdir: Path, common_dir: Path, commit: str) -> None:
        self.workdir, self.common_dir, self.commit = workdir, common_dir, commit
        self.name = f"review-{secrets.token_hex(4)}"
        self.root = common_dir / "codey" / "worktrees"
        self.path = self.root / self.name

    def _git(self, *args: str, cwd: Path | None = None, timeout: float = 300) -> None:
        result = proc.run(["git", *args], cwd=cwd or self.path, env=clean_env(), timeout=timeout)
        if not result.ok:
            raise SnapshotError(f"git {args[0]} failed: {result.stderr.strip()[:300]}")

    def __enter__(self) -> "Snapshot":
        self.root.mkdir(parents=True, exist_ok=True)
        me = psutil.Process()
        owner = dict(pid=me.pid, started=me.create_time(), branch="", path=str(self.path), name=self.name, purpose="review")
        (self.root / f"{self.name}.owner.json").write_text(json.dumps(owner))
        try:
            self._git("worktree", "add", "--detach", "--no-checkout", "-q", str(self.path), self.commit, cwd=self.workdir)
        except BaseException:
            self.remove()
            raise
        return self

    def show(self, tree: str) -> None:
        """Make the files exactly ``tree`` (what an earlier tree or its tests left is removed)."""
        self._git("read-tree", "-u", "--reset", tree)
        self._git("clean", "-ffdxq")

    def remove(self) -> None:
        proc.run(
            ["git", "worktree", "remove", "--force", "--force", str(self.path)], cwd=self.workdir, env=clean_env(), timeout=120
        )
        shutil.rmtree(self.path, ignore_errors=True)
        shutil.rmtree(self.common_dir / "worktrees" / self.name, ignore_errors=True)
        (self.root / f"{self.name}.owner.json").unlink(missing_ok=True)

    def __exit__(self, *exc: object) -> None:
        self.remove()
