"""One-line fixes for the lines the failing tests point at, asked for one line at a time.

Shown a whole function, the 1.5B coder often names the broken line and then writes it back
unchanged (34 of 85 realbench answers). Asked for that line alone, with the failure and the lines
around it, and told that the answer must differ from it, it writes a changed line, and often the
right one, for a tenth of the tokens. Each distinct answer that still parses is one candidate; the
step judges it by the tests like any other edit (target tests first), so a wrong line costs a
second or two of tests and nothing else.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from codey_git.engine.definitions import enclosing
from codey_git.models.base import Message, Model, NoResponse, OutOfTime, stop_when_late
from codey_git.testpaths import is_test_file

MAX_LINES = 3  # suspect lines asked about, most suspicious first
SAMPLES = 4  # answers per line: the first greedy, the rest sampled
SAMPLE_TEMPERATURE = 0.8
LINE_TOKENS = 60  # one line of code, its fence included
BEFORE, AFTER = 15, 10  # lines of context around the asked line, within its function
FAILURE_CHARS = 1500

SYSTEM = "You are an expert Python developer fixing a bug."
_FENCE = re.compile(r"```[\w+-]*\n(.*?)(?:\n```|$)", re.S)


@dataclass(frozen=True)
class LineFix:
    path: str
    line: int
    old: str  # the line as it is
    new: str  # the line as the model wrote it, indented like the old one
    text: str  # the file with the line replaced
    answer: str  # what the model wrote


def lines_to_ask(
    focus_lines: list[tuple[str, int]], read: Callable[[str], str | None], limit: int = MAX_LINES
) -> list[tuple[str, int]]:
    """The first ``limit`` of ``focus_lines`` (most suspicious first) that a one-line fix can
    change: statements of non-test Python files, not a ``def``/``class`` line, a decorator, a
    comment, a blank line or a line inside a string (a docstring)."""
    chosen: list[tuple[str, int]] = []
    strings: dict[str, set[int]] = {}
    for path, line in focus_lines:
        if len(chosen) >= limit:
            break
        if (path, line) in chosen or is_test_file(path) or not path.endswith(".py"):
            continue
        text = read(path)
        lines = source_lines(text) if text else []
        if not 1 <= line <= len(lines):
            continue
        code = lines[line - 1].lstrip("\ufeff").strip()
        if not code or code.startswith(("#", "@", "def ", "async def ", "class ")):
            continue
        if path not in strings:
            strings[path] = _string_lines(text or "")
        if line in strings[path]:
            continue
        chosen.append((path, line))
    return chosen


def source_lines(text: str) -> list[str]:
    """The file's lines as Python, tracebacks and the coverage tracer number them: split at "\n"
    only (a form feed is not a line break to them), without the "\r" of a CRLF file."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text.removeprefix("\ufeff"))  # a byte-order mark is not code
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _string_lines(text: str) -> set[int]:
    """Lines that lie inside a multi-line string (docstrings above all, bytes and f-strings too):
    not code to change."""
    tree = _parse(text)
    if tree is None:
        return set()
    inside: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.JoinedStr, ast.Constant)) or not isinstance(getattr(node, "value", ""), (str, bytes)):
            continue
        if node.end_lineno and node.end_lineno > node.lineno:
            inside.update(range(node.lineno + 1, node.end_lineno + 1))
    return inside


def prompt(path: str, line: int, text: str, failure: str) -> list[Message]:
    lines = source_lines(text)
    _name, first, last = enclosing(text, line) or ("", line - BEFORE, line + AFTER)
    first, last = max(first, line - BEFORE, 1), min(last, line + AFTER, len(lines))
    shown = "\n".join(f"{n:>5}{'>>' if n == line else '  '} {lines[n - 1]}" for n in range(first, last + 1))
    failure = failure.strip()
    if len(failure) > FAILURE_CHARS:
        failure = "[...]\n" + failure[-FAILURE_CHARS:]
    user = (
        f"A test fails:\n```\n{failure}\n```\n\n"
        f"{path}, lines {first}-{last} (line numbers on the left; >> marks line {line}):\n```python\n{shown}\n```\n\n"
        f"Line {line} is the most likely place of the bug:\n```python\n{lines[line - 1].strip()}\n```\n"
        f"Write line {line} corrected: one line of Python that makes the test pass, different from the line above. "
        "Answer with the line only, in a ```python block."
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def parse_line(answer: str, old: str, number: int | None = None) -> str | None:
    """The one line of code the answer holds, indented as ``old`` (a continuation line keeps its
    place in the bracket), or None: no code, or the old line again. A copied line number
    (``12>>``, ``Line 12:``) is dropped when it is ``number``, the line asked for."""
    fenced = _FENCE.search(answer)
    body = fenced.group(1) if fenced else answer
    numbered = re.compile(rf"^\s*(?:line\s+)?{number}\s*(?:>>|:|\|)?\s", re.I) if number else None
    lines = (numbered.sub("", x, count=1) if numbered else x for x in body.splitlines())
    code = next((c for c in (x.strip() for x in lines) if c and not c.startswith("#")), "")
    stripped = old.strip()
    if not code or squeezed(code) == squeezed(stripped) or "```" in code:
        return None
    if stripped.endswith(",") and not code.endswith(",") and not code.endswith(("(", "[", "{")):
        code += ","  # an argument or element in a bracket: the model drops its comma
    return old[: len(old) - len(old.lstrip())] + code


_JUMP = re.compile(r"(?:return|raise|break|continue)\b")


def _cuts_block_short(new: str, old: str, lines: list[str], line: int) -> bool:
    """A ``return``/``raise``/``break``/``continue`` written over a line that was none of these,
    with more of its block below it: the rest of the block would never run (a model asked about
    ``total = float(total)`` that answers with the function's return)."""
    if not _JUMP.match(new.strip()) or _JUMP.match(old.strip()):
        return False
    indent = len(new) - len(new.lstrip())
    for below in lines[line:]:
        code = below.strip()
        if code and not code.startswith("#"):
            return len(below) - len(below.lstrip()) >= indent
    return False


def squeezed(code: str) -> str:
    return re.sub(r"\s+", "", code)


def line_fixes(
    model: Model,
    path: str,
    line: int,
    text: str,
    failure: str,
    *,
    deadline: float | None,
    clock: Callable[[], float],
    on_token: Callable[[str], None] | None = None,
    samples: int = SAMPLES,
) -> Iterator[LineFix]:
    """Distinct candidates for ``line`` of ``path``, each leaving a file that parses; stops early
    when the model gives no answer or the deadline passes."""
    lines = text.split("\n")
    old = lines[line - 1].removesuffix("\r")
    ending = "\r" if lines[line - 1].endswith("\r") else ""
    messages = prompt(path, line, text, failure)
    stop = stop_when_late(deadline, clock)
    seen: set[str] = set()
    for sample in range(samples):
        if deadline is not None and clock() > deadline:
            return

        def token(t: str) -> None:
            stop(t)
            if on_token is not None:
                on_token(t)

        try:
            completion = model.chat(
                messages,
                purpose="line_fix",
                max_tokens=LINE_TOKENS,
                temperature=0.0 if sample == 0 else SAMPLE_TEMPERATURE,
                seed=1000 + sample,
                on_token=token,
            )
        except (NoResponse, OutOfTime):
            return
        new = parse_line(completion.text, old, line)
        if new is None or squeezed(new) in seen or _cuts_block_short(new, old, lines, line):
            continue
        seen.add(squeezed(new))
        changed = "\n".join(lines[: line - 1] + [new + ending] + lines[line:])
        if _parse(changed) is None:
            continue
        yield LineFix(path, line, old, new, changed, completion.text)
