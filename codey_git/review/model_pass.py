"""The model's pass over the units left after the checks: one call per batch of a file's hunks,
each finding anchored to a line the batch touches, the units reported unreviewed when the budget
runs out or the model keeps failing."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Callable

from codey_git.models.base import Model, NoResponse, OutOfTime, stop_when_late
from codey_git.progress import Progress
from codey_git.review.anchoring import anchored_line
from codey_git.review.cache import ReviewCache
from codey_git.review.diffsource import DiffSet
from codey_git.review.findings import Finding, calibrated, parse_model_findings, review_schema
from codey_git.review.guided import can_guide, guided_answer
from codey_git.review.outcome import ReviewOutcome, Unreviewed
from codey_git.review.prompt import RESPONSE_TOKENS, SYSTEM, review_messages
from codey_git.review.suggestions import suggestion_diff
from codey_git.review.triage import defect_score
from codey_git.review.units import ReviewUnit

MAX_UNIT_TOKENS = 1500  # a bigger unit is split: small models lose track in long hunks
MAX_MODEL_FAILURES = 2  # after this many failed calls in a row the model is not asked again


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


def fits_model(model: Model) -> Callable[[ReviewUnit], bool]:
    """Whether a unit's prompt fits the context (with room for the answer) and MAX_UNIT_TOKENS."""
    room = model.context_size - RESPONSE_TOKENS - len(SYSTEM.encode("utf-8")) - 64

    def fits(unit: ReviewUnit) -> bool:
        text, limit = unit.render(), min(room, MAX_UNIT_TOKENS)
        # a token is at least one byte: a short unit fits without loading the tokenizer, so a
        # review served from the cache never loads the model at all
        return len(text.encode("utf-8")) <= limit or model.count_tokens(text) <= limit

    return fits


def batches(units: list[ReviewUnit], model: Model, batch_tokens: int) -> list[list[ReviewUnit]]:
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

    stop = stop_when_late(deadline, clock)
    if flagged and can_guide(model):
        return parse_model_findings(guided_answer(model, batch[0], stop))
    lines = [n for unit in batch for n in unit.hunk.touched_lines()]
    schema = review_schema(sorted({unit.file for unit in batch}), lines, at_least_one=flagged)
    completion = model.chat(
        review_messages(batch),
        purpose="review",
        max_tokens=RESPONSE_TOKENS,
        temperature=0.0,
        seed=0,
        json_schema=schema,
        on_token=stop,
    )
    return parse_model_findings(completion.text)


class ModelPass:
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
        except OutOfTime:
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
