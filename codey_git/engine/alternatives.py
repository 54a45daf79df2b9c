"""The tests' other answers: after a one-line change no model wrote passes, the other untried
no-model changes of the same line are judged the same way. Those that pass too are named (the
commit's trailer, the output, ``--json``'s ``also_passing``): the tests cannot tell them apart,
and the user should read the commit. Which change lands does not change."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

from codey_git.engine.line_candidates import NO_MODEL_PASSES, LineCandidate
from codey_git.engine.line_fixes import squeezed
from codey_git.engine.task import AttemptRecord
from codey_git.engine.worktrees import Worktree
from codey_git.progress import Progress
from codey_git.testrun import TestRun

ALSO_TRIED = 12  # other changes of the line judged at most
ALSO_SECONDS = 30.0  # and for at most this long


def also_passing(
    fix: LineCandidate,
    before: str,
    passes: Callable[[str], bool],
    *,
    given: set[tuple[str, int, str]],
    deadline: float | None,
    clock: Callable[[], float],
    limit: int = ALSO_TRIED,
) -> tuple[list[str], int, int]:
    """After ``fix`` (a change no model wrote) passed: the other no-model changes of its line, not
    tried yet (none in ``given``), that ``passes`` too, at most ``limit`` tried; with how many were
    judged and how many there were to judge (the deadline may stop it first). When some pass,
    the tests do not tell the changes apart, and the user should know."""
    others = itertools.chain.from_iterable(make(fix.path, fix.line, before) for _, _, make in NO_MODEL_PASSES)
    untried = list(itertools.islice((o for o in others if (fix.path, fix.line, squeezed(o.new)) not in given), limit))
    found, judged = [], 0
    for other in untried:
        if deadline is not None and clock() > deadline:
            break
        given.add((fix.path, fix.line, squeezed(other.new)))
        judged += 1
        if passes(other.text):
            found.append(other.change)
    return found, judged, len(untried)


def judge_others(
    fix: LineCandidate,
    before: str,
    record: AttemptRecord,
    wt: Worktree,
    judge: Callable[[], tuple[TestRun, bool, str]],
    progress: Progress,
    given: set[tuple[str, int, str]],
    deadline: float | None,
) -> None:
    """``also_passing`` in the worktree, each change on a clean one (``judge`` gives the tests'
    verdict on what it holds), into ``record``; the worktree holds ``fix`` again after."""
    progress.stage(f"checking whether other changes of {fix.path} line {fix.line} pass the tests too")

    def passes(text: str) -> bool:
        wt.reset()  # not on what the run before it left
        wt.fs.write_all({fix.path: text})
        return judge()[1]

    cap = time.monotonic() + ALSO_SECONDS
    found, record.also_checked, total = also_passing(
        fix, before, passes, given=given, deadline=cap if deadline is None else min(cap, deadline), clock=time.monotonic
    )
    record.also_passing = found
    wt.reset()
    wt.fs.write_all({fix.path: fix.text})
    if record.also_checked < total:
        progress.info(f"{total - record.also_checked} other changes of {fix.path} line {fix.line} not judged (out of time)")
    if found:
        progress.warn(
            f"the tests also accept other changes of {fix.path} line {fix.line}: {', '.join(found)}; they do not tell them apart"
        )
