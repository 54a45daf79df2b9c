"""What a CI job ends with: a conclusion, an exit code, the lines for the log, the JSON, and the
outputs handed to later steps. Every path out writes the outputs, errors included
(``conclusion=error``), so a workflow can always branch on them."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

from codey_git.ci.provider import CIEnv, write_outputs
from codey_git.errors import EXIT_OK, CodeyError


@dataclass
class CIResult:
    command: str  # review, fix, run
    conclusion: str
    exit_code: int = EXIT_OK
    message: str = ""  # one line: what happened
    hint: str | None = None  # what to do about it, when the job fails
    lines: list[str] = field(default_factory=list)  # the report for people (stdout)
    outputs: dict[str, Any] = field(default_factory=dict)  # step outputs (conclusion included)
    data: dict[str, Any] = field(default_factory=dict)  # --json

    def to_json(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "conclusion": self.conclusion,
            "exit_code": self.exit_code,
            "message": self.message,
            "outputs": self.outputs,
            **self.data,
        }


class CIFailed(CodeyError):
    """A CI job that ran and did not succeed: its own exit code (1: not achieved, 3: unreviewed)."""

    def __init__(self, result: CIResult):
        super().__init__(result.message, result.hint)
        self.exit_code = result.exit_code
        self.result = result


def finish(ci: CIEnv, result: CIResult) -> CIResult:
    """Write the result's outputs (conclusion first) and return it."""
    result.outputs = {"conclusion": result.conclusion, **{k: v for k, v in result.outputs.items() if k != "conclusion"}}
    write_outputs(ci, result.outputs)
    return result


@contextmanager
def outputs_on_error(ci: CIEnv) -> Iterator[None]:
    """A job that stops with an error still says so in its outputs: ``conclusion=error``."""
    try:
        yield
    except CIFailed:
        raise
    except CodeyError as exc:
        write_outputs(ci, {"conclusion": "error", "error": exc.message})
        raise
    except Exception as exc:  # noqa: BLE001 - re-raised: the one handler reports it (exit 3)
        write_outputs(ci, {"conclusion": "error", "error": f"internal error: {type(exc).__name__}: {exc}"})
        raise
