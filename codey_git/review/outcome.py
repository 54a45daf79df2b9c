"""What one review found: the findings, the units reviewed or not and why, the test evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codey_git.review.findings import Finding, at_or_above, severity_rank
from codey_git.review.testevidence import TestEvidence


@dataclass
class Unreviewed:
    file: str
    start: int
    end: int
    reason: str


@dataclass
class ReviewOutcome:
    source: str
    model: str
    findings: list[Finding] = field(default_factory=list)
    units: int = 0
    reviewed: int = 0
    cached: int = 0
    unreviewed: list[Unreviewed] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    dropped: int = 0  # findings pointing at lines or files outside the diff
    harmless: int = 0  # units recognised as keeping behaviour, not sent to the model
    triaged_clean: int = 0  # units scored below the triage threshold, never asked for findings
    triage_scores: list[tuple[str, int, int, float]] = field(default_factory=list)  # (file, first, last line, log-odds)
    seconds: float = 0.0
    model_max_severity: str | None = None  # the cap on the model's findings (review.model_max_severity)
    capped: int = 0  # model findings rated above that cap, shown at the cap
    tests: TestEvidence | None = None  # the tests run on the staged snapshot (``testevidence``)
    notes: list[str] = field(default_factory=list)  # what was skipped and why (ruff missing)
    explained: int = 0  # blocking findings the model explained (``explain``)

    def blocking(self, fail_on: str) -> list[Finding]:
        return [f for f in self.findings if at_or_above(f.severity, fail_on)]

    @property
    def complete(self) -> bool:
        return not self.unreviewed and not (self.tests is not None and self.tests.not_run)

    def add_tests(self, evidence: TestEvidence | None) -> None:
        """The test evidence and its findings, first among those on the same line."""
        if evidence is not None and self.tests is None:
            self.tests = evidence
            self.findings = dedupe(evidence.findings + self.findings)


def dedupe(findings: list[Finding]) -> list[Finding]:
    """The findings by file and line, the most severe first; of those with the same message on a line, the first."""
    first: dict[tuple[Any, ...], Finding] = {}
    for f in sorted(findings, key=lambda f: (f.file, f.line, -severity_rank(f.severity))):
        first.setdefault((f.file, f.line, f.message), f)
    return list(first.values())
