"""The review codey's own commits get before they land (#17 item 5): the checks behind the
``codey-review-checks`` pre-commit hook (ruff and codey's built-in Python checks, no model), on the
diff from the task's base to its branch. The tests already ran in the gate, so they are not run
again. ``land_review: off`` (or a review that cannot run) lands unreviewed, and says so."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codey_git.config import Config

from codey_git.gitrepo import Repo

CHECKS = "checks"


@dataclass
class LandReview:
    state: str  # "passed" | "blocked" | "not reviewed"
    reason: str | None = None  # why blocked, or why not reviewed
    findings: list[dict[str, Any]] = field(default_factory=list)  # the findings at or above review.fail_on
    unreviewed: list[str] = field(default_factory=list)  # files the checks do not read (not Python, too large)

    @property
    def blocked(self) -> bool:
        return self.state == "blocked"

    def lines(self) -> list[str]:
        """One line per blocking finding: file:line severity message."""
        return [f"{f['file']}:{f['line']}: {f['severity']}: {f['message']}" for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "reason": self.reason, "findings": list(self.findings), "unreviewed": list(self.unreviewed)}


def review_landing(repo: Repo, base: str, tip: str, config: Config) -> LandReview:
    """Review ``base..tip`` with the checks, blocking at ``review.fail_on`` as the hook does."""
    mode = str(config.get("land_review", CHECKS))
    if mode != CHECKS:
        return LandReview("not reviewed", "land_review is off")
    if not config.get("review.checks", True):
        return LandReview("not reviewed", "review.checks is false")
    fail_on = str(config.get("review.fail_on") or "high")
    try:
        # imported here: the review package is large, and a task that never lands does not need it
        from codey_git.review.diffsource import range_diff
        from codey_git.review.engine import checks_review

        diff = range_diff(repo.root, f"{base}..{tip}")
        outcome = checks_review(diff, fail_on, max_seconds=float(config.get("review.max_seconds") or 0))
    except Exception as exc:  # noqa: BLE001 - a review that cannot run lands unreviewed, said so
        return LandReview("not reviewed", f"the review could not run: {type(exc).__name__}: {exc}")
    blocking = outcome.blocking(fail_on)
    unreviewed = sorted({u.file for u in outcome.unreviewed})
    if blocking:
        found = [f.to_dict() for f in blocking]
        return LandReview(
            "blocked", f"codey's review (checks) found {len(found)} problem(s) at or above {fail_on}", found, unreviewed
        )
    return LandReview("passed", unreviewed=unreviewed)
