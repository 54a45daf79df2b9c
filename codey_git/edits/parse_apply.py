"""Turn a model answer into validated file changes: the one entry point of the edit layer."""

from __future__ import annotations

from typing import Callable

from .codeblocks import apply_code_blocks
from .cutoff import finished_answer
from .diffedit import apply_patches, read_patches
from .docstrings import check_no_elision
from .errors import EmptyEdit, PathNotAllowed
from .extract import diff_blocks, raw_diffs, safe_exists, split_answer
from .lineedit import apply_line_edits, has_line_edits
from .result import EditResult, unified_diff
from .safety import check_not_binary, check_path, check_size
from .searchreplace import has_blocks
from .sredit import apply_search_replace
from .text import clean_model_text
from .workspace import Workspace


def parse_and_apply(
    text: str,
    read_file: Callable[[str], str | None],
    *,
    focus_file: str | None = None,
    focus_symbol: str | None = None,
    allowed: Callable[[str], bool] | None = None,
    max_chars: int = 200_000,
    cut_off: bool = False,
) -> EditResult:
    """Read the edit in ``text`` and apply it in memory to files got from ``read_file``.

    Formats, in order of preference when several appear: unified diff, SEARCH/REPLACE blocks,
    line edits (`Lines A-B:` and a code block), Python definitions in a code block, whole file in a
    code block. Raises an EditRejected
    subclass (and changes nothing) when the edit is missing, unsafe, does not match, or is empty.
    ``cut_off``: the answer ended at the token limit; of a python block it left open, only the
    definitions it finished are used (``cutoff``).
    """
    check_size(text, max_chars)
    answer = clean_model_text(text)
    check_not_binary(answer)
    cut_note = None
    if cut_off:
        answer, cut_note = finished_answer(answer)
    ws = Workspace(read_file)
    focus = check_path(focus_file) if focus_file else None
    exists = safe_exists(ws.current)
    blocks, prose = split_answer(answer, exists)
    patches, notes = read_patches(diff_blocks(blocks) + [(d, None) for d in raw_diffs(prose)], focus)
    if patches:
        fmt = "diff"
        notes += apply_patches(ws, patches)
    elif has_blocks(answer):
        fmt = "search_replace"
        notes += apply_search_replace(ws, answer, focus, exists)
    elif has_line_edits(answer):
        fmt = "lines"
        notes += apply_line_edits(ws, answer, focus)
    else:
        fmt, more = apply_code_blocks(ws, blocks, focus, focus_symbol)
        notes += more
    changes = ws.changes()
    if not changes:
        raise EmptyEdit(
            "the edit changes nothing",
            "Your edit leaves every file exactly as it is, so nothing was changed. Make the change the task asks for.",
        )
    for path, new_text in changes.items():
        if new_text is not None:  # None: the edit deletes the file
            check_no_elision(ws.original(path) or "", new_text, path)
        if allowed is not None and not allowed(path):
            raise PathNotAllowed(
                f"refused edit: changing {path} is not allowed for this task",
                f"The edit was refused: you may not change {path} in this task. "
                "Fix the problem in the code, not there. Nothing was changed.",
            )
    if cut_note:
        notes.append(cut_note)
    diff = "".join(unified_diff(ws.original(p), t, p) for p, t in changes.items())
    return EditResult(changes, diff, fmt, notes)
