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
from typing import Callable

from codey_git.models.base import Model
from codey_git.progress import Progress
from codey_git.review.cache import ReviewCache
from codey_git.review.diffsource import DiffSet
from codey_git.review.findings import TEST_FILE_CAP, Finding, at_or_above, capped
from codey_git.review.harmless import harmless_reason
from codey_git.review.model_pass import ModelPass, batches, fits_model
from codey_git.review.outcome import ReviewOutcome, Unreviewed, dedupe
from codey_git.review.patterns import MAX_CHECK_CHARS, check_findings, syntax_findings
from codey_git.review.triage import TRIAGE_VERSION, can_triage, instructions_prefix
from codey_git.review.units import ReviewUnit, make_units
from codey_git.testpaths import is_test_file

BATCH_TOKENS = 700  # hunks of one file asked together up to this size
MAX_REVIEW_CHARS = MAX_CHECK_CHARS  # a bigger file is reported unreviewed whole (``too_large``)


def too_large(diff: DiffSet) -> list[Unreviewed]:
    """The files over MAX_REVIEW_CHARS, each reported unreviewed as a whole: neither the checks nor the
    model could read one within any time budget (a 300,000-line file took the checks minutes)."""
    out = []
    for f in diff.files:
        size = max(len(f.new_text), len(f.old_text))
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


def _changing(units: list[ReviewUnit], diff: DiffSet) -> list[ReviewUnit]:
    """The units that can change behaviour (not ``harmless``)."""
    files = {f.path: f for f in diff.files}
    return [u for u in units if harmless_reason(u.hunk, files[u.file]) is None]


def _deadline(start: float, max_seconds: float) -> float | None:
    return start + max_seconds if max_seconds and max_seconds > 0 else None


def _run_checks(
    diff: DiffSet, units: list[ReviewUnit], deadline: float | None, clock: Callable[[], float], notes: list[str] | None = None
) -> tuple[list[Finding], list[Unreviewed]]:
    """The built-in checks' (and ruff's) findings on ``units`` within the time budget, and the hunks
    of the files they did not finish (the budget ran out): those are reported, never dropped.
    ``notes`` gets what was skipped (ruff missing)."""
    stop = (lambda: clock() > deadline) if deadline is not None else None
    found, reasons = check_findings(diff, units, stop, notes)
    return found, [Unreviewed(u.file, u.first_line, u.last_line, reasons[u.file]) for u in units if u.file in reasons]


def checks_only(
    diff: DiffSet, fail_on: str | None = None, max_seconds: float = 0, clock: Callable[[], float] = time.monotonic
) -> list[Finding]:
    """The built-in checks' findings on ``diff``, for when the model cannot be asked (the files are
    reported unreviewed by the caller)."""
    deadline = _deadline(clock(), max_seconds)
    units, _, _ = _reviewable(diff, lambda unit: True, fail_on)
    return syntax_findings(diff) + _run_checks(diff, _changing(units, diff), deadline, clock)[0]


def checks_review(
    diff: DiffSet, fail_on: str | None = None, clock: Callable[[], float] = time.monotonic, max_seconds: float = 0
) -> ReviewOutcome:
    """A review by the built-in checks alone (config ``review.model: false``): Python hunks are
    reviewed by them within ``max_seconds`` (0: no budget); hunks of other files, which no check
    reads, of files too large for the checks and of those the budget did not reach are reported
    unreviewed."""
    start = clock()
    units, skipped, large = _reviewable(diff, lambda unit: True, fail_on)
    changing = _changing(units, diff)
    python = [u for u in changing if u.file.endswith(".py")]
    outcome = ReviewOutcome(
        diff.description, "built-in checks", units=len(units), skipped=skipped, harmless=len(units) - len(changing)
    )
    outcome.findings, unchecked = _run_checks(diff, python, _deadline(start, max_seconds), clock, outcome.notes)
    outcome.findings = dedupe(syntax_findings(diff) + outcome.findings)
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
    units, skipped, large = _reviewable(diff, fits_model(model), fail_on)
    outcome = ReviewOutcome(diff.description, model.name, units=len(units), skipped=skipped, unreviewed=large)
    changing = _changing(units, diff)
    outcome.harmless = outcome.reviewed = len(units) - len(changing)
    outcome.findings.extend(syntax_findings(diff))  # a file that does not parse blocks, checks or not
    if checks:  # milliseconds, no model: they run first, within the same time budget
        found, unchecked = _run_checks(diff, changing, deadline, clock, outcome.notes)
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
    reviewer = ModelPass(diff, model, outcome, cache, identity, max_seconds, deadline, clock, progress)
    warm_prefix = getattr(model, "warm_prefix", None)  # llama_cpp's models have it
    if pending and callable(warm_prefix):
        try:  # the instructions' KV state, saved by an earlier review: not read again
            warm_prefix(instructions_prefix())
        except Exception:  # noqa: BLE001 - only a saving: the first call reads the instructions then
            pass
    if triaging and triage_threshold is not None:  # triaging implies a threshold
        pending = reviewer.triage(pending, triage_threshold)
    for batch in batches(pending, model, batch_tokens):
        reviewer.ask(batch)
    if model_max_severity is not None:
        outcome.model_max_severity = model_max_severity
        before = [f.severity for f in outcome.findings]
        outcome.findings = [f if f.check else capped(f, model_max_severity) for f in outcome.findings]
        outcome.capped = sum(f.severity != old for f, old in zip(outcome.findings, before))
    outcome.findings = dedupe(outcome.findings)
    outcome.seconds = clock() - start
    return outcome
