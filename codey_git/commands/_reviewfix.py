"""`git codey review --fix` when the staged change breaks tests: the fix loop on those tests, run on
the staged snapshot, its result left on a codey/... branch as a suggested commit. The user's index,
working tree and branch are not touched; one command applies the fix to the staged work."""

from __future__ import annotations

import sys

import pygit2
import typer

from codey_git.errors import UsageError
from codey_git.gitrepo import Repo, signature
from codey_git.ui import err_console

MAX_NAMED = 5  # node ids named in the request; the loop's gate still sees every failing test


def offer_fix_loop(new_failures: list[str], new_tree: str | None, staged: bool, yes: bool) -> None:
    """Run the fix loop on ``new_failures`` (tests that pass at HEAD and fail with the staged
    change), after asking, or with ``yes``. Nothing happens when no test broke."""
    if not new_failures:
        return
    if not staged or new_tree is None:
        err_console.print(
            "The fix loop runs on staged changes only: stage the change and run "
            "`git codey review --fix` again, or `git codey fix \"...\"` on a commit.",
            highlight=False,
        )
        return
    names = " ".join(new_failures[:MAX_NAMED]) + (
        f" (and {len(new_failures) - MAX_NAMED} more)" if len(new_failures) > MAX_NAMED else ""
    )
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(
                "review --fix would run the fix loop on the failing tests and needs a confirmation; nothing was run",
                "Add --yes to run it without asking.",
            )
        if not typer.confirm(
            f"Run the fix loop on {names}? It works on a copy of your staged changes and commits nothing into them.",
            default=False,
        ):
            err_console.print("The fix loop was not run.")
            return
    _run(new_failures, names, new_tree)


def _snapshot_commit(repo: Repo, tree: str) -> str:
    """A commit of the staged tree on top of HEAD, on no branch: the fix loop's base."""
    message = "codey: staged snapshot (git codey review --fix)\n\nYour staged changes, as reviewed; not on any branch.\n"
    oid = repo.repo.create_commit(
        None,
        signature(repo.root, "AUTHOR"),
        signature(repo.root, "COMMITTER"),
        message,
        pygit2.Oid(hex=tree),
        [repo.repo.head.target],
    )
    return str(oid)


def _run(new_failures: list[str], names: str, tree: str) -> None:
    from codey_git.commands._common import also_passing_notes, open_session  # the engine loads only when the loop runs
    from codey_git.engine.runner import run_task
    from codey_git.engine.task import Task
    from codey_git.models.backends import make_provider

    repo, config, progress = open_session()
    base = _snapshot_commit(repo, tree)
    err_console.print(
        f"codey review: running the fix loop on {names}, on a copy of your staged changes.", highlight=False, markup=False
    )
    task = Task(text="Fix the failing tests " + " ".join(new_failures[:MAX_NAMED]), kind="fix")
    provider = make_provider(config, progress)
    try:
        result = run_task(
            repo, task, config, provider, progress=progress, land=False, base=base, branch=f"codey/review-fix-{task.id}"
        )
    finally:
        provider.close()
    if not result.commits:
        err_console.print(f"✘ the fix loop found no fix: {result.reason}. Nothing was changed.", highlight=False, markup=False)
        return
    err_console.print(
        f"✔ a tested fix on top of your staged changes is on {result.branch} "
        f"({result.tests}); the fix loop changed nothing of yours:",
        highlight=False,
        markup=False,
    )
    for commit in result.commits:
        err_console.print(f"  {commit.oid[:10]} {commit.message.splitlines()[0]}", highlight=False, markup=False)
    for note in also_passing_notes(result):  # cherry-pick --no-commit drops the trailer that says it
        err_console.print(f"  ! {note}", highlight=False, markup=False)
    err_console.print(
        f"To apply it to your staged work (nothing is committed): git cherry-pick --no-commit {base[:12]}..{result.branch}",
        highlight=False,
        markup=False,
    )
