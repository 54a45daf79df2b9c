"""`git codey ci review`: review ``base...head`` (from the merge base, as a pull request shows it)
with the same engine as `git codey review --range`, and report it the ways a CI shows it.

Exit codes: 0 nothing at or above ``fail_on``; 1 findings at or above it; 2 a usage or
configuration error (no base, an unknown revision, a shallow clone that cannot reach the merge
base); 3 the reviewer model is missing, cannot be loaded or crashes, or parts stay unreviewed —
unless fail-open was asked for (``--fail-open`` or ``review.fail_open`` set in a config layer),
when the built-in checks alone decide. In CI fail-open is off unless asked: never green on error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codey_git.ci import annotate, refs
from codey_git.ci.models import ensure_model_named
from codey_git.ci.provider import CIEnv, append_summary
from codey_git.ci.result import CIResult, finish, outputs_on_error
from codey_git.config import Config, load_config
from codey_git.errors import EXIT_INTERNAL, EXIT_NOT_ACHIEVED, CodeyError, InternalError, ModelError, UsageError
from codey_git.progress import Progress
from codey_git.review import report
from codey_git.review.diffsource import DiffSet, open_repository, range_diff
from codey_git.review.engine import checks_only, checks_review
from codey_git.review.outcome import ReviewOutcome, Unreviewed
from codey_git.review.session import ReviewRequest, budget_left, run_review, test_evidence, verdict


@dataclass
class ReviewOptions:
    base: str | None = None  # default: the CI's pull-request base
    head: str | None = None  # default: HEAD (what the CI checked out)
    files: list[str] = field(default_factory=list)
    sarif: Path | None = None
    markdown: Path | None = None
    codequality: Path | None = None  # GitLab's code-quality report
    fail_on: str | None = None
    fail_open: bool | None = None  # None: review.fail_open when a config layer sets it, else off
    max_seconds: float | None = None  # None: review.max_seconds when set in a config layer, else none
    max_annotations: int = annotate.MAX_ANNOTATIONS
    remote: str = "origin"
    pull: bool = True  # fetch a missing reviewer model (the action caches the models folder)


def _setting(config: Config, key: str, given: Any, ci_default: Any) -> Any:
    """A flag when given, else the configured value when a config layer set it, else CI's default."""
    if given is not None:
        return given
    return config.get(key) if config.sources.get(key, "default") != "default" else ci_default


def _settings(root: Path, opts: ReviewOptions) -> tuple[Config, str, bool, float]:
    config = load_config(root, {"review": {"fail_on": opts.fail_on}} if opts.fail_on else None)
    fail_open = bool(_setting(config, "review.fail_open", opts.fail_open, False))
    seconds = float(_setting(config, "review.max_seconds", opts.max_seconds, 0) or 0)
    return config, config.get("review.fail_on"), fail_open, seconds


def _skipped_outcome(diff: DiffSet, config: Config, request: ReviewRequest, failure: BaseException) -> ReviewOutcome:
    """The model could not review (fail-open): every hunk unreviewed by it, the checks' findings kept."""
    unreviewed = [
        Unreviewed(f.path, f.hunks[0].new_start, f.hunks[-1].new_start + f.hunks[-1].new_count, f"review failed: {failure}")
        for f in diff.files
    ]
    findings = checks_only(diff, request.fail_on, max_seconds=request.max_seconds) if config.get("review.checks") else []
    return ReviewOutcome(
        diff.description,
        config.reviewer,
        findings=findings,
        unreviewed=unreviewed,
        skipped=list(diff.skipped),
        units=sum(len(f.hunks) for f in diff.files),
    )


def review_outcome(request: ReviewRequest, diff: DiffSet, config: Config, progress: Progress, *, pull: bool) -> ReviewOutcome:
    """The review of ``diff``; model trouble (missing, unloadable, crashing) is exit 3 unless fail-open."""
    if not config.get("review.model"):
        if not config.get("review.checks"):
            raise UsageError(
                "review.model and review.checks are both false, so nothing would be reviewed",
                "Set one of them to true in .codey.yml.",
            )
        return checks_review(diff, request.fail_on, max_seconds=request.max_seconds)
    try:
        if pull:
            ensure_model_named(config, config.reviewer, progress)
        return run_review(request, diff, config, progress)
    except ModelError as exc:
        failure: BaseException = exc
    except CodeyError as exc:
        if exc.exit_code != EXIT_INTERNAL:
            raise  # a configuration mistake: exit 2 whatever fail-open says
        failure = exc
    except Exception as exc:  # noqa: BLE001 - ReviewerUnavailable or a crash: fail-open decides
        failure = exc
    if not request.fail_open:
        raise InternalError(
            f"the review could not run: {failure}",
            "Check the reviewer model (`git codey doctor`), or pass --fail-open to let the built-in checks decide alone.",
        ) from failure
    progress.warn(f"the reviewer model was skipped: {failure} (fail-open: the built-in checks decide)")
    return _skipped_outcome(diff, config, request, failure)


def _write(path: Path | None, text: str) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def ci_review(root: Path, opts: ReviewOptions, ci: CIEnv, progress: Progress) -> CIResult:
    with outputs_on_error(ci):
        root = Path(open_repository(root).workdir).resolve()
        config, fail_on, fail_open, seconds = _settings(root, opts)
        for warning in config.warnings:
            progress.warn(warning)
        base = opts.base or ci.base_ref
        if not base:
            raise UsageError(
                "no base to review against",
                "Pass --base BRANCH (in a pull request's workflow: the target branch, which GitHub "
                "gives as GITHUB_BASE_REF and GitLab as CI_MERGE_REQUEST_DIFF_BASE_SHA).",
            )
        head = opts.head or "HEAD"
        span = refs.ensure_range(root, base, head, opts.remote)
        for what in span.fetched:
            progress.info(f"fetched {what}")
        diff = range_diff(root, f"{span.merge_base}..{span.head}", opts.files)
        diff.description = f"{base}...{head}"
        request = ReviewRequest(
            root=root, range=diff.description, files=list(opts.files), fail_on=fail_on, fail_open=fail_open, max_seconds=seconds
        )
        # as `git codey review`: the tests the change can affect, at the merge base and at head
        evidence = test_evidence(request, diff, config)
        request.max_seconds = budget_left(request, evidence)
        if diff.files:
            progress.stage(f"reviewing {diff.description}: {len(diff.files)} file(s), {diff.changed_lines} changed line(s)")
            outcome = review_outcome(request, diff, config, progress, pull=opts.pull)
        else:
            outcome = ReviewOutcome(diff.description, config.reviewer, skipped=list(diff.skipped))
        outcome.add_tests(evidence)
        # with review.model false, what the checks cannot read (other languages) is no error
        lenient = fail_open or not config.get("review.model")
        return finish(ci, _report(outcome, opts, ci, fail_on, lenient, span))


def _report(outcome: ReviewOutcome, opts: ReviewOptions, ci: CIEnv, fail_on: str, fail_open: bool, span: refs.Range) -> CIResult:
    _write(opts.sarif, json.dumps(report.to_sarif(outcome, fail_on), indent=2) + "\n")
    _write(opts.codequality, json.dumps(annotate.codequality(outcome.findings), indent=2) + "\n")
    markdown = report.to_markdown(outcome, fail_on)
    _write(opts.markdown, markdown)
    append_summary(ci, markdown)
    blocking = outcome.blocking(fail_on)
    code = verdict(outcome, fail_on, fail_open)
    conclusion = {0: "success", EXIT_NOT_ACHIEVED: "failure"}.get(code, "error")
    counted = f"{len(outcome.findings)} finding(s), {len(blocking)} at or above {fail_on}"
    if code == EXIT_NOT_ACHIEVED:
        message, hint = f"review of {outcome.source}: {counted}", "Fix them and push again; each is annotated above."
    elif code == EXIT_INTERNAL:
        message = f"review of {outcome.source}: {len(outcome.unreviewed)} hunk(s) not reviewed and fail-open is off"
        hint = "Raise --max-seconds (or the job's time), check the model with `git codey doctor`, or pass --fail-open."
    else:
        message, hint = f"review of {outcome.source}: {counted}", None
    lines = annotate.annotations(outcome.findings, fail_on, ci.workflow_commands, opts.max_annotations)
    if outcome.unreviewed:
        lines.append(f"{len(outcome.unreviewed)} hunk(s) not reviewed (listed in the summary and the SARIF file)")
    outputs = {
        "findings": len(outcome.findings),
        "blocking": len(blocking),
        "unreviewed": len(outcome.unreviewed),
        "sarif": str(opts.sarif) if opts.sarif else "",
        "base": span.merge_base,
        "head": span.head,
    }
    data = {
        "review": report.to_json(outcome, fail_on),
        "merge_base": span.merge_base,
        "head": span.head,
        "fetched": list(span.fetched),
    }
    return CIResult("review", conclusion, code, message, hint, lines, outputs, data)
