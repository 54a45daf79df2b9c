"""Shared pieces of the reliability suite: a buggy project, canned answers, and a snapshot of
everything a user could notice in their repository."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

CALC = {
    "calc.py": "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n",
    "tests/test_calc.py": (
        "from calc import add, mul\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\n"
        "def test_mul():\n    assert mul(2, 3) == 6\n"
    ),
}


def diff(path: str, old: str, new: str) -> str:
    """A one-hunk unified diff replacing line ``old`` with ``new`` (both whole lines) in ``path``."""
    return f"```diff\n--- a/{path}\n+++ b/{path}\n@@ -1,2 +1,2 @@\n {old}\n-    return a - b\n+{new}\n```\n"


GOOD = diff("calc.py", "def add(a, b):", "    return a + b")
WRONG = diff("calc.py", "def add(a, b):", "    return a * b")


def new_file(path: str, text: str) -> str:
    body = "".join("+" + line + "\n" for line in text.splitlines())
    return f"```diff\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(text.splitlines())} @@\n{body}```\n"


def git(cwd: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    return out.stdout.strip()


def snapshot(root: Path) -> dict:
    """HEAD, branches, index, status, every file's bytes (ignored and untracked included) and every
    link's target: what must be byte-identical after anything codey refuses or is killed in."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        if rel_dir.parts[:1] == (".git",):
            dirnames[:] = []
            continue
        for name in filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            path = Path(dirpath) / name
            key = (rel_dir / name).as_posix()
            if path.is_symlink():
                files[key] = "-> " + os.readlink(path)
            else:
                files[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    hooks = (
        sorted(p.name for p in (root / ".git" / "hooks").iterdir() if not p.name.endswith(".sample"))
        if (root / ".git" / "hooks").is_dir()
        else []
    )
    return {
        "head": git(root, "rev-parse", "HEAD"),
        "branches": git(root, "branch", "--list"),
        "index": git(root, "ls-files", "-s"),
        "status": git(root, "status", "--porcelain", "--ignored"),
        "files": files,
        "hooks": hooks,
        "stash": git(root, "stash", "list"),
    }


def leftovers(root: Path) -> list[str]:
    """Scratch worktrees or codey/ branches a finished run should not leave behind."""
    out = [line for line in git(root, "worktree", "list").splitlines()[1:]]
    out += [b.strip() for b in git(root, "branch", "--list", "codey/*").splitlines()]
    wt_dir = root / ".git" / "codey" / "worktrees"
    out += [p.name for p in wt_dir.iterdir()] if wt_dir.is_dir() else []
    return out


def reasons(stdout: str) -> list[str]:
    """Why each attempt that got an answer was rejected (not the scripted backend running dry)."""
    import json

    return [a["reason"] or "" for a in json.loads(stdout)["attempts"] if "no edit response left" not in (a["reason"] or "")]
