"""`git codey ci review | fix | run`: headless codey for CI runners (the logic is in codey_git.ci).

Plain logs, no questions (a missing model is fetched), outputs to $GITHUB_OUTPUT (or
$CODEY_CI_OUTPUT), and one exit code per outcome; see each job's module for its codes.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer

from codey_git.commands._common import ASKS_NOTHING, JSON

if TYPE_CHECKING:
    from codey_git.ci.provider import CIEnv
    from codey_git.ci.result import CIResult
    from codey_git.ui import Progress


class Severity(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    info = "info"


PULL = typer.Option(True, "--pull/--no-pull", help="Fetch a missing model first (default), or fail at once.")
REMOTE = typer.Option("origin", "--remote", metavar="NAME", help="The remote to fetch from and push to.")
PUSH = typer.Option(
    False, "--push", help="Push tested commits to new codey/... branches on the remote (never forced, never onto the base)."
)


def _progress() -> Progress:
    from codey_git.ui import Progress

    return Progress(stream_tokens=False)  # a CI log is read afterwards: stages, not a token stream


def _finish(result: CIResult, as_json: bool) -> None:
    from codey_git.ci.result import CIFailed
    from codey_git.ui import print_json

    stream = sys.stderr if as_json else sys.stdout  # annotations are read from either stream
    for line in result.lines:
        stream.write(line + "\n")
    if not result.exit_code:  # a failure's message comes once, from the error handler
        stream.write(result.message + "\n")
    stream.flush()
    if as_json:
        print_json(result.to_json())
    if result.exit_code:
        raise CIFailed(result)


def _env() -> CIEnv:
    from codey_git.ci.provider import detect

    return detect()


def review(
    base: Optional[str] = typer.Option(
        None,
        "--base",
        metavar="REF",
        help="Branch or commit the change goes into (default: the "
        "CI's pull-request target, GITHUB_BASE_REF or CI_MERGE_REQUEST_DIFF_BASE_SHA).",
    ),
    head: Optional[str] = typer.Option(None, "--head", metavar="REF", help="The commit under review (default: HEAD)."),
    files: Optional[List[str]] = typer.Option(None, "--files", metavar="PATH", help="Only these paths (repeat; globs work)."),
    sarif: Optional[Path] = typer.Option(
        None, "--sarif", metavar="PATH", help="Write SARIF 2.1.0 here (for code-scanning upload)."
    ),
    markdown: Optional[Path] = typer.Option(None, "--markdown", metavar="PATH", help="Write the Markdown summary here too."),
    codequality: Optional[Path] = typer.Option(
        None, "--codequality", metavar="PATH", help="Write a GitLab code-quality report here."
    ),
    fail_on: Optional[Severity] = typer.Option(
        None, "--fail-on", help="Lowest severity that fails the job (config review.fail_on, default high)."
    ),
    fail_open: Optional[bool] = typer.Option(
        None,
        "--fail-open/--no-fail-open",
        help="A missing or crashing model: let the built-in checks decide (fail-open) or exit 3 (default in CI).",
    ),
    max_seconds: Optional[float] = typer.Option(
        None,
        "--max-seconds",
        metavar="SECONDS",
        help="Time budget; the rest is listed as unreviewed (default: review.max_seconds when configured, else none).",
    ),
    max_annotations: int = typer.Option(50, "--max-annotations", metavar="N", help="Most annotations in the log."),
    remote: str = REMOTE,
    pull: bool = PULL,
    as_json: bool = JSON,
    yes: bool = ASKS_NOTHING,
) -> None:
    """Review base...head (from the merge base, as a pull request shows it) and report it for CI."""
    from codey_git.ci.review import ReviewOptions, ci_review

    opts = ReviewOptions(
        base=base,
        head=head,
        files=list(files or []),
        sarif=sarif,
        markdown=markdown,
        codequality=codequality,
        fail_on=fail_on.value if fail_on else None,
        fail_open=fail_open,
        max_seconds=max_seconds,
        max_annotations=max_annotations,
        remote=remote,
        pull=pull,
    )
    _finish(ci_review(Path.cwd(), opts, _env(), _progress()), as_json)


def fix(
    test_command: Optional[str] = typer.Option(
        None, "--test-command", metavar="COMMAND", help="Command that runs the tests (config test_command)."
    ),
    request: Optional[str] = typer.Option(
        None, "--request", metavar="TEXT", help="What to fix, in words (default: the failing tests)."
    ),
    push: bool = PUSH,
    remote: str = REMOTE,
    model: Optional[str] = typer.Option(None, "--model", "-m", metavar="NAME", help="Coder model (catalog name)."),
    attempts: Optional[int] = typer.Option(None, "--attempts", metavar="N", help="Edit attempts per step."),
    max_seconds: Optional[float] = typer.Option(None, "--max-seconds", metavar="SECONDS", help="Time budget for the fix."),
    pull: bool = PULL,
    as_json: bool = JSON,
    yes: bool = ASKS_NOTHING,
) -> None:
    """When the tests fail on the checked-out commit, fix them; push the tested commits with --push."""
    from codey_git.ci.fix import FixOptions, ci_fix

    opts = FixOptions(
        test_command=test_command,
        request=request,
        push=push,
        remote=remote,
        model=model,
        attempts=attempts,
        max_seconds=max_seconds,
        pull=pull,
    )
    _finish(ci_fix(Path.cwd(), opts, _env(), _progress()), as_json)


def run(
    recipe: str = typer.Argument(..., help="Recipe name or path."),
    shard: Optional[str] = typer.Option(
        None, "--shard", metavar="I/N", help="This runner's share, I/N (1/2 and 2/2 in a 2-runner matrix)."
    ),
    push: bool = PUSH,
    remote: str = REMOTE,
    out: Optional[Path] = typer.Option(
        None,
        "--out",
        metavar="DIR",
        help="Copy the run's journal and report into this folder (upload it; `git codey report --merge` reads it).",
    ),
    model: Optional[str] = typer.Option(None, "--model", "-m", metavar="NAME", help="Coder model for every task."),
    max_tasks: Optional[int] = typer.Option(None, "--max-tasks", metavar="N", help="Run at most N of this shard's tasks."),
    until: Optional[str] = typer.Option(None, "--until", metavar="HH:MM", help="Start no task after this time (HH:MM)."),
    pull: bool = PULL,
    as_json: bool = JSON,
    yes: bool = ASKS_NOTHING,
) -> None:
    """Run this runner's share of a recipe; push its tested branches with --push."""
    from codey_git.ci.run import RunOptions, ci_run

    opts = RunOptions(
        recipe=recipe, shard=shard, push=push, remote=remote, out=out, model=model, max_tasks=max_tasks, until=until, pull=pull
    )
    _finish(ci_run(Path.cwd(), opts, _env(), _progress()), as_json)


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Headless codey for CI runners: review a pull request, fix failing tests, run a "
        "recipe shard. Plain logs, outputs to $GITHUB_OUTPUT, one exit code per outcome.",
        no_args_is_help=True,
    )
    group.command("review")(review)
    group.command("fix")(fix)
    group.command("run")(run)
    app.add_typer(group, name="ci")
