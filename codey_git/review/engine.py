"""Reviewing a diff with a model, unit by unit, within a time budget.

Units that cannot change behaviour (``harmless``) are not reviewed by the model, nor, when their
findings could not block (``fail_on``), test files. The built-in checks (``patterns``) look at
every other unit without a model. Each other unit is looked up in the cache
first; otherwise the model is asked with a JSON schema that only admits the lines the call's hunks
touch; findings that still point outside them are dropped. The instructions' KV state is restored
from an earlier process when the backend can (``warm_prefix``). With a triage threshold (config
``review.triage``, off by default) and a model that can score next tokens, each unit is scored
first (``triage``) and only a unit at or above the threshold is answered, field by field
(``guided``), with at least one finding. When the budget runs out the remaining units are
reported as unreviewed rather than waited for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from codey_git.models.base import Model, NoResponse
from codey_git.progress import Progress
from codey_git.review.anchoring import anchored_line
from codey_git.review.cache import ReviewCache
from codey_git.review.diffsource import DiffSet
from codey_git.review.findings import (
    TEST_FILE_CAP,
    Finding,
    at_or_above,
    calibrated,
    capped,
    parse_model_findings,
    review_schema,
    severity_rank,
)
from codey_git.review.guided import can_guide, guided_answer
from codey_git.review.harmless import harmless_reason
from codey_git.review.patterns import MAX_CHECK_CHARS, check_findings, syntax_findings
from codey_git.review.prompt import RESPONSE_TOKENS, SYSTEM, review_messages
from codey_git.review.suggestions import suggestion_diff
from codey_git.review.testevidence import TestEvidence
from codey_git.review.triage import TRIAGE_VERSION, can_triage, defect_score, instructions_prefix
from codey_git.review.units import ReviewUnit, make_units
from codey_git.testpaths import is_test_file

MAX_UNIT_TOKENS = 1500  # a bigger unit is split: small models lose track in long hunks
BATCH_TOKENS = 700  # hunks of one file asked together up to this size
MAX_MODEL_FAILURES = 2  # after this many failed calls in a row the model is not asked again
MAX_REVIEW_CHARS = MAX_CHECK_CHARS  # a bigger file is reported unreviewed whole (``too_large``)


class _OutOfTime(Exception):
    pass


@dataclass
class Unreviewed:
    file: str
    start: int
    end: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "start": self.start, "end": self.end, "reason": self.reason}


@dataclass
class ReviewOutcome:
    source: str
    model: str
    findings: list[Finding] = field(default_factory=list)
    units: int = 0
    reviewed: int = 0
    cached: int = 0
    unreviewed: list[Unreviewed] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    dropped: int = 0  # findings pointing at lines or files outside the diff
    harmless: int = 0  # units recognised as keeping behaviour, not sent to the model
    triaged_clean: int = 0  # units scored below the triage threshold, never asked for findings
    triage_scores: list[tuple[str, int, int, float]] = field(default_factory=list)  # (file, first, last line, log-odds)
    seconds: float = 0.0
    model_max_severity: str | None = None  # the cap on the model's findings (review.model_max_severity)
    capped: int = 0  # model findings rated above that cap, shown at the cap
    tests: TestEvidence | None = None  # the tests run on the staged snapshot (``testevidence``)
    notes: list[str] = field(default_factory=list)  # what was skipped and why (ruff missing)
    explained: int = 0  # blocking findings the model explained (``explain``)

    def blocking(self, fail_on: str) -> list[Finding]:
        return [f for f in self.findings if at_or_above(f.severity, fail_on)]

    @property
    def complete(self) -> bool:
        return not self.unreviewed and not (self.tests is not None and self.tests.not_run)

    def add_tests(self, evidence: TestEvidence | None) -> None:
        """The test evidence and its findings, first among those on the same line."""
        if evidence is not None and self.tests is None:
            self.tests = evidence
            self.findings = _dedupe(evidence.findings + self.findings)


def _resolve_file(name: str, file: str, touched: dict[str, set[int]]) -> str | None:
    clean = name.strip().removeprefix("./")
    for prefix in ("a/", "b/"):
        if clean.startswith(prefix) and clean[2:] in touched:
            clean = clean[2:]
    if not clean or clean == file or clean == PurePosixPath(file).name:
        return file
    return clean if clean in touched else None


def _assign(
    found: list[Finding], batch: list[ReviewUnit], diff: DiffSet, touched: dict[str, set[int]]
) -> tuple[list[list[Finding]], int]:
    """Findings per unit of the batch, each on the line its words point at (``anchoring``); those
    on a line no unit of the batch touches are dropped."""
    texts = {f.path: f.new_text for f in diff.files}
    lines = {u.file: (texts.get(u.file) or "").splitlines() for u in batch}
    own: dict[str, set[int]] = {}
    for unit in batch:
        own.setdefault(unit.file, set()).update(unit.hunk.touched_lines())
    per_unit: list[list[Finding]] = [[] for _ in batch]
    kept = 0
    for finding in found:
        file = _resolve_file(finding.file, batch[0].file, touched)
        if file in own:
            finding.line = anchored_line(finding.line, finding.message, finding.suggestion, lines[file], own[file])
        owner = next((i for i, u in enumerate(batch) if u.file == file and finding.line in u.hunk.touched_lines()), None)
        if owner is None or file is None:  # a file of None is in no unit (owner is None then too)
            continue
        finding.file = file
        finding.severity = calibrated(finding.severity, finding.category, file)
        finding.suggestion = suggestion_diff(file, texts[file], finding.line, finding.suggestion)
        per_unit[owner].append(finding)
        kept += 1
    return per_unit, len(found) - kept


def _fits(model: Model) -> Callable[[ReviewUnit], bool]:
    """Whether a unit's prompt fits the context (with room for the answer) and MAX_UNIT_TOKENS."""
    room = model.context_size - RESPONSE_TOKENS - len(SYSTEM.encode("utf-8")) - 64

    def fits(unit: ReviewUnit) -> bool:
        text, limit = unit.render(), min(room, MAX_UNIT_TOKENS)
        # a token is at least one byte: a short unit fits without loading the tokenizer, so a
        # review served from the cache never loads the model at all
        return len(text.encode("utf-8")) <= limit or model.count_tokens(text) <= limit

    return fits


def _batches(units: list[ReviewUnit], model: Model, batch_tokens: int) -> list[list[ReviewUnit]]:
    """Neighbouring units of one file share a model call while they fit in ``batch_tokens``: one
    call per file instead of one per hunk saves the per-call answer tokens, the dearest part."""
    batches: list[list[ReviewUnit]] = []
    size = 0
    for unit in units:
        tokens = model.count_tokens(unit.render())
        if batches and batches[-1][0].file == unit.file and size + tokens <= batch_tokens:
            batches[-1].append(unit)
            size += tokens
        else:
            batches.append([unit])
            size = tokens
    return batches


def _ask(
    model: Model, batch: list[ReviewUnit], deadline: float | None, clock: Callable[[], float], flagged: bool = False
) -> list[Finding]:
    """Findings for ``batch``. A ``flagged`` unit (triage scored it at or above the threshold) is
    asked alone, and its answer must hold at least one finding: the call says where, not whether.
    A model that can score tokens and continue a prompt writes that answer field by field
    (``guided``); otherwise the answer is generated under the review's JSON schema."""

    def stop_when_late(_token: str) -> None:
        if deadline is not None and clock() > deadline:
            raise _OutOfTime()

    if flagged and can_guide(model):
        return parse_model_findings(guided_answer(model, batch[0], stop_when_late))
    lines = [n for unit in batch for n in unit.hunk.touched_lines()]
    schema = review_schema(sorted({unit.file for unit in batch}), lines, at_least_one=flagged)
    completion = model.chat(
        review_messages(batch),
        purpose="review",
        max_tokens=RESPONSE_TOKENS,
        temperature=0.0,
        seed=0,
        json_schema=schema,
        on_token=stop_when_late,
    )
    return parse_model_findings(completion.text)


class _Reviewer:
    """The state of one review: the outcome so far, the budget, and the model's failures in a row."""

    def __init__(
        self,
        diff: DiffSet,
        model: Model,
        outcome: ReviewOutcome,
        cache: ReviewCache,
        identity: str,
        max_seconds: float,
        deadline: float | None,
        clock: Callable[[], float],
        progress: Progress | None,
    ) -> None:
        self.diff, self.model, self.outcome, self.cache, self.identity = diff, model, outcome, cache, identity
        self.max_seconds, self.deadline, self.clock, self.progress = max_seconds, deadline, clock, progress
        self.touched = diff.touched()
        self.failures = 0

    def late(self) -> bool:
        return self.deadline is not None and self.clock() > self.deadline

    def out_of_time(self) -> str:
        return f"time budget of {self.max_seconds:g}s used up"

    def unreviewed(self, units: list[ReviewUnit], reason: str) -> None:
        self.outcome.unreviewed.extend(Unreviewed(u.file, u.first_line, u.last_line, reason) for u in units)

    def ask(self, batch: list[ReviewUnit], flagged: bool = False) -> None:
        """One findings call for ``batch``; its units end reviewed or listed as unreviewed."""
        if self.late():
            return self.unreviewed(batch, self.out_of_time())
        if self.failures >= MAX_MODEL_FAILURES:
            return self.unreviewed(batch, "skipped after repeated model errors")
        try:
            raw = _ask(self.model, batch, self.deadline, self.clock, flagged=flagged)
        except _OutOfTime:
            return self.unreviewed(batch, self.out_of_time())
        except NoResponse as exc:
            return self.unreviewed(batch, f"model gave no answer ({exc})")
        except Exception as exc:  # noqa: BLE001 - a failing model must not crash the commit path
            self.failures += 1
            return self.unreviewed(batch, f"model error: {type(exc).__name__}: {exc}")
        self.failures = 0
        per_unit, dropped = _assign(raw, batch, self.diff, self.touched)
        self.outcome.dropped += dropped
        for unit, found in zip(batch, per_unit):
            self.cache.put(unit, self.identity, found)
            self.outcome.reviewed += 1
            self.outcome.findings.extend(found)
        if self.progress is not None:
            self.progress.info(f"{batch[0].file}: {len(batch)} hunk(s), {sum(map(len, per_unit))} finding(s)")

    def triage(self, units: list[ReviewUnit], threshold: float) -> list[ReviewUnit]:
        """Score each unit; ask a flagged one for findings at once (its prompt is still in the
        model's KV cache, and the answer continues it), mark a clean one reviewed. Returns the units
        that could not be scored."""
        rest = []
        for i, unit in enumerate(units):
            if self.late():
                self.unreviewed(units[i:], self.out_of_time())
                break
            try:
                score = defect_score(self.model, unit)
            except Exception:  # noqa: BLE001 - triage only saves time: without it the unit gets a plain call
                rest.append(unit)
                continue
            self.outcome.triage_scores.append((unit.file, unit.first_line, unit.last_line, round(score, 3)))
            if score >= threshold:
                self.ask([unit], flagged=True)
            else:
                self.cache.put(unit, self.identity, [])
                self.outcome.triaged_clean += 1
                self.outcome.reviewed += 1
        return rest


def too_large(diff: DiffSet) -> list[Unreviewed]:
    """The files over MAX_REVIEW_CHARS, each reported unreviewed as a whole: neither the checks nor the
    model could read one within any time budget (a 300,000-line file took the checks minutes)."""
    out = []
    for f in diff.files:
        size = max(len(f.new_text or ""), len(f.old_text or ""))
        if size > MAX_REVIEW_CHARS and f.hunks:
            end = f.hunks[-1].new_start + max(f.hunks[-1].new_count - 1, 0)
            reason = f"too large to review: {size:,} characters, over the limit of {MAX_REVIEW_CHARS:,}"
            out.append(Unreviewed(f.path, f.hunks[0].new_start, end, reason))
    return out


def _reviewable(
    diff: DiffSet, fits: Callable[[ReviewUnit], bool], fail_on: str | None
) -> tuple[list[ReviewUnit], list[tuple[str, str]], list[Unreviewed]]:
    """The units to review, the files skipped, and the files too large to review (``too_large``).
    Given ``fail_on``, test files are skipped when findings there (capped at TEST_FILE_CAP) could not
    reach it."""
    large = too_large(diff)
    names = {u.file for u in large}
    units = make_units(DiffSet(diff.description, [f for f in diff.files if f.path not in names]), fits)
    skipped = list(diff.skipped)
    if fail_on is not None and not at_or_above(TEST_FILE_CAP, fail_on):
        reason = f"test file: findings there stay at or below {TEST_FILE_CAP}, under fail_on {fail_on}"
        skipped += [(f.path, reason) for f in diff.files if is_test_file(f.path)]
        units = [u for u in units if not is_test_file(u.file)]
        large = [u for u in large if not is_test_file(u.file)]
    return units, skipped, large


def _changing(units: list[ReviewUnit], files: dict[str, Any]) -> list[ReviewUnit]:
    """The units that can change behaviour (not ``harmless``)."""
    return [u for u in units if harmless_reason(u.hunk, files.get(u.file)) is None]


def _deadline(start: float, max_seconds: float) -> float | None:
    return start + max_seconds if max_seconds and max_seconds > 0 else None


def _run_checks(
    files: dict[str, Any],
    units: list[ReviewUnit],
    deadline: float | None,
    clock: Callable[[], float],
    root: str | None = None,
    notes: list[str] | None = None,
) -> tuple[list[Finding], list[Unreviewed]]:
    """The built-in checks' (and ruff's) findings on ``units`` within the time budget, and the hunks
    of the files they did not read (too large, or the budget ran out): those are reported, never
    dropped. ``notes`` gets what was skipped (ruff missing)."""
    stop = (lambda: clock() > deadline) if deadline is not None else None
    unchecked: list[tuple[str, str]] = []
    found = check_findings(files, units, stop, unchecked, Path(root) if root else None, notes)
    reasons = dict(unchecked)
    return found, [Unreviewed(u.file, u.first_line, u.last_line, reasons[u.file]) for u in units if u.file in reasons]


def checks_only(
    diff: DiffSet, fail_on: str | None = None, max_seconds: float = 0, clock: Callable[[], float] = time.monotonic
) -> list[Finding]:
    """The built-in checks' findings on ``diff``, for when the model cannot be asked (the files are
    reported unreviewed by the caller)."""
    deadline = _deadline(clock(), max_seconds)
    units, _, _ = _reviewable(diff, lambda unit: True, fail_on)
    files = {f.path: f for f in diff.files}
    return syntax_findings(diff) + _run_checks(files, _changing(units, files), deadline, clock, diff.root)[0]


def checks_review(
    diff: DiffSet, fail_on: str | None = None, clock: Callable[[], float] = time.monotonic, max_seconds: float = 0
) -> ReviewOutcome:
    """A review by the built-in checks alone (config ``review.model: false``): Python hunks are
    reviewed by them within ``max_seconds`` (0: no budget); hunks of other files, which no check
    reads, of files too large for the checks and of those the budget did not reach are reported
    unreviewed."""
    start = clock()
    units, skipped, large = _reviewable(diff, lambda unit: True, fail_on)
    files = {f.path: f for f in diff.files}
    changing = _changing(units, files)
    python = [u for u in changing if u.file.endswith(".py")]
    outcome = ReviewOutcome(
        diff.description, "built-in checks", units=len(units), skipped=skipped, harmless=len(units) - len(changing)
    )
    outcome.findings, unchecked = _run_checks(files, python, _deadline(start, max_seconds), clock, diff.root, outcome.notes)
    outcome.findings = _dedupe(syntax_findings(diff) + outcome.findings)
    outcome.reviewed = len(python) - len(unchecked)
    outcome.unreviewed = [
        Unreviewed(u.file, u.first_line, u.last_line, "review.model is false and the checks read Python only")
        for u in changing
        if not u.file.endswith(".py")
    ]
    outcome.unreviewed += unchecked + large
    outcome.seconds = clock() - start
    return outcome


def review_diff(
    diff: DiffSet,
    model: Model,
    *,
    max_seconds: float = 0,
    cache: ReviewCache | None = None,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
    batch_tokens: int = BATCH_TOKENS,
    triage_threshold: float | None = None,
    fail_on: str | None = None,
    checks: bool = True,
    model_max_severity: str | None = None,
) -> ReviewOutcome:
    """Review every unit of ``diff``: cached units first, the rest with the model within
    ``max_seconds`` (0: no budget). Units left over are reported, not waited for. With a model that
    can score next tokens, units whose triage log-odds fall below ``triage_threshold`` are clean
    without a findings call (None: no triage). Given ``fail_on``, test files whose findings could
    not block are skipped (``_reviewable``). The built-in checks (``checks``) look at every hunk
    that can change behaviour, cached or not. A model finding rated above ``model_max_severity``
    is shown at that severity (the cache keeps the model's own rating)."""
    start = clock()
    deadline = _deadline(start, max_seconds)
    cache = cache or ReviewCache(enabled=False)
    triaging = triage_threshold is not None and can_triage(model)
    identity = f"{model.identity}|{TRIAGE_VERSION}>={triage_threshold:g}" if triaging else model.identity
    units, skipped, large = _reviewable(diff, _fits(model), fail_on)
    outcome = ReviewOutcome(diff.description, model.name, units=len(units), skipped=skipped, unreviewed=large)
    files = {f.path: f for f in diff.files}
    changing = _changing(units, files)
    outcome.harmless = outcome.reviewed = len(units) - len(changing)
    outcome.findings.extend(syntax_findings(diff))  # a file that does not parse blocks, checks or not
    if checks:  # milliseconds, no model: they run first, within the same time budget
        found, unchecked = _run_checks(files, changing, deadline, clock, diff.root, outcome.notes)
        outcome.findings.extend(found)
        outcome.unreviewed.extend(unchecked)
    pending: list[ReviewUnit] = []
    for unit in changing:
        hit = cache.get(unit, identity)
        if hit is None:
            pending.append(unit)
        else:
            outcome.cached += 1
            outcome.reviewed += 1
            outcome.findings.extend(hit)
    reviewer = _Reviewer(diff, model, outcome, cache, identity, max_seconds, deadline, clock, progress)
    warm_prefix = getattr(model, "warm_prefix", None)  # llama_cpp's models have it
    if pending and callable(warm_prefix):
        try:  # the instructions' KV state, saved by an earlier review: not read again
            warm_prefix(instructions_prefix())
        except Exception:  # noqa: BLE001 - only a saving: the first call reads the instructions then
            pass
    if triaging and triage_threshold is not None:  # triaging implies a threshold
        pending = reviewer.triage(pending, triage_threshold)
    for batch in _batches(pending, model, batch_tokens):
        reviewer.ask(batch)
    if model_max_severity is not None:
        outcome.model_max_severity = model_max_severity
        before = [f.severity for f in outcome.findings]
        outcome.findings = [f if f.check else capped(f, model_max_severity) for f in outcome.findings]
        outcome.capped = sum(f.severity != old for f, old in zip(outcome.findings, before))
    outcome.findings = _dedupe(outcome.findings)
    outcome.seconds = clock() - start
    return outcome


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """The findings by file and line, the most severe first; of those with the same message on a line, the first."""
    first: dict[tuple[Any, ...], Finding] = {}
    for f in sorted(findings, key=lambda f: (f.file, f.line, -severity_rank(f.severity))):
        first.setdefault((f.file, f.line, f.message), f)
    return list(first.values())
