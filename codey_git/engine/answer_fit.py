"""The edit format a step asks for: the model family's default, and whether a whole-definition
answer fits the coder's answer budget.

A `function` answer re-types the whole definition it fixes. Real packages hold functions of
130-200 lines (realbench: 9 of its 48 bugs sit in definitions over 60 lines of code), and
re-typing one costs 1,300-2,000 tokens: every answer is cut off at the 768-token cap and rejected
before its fix is seen (3 of the 6 tasks of the session-11 sample, 16 of 36 answers). For such a
definition the step asks for the lines that change (`lines`) instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from codey_git.config import Config
from codey_git.edits.docstrings import long_docstrings, span_lines
from codey_git.engine import definitions
from codey_git.testpaths import is_test_file

if TYPE_CHECKING:
    from codey_git.engine.context import Focus

# past this share of the answer budget, re-typing the definition leaves too little for the note,
# the fences and the change itself (an answer also re-types a line or two around it)
RETYPE_SHARE = 0.75


def retype_tokens(focus: Focus, read: Callable[[str], str | None], count: Callable[[str], int]) -> tuple[str, int] | None:
    """(name, tokens) of the definition a `function` answer would re-type: the innermost function
    or class around the first focus line of the first library file, long docstrings shortened as
    the coder is shown them. None when no focus line lies in a definition."""
    for path in focus.files:
        lines = focus.lines.get(path)
        if is_test_file(path) or not path.endswith(".py") or not lines:
            continue
        text = read(path)
        found = definitions.enclosing(text, lines[0]) if text else None
        if not text or found is None:
            continue
        name, start, end = found
        shown = span_lines(text.splitlines(), start, end, 0, False, long_docstrings(text, keep_lines=lines))
        return name, count("\n".join(shown))
    return None


def fitting_format(
    fmt: str, focus: Focus, read: Callable[[str], str | None], count: Callable[[str], int], max_tokens: int
) -> tuple[str, str | None]:
    """(the format to ask for, why it changed or None): `lines` in place of `function` when the
    definition to fix would take more than RETYPE_SHARE of ``max_tokens`` to re-type."""
    if fmt != "function":
        return fmt, None
    found = retype_tokens(focus, read, count)
    if found is None or found[1] <= max_tokens * RETYPE_SHARE:
        return fmt, None
    name, tokens = found
    return "lines", (
        f"{name} takes about {tokens} tokens to re-type, more than the answer's {max_tokens}: asking for the lines that change"
    )


# Default edit format per model family, chosen by fixbench measurement (docs/benchmarks.md); a step
# whose definition is too long to re-type asks for line edits instead (answer_fit.py). Line
# edits ("lines") would cost the fewest tokens, but the 1.5B mostly echoes the line it was asked to
# fix (0/6 in a one-try pilot), so the Qwen coders rewrite whole functions.
DEFAULT_FORMATS = {"qwen2.5-coder": "function", "smollm2": "function"}


def edit_format(config: Config, model_name: str) -> str:
    chosen: str = config.edit_format
    if chosen != "auto":
        return chosen
    base = model_name.split("/")[-1]
    for prefix, fmt in DEFAULT_FORMATS.items():
        if base.startswith(prefix):
            return fmt
    return "search_replace"
