"""Line edits (format "lines"): `Lines A-B:` followed by a code block that replaces those lines.

The shortest edit a model can write: it names lines by the numbers shown beside the code and writes
only the new lines, so a one-line fix costs a handful of tokens instead of a whole function. Small
models miscount by a line now and then, so before splicing, a range whose replacement clearly
matches a neighbouring range better is moved there, a repeated line just outside the range is
taken into it, and code written flush-left for an indented range is re-indented.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from difflib import SequenceMatcher

from .docstrings import Docstring, all_docstrings, is_long
from .errors import HunkMismatch, NoEditFound
from .safety import check_path
from .text import Doc
from .workspace import Workspace

_HEAD = re.compile(
    r"^\s*\**Lines?\s+(\d+)(?:\s*(?:-|–|to)\s*(\d+))?(?:\s+(?:in|of)\s+`?([^\s`:]+)`?)?\s*\**:\s*\**$", re.IGNORECASE
)
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_NUMBER_PREFIX = re.compile(r"^\s*\d+\s?\| ?")
MAX_SHIFT = 2
TAB_WIDTH = 4  # a tab as wide as the models' indentation level


@dataclass
class LineEdit:
    start: int  # 1-based, inclusive
    end: int
    new: list[str]
    path: str | None


def has_line_edits(answer: str) -> bool:
    return any(_HEAD.match(line) for line in answer.split("\n"))


def find_line_edits(answer: str) -> list[LineEdit]:
    lines = answer.split("\n")
    edits, i = [], 0
    while i < len(lines):
        head = _HEAD.match(lines[i])
        if not head:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        opening = _FENCE.match(lines[j]) if j < len(lines) else None
        if not opening:
            i += 1
            continue
        end = j + 1
        while end < len(lines) and not lines[end].strip().startswith(opening.group(1)):
            end += 1
        start, stop = int(head.group(1)), int(head.group(2) or head.group(1))
        edits.append(LineEdit(start, stop, _strip_numbers(lines[j + 1 : end]), head.group(3)))
        i = end + 1
    return edits


def apply_line_edits(ws: Workspace, answer: str, focus: str | None) -> list[str]:
    """Apply every line edit of ``answer``; numbers refer to the files as shown, before any edit."""
    edits = find_line_edits(answer)
    if not edits:
        raise NoEditFound("no line edit found", "Write `Lines A-B:` and then the new lines in a ```python block.")
    by_path: dict[str, list[LineEdit]] = {}
    for edit in edits:
        path = check_path(edit.path) if edit.path else focus
        if path is None:
            raise NoEditFound(
                "a line edit does not say which file it is for",
                "Write `Lines A-B in FILE:` when several files are shown. Nothing was changed.",
            )
        by_path.setdefault(path, []).append(edit)
    notes: list[str] = []
    for path, file_edits in by_path.items():
        current = ws.current(path)
        if current is None:
            raise HunkMismatch(
                f"line edit for {path}, which does not exist",
                f"{path} does not exist. Edit one of the files shown. Nothing was changed.",
            )
        doc = Doc.from_text(current)
        spans = []
        long_docs = [d for d in all_docstrings(current) if is_long(d)]
        for edit in file_edits:
            _check_range(edit, len(doc.lines), path)
            start, end, new, note = _fit(doc.lines, edit)
            _check_docstrings_kept(doc.lines, start, end, new, long_docs, path)
            if note:
                notes.append(f"{path}: {note}")
            spans.append((start, end, new))
        spans.sort()
        for (_s1, e1, _), (s2, _e2, _) in zip(spans, spans[1:]):
            if s2 < e1:
                raise HunkMismatch(
                    f"line edits overlap in {path}",
                    f"Two of your line edits for {path} overlap (lines {s2 + 1}-{e1}). "
                    "Write each line at most once. Nothing was changed.",
                )
        for start, end, new in reversed(spans):
            doc.replace(start, end, new)
        ws.write(path, doc.to_text())
    return notes


def _check_docstrings_kept(lines: list[str], start: int, end: int, new: list[str], docs: list[Docstring], path: str) -> None:
    """Refuse a range [start, end) (0-based) that covers the whole inside of a long docstring
    without its lines in ``new``: the numbered view shows such a docstring as its first and last
    line around a gap, so an answer re-typing the range would drop the lines it never saw."""
    kept = "\n".join(line.strip() for line in new)
    for d in docs:
        inside = lines[d.first : d.last - 1]  # 1-based lines first+1 .. last-1
        if start <= d.first and d.last - 1 <= end and "\n".join(line.strip() for line in inside) not in kept:
            raise HunkMismatch(
                f"the line edit of {path} would drop lines {d.first + 1}-{d.last - 1} (the docstring of {d.owner or 'the module'})",
                f"Your edit replaces lines {start + 1}-{end} of {path}, which include lines {d.first + 1}-{d.last - 1} "
                "(a docstring, not shown to you) without them. Write `Line N:` for only the lines you "
                "change, and leave the docstring out of the range. Nothing was changed.",
            )


def _check_range(edit: LineEdit, count: int, path: str) -> None:
    if not 1 <= edit.start <= edit.end <= count:
        raise HunkMismatch(
            f"line edit {edit.start}-{edit.end} is outside {path} ({count} lines)",
            f"Lines {edit.start}-{edit.end} do not exist: {path} has lines 1-{count}. "
            "Use the numbers shown beside the code. Nothing was changed.",
        )


def _fit(lines: list[str], edit: LineEdit) -> tuple[int, int, list[str], str | None]:
    """The 0-based [start, end) to replace and the new lines, after the repairs described above."""
    start, end, new, notes = edit.start - 1, edit.end, list(edit.new), []
    whole = _definition_span(lines, new)
    if whole:
        # a complete definition replaces that definition, wherever the numbers pointed; a note
        # only when they pointed elsewhere (whole is (start, end, name): compare its span)
        if whole[:2] != (start, end):
            notes.append(f"lines {edit.start}-{edit.end} taken as the whole of `{whole[2]}` (lines {whole[0] + 1}-{whole[1]})")
        return whole[0], whole[1], _reindent(lines[whole[0] : whole[1]], new), "; ".join(notes) or None
    shifted = _better_place(lines, start, end, new)
    if shifted != start:
        notes.append(f"lines {edit.start}-{edit.end} moved by {shifted - start} to match the new code")
        end += shifted - start
        start = shifted
    # a line repeated just outside the range was meant to be kept: take it into the range
    if (
        new
        and start > 0
        and lines[start - 1].strip()
        and new[0].strip() == lines[start - 1].strip()
        and (start == end or new[0].strip() != lines[start].strip())
    ):
        start -= 1
    if (
        new
        and end < len(lines)
        and lines[end].strip()
        and new[-1].strip() == lines[end].strip()
        and (start == end or new[-1].strip() != lines[end - 1].strip())
    ):
        end += 1
    new = _reindent(lines[start:end], new)
    return start, end, new, "; ".join(notes) or None


def _definition_span(lines: list[str], new: list[str]) -> tuple[int, int, str] | None:
    """The 0-based [start, end) and name of the one definition in ``lines`` that ``new`` wholly
    rewrites (``new`` parses as exactly one def/class of that name), else None."""
    try:
        tree = ast.parse(textwrap.dedent("\n".join(new)))
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], _DEFS):
        return None
    name = tree.body[0].name
    try:
        found = [n for n in ast.walk(ast.parse("\n".join(lines))) if isinstance(n, _DEFS) and n.name == name]
    except SyntaxError:
        return None
    if len(found) != 1:
        return None
    node = found[0]
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return first - 1, node.end_lineno or node.lineno, name


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _similarity(old: list[str], new: list[str]) -> float:
    a = "\n".join(line.strip() for line in old)
    b = "\n".join(line.strip() for line in new)
    return SequenceMatcher(None, a, b, autojunk=False).ratio() if a or b else 1.0


def _better_place(lines: list[str], start: int, end: int, new: list[str]) -> int:
    """Where the range belongs: moved only when a nearby range matches the new code clearly better."""
    if not new or end - start == 0:
        return start
    here = _similarity(lines[start:end], new)
    best, best_score = start, here
    for shift in range(-MAX_SHIFT, MAX_SHIFT + 1):
        s, e = start + shift, end + shift
        if shift == 0 or s < 0 or e > len(lines):
            continue
        score = _similarity(lines[s:e], new)
        if score > best_score:
            best, best_score = s, score
    return best if best_score >= 0.6 and best_score - here >= 0.25 else start


def _reindent(old: list[str], new: list[str]) -> list[str]:
    """The new code starts at the indentation of the first line it replaces (the model's own
    indentation is often off by a level); its lines keep their indentation relative to each other,
    written as the file writes it: with tabs where that line starts with one (a tab a level of 4)."""
    first_old = next((line for line in old if line.strip()), None)
    first_new = next((line for line in new if line.strip()), None)
    if first_old is None or first_new is None:
        return new
    shift = _width(first_old) - _width(first_new)
    tabs = first_old.startswith("\t")
    if min(_width(line) for line in new if line.strip()) + shift < 0:
        return new
    if shift == 0 and all(line.startswith("\t") == tabs for line in new if _width(line)):
        return new
    return [_indentation(_width(line) + shift, tabs) + line.lstrip() if line.strip() else line for line in new]


def _width(line: str) -> int:
    return len(line[: len(line) - len(line.lstrip())].expandtabs(TAB_WIDTH))


def _indentation(width: int, tabs: bool) -> str:
    return "\t" * (width // TAB_WIDTH) + " " * (width % TAB_WIDTH) if tabs else " " * width


def _strip_numbers(block: list[str]) -> list[str]:
    """Drop "12| " prefixes the model copied from the numbered listing, when every line has one."""
    code = [line for line in block if line.strip()]
    if code and all(_NUMBER_PREFIX.match(line) for line in code):
        return [_NUMBER_PREFIX.sub("", line, count=1) for line in block]
    return block
