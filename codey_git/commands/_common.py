"""Shared pieces of the command edge: options, opening the repo and config, printing results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from codey_git.config import Config, load_config
from codey_git.engine.line_candidates import NO_MODEL
from codey_git.engine.task import TaskResult
from codey_git.gitrepo import Repo, open_repo
from codey_git.ui import Progress, out_console, print_json, styled

YES = typer.Option(False, "--yes", "-y", help="Answer yes to every question (pull a missing model, ...).")
JSON = typer.Option(False, "--json", help="Print one machine-readable result on stdout.")
# for commands that ask nothing: --yes is accepted (scripts pass it to every command) but not offered
ASKS_NOTHING = typer.Option(False, "--yes", "-y", hidden=True, help="Accepted and ignored: this command asks nothing.")


def open_session(
    overrides: dict[str, Any] | None = None, *, need_branch: bool = True, quiet: bool = False
) -> tuple[Repo, Config, Progress]:
    repo = open_repo(need_branch=need_branch)
    config = load_config(repo.root, overrides)
    progress = Progress(quiet=quiet)
    for warning in config.warnings:
        progress.warn(warning)
    return repo, config, progress


def also_passing_notes(result: TaskResult) -> list[str]:
    """For each landed change no model wrote that the tests could not tell from another change
    of its line: which, and what to do (nothing when the task failed: its commits are gone)."""
    return [
        f"the tests also accept {', '.join(a.also_passing)} on {a.at}: read the commit before you keep it"
        for a in (result.attempts if result.status != "failed" else [])
        if a.passed and a.also_passing
    ]


def print_task_result(result: TaskResult, as_json: bool) -> None:
    if as_json:
        print_json(result.to_json())
        return
    review = result.land_review or {}
    if result.status == "landed":
        unreviewed = f" — not reviewed ({review.get('reason')})" if review.get("state") == "not reviewed" else ""
        out_console.print(
            styled((f"✔ landed {len(result.commits)} commit(s) on your branch", "green"), f" ({result.tests}){unreviewed}")
        )
    elif result.status == "committed":
        what = "commit(s), untested," if result.untested else "tested commit(s)"
        out_console.print(
            styled(
                (f"✔ {len(result.commits)} {what} on {result.branch}", "yellow"), f" — {result.reason}" if result.reason else ""
            )
        )
        blocking = (review.get("findings") or []) if review.get("state") == "blocked" else []
        for f in blocking:
            out_console.print(f"  {f['file']}:{f['line']}: {f['severity']}: {f['message']}", markup=False, highlight=False)
    else:
        out_console.print(styled(("✘ not achieved:", "red"), f" {result.reason}"))
        no_model = [a for a in result.attempts if a.format in NO_MODEL]
        if no_model:
            kinds = " and ".join(dict.fromkeys(NO_MODEL[str(a.format)] + "s" for a in no_model))
            passed = sum(a.passed for a in no_model)
            out_console.print(
                f"  {len(no_model)} one-line changes no model wrote ({kinds}), tested: "
                + (f"{passed} passed, in an earlier step" if passed else "none passed")
                + " (--json lists them)"
            )
        for a in result.attempts:
            if a.format in NO_MODEL:  # dozens of one-line changes: counted above, listed by --json
                continue
            status = "passed" if a.passed else (a.reason or "failed")
            out_console.print(f"  step {a.step} attempt {a.attempt}.{a.candidate} [{a.format}]: {status}")
            if a.diff:
                out_console.print("    " + a.diff.strip().replace("\n", "\n    "))
        out_console.print("Nothing was changed in your branch or working tree.")
    for c in result.commits:
        out_console.print(f"  {c.oid[:10]} {c.message.splitlines()[0]}")
    for note in also_passing_notes(result):
        out_console.print(styled(("  ! ", "yellow"), note), highlight=False)
    if result.take_command:
        out_console.print(styled("To take them: ", (result.take_command, "bold")))


def resolve_files(files: list[str] | None, root: Path) -> list[str]:
    out = []
    for f in files or []:
        p = Path(f)
        p = p if p.is_absolute() else (Path.cwd() / p)
        try:
            out.append(p.resolve().relative_to(root).as_posix())
        except ValueError:
            from codey_git.errors import UsageError

            raise UsageError(f"{f} is outside the repository {root}") from None
    return out
