"""The tests' other answers: after a one-line change no model wrote passes, the other untried
no-model changes of the same line are judged the same way. When more than one passes, the tests
cannot tell them apart: the coder model's sense of code (``naturalness``) picks the one that reads
most like the code around it, and the others are named (the commit's trailer, the output,
``--json``'s ``also_passing``) so the user reads the commit. A backend that cannot score keeps the
first that passed."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TypeVar

from codey_git.engine.line_candidates import NO_MODEL_PASSES, LineCandidate
from codey_git.engine.line_fixes import squeezed
from codey_git.engine.naturalness import most_natural
from codey_git.engine.task import AttemptRecord
from codey_git.engine.token_fixes import TokenFix
from codey_git.engine.worktrees import Worktree
from codey_git.models.base import Model
from codey_git.progress import Progress
from codey_git.testrun import TestRun

ALSO_TRIED = 12  # other changes of the line judged at most
ALSO_SECONDS = 30.0  # and for at most this long

T = TypeVar("T")


@dataclass(frozen=True)
class Accepted:
    """A change of the line that the tests accept, with the run that accepted it."""

    format: str  # "token_fix" or "substitution"
    new: str  # the line as the change writes it
    text: str  # the file with the line replaced
    change: str  # what changed ("`<` -> `<=`")
    run: TestRun
    side_effects: list[str]  # what that run's tests changed beyond the file


def other_changes(fix: LineCandidate, before: str) -> Iterator[tuple[str, TokenFix]]:
    """Every no-model change of ``fix``'s line, in the order they are tried, with its kind."""
    return itertools.chain.from_iterable(
        ((kind, o) for o in make(fix.path, fix.line, before)) for kind, _, make in NO_MODEL_PASSES
    )


def also_passing(
    fix: LineCandidate,
    before: str,
    passes: Callable[[str, TokenFix], T | None],
    *,
    given: set[tuple[str, int, str]],
    deadline: float | None,
    clock: Callable[[], float],
    limit: int = ALSO_TRIED,
) -> tuple[list[T], int, int]:
    """After ``fix`` (a change no model wrote) passed: the other no-model changes of its line, not
    tried yet (none in ``given``), that ``passes`` (given the kind and the change, it gives what the
    caller keeps of a pass, or None), at most ``limit`` tried; with how many were judged and how
    many there were to judge (the deadline may stop it first)."""
    others = other_changes(fix, before)
    untried = list(itertools.islice(((k, o) for k, o in others if (fix.path, fix.line, squeezed(o.new)) not in given), limit))
    found, judged = [], 0
    for kind, other in untried:
        if deadline is not None and clock() > deadline:
            break
        given.add((fix.path, fix.line, squeezed(other.new)))
        judged += 1
        kept = passes(kind, other)
        if kept is not None:
            found.append(kept)
    return found, judged, len(untried)


def told_apart(accepted: list[Accepted]) -> list[Accepted]:
    """The changes, each named so that it can be told from the others: a note that two changes
    share (`0` -> `1` of ``a[0] + b[0]``) gets the changed line after it."""
    notes = [a.change for a in accepted]
    return [replace(a, change=f"{a.change} in `{a.new.strip()}`") if notes.count(a.change) > 1 else a for a in accepted]


def judge_others(
    first: Accepted,
    fix: LineCandidate,
    before: str,
    record: AttemptRecord,
    wt: Worktree,
    judge: Callable[[], tuple[TestRun, bool, str]],
    progress: Progress,
    given: set[tuple[str, int, str]],
    deadline: float | None,
    coder: Model,
) -> Accepted:
    """``also_passing`` in the worktree, each change on a clean one (``judge`` gives the tests'
    verdict on what it holds); when others pass, the one ``coder`` scores likeliest as code. Fills
    ``record``'s ``also_passing``, ``also_checked`` and ``ranked_by``; the worktree holds the
    change returned."""
    progress.stage(f"checking whether other changes of {fix.path} line {fix.line} pass the tests too")

    def passes(kind: str, other: TokenFix) -> Accepted | None:
        wt.reset()  # not on what the run before it left
        wt.fs.write_all({fix.path: other.text})
        run, ok, _ = judge()
        return Accepted(kind, other.new, other.text, other.change, run, wt.changed_beyond({fix.path: other.text})) if ok else None

    cap = time.monotonic() + ALSO_SECONDS
    found, record.also_checked, total = also_passing(
        fix, before, passes, given=given, deadline=cap if deadline is None else min(cap, deadline), clock=time.monotonic
    )
    if record.also_checked < total:
        progress.info(f"{total - record.also_checked} other changes of {fix.path} line {fix.line} not judged (out of time)")
    accepted = told_apart([first, *found])
    first = accepted[0]
    # the tests tell apart changes under which different tests pass: only the best are equals
    best = max(accepted, key=lambda a: a.run.counts.get("passed", 0))  # the first of the best
    equals, chosen = [a for a in accepted if a.run.counts == best.run.counts], best
    if len(equals) > 1 and (deadline is None or time.monotonic() < deadline):
        progress.stage(f"scoring the {len(equals)} changes of {fix.path} line {fix.line} the tests accept ({coder.name})")
        ranked = most_natural(coder, before, fix.line, [a.new for a in equals])
        if ranked is not None:
            chosen, record.ranked_by = equals[ranked], coder.name
    record.also_passing = [a.change for a in accepted if a is not chosen]
    wt.reset()
    wt.fs.write_all({fix.path: chosen.text})
    if chosen is not first:
        more = chosen.run.counts.get("passed", 0) > first.run.counts.get("passed", 0)
        why = f"{chosen.run.summary} against {first.run.summary}" if more else f"{coder.name} reads it as likelier code"
        progress.info(f"{chosen.change} lands, not {first.change}, which passed first: {why}")
    if found:
        progress.warn(
            f"the tests also accept other changes of {fix.path} line {fix.line}: {', '.join(record.also_passing)}; "
            "they do not tell them apart"
        )
    return chosen
