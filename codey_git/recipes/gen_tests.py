"""failing-tests: run the test command on the base commit (in a scratch worktree, never in the
user's working tree) and make one fix task per test file with failures."""

from __future__ import annotations

import fnmatch
import re
import secrets
from typing import Any, TYPE_CHECKING

from codey_git import proc
from codey_git.recipes.planned import PlannedTask
from codey_git.recipes.scratch import scratch_worktree
from codey_git.testrun import run_tests, use_sandbox

if TYPE_CHECKING:  # generators imports this module
    from codey_git.recipes.generators import GenContext

SUMMARY = re.compile(r"^(FAILED|ERROR) (\S+?)(?:::(\S+))?(?: - (.*))?$")


def parse_pytest_summary(output: str) -> dict[str, list[str]]:
    """{test file: ["test_name (reason)", ...]} from pytest's short summary (`-rfE`)."""
    failures: dict[str, list[str]] = {}
    for line in output.splitlines():
        match = SUMMARY.match(line.strip())
        if not match:
            continue
        kind, path, name, reason = match.groups()
        label = name or ("collection error" if kind == "ERROR" else "failure")
        if reason:
            label += f" ({reason.strip()[:160]})"
        failures.setdefault(path, []).append(label)
    return failures


def failing_tests(ctx: GenContext, options: dict[str, Any]) -> list[PlannedTask]:
    command = ctx.config.test_command
    if "pytest" in command:
        command += " -rfE -p no:cacheprovider"
    with scratch_worktree(ctx.root, ctx.scratch_dir / "failing-tests", ctx.base) as tree:
        result = proc.run(command, cwd=tree, shell=True, timeout=ctx.config.test_timeout)
    if result.ok:
        return []
    if result.timed_out:
        ctx.warn(f"failing-tests: `{ctx.config.test_command}` timed out; no tasks from it")
        return []
    failures = parse_pytest_summary(result.output)
    if options.get("paths"):
        failures = {p: v for p, v in failures.items() if any(fnmatch.fnmatch(p, g) for g in options["paths"])}
    if not failures:
        last = (result.output.strip().splitlines() or ["(no output)"])[-1][:200]
        return [
            PlannedTask(
                kind="fix",
                priority="high",
                source="failing-tests",
                text=f"Make the test suite pass (`{ctx.config.test_command}` fails: {last}).",
                options={"goal": {"check": "failing-tests", "path": None, "names": [SUITE]}},
            )
        ]
    return [
        PlannedTask(
            kind="fix",
            files=[path],
            priority="high",
            source="failing-tests",
            text=f"Make the failing tests in {path} pass: {'; '.join(names)}. Fix the code under test, not the tests.",
            options={"goal": {"check": "failing-tests", "path": path, "names": [n.split(" (", 1)[0] for n in names]}},
        )
        for path, names in failures.items()
    ]


SUITE = "the test suite"


def check_failing(ctx: GenContext, goal: dict[str, Any]) -> list[tuple[str, int | None]]:
    """The task's test file (or the whole suite) run again on the committed tree (ctx.base), in a
    scratch worktree: the tests of that file that still fail."""
    path = goal.get("path")
    with scratch_worktree(ctx.root, ctx.scratch_dir / f"goal-{secrets.token_hex(3)}", ctx.base) as tree:
        run = run_tests(
            ctx.config.test_command,
            tree,
            float(ctx.config.test_timeout),
            sandbox=use_sandbox(ctx.config),
            select=[path] if path else None,
        )
    if run.ok:
        return []
    if path is None:
        return [(SUITE, None)]
    left: list[tuple[str, int | None]] = [
        (node.split("::", 1)[1], None) for node in sorted(run.failed) if node.split("::", 1)[0] == path and "::" in node
    ]
    return left or [(path, None)]  # failing, but not by a test of its own (a collection error)
