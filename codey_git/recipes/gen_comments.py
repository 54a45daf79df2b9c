"""todo-comments: one task per TODO / FIXME / XXX comment (tokenize for Python, a comment regex
for other source files, so a "TODO" inside a string is not a task)."""

from __future__ import annotations

import io
import re
import tokenize
from typing import Any, TYPE_CHECKING

from codey_git.recipes.planned import PlannedTask
from codey_git.recipes.sources import SourceFile, commit_files, file_at

if TYPE_CHECKING:  # generators imports this module
    from codey_git.recipes.generators import GenContext

TAG = re.compile(r"\b(TODO|FIXME|XXX)\b[:\s(]*(.*)")
OTHER_SOURCE = (
    ".js",
    ".ts",
    ".tsx",
    ".jsx",
    ".go",
    ".rs",
    ".c",
    ".h",
    ".cc",
    ".cpp",
    ".hpp",
    ".java",
    ".kt",
    ".rb",
    ".sh",
    ".sql",
    ".swift",
    ".cs",
    ".php",
    ".lua",
    ".toml",
    ".yml",
    ".yaml",
    ".cfg",
)
LINE_COMMENT = re.compile(r"(?:#|//|/\*|--|;)\s*(.*)$")


def python_comments(text: str) -> list[tuple[int, str]]:
    comments = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                comments.append((tok.start[0], tok.string.lstrip("#").strip()))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # keep what was read before the error
    return comments


def other_comments(text: str) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        match = LINE_COMMENT.search(line)
        if match:
            found.append((number, match.group(1).strip()))
    return found


def todos(source: SourceFile) -> list[tuple[int, str, str]]:
    """(line, tag, what it asks) of each TODO / FIXME / XXX comment in ``source``."""
    if source.is_python:
        comments = python_comments(source.text)
    elif source.path.endswith(OTHER_SOURCE):
        comments = other_comments(source.text)
    else:
        return []
    found = []
    for line, comment in comments:
        match = TAG.search(comment)
        if match:
            found.append((line, match.group(1), match.group(2).strip().rstrip("*/").strip() or "(no text)"))
    return found


def todo_comments(ctx: GenContext, options: dict[str, Any]) -> list[PlannedTask]:
    tasks = []
    for source in commit_files(ctx.root, options.get("paths"), commit=ctx.base):
        for line, tag, what in todos(source):
            tasks.append(
                PlannedTask(
                    kind="edit",
                    files=[source.path],
                    source="todo-comments",
                    priority="high" if tag == "FIXME" else "medium",
                    text=f"Resolve the {tag} comment in {source.path} line {line}: {what}. "
                    f"Do what it asks, then remove the comment.",
                    options={"goal": {"check": "todo-comments", "path": source.path, "names": [f"{tag}: {what}"]}},
                )
            )
    return tasks


def check_todo(ctx: GenContext, goal: dict[str, Any]) -> list[tuple[str, int | None]]:
    """The task's comment, if the committed tree (ctx.base) still has it (at whatever line)."""
    source = file_at(ctx.root, goal["path"], ctx.base)
    found = todos(source) if source else []
    return [(f"{tag}: {what}", line) for line, tag, what in found if f"{tag}: {what}" in goal["names"]]
