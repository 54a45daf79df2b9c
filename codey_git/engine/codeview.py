"""Choosing what code the model sees, within its context window.

First a long focus file's relevant definitions (``windows``), else the whole focus files; when
they do not fit, function-level windows around the named or failing lines; when even that does
not fit, stop and say so. Never truncate silently: what is left out is marked as not shown.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from codey_git.edits.docstrings import Docstring, long_docstrings, span_lines
from codey_git.engine import context as ctx
from codey_git.engine import definitions
from codey_git.engine.docview import helper_source, short_docstrings
from codey_git.engine.prompts import edit_messages, render_code
from codey_git.engine.windows import merge_spans, names_in, window_spans
from codey_git.errors import UsageError
from codey_git.models.base import Message, Model
from codey_git.testpaths import is_test_file

if TYPE_CHECKING:
    from codey_git.engine.worktrees import Worktree

MAX_FILES = 4
SECTION_LINES = 30


def _failures_text(sections: dict[str, str], limit_chars: int = 2500) -> str:
    parts: list[str] = []
    used = 0
    for name, text in sections.items():
        lines = text.strip().splitlines()
        if len(lines) > SECTION_LINES:
            lines = lines[:8] + ["[...]"] + lines[-(SECTION_LINES - 9) :]
        block = f"{name}\n" + "\n".join(lines)
        if used + len(block) > limit_chars and parts:
            parts.append(f"[{len(sections) - len(parts)} more failing tests not shown]")
            break
        parts.append(block)
        used += len(block)
    return "\n\n".join(parts)


def _test_sources(sections: dict[str, str], wt: Worktree, limit: int = 2, max_lines: int = 25) -> str:
    """The source of the failing test functions: the model needs the calls, not just the assert."""
    parts, seen = [], set()
    for text in sections.values():
        for rel, line, _func in ctx.frames(text, wt.path):
            if not is_test_file(rel):
                continue
            source = wt.read(rel) or ""
            found = definitions.enclosing(source, line)
            if found and (rel, found[0]) not in seen:
                seen.add((rel, found[0]))
                body = source.splitlines()[found[1] - 1 : found[2]]
                if len(body) > max_lines:
                    body = body[:max_lines] + ["    # ..."]
                parts.append(f"{rel}:\n```python\n" + "\n".join(body) + "\n```")
            break
        if len(parts) >= limit:
            break
    return "\n\n".join(parts)


def _enclosing_spans(source: str, lines: list[int], margin: int = 2) -> list[tuple[int, int]]:
    """Merged (first, last) line spans: the function around each line, or 10 lines either side."""
    spans = []
    for line in lines:
        found = definitions.enclosing(source, line)
        start, end = (found[1], found[2]) if found else (max(1, line - 10), line + 10)
        spans.append((max(1, start - margin), end + margin))
    return merge_spans(spans)


def excerpt(
    source: str, spans: list[tuple[int, int]] | None = None, *, numbered: bool = False, short: dict[int, Docstring] | None = None
) -> str:
    """The lines of ``spans`` (all lines when None), elided parts marked; with ``numbered`` each
    line carries its number ("12| code"), for the `lines` edit format. The docstrings of ``short``
    are shown shortened (``edits.docstrings``)."""
    src = source.splitlines()
    spans = [(1, len(src))] if spans is None else spans
    width = len(str(len(src)))
    out: list[str] = []
    for s, e in spans:
        e = min(e, len(src))
        if s > 1:
            out.append(f"# ... (lines 1-{s - 1} not shown)" if not out else "# ... (lines not shown)")
        out.extend(span_lines(src, s, e, width, numbered, short or {}))
    if spans and spans[-1][1] < len(src):
        out.append(f"# ... (lines {spans[-1][1] + 1}-{len(src)} not shown)")
    return "\n".join(out)


def _line_notes(focus: ctx.Focus, files: dict[str, str]) -> list[str]:
    notes = [focus.recent] if focus.recent else []
    marked = _suspect_note(focus, files)
    if marked:
        notes.append(marked)
    # the lines the note names, and the suspects not on a traceback: no "Line N is" for them
    skip = {(s.path, s.line) for i, s in enumerate(focus.suspects) if i < focus.suspects_noted or not s.on_trace}
    for path, lines in focus.lines.items():
        text = files.get(path)
        if text is None:
            continue
        src = text.splitlines()
        for line in [n for n in lines if (path, n) not in skip][:3]:
            if 1 <= line <= len(src) and src[line - 1].strip():
                notes.append(f"Line {line} of {path} is: `{src[line - 1].strip()}`")
    return notes


def _suspect_note(focus: ctx.Focus, files: dict[str, str], limit: int = ctx.SUSPECT_NOTED) -> str:
    """One line naming the most suspicious lines of the files shown (``suspects``): those the
    evidence tells apart from the rest; when more lines than ``limit`` share the top line's
    evidence, the functions they are in instead: which of them is wrong, the tests cannot tell."""
    if not focus.suspects:
        return ""
    if not focus.suspects_noted:
        return _suspect_functions_note(focus, files)
    parts, last = [], None
    top = focus.suspects[0].score
    for s in focus.suspects[: min(limit, focus.suspects_noted)]:
        if s.score < top / 2:  # far less suspicious than the first: not worth the words
            break
        src = (files.get(s.path) or "").splitlines()
        if not 1 <= s.line <= len(src) or not src[s.line - 1].strip():
            continue
        where = f"line {s.line}" if s.path == last else f"{s.path} line {s.line}"
        parts.append(f"{where}: `{src[s.line - 1].strip()}`")
        last = s.path
    if not parts:
        return ""
    return "Lines most run by the failing tests and least by the passing ones (most suspicious first): " + "; ".join(parts)


def _suspect_functions_note(focus: ctx.Focus, files: dict[str, str]) -> str:
    parts, seen = [], set()
    for s in focus.suspects:
        found = definitions.enclosing(files.get(s.path) or "", s.line) if s.evidence == focus.suspects[0].evidence else None
        if found and (s.path, found[1]) not in seen:
            seen.add((s.path, found[1]))
            parts.append(f"`{found[0]}` ({s.path} lines {found[1]}-{found[2]})")
    if not parts:
        return ""
    return f"Code most run by the failing tests and least by the passing ones ({focus.suspects_tied} lines tie): " + "; ".join(
        parts
    )


def focus_symbol(focus: ctx.Focus, files: dict[str, str]) -> str | None:
    for path in focus.files:
        text = files.get(path)
        for line in focus.lines.get(path, []):
            found = definitions.enclosing(text or "", line)
            if found:
                return found[0]
    return None


def _edit_paths(focus: ctx.Focus) -> list[str]:
    return [f for f in focus.files if not is_test_file(f)][:MAX_FILES] or focus.files[:2]


def answer_budget(model: Model, fmt: str, focus: ctx.Focus, wt: Worktree, configured: int) -> int:
    """Tokens the coder may write. A whole-file answer rewrites every file shown, so there the
    configured cap rises to those files' length plus a quarter (the fix, fences, a note), within
    half the context; a cap below that would cut every answer for a long file."""
    if fmt != "whole_file":
        return configured
    need = sum(model.count_tokens(wt.read(p) or "") for p in _edit_paths(focus)) * 5 // 4 + 64
    return max(configured, min(need, model.context_size // 2))


def _long_file_windows(
    model: Model, fmt: str, contents: dict[str, str], focus: ctx.Focus, tests: str
) -> dict[str, list[tuple[int, int]]]:
    """Spans to show of each long Python focus file (``windows``). None for a whole-file answer,
    which must see the whole file it rewrites."""
    if fmt == "whole_file":
        return {}
    used = names_in(tests)
    windows = {}
    for path, text in contents.items():
        spans = window_spans(model.count_tokens, text, focus.lines.get(path, []), used) if path.endswith(".py") else None
        if spans:
            windows[path] = spans
    return windows


def _narrow(
    model: Model,
    contents: dict[str, str],
    focus: ctx.Focus,
    windows: dict[str, list[tuple[int, int]]],
    limit: int,
    numbered: bool,
    clues: str = "",
    short: dict[str, dict[int, Docstring]] | None = None,
) -> dict[str, str]:
    """The first focus file cut to what fits ``limit`` tokens: the innermost functions around the
    named lines, else its relevant windows, else the functions whose words the request and the
    failures use most, until the limit."""
    for path, text in contents.items():
        hidden = (short or {}).get(path)
        spans = (
            [s for line in focus.lines.get(path, []) if (s := _innermost(text, line))]
            or windows.get(path, [])
            or _by_clues(text, clues)
        )
        kept: list[tuple[int, int]] = []
        for span in spans:
            trial = merge_spans([*kept, span])
            if model.count_tokens(excerpt(text, trial, numbered=numbered, short=hidden)) > limit:
                continue  # too long with this one: a smaller one further down may still fit
            kept = trial
        if kept:
            return {path: excerpt(text, kept, numbered=numbered, short=hidden)}
    return {}


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


def _by_clues(source: str, clues: str) -> list[tuple[int, int]]:
    """Spans of the functions (methods included) that share the most words with ``clues`` (the
    request, the failure text, the failing tests), its own name counting most; best first."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    words = set(_WORD.findall(clues))
    lines = source.splitlines()
    scored = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            body = set(_WORD.findall("\n".join(lines[start - 1 : node.end_lineno])))
            score = 5 * (node.name in words) + len(body & words)
            if score:
                scored.append((-score, start, node.end_lineno))
    return [(start, end) for _, start, end in sorted(scored)]


def _innermost(source: str, line: int) -> tuple[int, int] | None:
    found = definitions.enclosing(source, line)
    return (found[1], found[2]) if found else (max(1, line - 15), line + 15)


def build_messages(
    model: Model,
    request: str,
    kind: str,
    focus: ctx.Focus,
    sections: dict[str, str],
    fmt: str,
    wt: Worktree,
    *,
    new_files: list[str],
    allow_test_edits: bool,
    feedback: str | None,
    max_tokens: int,
    long_files: str = "windows",
) -> tuple[list[Message], str | None, list[str]]:
    """(messages, the symbol to edit if known, the files shown: where an edit may go)."""
    contents = {p: t for p in _edit_paths(focus) if (t := wt.read(p)) is not None}
    # the functions the focus code imports from other project modules: bugs hide in helpers
    numbered = fmt == "lines"
    extra: dict[str, str] = {}
    for path in list(contents):
        for helper, names in definitions.helpers(path, wt.read).items():
            if helper not in contents and not is_test_file(helper) and len(extra) < MAX_FILES:
                source = wt.read(helper) or ""
                extra[helper] = (
                    helper_source(source, names, fmt)
                    if not numbered
                    else "# ... (only the definitions used elsewhere are shown)\n"
                    + excerpt(
                        source,
                        merge_spans(definitions.definition_spans(source, names)),
                        numbered=True,
                        short=long_docstrings(source),
                    )
                )
    failures = _failures_text(sections)
    tests = _test_sources(sections, wt)
    notes = _line_notes(focus, contents)
    symbol = focus_symbol(focus, contents)
    short = short_docstrings(fmt, contents, focus, sections, wt.path)
    budget = model.context_size - max_tokens
    windows = _long_file_windows(model, fmt, contents, focus, tests) if long_files == "windows" else {}
    used = 0
    for level in ("windows", "full", "functions", "narrow"):
        if level == "windows" and not windows:
            continue
        if level == "narrow":  # a real package's long modules: one file, the code that matters, less text
            clues = f"{request}\n{failures}\n{tests}"
            shown = _narrow(model, contents, focus, windows, budget // 2, numbered, clues=clues, short=short)
            if not shown:
                break
            failures, tests = failures[:1500], tests[:1500]
            code = render_code(shown, notes) + (f"\n\nThe failing test:\n{tests}" if tests else "")
            messages = edit_messages(
                request, code, failures, fmt, kind=kind, new_files=new_files, allow_test_edits=allow_test_edits, feedback=feedback
            )
            used = model.count_tokens("\n".join(m["content"] for m in messages)) + 8 * len(messages)
            if used <= budget:
                return messages, symbol, list(shown)
            break
        parts = windows if level == "windows" else {}
        shown = {
            p: excerpt(t, parts.get(p), numbered=numbered, short=short.get(p)) if numbered or p in parts or short.get(p) else t
            for p, t in contents.items()
        }
        shown.update(extra)
        if level == "functions":
            spans = {p: _enclosing_spans(t, focus.lines.get(p, [])) for p, t in contents.items()}
            if not any(spans.values()):
                continue
            shown = {p: excerpt(contents[p], sp, numbered=numbered, short=short.get(p)) for p, sp in spans.items() if sp}
            shown.update(extra)
        code = render_code(shown, notes) + (f"\n\nThe failing test:\n{tests}" if tests else "")
        messages = edit_messages(
            request, code, failures, fmt, kind=kind, new_files=new_files, allow_test_edits=allow_test_edits, feedback=feedback
        )
        used = model.count_tokens("\n".join(m["content"] for m in messages)) + 8 * len(messages)
        if used <= budget:
            return messages, symbol, list(shown)
    raise UsageError(
        f"the request needs about {used} prompt tokens, but {model.name} has room for {budget} "
        f"(context {model.context_size}, {max_tokens} kept for the answer)",
        "Name a narrower target, e.g. `git codey fix \"bug in FILE line N\"`, or raise `context_size`.",
    )
