"""One step: context, edit, apply in the worktree, test, and retry with feedback."""

from __future__ import annotations

import functools
import itertools
import os
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable, Iterator, Mapping

from codey_git import faults
from codey_git.config import Config
from codey_git.edits import EditRejected, EmptyEdit, PathNotAllowed, UnsafeEdit, parse_and_apply
from codey_git.edits.result import unified_diff
from codey_git.engine import context as ctx
from codey_git.engine.answer_file import pick_focus_file
from codey_git.engine.answer_fit import edit_format, fitting_format
from codey_git.engine.answer_shape import answer_grammar
from codey_git.engine.candidate_judge import CandidateJudge
from codey_git.engine.codeview import answer_budget, build_messages
from codey_git.engine.echo_hint import echo_hint
from codey_git.engine.gate import changed_lines
from codey_git.engine.alternatives import Accepted, judge_others
from codey_git.engine.line_candidates import (
    NO_MODEL,
    LineCandidate,
    failure_text,
    model_candidates,
    no_model_candidates,
)
from codey_git.engine.suspects import coverage_run, traced_seconds
from codey_git.engine.prompts import feedback_text
from codey_git.engine.task import ANSWER_CHARS, AttemptRecord, Step, Task
from codey_git.engine.worktrees import Worktree
from codey_git.models.base import Message, Model, NoResponse, OutOfTime, stop_when_late
from codey_git.testpaths import doctest_examples, is_test_file, test_change_reason
from codey_git.testrun import TestRun, trim_output
from codey_git.progress import Progress


EventSink = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class StepContext:
    """Everything one step runs with, passed as one value; the step reads it and never changes it."""

    worktree: Worktree
    task: Task
    step: Step
    coder: Model
    settings: Config
    baseline: TestRun  # the test run the step is judged against
    progress: Progress
    deadline: float | None = None  # time.monotonic() past which no attempt starts
    events: EventSink | None = None  # gets ("attempt", the attempt record) after each attempt
    keep_failed: bool = False  # a step that fails keeps its last applied changes (a WIP commit)
    base: str | None = None  # "the last change" is counted from it: the task's start, or the recipe's when stacked


@dataclass
class StepOutcome:
    passed: bool
    attempts: list[AttemptRecord] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    changes: dict[str, str | None] = field(default_factory=dict)  # what is committed, as codey wrote it
    diff: str = ""
    test_run: TestRun | None = None
    reason: str | None = None
    side_effects: list[str] | None = None  # what the passing run's tests changed, when the worktree no longer shows it


@dataclass(frozen=True)
class StepRules:
    """What every attempt of a step shares."""

    allow_tests: bool  # the edit may change tests
    targets: set[str]  # the tests that must pass
    max_tokens: int  # the answer's budget
    focus: ctx.Focus | None = None  # where the step looks: named in the feedback on an echoed line


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt came to; the step's loop decides what to do with it."""

    record: AttemptRecord
    passed: bool = False
    changes: Mapping[str, str | None] | None = None  # the edit that applied, if one did
    diff: str = ""
    feedback: str | None = None  # for the next attempt
    test_run: TestRun | None = None  # the run that judged the edit


class StepRunner:
    def __init__(self, context: StepContext) -> None:
        self.context = context
        self.judge = CandidateJudge(context.worktree.path, context.baseline, context.settings, context.progress, context.deadline)
        self.given: set[tuple[str, int, str]] = set()  # the one-line candidates tried, none twice

    def run(self) -> StepOutcome:
        c = self.context
        wt, step = c.worktree, c.step
        allow_tests = c.task.kind == "edit" or bool(c.settings.allow_test_edits)
        focus = ctx.parse_request(step.text, wt.path, step.files)
        named = ctx.requested_failures(step.text, c.baseline, focus)
        if c.task.kind == "fix" and c.baseline.failed:
            focus = ctx.localize(c.baseline, wt.path, focus, only=named, progress=c.progress, head=c.base)
            if named and c.baseline.failed - named:
                # the other failures' lines too, while the worktree is the baseline: the gate refuses an
                # edit that greens the named test and leaves red the others that run what it changed
                coverage_run(c.baseline, wt.path, c.baseline.failed - named)
            wt.reset()  # what the localizing runs' tests wrote (a database, a cache) is not the first candidate's
        # a fix must turn its failing tests green; an edit must only break nothing that passed
        fixing = c.task.kind == "fix" and bool(c.baseline.failed)
        sections = ctx.failing_sections(c.baseline, focus, wt.path, only=named) if fixing else {}
        targets = ctx.target_tests(c.baseline, sections) if sections else set()
        fmt = edit_format(c.settings, c.coder.name)
        new_files = [f for f in step.files if not (wt.path / f).exists()]
        if new_files:
            fmt = "whole_file"
        elif c.settings.edit_format == "auto":
            fmt, why = fitting_format(fmt, focus, wt.read, c.coder.count_tokens, int(c.settings.max_tokens))
            if why:
                c.progress.info(why)
        rules = StepRules(allow_tests, targets, answer_budget(c.coder, fmt, focus, wt, int(c.settings.max_tokens)), focus)
        attempts: list[AttemptRecord] = []
        reason: str | None = None
        feedback: str | None = None
        last_changes: dict[str, str | None] = {}
        no_model = fixing and bool(targets) and int(c.settings.token_fixes) > 0
        first = bool(c.settings.token_fixes_first)
        # a candidate whose target tests hang is cut at five times their run with coverage, even
        # before any candidate has run them plainly
        self.judge.quick_seconds = traced_seconds(c.baseline, sorted({t.split("::")[0] for t in targets}))
        if no_model and first:
            # a fix the tests accept with no model costs their seconds, not the coder's
            found = self._line_candidates(self._no_model(focus), rules, attempts, attempt=0)
            if found is not None:
                return found
        for attempt in range(1, int(c.settings.attempts) + 1):
            for candidate in range(1, int(c.settings.candidates) + 1):
                if c.deadline is not None and time.monotonic() > c.deadline:
                    return StepOutcome(passed=False, attempts=attempts, reason="time budget for the task ran out")
                messages, focus_symbol, shown = build_messages(
                    c.coder,
                    step.text,
                    c.task.kind,
                    focus,
                    sections,
                    fmt,
                    wt,
                    new_files=new_files,
                    allow_test_edits=allow_tests,
                    feedback=feedback,
                    max_tokens=rules.max_tokens,
                    long_files=str(c.settings.long_files),
                )
                started = time.monotonic()
                tried = self._attempt(attempt, candidate, fmt, messages, shown, focus_symbol, rules)
                record = replace(tried.record, seconds=round(time.monotonic() - started, 2))
                attempts.append(record)
                self._emit(record)
                if tried.passed and tried.changes is not None:
                    return StepOutcome(
                        passed=True,
                        attempts=attempts,
                        changed=list(tried.changes),
                        changes=dict(tried.changes),
                        diff=tried.diff,
                        test_run=tried.test_run,
                    )
                if tried.changes is not None:
                    last_changes = dict(tried.changes)
                feedback = tried.feedback
            if attempt == 1 and fixing and targets:
                later = self._no_model(focus) if no_model and not first else iter(())
                asked = self._model_lines(focus, failure_text(sections, targets))
                found = self._line_candidates(itertools.chain(later, asked), rules, attempts, attempt=1)
                if found is not None:
                    return found
            reason = attempts[-1].reason if attempts else "no attempt made"
        if c.keep_failed and last_changes:  # for a WIP commit
            return StepOutcome(
                passed=False, attempts=attempts, changed=list(last_changes), changes=dict(last_changes), reason=reason
            )
        return StepOutcome(passed=False, attempts=attempts, reason=reason)

    def _attempt(
        self,
        attempt: int,
        candidate: int,
        fmt: str,
        messages: list[Message],
        shown: list[str],
        focus_symbol: str | None,
        rules: StepRules,
    ) -> AttemptResult:
        """One answer from the coder, applied and judged; the worktree is back at HEAD unless it passed."""
        c, wt = self.context, self.context.worktree
        record = AttemptRecord(step=c.step.number, attempt=attempt, candidate=candidate, format=fmt)
        # the first try is greedy; retries and extra candidates sample, or they repeat themselves
        first = attempt == 1 and candidate == 1
        temperature = float(c.settings.temperature) if first else RETRY_TEMPERATURE
        c.progress.stage(
            f"step {c.step.number}, attempt {attempt}"
            + (f" candidate {candidate}" if candidate > 1 else "")
            + f": generating ({c.coder.name})"
        )
        late = stop_when_late(c.deadline, time.monotonic)  # an answer still coming at the deadline is cut

        def token(text: str) -> None:
            late(text)
            c.progress.token(text)

        try:
            completion = c.coder.chat(
                messages,
                purpose="edit",
                max_tokens=rules.max_tokens,
                temperature=temperature,
                seed=attempt * 100 + candidate,
                grammar=answer_grammar(fmt, bool(c.settings.get("constrain_answers"))),
                on_token=token,
            )
        except (NoResponse, OutOfTime) as exc:
            record.reason = str(exc)
            return AttemptResult(record)
        faults.point("answer")
        s = completion.stats
        record.answer = completion.text[:ANSWER_CHARS]
        c.progress.token("\n")
        c.progress.info(f"{s.generated_tokens} tokens" + (f" at {s.gen_tok_s:.1f} tok/s" if s.gen_tok_s else ""))
        try:
            result = parse_and_apply(
                completion.text,
                wt.fs.read_for_edit,
                focus_file=pick_focus_file(completion.text, shown, wt.read, wt.path),
                focus_symbol=focus_symbol,
                allowed=None if rules.allow_tests else (lambda p: not is_test_file(p)),
                cut_off=completion.finish_reason == "length",
            )
            if not rules.allow_tests:
                self._refuse_test_changes(result.changes)
            changed = {p: changed_lines(wt.read(p), t) for p, t in result.changes.items()}
            wt.fs.write_all(result.changes)
        except EditRejected as exc:
            wt.reset()
            # well-formed: the answer held an edit in a known format that applies to the files,
            # even if it changes nothing or touches a path it may not; malformed: no edit, or one
            # that does not apply (hunk mismatch, unknown function, too large)
            record.well_formed = isinstance(exc, (EmptyEdit, PathNotAllowed, UnsafeEdit))
            record.reason = exc.reason if hasattr(exc, "reason") else str(exc)
            c.progress.info(f"edit rejected: {record.reason}")
            feedback = getattr(exc, "feedback", None) or feedback_text(record.reason, "", None)
            hint = echo_hint(completion.text, rules.focus, wt.read) if isinstance(exc, EmptyEdit) and rules.focus else None
            return AttemptResult(record, feedback=feedback + (f"\n{hint}" if hint else ""))
        record.well_formed = record.applied = True
        record.format = result.format
        record.diff = result.diff
        c.progress.stage("applying and testing")
        faults.point("apply")
        faults.point("tests")
        run, ok, why = self.judge.judge(rules.targets, same_tests=not rules.allow_tests, changed=changed)
        record.tests = run.summary
        record.passed = ok
        if ok:
            c.progress.info(f"tests: {run.summary}")
            return AttemptResult(record, passed=True, changes=result.changes, diff=result.diff, test_run=run)
        record.reason = why
        c.progress.info(f"tests: {run.summary} ({why})")
        # a fenced diff in the feedback teaches the model to answer in diffs: show it only when
        # diffs are the format asked for
        feedback = feedback_text(why, trim_output(run.output, 1500), result.diff if record.format == "diff" else None)
        wt.reset()  # back to HEAD: the edit, and whatever the tests changed, is gone
        return AttemptResult(record, changes=result.changes, diff=result.diff, feedback=feedback, test_run=run)

    def _no_model(self, focus: ctx.Focus) -> Iterator[LineCandidate]:
        """One-token changes, then substitutions, of the suspect lines (``token_fixes``)."""
        c = self.context
        return no_model_candidates(
            focus,
            c.worktree.read,
            token_lines=int(c.settings.token_fixes),
            deadline=c.deadline,
            clock=time.monotonic,
            progress=c.progress,
            given=self.given,
        )

    def _model_lines(self, focus: ctx.Focus, failure: str) -> Iterator[LineCandidate]:
        """The coder's corrected suspect lines (``line_fixes``), one line at a time."""
        c = self.context
        return model_candidates(
            c.coder,
            focus,
            failure,
            c.worktree.read,
            model_lines=int(c.settings.line_fixes),
            deadline=c.deadline,
            clock=time.monotonic,
            progress=c.progress,
            given=self.given,
        )

    def _line_candidates(
        self, candidates: Iterator[LineCandidate], rules: StepRules, attempts: list[AttemptRecord], attempt: int
    ) -> StepOutcome | None:
        """Each one-line candidate judged like an edit (recorded under ``attempt``: 0 before the
        coder's first); the outcome of the first that passes, None when none does (the worktree is
        back at HEAD)."""
        c, wt = self.context, self.context.worktree
        started = time.monotonic()
        for number, fix in enumerate(candidates, 1):
            record = AttemptRecord(step=c.step.number, attempt=attempt, candidate=number, format=fix.format, well_formed=True)
            before = wt.read(fix.path) or ""
            record.answer, record.diff = fix.answer[:ANSWER_CHARS], unified_diff(before, fix.text, fix.path)
            record.at = f"{fix.path} line {fix.line}"
            judged: TestRun | None = None
            try:
                self._refuse_test_changes({fix.path: fix.text})
                wt.fs.write_all({fix.path: fix.text})  # a symlink, a submodule: refused, the loop goes on
                faults.point("candidate")
            except EditRejected as exc:
                wt.reset()
                record.reason = exc.reason
            else:
                record.applied = True
                judged, record.passed, why = self.judge.judge(rules.targets, not rules.allow_tests, {fix.path: {fix.line}})
                record.tests, record.reason = judged.summary, None if record.passed else why
                c.progress.info(
                    f"line {fix.line}: {fix.new.strip()[:80]} -> tests: {judged.summary}" + ("" if record.passed else f" ({why})")
                )
                if not record.passed:
                    wt.reset()
            side_effects, text = None, fix.text
            if record.passed and judged is not None and fix.format in NO_MODEL:
                # before other changes are judged here
                first = Accepted(fix.format, fix.new, fix.text, fix.answer, judged, wt.changed_beyond({fix.path: fix.text}))
                judge = functools.partial(self.judge.judge, rules.targets, not rules.allow_tests, {fix.path: {fix.line}})
                chosen = judge_others(first, fix, before, record, wt, judge, c.progress, self.given, c.deadline, c.coder)
                judged, side_effects, text = chosen.run, chosen.side_effects, chosen.text
                record.format, record.answer, record.diff = chosen.format, chosen.change, unified_diff(before, text, fix.path)
                record.tests = judged.summary
            record.seconds = round(time.monotonic() - started, 2)
            started = time.monotonic()
            attempts.append(record)
            self._emit(record)
            if record.passed:
                return StepOutcome(True, attempts, [fix.path], {fix.path: text}, record.diff, judged, side_effects=side_effects)
        return None

    def _refuse_test_changes(self, changes: dict[str, str | None]) -> None:
        """A task that may not change tests may not change what the tests run either."""
        wt, baseline = self.context.worktree, self.context.baseline
        doctests = baseline.doctests
        collected_in = {nid.split("::")[0] for nid in (baseline.collected or ()) if nid not in doctests}
        doctest_files = {nid.split("::")[0] for nid in doctests}
        for rel, text in changes.items():
            old = wt.read(rel)
            why = test_change_reason(rel, old, text, exists=lambda p: os.path.lexists(wt.path / p), test_files=collected_in)
            if not why and rel in doctest_files and doctest_examples(old) != doctest_examples(text):
                why = f"the change to {rel} changes the doctest examples in its docstrings"
            if why:
                raise PathNotAllowed(
                    f"refused edit: {why}; this task may not change tests or how they run",
                    f"The edit was refused: {why}. Fix the problem in the library code; do not change "
                    "the tests, what they import, or how they are collected. Nothing was changed.",
                )

    def _emit(self, record: AttemptRecord) -> None:
        if self.context.events is not None:
            self.context.events("attempt", {"task": self.context.task.id, **asdict(record)})


RETRY_TEMPERATURE = 0.7
