"""Running a routed intent.

Tools run from the registry without loading the coder (``toolrun.py``). ``test`` runs the
configured test command; ``explain`` asks the coder and commits nothing; fix, edit, plan and
review go to their subcommands.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from codey_git import proc
from codey_git.errors import EXIT_NOT_ACHIEVED, UsageError
from codey_git.router.confirm import confirm
from codey_git.router.intent import Intent, mentions_bug
from codey_git.router.toolrun import run_tool
from codey_git.ui import Progress, print_json

if TYPE_CHECKING:
    from codey_git.config import Config

SUBCOMMANDS = ("fix", "edit", "plan", "review")
CODE_CHANGES = ("fix", "edit")


@dataclass
class RouteContext:
    text: str  # the request as typed
    cwd: Path
    yes: bool
    json_out: bool
    progress: Progress
    load_config: Callable[[], Config]  # called only by intents that need configuration
    run_subcommand: Callable[[list[str]], int]  # e.g. ["fix", text, "--yes"] -> exit code


def repo_root(cwd: Path) -> Path:
    found = proc.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, timeout=30)
    return Path(found.stdout.strip()).resolve() if found.ok and found.stdout.strip() else cwd


def subcommand_argv(intent: Intent, ctx: RouteContext) -> list[str]:
    """How a coding intent is handed to its subcommand (one place to change when their options change)."""
    if intent.name == "review":  # reviews the staged changes, or the files named
        argv = ["review"]
        for name in intent.params.get("files") or []:
            argv += ["--files", name]
    else:
        argv = [intent.name, ctx.text]
        if intent.name == "plan":
            argv += ["--kind", "fix" if mentions_bug(ctx.text) else "edit"]
        if ctx.yes:
            argv.append("--yes")
    if ctx.json_out:
        argv.append("--json")
    return argv


def run_intent(intent: Intent, ctx: RouteContext) -> int:
    if intent.is_tool:
        return run_tool(intent, ctx.cwd, yes=ctx.yes, json_out=ctx.json_out)
    if intent.name == "test":
        return _run_test(intent, ctx)
    if intent.name == "explain":
        return _run_explain(intent, ctx)
    if intent.name in SUBCOMMANDS:
        ctx.progress.stage(f"{intent.name}: {ctx.text}  (routed by {intent.source})")
        if intent.source == "fallback" and intent.name in CODE_CHANGES and not _confirm_fallback(intent, ctx):
            sys.stderr.write("  not run.\n")
            return EXIT_NOT_ACHIEVED
        return ctx.run_subcommand(subcommand_argv(intent, ctx))
    raise UsageError(f"cannot run intent {intent.name!r}")  # the router never returns one


def _confirm_fallback(intent: Intent, ctx: RouteContext) -> bool:
    """Nothing recognised the request and the coding path would change code: say so, and ask."""
    explicit = f"git codey {intent.name} {shlex.quote(ctx.text)}"
    sys.stderr.write(
        f"codey: nothing recognised this request, so it would go to `{intent.name}`, which changes code: {explicit}\n"
    )
    sys.stderr.flush()
    return confirm(
        f"Run it as `{intent.name}`?",
        yes=ctx.yes,
        default=False,
        refusal=f"not running it: only the fallback chose `{intent.name}` for this request, "
        "and a code change needs a confirmation",
        hint=f"Run it explicitly: {explicit}  (or add --yes)",
    )


def _run_test(intent: Intent, ctx: RouteContext) -> int:
    from codey_git.router.testrun import run_tests

    config = ctx.load_config()
    ctx.progress.stage(f"$ {config.test_command}")
    run = run_tests(config.test_command, repo_root(ctx.cwd), config.test_timeout)
    if ctx.json_out:
        print_json({"intent": intent.to_json(), "tests": run.to_json()})
    else:
        if not run.ok and run.tail:
            sys.stdout.write(run.tail + "\n")
        sys.stdout.write(run.summary + "\n")
    return 0 if run.ok else EXIT_NOT_ACHIEVED


def _run_explain(intent: Intent, ctx: RouteContext) -> int:
    from codey_git.models.backends import make_provider
    from codey_git.router.explain import explain

    config = ctx.load_config()
    provider = make_provider(config, ctx.progress)
    try:
        model = provider.get("coder")
        ctx.progress.stage(f"explaining with {model.name}")
        streamed: list[str] = []

        def show(token: str) -> None:
            streamed.append(token)
            sys.stdout.write(token)
            sys.stdout.flush()

        answer = explain(model, ctx.text, intent.params, repo_root(ctx.cwd), None if ctx.json_out else show)
    finally:
        provider.close()
    if ctx.json_out:
        print_json({"intent": intent.to_json(), "answer": answer})
    elif not streamed:
        sys.stdout.write(answer + "\n")
    else:
        sys.stdout.write("\n")
    return 0
