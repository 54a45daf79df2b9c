"""Long docstrings: shown to the coder shortened, and put back byte for byte in its answer.

Real functions carry 20-50 line docstrings with doctests. A small coder asked for "the complete
corrected function" re-types them, spends its answer budget on them and is cut off before the
fix. So a docstring of a function, method, class or module longer than ``MAX_SHOWN_LINES`` lines
is shown as its summary line with a marker:

    \"\"\"Return the thing. (docstring: 37 more lines not shown; keep it as is)\"\"\"

or, where lines are numbered (the `lines` format), as its first and last line around a gap that
keeps the file's real numbers. The marker costs 17 tokens (qwen2.5-coder), about one docstring line
with its indentation; a docstring of up to four lines (summary, blank, a line or two) is shown
whole, and from five lines on shortening saves at least three lines.

Back in the answer (`function` format), a definition gets the file's original docstring when its
own is the shortened form: it holds the marker, or is just the original's summary line, or is
missing while the original's is long (a fix never needs to delete documentation, and the model
was shown none of it). A docstring the model really wrote (anything else) is kept. A marker
that lands where no original can be put back (a new or renamed definition) is refused with
feedback, never written. The other formats never see a marker (``engine/docview.py``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Iterable

from .errors import HunkMismatch
from .regions import DEF_TYPES, parse, reindent
from .text import Doc

MAX_SHOWN_LINES = 4
MARKER = re.compile(r"\(docstring: \d+ more lines? not shown[^)\n]*\)")  # its last words may be dropped
_QUOTE = re.compile(r"([rRuUbB]{0,2})(\"\"\"|''')")

Defn = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


@dataclass(frozen=True)
class Docstring:
    """Where one docstring sits in its file (1-based, inclusive) and what it says."""

    first: int
    last: int
    owner: str  # the function or class name, "" for the module
    summary: str  # the first non-blank line of its text, stripped
    shortened: str  # the one line shown in its place (no number)

    @property
    def hidden(self) -> int:
        return self.last - self.first


def _docstring_node(node: ast.Module | Defn) -> ast.Expr | None:
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            return body[0]
    return None


def _summary(value: str) -> str:
    return next((line.strip() for line in value.splitlines() if line.strip()), "")


def _locate(expr: ast.Expr, lines: list[str], owner: str) -> Docstring | None:
    first, last = expr.lineno, expr.end_lineno or expr.lineno
    head, tail = lines[first - 1], lines[last - 1]
    quote = _QUOTE.match(head, expr.col_offset)
    if quote is None or tail[expr.end_col_offset or 0 :].strip() or head[: expr.col_offset].strip():
        return None  # not a plain triple-quoted docstring on lines of its own
    assert isinstance(expr.value, ast.Constant) and isinstance(expr.value.value, str)
    summary = _summary(expr.value.value)
    more = last - first
    text = f"{summary} (docstring: {more} more line{'s' if more > 1 else ''} not shown; keep it as is)"
    return Docstring(first, last, owner, summary, head[: expr.col_offset] + quote.group(0) + text + quote.group(2))


def all_docstrings(source: str) -> list[Docstring]:
    """Every module, class and function docstring of ``source`` (none when it does not parse)."""
    tree = parse(source)
    if tree is None:
        return []
    lines = Doc.from_text(source).lines  # numbered as ast numbers them (splitlines also splits at \f)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, *DEF_TYPES)):
            expr = _docstring_node(node)
            located = _locate(expr, lines, "" if isinstance(node, ast.Module) else node.name) if expr else None
            if located is not None:
                found.append(located)
    return found


def is_long(doc: Docstring) -> bool:
    return doc.last - doc.first + 1 > MAX_SHOWN_LINES


def long_docstrings(source: str, keep_lines: Iterable[int] = (), keep_owners: Iterable[str] = ()) -> dict[int, Docstring]:
    """The docstrings to show shortened, by first line: the long ones, except any that holds a
    line in ``keep_lines`` (a focus, suspect or traceback line: the bug or a failing doctest may be
    there) or belongs to a definition in ``keep_owners`` (whose doctest fails)."""
    lines, owners = set(keep_lines), set(keep_owners)
    return {
        d.first: d
        for d in all_docstrings(source)
        if is_long(d) and d.owner not in owners and not any(d.first <= n <= d.last for n in lines)
    }


def span_lines(src: list[str], start: int, end: int, width: int, numbered: bool, short: dict[int, Docstring]) -> list[str]:
    """Lines ``start``-``end`` (1-based) of ``src`` as shown: the docstrings of ``short`` that lie
    wholly inside shortened; numbered ones as first line, a gap, last line."""
    out: list[str] = []
    n = start
    while n <= end:
        doc = short.get(n)
        if doc is not None and doc.last <= end:
            if numbered:
                out.append(f"{doc.first:>{width}}| {src[doc.first - 1]}")
                if doc.last - doc.first > 1:
                    out.append(f"# ... (lines {doc.first + 1}-{doc.last - 1} not shown: docstring, keep it as is)")
                out.append(f"{doc.last:>{width}}| {src[doc.last - 1]}")
            else:
                out.append(doc.shortened)
            n = doc.last + 1
            continue
        out.append(f"{n:>{width}}| {src[n - 1]}" if numbered else src[n - 1])
        n += 1
    return out


def shortened_source(source: str) -> str:
    """``source`` with every long docstring shortened (line numbers change: not for `lines`)."""
    src = source.splitlines()
    return "\n".join(span_lines(src, 1, len(src), 0, False, long_docstrings(source)))


def is_shortened(text: str) -> bool:
    return MARKER.search(text) is not None


# --- putting them back -------------------------------------------------------------------


def _pairs(node: Defn, target: Defn) -> list[tuple[Defn, Defn]]:
    """``node`` with the definition it replaces, and inside classes each member with the file's
    only member of the same name and kind."""
    pairs = [(node, target)]
    if isinstance(node, ast.ClassDef) and isinstance(target, ast.ClassDef):
        for member in node.body:
            if isinstance(member, DEF_TYPES):
                same = [t for t in target.body if isinstance(t, DEF_TYPES) and t.name == member.name]
                if len(same) == 1 and isinstance(member, ast.ClassDef) == isinstance(same[0], ast.ClassDef):
                    pairs += _pairs(member, same[0])
    return pairs


def _wants_original(mine: ast.Expr | None, original: Docstring) -> bool:
    if not is_long(original):
        return False
    if mine is None:
        return True
    assert isinstance(mine.value, ast.Constant) and isinstance(mine.value.value, str)
    text = mine.value.value
    return is_shortened(text) or " ".join(text.split()) == " ".join(original.summary.split())


def restore(
    rows: list[str], node: Defn, row_of: int, target: Defn, file_lines: list[str], file_docs: dict[int, Docstring]
) -> tuple[list[str], list[str]]:
    """``rows`` (the answer's definition ``node``, as it will be spliced in; block line L is row
    L - ``row_of``) with the original docstrings of ``target`` (and its members) put back where
    the answer's are the shortened form. Returns the rows and notes."""
    changes: list[tuple[int, int, list[str], str]] = []
    for mine, theirs in _pairs(node, target):
        expr = _docstring_node(theirs)
        original = file_docs.get(expr.lineno) if expr else None
        ours = _docstring_node(mine)
        if original is None or not _wants_original(ours, original) or not mine.body or mine.body[0].lineno == mine.lineno:
            continue
        old = file_lines[original.first - 1 : original.last]
        if ours is not None:
            start, end = ours.lineno - row_of, (ours.end_lineno or ours.lineno) - row_of + 1
            indent = _indent(rows[start])
        else:
            first = mine.body[0]
            start = min([first.lineno] + [d.lineno for d in getattr(first, "decorator_list", [])]) - row_of
            while start - 1 > mine.lineno - row_of and rows[start - 1].lstrip().startswith("#"):
                start -= 1  # a comment above the first statement stays with it
            end, indent = start, _indent(rows[start])
        if indent != _indent(old[0]):
            old = reindent(old, _indent(old[0]), indent)
        what = "shortened" if ours is not None else "left out"
        changes.append((start, end, old, f"kept the docstring of {mine.name} as in the file (the answer's was {what})"))
    notes = []
    for start, end, lines, note in sorted(changes, key=lambda c: c[0], reverse=True):
        rows[start:end] = lines
        notes.append(note)
    return rows, notes[::-1]


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def check_no_marker(original: str, new: str, label: str) -> None:
    """Refuse a result that would write a docstring marker into a file that had none."""
    if is_shortened(new) and not is_shortened(original):
        raise HunkMismatch(
            f"the edit of {label} would write a shortened-docstring marker into the file",
            f"Your edit of {label} copies a shortened docstring (`(docstring: N more lines not shown; "
            "keep it as is)`) where codey cannot put the original back: into a new or renamed "
            "definition, or outside a docstring. Send the definition under its own name, with the "
            "docstring line as shown. Nothing was changed.",
        )


# the marks that stand for code not shown: the excerpt's gaps ("# ... (lines 5-12 not shown)",
# "# ... (lines not shown)", "... not shown: docstring, keep it as is)") and a shortened docstring
_NOT_SHOWN = re.compile(r"#\s*\.\.\.\s*\(lines?\b[^)\n]*not shown|" + MARKER.pattern)


def check_no_elision(original: str, new: str, label: str) -> None:
    """Refuse a result that writes a mark of code not shown, which ``original`` did not have, into
    the file: the model copied the mark in place of the lines it stands for."""
    copied = [m.group(0) for m in _NOT_SHOWN.finditer(new)]
    if copied and len(copied) > len(_NOT_SHOWN.findall(original)):
        raise HunkMismatch(
            f"the edit of {label} would write codey's `{copied[0]}` mark into the file",
            f"Your edit of {label} copies `{copied[0]}`, which only marks code that was not shown to "
            "you; it would replace that code. Write only the lines you change, and leave the lines "
            "not shown out of the edit. Nothing was changed.",
        )
