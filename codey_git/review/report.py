"""Machine-readable review reports: JSON, Markdown (for PR comments) and SARIF 2.1.0 (for
code-scanning tools)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from typing import Any

from codey_git import __version__
from codey_git.review.outcome import ReviewOutcome
from codey_git.review.findings import CATEGORIES, Finding, at_or_above

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}


def by_file(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.file].append(finding)
    return dict(grouped)


def to_json(outcome: ReviewOutcome, fail_on: str) -> dict[str, Any]:
    return {
        "source": outcome.source,
        "model": outcome.model,
        "fail_on": fail_on,
        "blocking": len(outcome.blocking(fail_on)),
        "complete": outcome.complete,
        "findings": [f.to_dict() for f in outcome.findings],
        "units": outcome.units,
        "reviewed": outcome.reviewed,
        "cached": outcome.cached,
        "harmless": outcome.harmless,
        "triaged_clean": outcome.triaged_clean,
        "unreviewed": [asdict(u) for u in outcome.unreviewed],
        "skipped": [{"file": path, "reason": reason} for path, reason in outcome.skipped],
        "dropped": outcome.dropped,
        "model_max_severity": outcome.model_max_severity,
        "capped": outcome.capped,
        "seconds": round(outcome.seconds, 3),
        "tests": outcome.tests.to_dict() if outcome.tests is not None else None,
        "notes": outcome.notes,
        "explained": outcome.explained,
    }


def to_markdown(outcome: ReviewOutcome, fail_on: str) -> str:
    blocking = outcome.blocking(fail_on)
    lines = [f"## codey review: {outcome.source}", ""]
    if not outcome.findings:
        lines.append("No findings.")
    for file, findings in by_file(outcome.findings).items():
        lines += [f"### `{file}`", ""]
        for f in findings:
            mark = " **(blocking)**" if at_or_above(f.severity, fail_on) else ""
            source = f" (check `{f.check}`)" if f.check else ""
            lines.append(f"- **{f.severity}** {f.category}, line {f.line}{source}{mark}: {f.message}")
            if f.explanation:
                lines.append(f"  *Why (the model's reading):* {f.explanation}")
            if f.suggestion:
                lines += ["", "  ```diff", *("  " + l for l in f.suggestion.rstrip("\n").splitlines()), "  ```"]
        lines.append("")
    lines.append("")
    lines.append(
        f"{len(outcome.findings)} finding(s), {len(blocking)} at or above `{fail_on}`; "
        f"{outcome.reviewed} of {outcome.units} hunk(s) reviewed ({outcome.cached} from cache), "
        f"model `{outcome.model}`, {outcome.seconds:.1f}s."
    )
    lines += [f"- skipped: {note}" for note in outcome.notes]
    if outcome.tests is not None:
        lines.append(f"{outcome.tests.summary()}.")
        lines += [f"- test not run: `{test}` ({reason})" for test, reason in outcome.tests.not_run]
    for u in outcome.unreviewed:
        lines.append(f"- not reviewed: `{u.file}` lines {u.start}-{u.end} ({u.reason})")
    return "\n".join(lines).rstrip() + "\n"


def _rule_id(category: str) -> str:
    return "codey/" + category.replace(" ", "-")


def _sarif_result(f: Finding) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": _rule_id(f.category),
        "level": _SARIF_LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": f.file, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": max(1, f.line)},
                }
            }
        ],
        "properties": {"severity": f.severity, "category": f.category},
    }
    for key in ("suggestion", "check", "evidence", "explanation"):
        if getattr(f, key):
            result["properties"][key] = getattr(f, key)
    return result


def to_sarif(outcome: ReviewOutcome, fail_on: str) -> dict[str, Any]:
    rules = [
        {
            "id": _rule_id(c),
            "name": c.title().replace(" ", ""),
            "shortDescription": {"text": f"{c} problem found by codey review"},
        }
        for c in CATEGORIES
    ]
    warnings = [f"{u.file} lines {u.start}-{u.end} not reviewed: {u.reason}" for u in outcome.unreviewed] + outcome.notes
    if outcome.tests is not None:
        warnings += [f"test {test} not run: {reason}" for test, reason in outcome.tests.not_run]
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "codey-review", "version": __version__, "rules": rules}},
                "results": [_sarif_result(f) for f in outcome.findings],
                "invocations": [
                    {
                        "executionSuccessful": outcome.complete,
                        "toolExecutionNotifications": [{"level": "warning", "message": {"text": w}} for w in warnings],
                        "properties": {
                            "model": outcome.model,
                            "failOn": fail_on,
                            **({"tests": outcome.tests.summary()} if outcome.tests else {}),
                        },
                    }
                ],
            }
        ],
    }
