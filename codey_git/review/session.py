"""One review from start to verdict, without the CLI: read the diff, load the reviewer, review,
and decide the exit code. Failures of the model (missing, timing out, crashing) are separated from
the user's mistakes so that ``fail_open`` can turn only the former into a warning."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping

from codey_git.errors import EXIT_INTERNAL, EXIT_NOT_ACHIEVED, EXIT_OK, CodeyError, ConfigError, ModelError, UsageError
from codey_git.models.backends import make_provider
from codey_git.models.registry import Registry
from codey_git.progress import Progress
from codey_git.review.cache import ReviewCache
from codey_git.review.diffsource import DiffSet, named_files_diff, range_diff, staged_diff
from codey_git.review import testevidence
from codey_git.review.engine import checks_only, review_diff
from codey_git.review.outcome import ReviewOutcome
from codey_git.review.explain import carry_explanations, explain

if TYPE_CHECKING:
    from codey_git.config import Config


class ReviewerUnavailable(Exception):
    """The reviewer model could not be loaded or crashed: fail_open decides what that means."""


@dataclass
class ReviewRequest:
    root: Path
    range: str | None = None
    files: list[str] = field(default_factory=list)
    fail_on: str = "high"
    fail_open: bool = True
    max_seconds: float = 30
    use_cache: bool = True
    named: list[str] = field(default_factory=list)  # files reviewed whole beyond the staged diff (pre-commit's)


def read_diff(request: ReviewRequest) -> DiffSet:
    """The range, or the staged changes and the ``named`` files they do not hold, each whole."""
    if request.range:
        return range_diff(request.root, request.range, request.files)
    diff = staged_diff(request.root, request.files)
    if not request.named:
        return diff
    held = {f.path for f in diff.files} | {path for path, _ in diff.skipped}
    whole = named_files_diff(request.root, request.named, held)
    count = len(whole.files) + len(whole.skipped)
    if not count:
        return diff
    named = f"{count} named file(s), whole"
    description = f"{diff.description} and {named}" if diff.files or diff.skipped else named
    return replace(diff, description=description, files=diff.files + whole.files, skipped=diff.skipped + whole.skipped)


NULL_REF = "0" * 40


def precommit_range(environ: Mapping[str, str] | None = None) -> str | None:
    """``FROM...TO`` when the pre-commit framework runs the hook with ``--from-ref``/``--to-ref``
    (or as a pre-push hook): the range it names, as it computes its own file list (from the merge
    base). None otherwise."""
    env = os.environ if environ is None else environ
    old = env.get("PRE_COMMIT_FROM_REF") or env.get("PRE_COMMIT_ORIGIN")
    new = env.get("PRE_COMMIT_TO_REF") or env.get("PRE_COMMIT_SOURCE")
    if not old or not new:
        return None
    if NULL_REF in (old, new):
        raise UsageError(
            f"PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF name the null revision ({old}...{new}), "
            "so there is no range to review; nothing was reviewed",
            "Run `pre-commit run --from-ref BASE --to-ref HEAD` with two real revisions.",
        )
    return f"{old}...{new}"


def model_max_severity(config: Config) -> str | None:
    """The cap on the reviewer model's findings: the config's, else the catalog's measured value
    for a built-in model that llama_cpp runs from its file (other backends serve other models)."""
    configured: str | None = config.get("review.model_max_severity")
    if configured is not None or config.backend != "llama_cpp":
        return configured
    try:
        return Registry(config).get(config.reviewer).review_max_severity
    except CodeyError:
        return None  # an unknown model is reported when it is loaded


@contextlib.contextmanager
def _model_trouble(what: str) -> Iterator[None]:
    """Model errors, and any other failure but a CodeyError (a config mistake), as ReviewerUnavailable."""
    try:
        yield
    except ModelError as exc:
        raise ReviewerUnavailable(str(exc)) from exc
    except CodeyError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ReviewerUnavailable(f"{what}: {type(exc).__name__}: {exc}") from exc


def run_review(
    request: ReviewRequest,
    diff: DiffSet,
    config: Config,
    progress: Progress | None,
    evidence: testevidence.TestEvidence | None = None,
) -> ReviewOutcome:
    """Review ``diff`` with the configured reviewer; the test ``evidence`` joins its findings, and
    the model explains the blocking ones in the time left (``explain``). Raises
    ReviewerUnavailable for model trouble; config mistakes (an unknown backend, a missing script
    file) stay CodeyErrors."""
    with _model_trouble(f"cannot start the {config.backend} backend"):  # e.g. the inference library is not installed
        provider = make_provider(config, progress)
    try:
        with _model_trouble("cannot load the reviewer model"):
            model = provider.get("reviewer")
        cache = ReviewCache(enabled=request.use_cache)
        start = time.monotonic()
        # what the tests and checks already show is explained first; the model reviews in the time left
        shown = (evidence.findings if evidence else []) + (
            checks_only(diff, request.fail_on, request.max_seconds) if config.get("review.checks") else []
        )
        deadline = start + request.max_seconds if request.max_seconds else None
        explained = explain(shown, diff, model, request.fail_on, deadline, time.monotonic)
        left = max(0.001, request.max_seconds - (time.monotonic() - start)) if request.max_seconds else 0
        outcome = review_diff(
            diff,
            model,
            max_seconds=left,
            cache=cache,
            progress=progress,
            fail_on=request.fail_on,
            triage_threshold=config.get("review.triage"),
            checks=config.get("review.checks"),
            model_max_severity=model_max_severity(config),
        )
        outcome.add_tests(evidence)
        outcome.explained = carry_explanations(shown, outcome.findings) if explained else 0
        return outcome
    finally:
        provider.close()


def test_evidence(request: ReviewRequest, diff: DiffSet, config: Config) -> testevidence.TestEvidence | None:
    """The tests the change can affect, run on the snapshot within the review's budget (config
    ``review.tests``); None when off or when nothing changed."""
    if not config.get("review.tests"):
        return None
    if not diff.files and not any(reason == "deleted" for _, reason in diff.skipped):
        return None
    budget = request.max_seconds or float(config.get("test_timeout"))
    return testevidence.collect(request.root, diff, str(config.get("test_command")), budget)


def budget_left(request: ReviewRequest, evidence: testevidence.TestEvidence | None) -> float:
    """What the review's budget leaves the checks and the model once the tests ran (0: no budget)."""
    if not request.max_seconds or evidence is None:
        return request.max_seconds
    return max(0.001, request.max_seconds - evidence.seconds)


def verdict(outcome: ReviewOutcome, fail_on: str, fail_open: bool) -> int:
    """0: nothing blocking; 1: blocking findings; 3: parts unreviewed and fail_open is off."""
    if outcome.blocking(fail_on):
        return EXIT_NOT_ACHIEVED
    if not outcome.complete and not fail_open:
        return EXIT_INTERNAL
    return EXIT_OK


FAIL_OPEN_ENV = "CODEY_REVIEW_FAIL_OPEN"


def hook_fails_open_on_config_error(flag: bool | None, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the pre-commit hook lets a commit through when the configuration cannot be loaded.
    A broken file cannot say what its ``review.fail_open`` was, so the hook fails open (a broken
    .codey.yml must not block every commit) unless fail-open is turned off where it can still be
    read: ``--no-fail-open`` or CODEY_REVIEW_FAIL_OPEN=false."""
    if flag is not None:
        return flag
    raw = (os.environ if environ is None else environ).get(FAIL_OPEN_ENV, "").strip().lower()
    return raw not in ("0", "false", "no", "off")


def config_error_notice(exc: ConfigError, fails_open: bool, skip: str = "`git commit --no-verify`") -> str:
    """What the hook says, once, when the configuration is broken: what, where, and what to do."""
    lines = ["codey review: the configuration is invalid, so the staged changes were NOT reviewed:", f"  {exc.message}"]
    if exc.hint:
        lines.append(f"  hint: {exc.hint}")
    if fails_open:
        lines.append(
            f"The commit goes on unreviewed (a broken configuration cannot say review.fail_open, so the "
            f"hook fails open; set {FAIL_OPEN_ENV}=false to block instead)."
        )
    else:
        lines.append(f"Commit blocked ({FAIL_OPEN_ENV}=false or --no-fail-open).")
    lines.append(f"Fix it, then check with `git codey review`; skip the hook once with {skip}.")
    return "\n".join(lines)
