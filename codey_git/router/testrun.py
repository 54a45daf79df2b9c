"""The `test` intent: run the configured test command in the repository root and summarize it."""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from codey_git import proc
from codey_git.errors import TestCommandError

_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)\b")
TAIL_LINES = 30


@dataclass
class TestRun:
    __test__ = False  # not a pytest test class

    command: str
    returncode: int
    seconds: float
    timed_out: bool
    counts: dict[str, int] = field(default_factory=dict)
    tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def summary(self) -> str:
        if self.timed_out:
            return f"tests timed out after {self.seconds:.0f}s"
        if self.counts:
            parts = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        else:
            parts = "passed" if self.ok else f"failed (exit {self.returncode})"
        return f"tests: {parts} in {self.seconds:.1f}s"

    def to_json(self) -> dict:
        return {"command": self.command, "ok": self.ok, "returncode": self.returncode, "counts": self.counts,
                "seconds": round(self.seconds, 2), "timed_out": self.timed_out, "summary": self.summary}


def test_argv(command: str) -> list[str]:
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise TestCommandError(f"test_command cannot be parsed: {exc}", "Fix `test_command` in .codey.yml.") from None
    if not argv:
        raise TestCommandError("test_command is empty", "Set `test_command` in .codey.yml (e.g. `python -m pytest -q`).")
    if argv[0] in ("python", "python3") and shutil.which(argv[0]) is None:
        argv[0] = sys.executable  # the interpreter codey runs on, when no `python` is on PATH
    return argv


def count_results(output: str) -> dict[str, int]:
    """Counts from the last pytest-style summary line ("3 passed, 1 failed in 0.2s")."""
    for line in reversed(output.splitlines()):
        found = _COUNT.findall(line)
        if found:
            counts: dict[str, int] = {}
            for n, what in found:
                what = "errors" if what.startswith("error") else what
                counts[what] = counts.get(what, 0) + int(n)
            return counts
    return {}


def run_tests(command: str, root: Path, timeout: float) -> TestRun:
    result = proc.run(test_argv(command), cwd=root, timeout=timeout or None)
    tail = "\n".join(result.output.rstrip().splitlines()[-TAIL_LINES:])
    return TestRun(command, result.returncode, result.seconds, result.timed_out, count_results(result.output), tail)
