"""Apply SEARCH/REPLACE blocks (format "search_replace") in order; any miss rejects them all."""

from __future__ import annotations

from typing import cast

from .apply import Failure, FileOutcome, apply_to_file
from .errors import NoEditFound
from .extract import Exists, path_from_line
from .feedback import rejection
from .safety import check_path
from .searchreplace import SearchReplace, as_hunk, find_blocks
from .text import Doc
from .workspace import Workspace

RESEND = (
    "Resend all SEARCH/REPLACE blocks. Each SEARCH section must copy the current lines of "
    "the file exactly (as shown above) and match only one place."
)


def apply_search_replace(ws: Workspace, answer: str, focus: str | None, exists: Exists) -> list[str]:
    blocks = find_blocks(answer, lambda line: path_from_line(line, exists))
    paths = [_path(block, number, focus) for number, block in enumerate(blocks, 1)]
    total = FileOutcome()
    failed, applied, notes = total.failed, total.applied, total.notes
    for number, (block, path) in enumerate(zip(blocks, paths), 1):
        name = f"SEARCH block {number}"
        current = ws.current(path)
        if not any(line.strip() for line in block.search):
            notes.append(_fill(ws, path, current, block.replace))
            applied.append(f"{name} of {path}")
            continue
        if current is None:
            failed.append(
                Failure(f"{name} is for {path}, which does not exist. To create a file, leave the SEARCH section empty.")
            )
            continue
        apply_to_file(ws, path, current, [as_hunk(block)], total, unique=True, noun=name)
    if failed:
        raise rejection(failed, applied, RESEND)
    return notes


def _path(block: SearchReplace, number: int, focus: str | None) -> str:
    if block.path is None and focus is None:
        raise NoEditFound(
            f"SEARCH/REPLACE block {number} does not name its file",
            f"SEARCH/REPLACE block {number} does not say which file it edits. Put the file path "
            "alone on the line before the block. Nothing was changed.",
        )
    return check_path(cast(str, block.path or focus))  # one of them is set (above)


def _fill(ws: Workspace, path: str, current: str | None, lines: list[str]) -> str:
    """An empty SEARCH creates a missing (or empty) file, or appends to an existing one."""
    doc = Doc.from_text(current or "")
    doc.replace(len(doc.lines), len(doc.lines), lines)
    ws.write(path, doc.to_text())
    if current is None:
        return f"created {path}"
    return f"appended {len(lines)} line(s) to {path} (empty SEARCH)" if current.strip() else f"filled empty {path}"
