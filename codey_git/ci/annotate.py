"""Findings as the CI shows them: workflow-command annotations (GitHub, Forgejo, Gitea), plain
``file:line:`` lines elsewhere, and GitLab's code-quality report. Annotations are capped: a huge
diff must not flood the log (GitHub itself shows only the first few per step)."""

# no `from __future__ import annotations` here: that import binds the name `annotations`, which is
# this module's function (`annotate.annotations`); every annotation below is valid on Python 3.10
import hashlib
from typing import Any, Iterable

from codey_git.review.findings import Finding, at_or_above

MAX_ANNOTATIONS = 50
_LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}
_CODEQUALITY = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor", "info": "info"}


def escape_data(text: str) -> str:
    """A workflow command's message: %, CR and LF encoded, as the runner decodes them."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: also ``:`` and ``,``, which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def level(finding: Finding, fail_on: str) -> str:
    """``error`` for a finding that fails the job, else by severity (warning, notice)."""
    return "error" if at_or_above(finding.severity, fail_on) else _LEVELS.get(finding.severity, "notice")


def workflow_command(finding: Finding, fail_on: str) -> str:
    title = f"codey review: {finding.severity} {finding.category}"
    props = f"file={escape_property(finding.file)},line={max(1, finding.line)},title={escape_property(title)}"
    return f"::{level(finding, fail_on)} {props}::{escape_data(finding.message)}"


def plain_line(finding: Finding) -> str:
    return f"{finding.file}:{max(1, finding.line)}: {finding.severity}: {finding.category}: " + " ".join(finding.message.split())


def annotations(findings: Iterable[Finding], fail_on: str, workflow_commands: bool, limit: int = MAX_ANNOTATIONS) -> list[str]:
    """One line per finding, the most severe first, at most ``limit`` of them and then one line
    that says how many more there are and where to find them."""
    ordered = sorted(findings, key=lambda f: (not at_or_above(f.severity, fail_on), f.file, f.line))
    shown = [workflow_command(f, fail_on) if workflow_commands else plain_line(f) for f in ordered[: max(0, limit)]]
    rest = len(ordered) - len(shown)
    if rest > 0:
        note = f"{rest} more finding(s) not annotated (at most {limit}); the SARIF file and the summary list all."
        shown.append(f"::warning title=codey review::{escape_data(note)}" if workflow_commands else note)
    return shown


def codequality(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """GitLab's code-quality report (``artifacts: reports: codequality``): the merge request widget."""
    out = []
    for f in findings:
        key = f"{f.file}\0{f.line}\0{f.category}\0{f.message}".encode()
        out.append(
            {
                "description": f.message,
                "check_name": f"codey/{f.category.replace(' ', '-')}",
                "fingerprint": hashlib.sha256(key).hexdigest(),
                "severity": _CODEQUALITY.get(f.severity, "info"),
                "location": {"path": f.file, "lines": {"begin": max(1, f.line)}},
            }
        )
    return out
