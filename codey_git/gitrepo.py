"""Opening the user's repository and refusing states codey must not work in."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pygit2

from codey_git import proc
from codey_git.errors import RepoStateError, UsageError

_IN_PROGRESS = {
    "MERGE_HEAD": "a merge is in progress",
    "rebase-merge": "a rebase is in progress",
    "rebase-apply": "a rebase or `git am` is in progress",
    "CHERRY_PICK_HEAD": "a cherry-pick is in progress",
    "REVERT_HEAD": "a revert is in progress",
    "BISECT_LOG": "a bisect is in progress",
}


@dataclass
class Repo:
    """The user's repository, checked for a state codey can work in."""

    repo: pygit2.Repository
    root: Path  # the user's working tree
    git_dir: Path  # this worktree's git dir
    common_dir: Path  # shared .git (where codey keeps its own state)

    @property
    def codey_dir(self) -> Path:
        return self.common_dir / "codey"

    @property
    def branch(self) -> str:
        return self.repo.head.shorthand

    @property
    def head_ref(self) -> str:
        return self.repo.head.name

    def head_oid(self) -> str:
        return str(self.repo.head.target)


def open_repo(path: str | Path | None = None, *, need_commit: bool = True, need_branch: bool = True) -> Repo:
    start = Path(path or os.getcwd()).resolve()
    found = pygit2.discover_repository(str(start))
    if found is None:
        raise RepoStateError(f"not a git repository: {start}", "Run codey inside a git repository (or `git init` one).")
    repo = pygit2.Repository(found)
    if repo.is_bare:
        raise RepoStateError(
            "this is a bare repository; codey needs a working tree", "Clone it (`git clone`) and run codey in the clone."
        )
    if repo.workdir is None:
        raise RepoStateError("this repository has no working tree")
    git_dir = Path(repo.path).resolve()
    common = _common_dir(git_dir)
    info = Repo(repo=repo, root=Path(repo.workdir).resolve(), git_dir=git_dir, common_dir=common)
    if need_commit and repo.head_is_unborn:
        raise RepoStateError(
            "this repository has no commits yet", "Commit your code and tests first (`git add -A && git commit`), then run codey."
        )
    if need_branch and not repo.head_is_unborn and repo.head_is_detached:
        raise RepoStateError(
            "HEAD is detached; codey commits onto a branch", "Check out a branch first (`git switch -c my-branch`)."
        )
    for marker, what in _IN_PROGRESS.items():
        if (git_dir / marker).exists():
            raise RepoStateError(
                f"{what} in this repository", "Finish or abort it first (e.g. `git merge --abort`), then run codey."
            )
    return info


def _common_dir(git_dir: Path) -> Path:
    commondir = git_dir / "commondir"
    if commondir.is_file():
        return (git_dir / commondir.read_text().strip()).resolve()
    return git_dir


_IDENT = re.compile(r"^(?P<name>.*?) <(?P<email>[^>]*)> (?P<time>\d+) (?P<offset>[+-]\d{4})$")


def signature(root: Path, which: str = "AUTHOR") -> pygit2.Signature:
    """The identity `git commit` would use: `git var GIT_AUTHOR_IDENT` (env vars and config)."""
    result = proc.run(["git", "var", f"GIT_{which}_IDENT"], cwd=root, timeout=30)
    if not result.ok:
        raise UsageError(
            f"git cannot tell who you are: {result.stderr.strip().splitlines()[-1] if result.stderr.strip() else 'git var failed'}",
            'Set it with `git config user.name "Your Name"` and `git config user.email you@example.com`.',
        )
    m = _IDENT.match(result.stdout.strip())
    if not m:
        raise UsageError(f"unexpected identity from git var: {result.stdout.strip()!r}")
    sign, hours, minutes = m["offset"][0], int(m["offset"][1:3]), int(m["offset"][3:5])
    offset = (hours * 60 + minutes) * (-1 if sign == "-" else 1)
    return pygit2.Signature(m["name"], m["email"], int(m["time"]), offset)
