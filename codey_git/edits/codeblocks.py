"""Apply plain fenced code blocks: replace named Python definitions ("function") or a whole file.

A block counts when it names its file (info string, ``# file:`` first line, or a file name on the
line above) or, without a name, when it is code for the focus file's language. A Python block that
looks like the complete file replaces it; otherwise its definitions replace the file's own. A
fragment of a non-Python file is not applied (there is no safe place to put it).
"""

from __future__ import annotations

from typing import cast

from .errors import NoEditFound
from .extract import Block
from .functions import block_definitions, replace_definitions, shares_definitions
from .safety import check_path
from .text import Doc
from .wholefile import looks_complete
from .workspace import Workspace

PYTHON_LANGS = {"", "python", "py", "python3", "py3"}
NOT_CODE = {"bash", "sh", "shell", "console", "text", "txt", "output", "log", "pycon", "diff", "patch"}
ASK = (
    "No edit was found in your answer, so nothing was changed. Reply with a unified diff in a "
    "```diff block (--- a/path, +++ b/path, @@ hunks with 3 unchanged context lines), or "
    "SEARCH/REPLACE blocks, or the complete corrected function in a ```python block."
)


def apply_code_blocks(ws: Workspace, blocks: list[Block], focus: str | None, focus_symbol: str | None) -> tuple[str, list[str]]:
    used: set[str] = set()
    notes: list[str] = []
    skipped: list[str] = []
    for block in blocks:
        if not any(line.strip() for line in block.lines) or block.lang in NOT_CODE:
            continue
        if block.path is None and (focus is None or not _is_code_for(block.lang, focus)):
            continue
        path = _target(ws, block, focus)
        current = ws.current(path)
        text = block.text
        if block.header and current and current.split("\n", 1)[0].rstrip("\r") == block.header:
            text = block.header + "\n" + text  # the "# x.py" line was the file's own first line
        if current is not None and current.strip() and not looks_complete(current, text, path):
            if not path.endswith(".py") or block_definitions(text) is None:
                skipped.append(
                    f"A code block for {path} is neither the complete file nor complete "
                    "Python definitions (def/class), so it could not be placed."
                )
                continue
            new, how = replace_definitions(current, text, label=path, focus_symbol=focus_symbol, may_append=path == focus)
            ws.write(path, new)
            notes += how
            used.add("function")
            continue
        ws.write(path, _in_style_of(current, text))
        notes.append(f"replaced the whole of {path} with a code block" if current else f"created {path}")
        used.add("whole_file")
    if not used:
        raise NoEditFound("no edit found in the model answer", "\n".join([ASK] + skipped))
    return ("function" if "function" in used else "whole_file"), notes


def _target(ws: Workspace, block: Block, focus: str | None) -> str:
    """The block's file; a file only mentioned in prose yields to the focus file if it fits better."""
    path = check_path(cast(str, block.path or focus))  # the caller makes sure one is set
    if block.mentioned and focus and check_path(focus) != path and not _fits(ws, path, block.text):
        if _fits(ws, check_path(focus), block.text):
            return check_path(focus)
    return path


def _fits(ws: Workspace, path: str, text: str) -> bool:
    current = ws.current(path)
    if current is None:
        return False
    return looks_complete(current, text, path) or (path.endswith(".py") and shares_definitions(current, text))


def _is_code_for(lang: str, path: str) -> bool:
    if path.endswith(".py"):
        return lang in PYTHON_LANGS
    return lang in ("", path.rsplit(".", 1)[-1].lower())


def _in_style_of(current: str | None, text: str) -> str:
    """New whole-file text with the old file's line endings and final-newline state."""
    if not current:
        return text
    old, new = Doc.from_text(current), Doc.from_text(text)
    new.newline, new.trailing = old.newline, old.trailing
    new.ends = [old.newline] * len(new.lines)
    return new.to_text()
