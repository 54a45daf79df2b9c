"""A recipe's ``files:`` checked against the repository when the recipe is loaded.

Every entry must stay inside the repository: no absolute path, no ``..`` that leaves it, nothing
in ``.git``, and no symlink on the way that leads out of it or into ``.git`` (a file named there
is read into the model's prompt, and with ``backend: openai`` it leaves the machine). And it must
exist, so that a typo is found before a night's run rather than by a task that quietly looks at
nothing: the error names the closest paths that do exist. Two exceptions: a ``review`` task's
entries may be folders or glob patterns, and an ``edit`` task may name a file it creates, when its
text names that file too.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path, PurePosixPath

GLOB_CHARS = set("*?[")
MAX_LISTED = 20_000  # paths compared for suggestions


def _clean(entry: str) -> tuple[str | None, str]:
    """(the normalised repo-relative path, "") or (None, why it is refused), from the text alone."""
    path = entry.strip().replace("\\", "/")
    if not path or any(ord(c) < 32 for c in path):
        return None, "is empty or holds control characters"
    if path.startswith(("/", "~")) or (len(path) > 1 and path[1] == ":"):
        return None, "is an absolute path"
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None, "leads outside the repository"
            parts.pop()
            continue
        if part.lower() == ".git":
            return None, "points inside .git"
        parts.append(part)
    return ("/".join(parts), "") if parts else (None, "names no file")


def _tracked(root: Path) -> list[str]:
    """The repository's files (index), for suggestions; the working tree when there is no index."""
    try:
        import pygit2

        return [entry.path for entry in pygit2.Repository(str(root)).index][:MAX_LISTED]
    except Exception:  # noqa: BLE001 - suggestions only
        out = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d != ".git"]
            out += [Path(folder, n).relative_to(root).as_posix() for n in names]
            if len(out) > MAX_LISTED:
                break
        return out


def closest(entry: str, root: Path) -> list[str]:
    """Up to three existing paths that look like ``entry`` (same name elsewhere first)."""
    tracked = _tracked(root)
    name = PurePosixPath(entry).name
    same_name = [p for p in tracked if PurePosixPath(p).name == name and p != entry]
    near = difflib.get_close_matches(entry, tracked, n=3, cutoff=0.6)
    return list(dict.fromkeys(same_name + near))[:3]


def problem(entry: str, kind: str, text: str, root: Path | None) -> tuple[str, str] | None:
    """(what is wrong, hint) for one ``files:`` entry of a ``kind`` task, or None when it is fine.
    Without ``root`` (no repository at hand) only the text of the path is checked."""
    clean, why = _clean(entry)
    if clean is None:
        return (
            f"{entry!r} {why}",
            "List files by their path relative to the repository root (like src/app.py); a recipe may "
            "only point at files inside the repository, never inside .git.",
        )
    if root is None:
        return None
    root = root.resolve()
    pattern = kind == "review" and bool(GLOB_CHARS & set(clean))
    target = root / clean
    if not pattern:
        real = target.resolve()
        if real != root and root not in real.parents:
            return (
                f"{entry!r} leads outside the repository (through a symlink, to {real})",
                "Name the file inside the repository; codey never reads files outside it into a prompt.",
            )
        if real == root / ".git" or (root / ".git") in real.parents:
            return (f"{entry!r} leads inside .git (through a symlink)", "Name a file of the project itself.")
    if pattern or target.is_file() or (kind == "review" and target.is_dir()):
        return None
    if target.exists():
        return f"{entry!r} is a folder, not a file", "Name the files themselves (a review task may name a folder)."
    if kind == "edit" and (clean in text or PurePosixPath(clean).name in text):
        return None  # a file the edit creates
    near = closest(clean, root)
    hint = f"Did you mean {' or '.join(near)}?" if near else "Check the path: it is relative to the repository root."
    if kind == "edit":
        hint += " (An edit that creates a file names it in its text too.)"
    return f"no such file {entry!r} in the repository", hint
