"""`git codey review`: review the staged diff (or a range) and report findings.

Exit codes: 0 nothing at or above --fail-on, 1 blocking findings, 2 usage or config error (a
missing model with --no-fail-open too, as everywhere), 3 model crash or internal error (with
--fail-open, the default, model trouble only warns and exits 0; as the pre-commit hook, so does
any internal error: the commit is never blocked by a traceback).
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from codey_git.config import load_config
from codey_git.errors import (
    EXIT_INTERNAL,
    EXIT_NOT_ACHIEVED,
    EXIT_USAGE,
    CodeyError,
    ConfigError,
    InternalError,
    ModelError,
    TaskFailed,
    UsageError,
)
from codey_git.commands._reviewfix import offer_fix_loop
from codey_git.review import fixes, report
from codey_git.review.diffsource import open_repository
from codey_git.review.engine import checks_only, checks_review
from codey_git.review.outcome import ReviewOutcome, Unreviewed
from codey_git.review.session import (
    ReviewRequest,
    config_error_notice,
    hook_fails_open_on_config_error,
    budget_left,
    precommit_range,
    read_diff,
    run_review,
    test_evidence,
    verdict,
)
from codey_git.review.terminal import print_report
from codey_git.ui import Progress, err_console, out_console, print_json, styled


class Format(str, Enum):
    terminal = "terminal"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"


class Severity(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    info = "info"


def _patterns(files: list[str] | None, root: Path) -> list[str]:
    out = []
    for item in files or []:
        for part in filter(None, (p.strip() for p in item.split(","))):
            full = (Path.cwd() / part).resolve()
            inside = full == root or root in full.parents
            out.append(full.relative_to(root).as_posix() if inside and full != root else part)
    return out


def _config(root: Path, fail_on, fail_open, max_seconds):
    review = {"fail_on": fail_on.value if fail_on else None, "fail_open": fail_open, "max_seconds": max_seconds}
    review = {k: v for k, v in review.items() if v is not None}
    return load_config(root, {"review": review} if review else None)


def _emit(outcome, fmt: Format, fail_on: str, hook: bool) -> None:
    if fmt is Format.json:
        print_json(report.to_json(outcome, fail_on))
    elif fmt is Format.sarif:
        print_json(report.to_sarif(outcome, fail_on))
    elif fmt is Format.markdown:
        sys.stdout.write(report.to_markdown(outcome, fail_on))
    else:
        print_report(err_console if hook else out_console, outcome, fail_on)


def _offer_fixes(root: Path, outcome, yes: bool) -> None:
    patch = fixes.fix_patch(outcome.findings)
    if not patch:
        err_console.print("No suggested fixes to apply.")
        return
    err_console.print(patch, markup=False, highlight=False)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("--fix needs a confirmation; nothing was changed", "Add --yes to apply without asking.")
        if not typer.confirm("Apply these fixes to your working tree (not the index)?", default=False):
            err_console.print("Nothing applied.")
            return
    fixes.apply_to_worktree(root, patch)
    err_console.print("Applied to the working tree; review with `git diff`, then `git add` what you keep.")


def _review_or_skip(request: ReviewRequest, diff, cfg, progress, evidence=None) -> ReviewOutcome:
    """The outcome. When the model is missing or crashes, fail_open turns that into an outcome with
    every file unreviewed by the model (so --format json/sarif still print a report) and the
    built-in checks' findings, which need no model and still block; otherwise exit 3."""
    if not cfg.get("review.model"):
        if not cfg.get("review.checks"):
            raise UsageError(
                "review.model and review.checks are both false, so nothing would be reviewed",
                "Set one of them to true in .codey.yml, or uninstall the hook (git codey hook uninstall).",
            )
        return checks_review(diff, request.fail_on, max_seconds=request.max_seconds)
    try:
        return run_review(request, diff, cfg, progress, evidence)
    except CodeyError as exc:
        if exc.exit_code != EXIT_INTERNAL:
            raise  # the user's mistake (bad config, bad range): always reported
        failure: BaseException = exc
    except Exception as exc:  # noqa: BLE001 - ReviewerUnavailable or a crash: fail_open decides
        failure = exc
    if not request.fail_open:
        cause = failure.__cause__ if isinstance(failure.__cause__, ModelError) else failure
        if isinstance(cause, ModelError):  # missing or bad model file: exit 2, as for fix and edit
            raise ModelError(
                f"review needs its model: {cause.message}",
                "Fetch it with `git codey models pull NAME` (see `git codey models list`), "
                "or pass --fail-open to review with the built-in checks alone.",
            ) from failure
        raise InternalError(f"review failed: {failure}", "Check the reviewer model, or pass --fail-open.") from failure
    checked = cfg.get("review.checks")
    ran = "; the built-in checks still ran" if checked else ""
    err_console.print(
        styled(("codey review skipped the model:", "yellow"), f" {failure} (fail_open: model trouble does not block{ran})")
    )
    unreviewed = [
        Unreviewed(f.path, f.hunks[0].new_start, f.hunks[-1].new_start + f.hunks[-1].new_count, f"review failed: {failure}")
        for f in diff.files
    ]
    findings = checks_only(diff, request.fail_on, max_seconds=request.max_seconds) if checked else []
    return ReviewOutcome(
        diff.description,
        cfg.reviewer,
        findings=findings,
        unreviewed=unreviewed,
        skipped=list(diff.skipped),
        units=sum(len(f.hunks) for f in diff.files),
    )


def review(
    paths: Optional[List[str]] = typer.Argument(
        None,
        help="Only these paths, as --files. With --hook: the files the pre-commit framework names; those not staged (--all-files, --files) are reviewed whole.",
    ),
    range_: Optional[str] = typer.Option(
        None, "--range", help="Review commits A..B (or A...B from the merge base) instead of the staged changes."
    ),
    files: Optional[List[str]] = typer.Option(None, "--files", help="Only these paths (repeat, or comma-separated; globs work)."),
    fmt: Format = typer.Option(Format.terminal, "--format", help="Report format."),
    json_out: bool = typer.Option(False, "--json", help="Same as --format json."),
    fail_on: Optional[Severity] = typer.Option(
        None, "--fail-on", help="Lowest severity that fails (config review.fail_on, default high)."
    ),
    fail_open: Optional[bool] = typer.Option(
        None, "--fail-open/--no-fail-open", help="Model missing, timing out or crashing: warn and exit 0 (default) or exit 3."
    ),
    max_seconds: Optional[float] = typer.Option(
        None, "--max-seconds", help="Time budget; the rest is reported unreviewed (config review.max_seconds; 0: none)."
    ),
    fix: bool = typer.Option(
        False,
        "--fix",
        help="Offer the suggested fixes as a patch for the working tree, and the fix loop on the tests the staged change breaks (its fix left on a codey/... branch).",
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Apply --fix (and run its fix loop) without asking."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Ask the model even for hunks reviewed before."),
    hook: bool = typer.Option(False, "--hook", help="Run as the pre-commit hook (staged changes, report on stderr)."),
) -> None:
    """Review the staged diff (or --range) and report problems with file, line, severity and a fix."""
    if hook and (range_ or fix):
        raise UsageError("--hook reviews the staged changes; it cannot be combined with --range or --fix")
    args = (
        range_,
        files,
        paths or [],
        Format.json if json_out else fmt,
        fail_on,
        fail_open,
        max_seconds,
        fix,
        yes,
        no_cache,
        hook,
    )
    if not hook:
        return _review(*args)
    try:
        return _review(*args)
    except ConfigError as exc:  # a broken config cannot say review.fail_open: said once, fails open
        opens = hook_fails_open_on_config_error(fail_open)
        err_console.print(config_error_notice(exc, opens, _skip_hint()), markup=False, highlight=False)
        if opens:
            return None
        raise typer.Exit(EXIT_USAGE) from None
    except CodeyError as exc:
        if exc.exit_code != EXIT_INTERNAL:
            raise  # findings that block (1), the user's mistakes (2)
        failure: BaseException = exc
    except (KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as exc:  # noqa: BLE001 - a bug must not block the user's commit
        failure = exc
    if fail_open is False or (fail_open is None and not _configured_fail_open()):
        raise failure
    err_console.print(
        styled(
            ("codey review failed:", "yellow"),
            f" {type(failure).__name__}: {failure}; commit not blocked (review.fail_open). Please report this.",
        )
    )


def _configured_fail_open() -> bool:
    """review.fail_open as configured, true when even the configuration cannot be read."""
    try:
        return bool(load_config(Path(open_repository(Path.cwd()).workdir).resolve()).get("review.fail_open"))
    except Exception:  # noqa: BLE001
        return True


def _skip_hint() -> str:
    """How to commit once without the review: pre-commit's SKIP when it runs the hook."""
    if os.environ.get("PRE_COMMIT") == "1":  # set by the pre-commit framework for its hooks
        hook_id = os.environ.get("CODEY_HOOK_ID") or "codey-review"
        return f"`SKIP={hook_id} git commit ...`"
    return "`git commit --no-verify`"


def _review(range_, files, paths, fmt, fail_on, fail_open, max_seconds, fix, yes, no_cache, hook) -> None:
    root = Path(open_repository(Path.cwd()).workdir).resolve()
    cfg = _config(root, fail_on, fail_open, max_seconds)
    for warning in cfg.warnings:
        err_console.print(styled(("warning:", "yellow"), f" {warning}"))
    threshold, open_on_failure = cfg.get("review.fail_on"), cfg.get("review.fail_open")
    named: list[str] = []
    if hook:  # under the pre-commit framework: its range, else the staged diff and the files it names
        range_ = precommit_range()
        named = [] if range_ else _patterns(paths, root)
    else:
        files = [*(files or []), *paths]
    request = ReviewRequest(
        root,
        range_,
        _patterns(files, root),
        threshold,
        open_on_failure,
        float(cfg.get("review.max_seconds") or 0),
        use_cache=not no_cache,
        named=named,
    )
    progress = Progress(quiet=hook or fmt is not Format.terminal)
    diff = read_diff(request)
    evidence = test_evidence(request, diff, cfg)
    request.max_seconds = budget_left(request, evidence)
    if diff.files:
        outcome = _review_or_skip(request, diff, cfg, progress, evidence)
    elif fmt is Format.terminal and (evidence is None or evidence.state != "ran"):
        skipped = f" ({len(diff.skipped)} file(s) skipped: binary, lock, generated or deleted)" if diff.skipped else ""
        err_console.print(f"codey review: nothing to review in {diff.description}{skipped}.", highlight=False)
        return
    else:
        outcome = ReviewOutcome(diff.description, cfg.reviewer, skipped=list(diff.skipped))
    outcome.add_tests(evidence)
    _emit(outcome, fmt, threshold, hook)
    if not outcome.complete and open_on_failure:
        missed = [f"{len(outcome.unreviewed)} hunk(s) not reviewed"] if outcome.unreviewed else []
        missed += [f"{len(evidence.not_run)} test(s) not run"] if evidence is not None and evidence.not_run else []
        err_console.print(styled(("warning:", "yellow"), f" {', '.join(missed)} (fail_open: not blocking)"))
    if fix:
        _offer_fixes(root, outcome, yes)
        offer_fix_loop(list(evidence.new_failures) if evidence is not None else [], diff.new_tree, staged=range_ is None, yes=yes)
    code = verdict(outcome, threshold, open_on_failure)
    if code == EXIT_NOT_ACHIEVED:
        loop = (
            "Have codey try to fix the failing tests on a copy of your staged changes: git codey review --fix"
            if evidence is not None and evidence.new_failures and not fix and range_ is None
            else None
        )
        raise TaskFailed(
            f"{len(outcome.blocking(threshold))} finding(s) at or above {threshold}" + ("; commit blocked" if hook else ""),
            " ".join(
                filter(None, [f"Fix them and stage again, or skip the check once with {_skip_hint()}." if hook else None, loop])
            )
            or None,
        )
    if code == EXIT_INTERNAL:
        raise InternalError(
            f"{len(outcome.unreviewed)} hunk(s) were not reviewed"
            + (f", {len(evidence.not_run)} test(s) not run" if evidence and evidence.not_run else "")
            + " and fail_open is off",
            "Raise --max-seconds, or check the reviewer model.",
        )


def register(app: typer.Typer) -> None:
    app.command("review")(review)
