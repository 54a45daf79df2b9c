"""What the user asked, and what came of it."""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Task:
    text: str  # the request as typed
    kind: str = "fix"  # "fix" | "edit"
    files: list[str] = field(default_factory=list)  # repo-relative paths named by user or recipe
    id: str = field(default_factory=lambda: secrets.token_hex(3))

    @property
    def slug(self) -> str:
        words = re.findall(r"[a-z0-9]+", self.text.lower())[:6]
        return "-".join(words)[:40].strip("-") or self.kind


@dataclass
class Step:
    number: int
    text: str  # what this step must achieve, as shown to the model
    files: list[str] = field(default_factory=list)
    lines: dict[str, list[int]] = field(default_factory=dict)  # file -> line numbers named


@dataclass
class AttemptRecord:
    step: int
    attempt: int
    candidate: int = 1
    format: str | None = None
    well_formed: bool = False  # the output contained an edit that parsed
    applied: bool = False  # the edit applied cleanly to the worktree
    passed: bool = False
    tests: str | None = None  # e.g. "11 passed, 1 failed"
    reason: str | None = None  # one line: why it was rejected or failed
    diff: str | None = None
    seconds: float = 0.0
    answer: str | None = None  # what the model wrote, cut at ANSWER_CHARS (to see why an edit failed)
    at: str | None = None  # a one-line candidate's file and line ("pairs.py line 3")
    # a passing change no model wrote: the other changes of its line that the tests accept too
    also_passing: list[str] = field(default_factory=list)
    also_checked: int = 0  # how many other changes of its line were judged (the time may stop it before all)
    ranked_by: str | None = None  # the model whose score chose among the changes the tests accept, when it did


ANSWER_CHARS = 4000


@dataclass
class CommitInfo:
    oid: str
    message: str


@dataclass
class TaskResult:
    status: str  # "landed" | "committed" (on a codey/... branch) | "failed"
    task: Task
    branch: str | None = None
    base: str | None = None
    commits: list[CommitInfo] = field(default_factory=list)
    attempts: list[AttemptRecord] = field(default_factory=list)
    tests: str | None = None  # final test summary
    reason: str | None = None  # why it failed / why it did not land
    take_command: str | None = None  # how to take the commits when they did not land
    model: str | None = None
    tokens: dict[str, float] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)
    discarded: list[str] = field(default_factory=list)  # files the tests changed; never committed
    # edit: the tests that name the changed code (or the test codey wrote), and what none names
    tested_by: list[str] = field(default_factory=list)
    untested: bool = False
    untested_code: list[str] = field(default_factory=list)  # "stats.py: stdev"
    test_note: str | None = None  # why codey could not write a test
    land_review: dict[str, Any] | None = None  # codey's review of what would land (engine.landreview)
    # fix --write-test: the test codey wrote to show the symptom (committed with the fix when it lands)
    symptom_test: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("landed", "committed")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["task"] = {"id": self.task.id, "text": self.task.text, "kind": self.task.kind, "files": self.task.files}
        return data
