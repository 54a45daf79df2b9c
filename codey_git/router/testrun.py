"""The `test` intent: run the configured test command in the repository root and summarize it.

The run itself is codey's one test runner (``codey_git.testrun``: pytest's own report by node id,
process-group timeouts, the watchdog); this module only shapes what the `test` intent prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from codey_git import testrun

TAIL_LINES = 30


@dataclass
class TestReport:
    __test__ = False  # not a pytest test class

    command: str
    returncode: int
    seconds: float
    timed_out: bool
    counts: dict[str, int] = field(default_factory=dict)
    tail: str = ""
    failed: list[str] = field(default_factory=list)  # node ids, from pytest's own report

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
        return {
            "command": self.command,
            "ok": self.ok,
            "returncode": self.returncode,
            "counts": self.counts,
            "seconds": round(self.seconds, 2),
            "timed_out": self.timed_out,
            "summary": self.summary,
            "failed": self.failed,
        }


def run_tests(command: str, root: Path, timeout: float) -> TestReport:
    run = testrun.run_tests(command, root, float(timeout) if timeout else 3600.0)
    tail = "\n".join(run.output.rstrip().splitlines()[-TAIL_LINES:])
    return TestReport(command, run.returncode, run.seconds, run.timed_out, dict(run.counts), tail, sorted(run.failed))
