"""What to tell the coder when its line edit wrote lines back unchanged.

The 1.5B coder, asked for the lines that change, often writes back the line the traceback names,
unchanged, again and again (realbench tabulate-01: five answers of six), while the wrong line is
one the prompt named as a suspect beside it. "Your edit changes nothing" alone does not move it;
naming the other lines the failing tests run does give it somewhere else to look.
"""

from __future__ import annotations

from typing import Callable

from codey_git.edits.lineedit import find_line_edits
from codey_git.engine.context import Focus
from codey_git.testpaths import is_test_file

NAMED = 3  # other lines named, at most


def echo_hint(answer: str, focus: Focus, read: Callable[[str], str | None]) -> str | None:
    """A sentence for the feedback on a line edit that changed nothing: which lines it wrote back,
    and the other suspect or focus lines of the project's code, most suspicious first. None when
    the answer held no line edit."""
    edits = find_line_edits(answer)
    if not edits:
        return None
    default = next((f for f in focus.files if not is_test_file(f)), None)
    echoed = {(e.path or default, n) for e in edits for n in range(e.start, e.end + 1)}
    numbers = sorted(n for _, n in echoed)
    said = f"Line {numbers[0]} already reads" if len(numbers) == 1 else f"Lines {numbers[0]}-{numbers[-1]} already read"
    text = (
        f"{said} exactly as you wrote it. The line where a test fails is not always the wrong line: "
        "a wrong value may be made on a line before it."
    )
    others = [(s.path, s.line) for s in focus.suspects] + [(p, n) for p, lines in focus.lines.items() for n in lines]
    parts: list[str] = []
    for path, n in dict.fromkeys(others):  # in order, once each
        if (path, n) in echoed or is_test_file(path) or len(parts) == NAMED:
            continue
        src = (read(path) or "").splitlines()
        if 1 <= n <= len(src) and src[n - 1].strip():
            parts.append(f"line {n} of {path}: `{src[n - 1].strip()}`")
    if parts:
        text += " The failing tests also run " + "; ".join(parts) + ". Change the line that is wrong."
    return text
