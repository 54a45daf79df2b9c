"""The one-line candidates a fix tries, most suspect line first: one-token variants of each line
(``token_fixes``: no model), then substitutions from the code around each line (no model), both
before the coder's first attempt (``token_fixes_first``) or after it; then, after that attempt
fails, the coder's corrected lines (``line_fixes``). The step judges each candidate like any
edit."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from codey_git.engine import context as ctx
from codey_git.engine.line_fixes import line_fixes, lines_to_ask, squeezed
from codey_git.engine.substitutions import substitution_fixes
from codey_git.engine.token_fixes import TokenFix, token_fixes
from codey_git.models.base import Model
from codey_git.progress import Progress


TIER = 6  # suspect lines whose no-model changes are all tried before the next lines'

# how a candidate no model wrote was found, for its commit's trailer
NO_MODEL = {"token_fix": "one-token change", "substitution": "substitution"}
# the no-model changes of a line, in the order they are tried: (format, progress words, maker)
NO_MODEL_PASSES: list[tuple[str, str, Callable[[str, int, str], Iterator[TokenFix]]]] = [
    ("token_fix", "one-token changes of", token_fixes),
    ("substitution", "names and literals from the code around", substitution_fixes),
]


@dataclass(frozen=True)
class LineCandidate:
    path: str
    line: int
    new: str  # the line as the candidate writes it
    text: str  # the file with the line replaced
    format: str  # "token_fix", "substitution" (no model) or "line_fix" (the coder's line)
    answer: str  # the coder's answer, or what changed


def suspect_lines(focus: ctx.Focus) -> list[tuple[str, int]]:
    """The focus's lines, most suspect first: the traceback's line in the first focus file, the
    lines the prompt shows as suspects, the rest of the coverage ranking, then every other focus
    line."""
    first = [(f, n) for f in focus.files[:1] for n in focus.lines.get(f, [])[:1]]
    ranking = [(s.path, s.line) for s in focus.suspects] + [(s.path, s.line) for s in focus.ranked]
    return first + ranking + [(f, n) for f in focus.files for n in focus.lines.get(f, [])]


def failure_text(sections: dict[str, str], targets: set[str]) -> str:
    """The first target test's failure, else the first failure there is."""
    return next((sections[t] for t in sorted(targets) if sections.get(t)), next(iter(sections.values()), ""))


def no_model_candidates(
    focus: ctx.Focus,
    read: Callable[[str], str | None],
    *,
    token_lines: int,
    deadline: float | None,
    clock: Callable[[], float],
    progress: Progress,
    given: set[tuple[str, int, str]],
) -> Iterator[LineCandidate]:
    """One-token changes of the first ``token_lines`` suspect lines, then substitutions on the
    same lines, six lines at a time (all of the first six's before the next six's); no model.
    Stops when the deadline passes. Each line ``(path, line, squeezed)`` given is added to
    ``given``, and none in it is given again."""
    lines = lines_to_ask(suspect_lines(focus), read, token_lines) if token_lines > 0 else []
    tiers = [lines[start : start + TIER] for start in range(0, len(lines), TIER)]
    for tier, (kind, what, make) in itertools.product(tiers, NO_MODEL_PASSES):  # a tier's token changes, then its substitutions
        for path, line in tier:
            text = read(path)
            if text is None:
                continue
            progress.stage(f"trying {what} {path} line {line}")
            for fix in make(path, line, text):
                if deadline is not None and clock() > deadline:
                    return
                if (path, line, squeezed(fix.new)) in given:
                    continue
                given.add((path, line, squeezed(fix.new)))
                yield LineCandidate(path, line, fix.new, fix.text, kind, fix.change)


def model_candidates(
    coder: Model,
    focus: ctx.Focus,
    failure: str,
    read: Callable[[str], str | None],
    *,
    model_lines: int,
    deadline: float | None,
    clock: Callable[[], float],
    progress: Progress,
    given: set[tuple[str, int, str]],
) -> Iterator[LineCandidate]:
    """The coder's corrected line for each of the first ``model_lines`` suspect lines, one line
    at a time; a line in ``given`` (often one a token change gave already) is not given again."""
    for path, line in lines_to_ask(suspect_lines(focus), read, model_lines) if model_lines > 0 else []:
        text = read(path)
        if text is None:
            continue
        progress.stage(f"asking for a corrected {path} line {line} ({coder.name})")
        for lf in line_fixes(coder, path, line, text, failure, deadline=deadline, clock=clock, on_token=progress.token):
            progress.token("\n")
            if (path, line, squeezed(lf.new)) in given:
                continue
            given.add((path, line, squeezed(lf.new)))
            yield LineCandidate(path, line, lf.new, lf.text, "line_fix", lf.answer)
