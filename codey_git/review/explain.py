"""The model as explainer: for each blocking finding that the tests, ruff or codey's checks made
(their evidence decides; the model's own findings do not block by default), the reviewer model
says in one sentence why it is a bug and suggests the corrected line, within what is left of the
time budget. A model that fails or runs late leaves the finding as it was: it still blocks.
"""

from __future__ import annotations

import json
from typing import Callable

from codey_git.models.base import Model, stop_when_late
from codey_git.review.diffsource import DiffSet
from codey_git.review.findings import Finding, at_or_above
from codey_git.review.suggestions import suggestion_diff

MAX_EXPLAINED = 2  # the first blocking findings: each costs a model call of several seconds
CONTEXT_LINES = 4
WHY_CHARS = 200
SYSTEM = (
    "You explain a defect that a test or a linter found in a staged change. Answer in JSON: "
    '"why": one sentence on why it is a bug, for the author of the change; "fix": the corrected '
    "code line, or an empty string when one line cannot fix it."
)
SCHEMA = {
    "type": "object",
    "properties": {"why": {"type": "string", "maxLength": WHY_CHARS}, "fix": {"type": "string", "maxLength": 120}},
    "required": ["why", "fix"],
    "additionalProperties": False,
}


def _prompt(finding: Finding, text: str) -> str:
    lines = text.splitlines()
    first = max(1, finding.line - CONTEXT_LINES)
    shown = "\n".join(
        f"{n:4} {'>' if n == finding.line else ' '} {lines[n - 1]}"
        for n in range(first, min(len(lines), finding.line + CONTEXT_LINES) + 1)
    )
    evidence = f"\nWhat shows it:\n{finding.evidence[-800:]}" if finding.evidence else ""
    return f"{finding.file}, line {finding.line}: {finding.message}\n\n{shown}{evidence}"


def explain(
    findings: list[Finding], diff: DiffSet, model: Model, fail_on: str, deadline: float | None, clock: Callable[[], float]
) -> int:
    """Explain the blocking findings of the tests and checks in place; returns how many were."""
    texts = {f.path: f.new_text for f in diff.files}
    done = 0
    chosen = [f for f in findings if f.check and at_or_above(f.severity, fail_on) and f.file in texts and not f.explanation]

    for finding in chosen[:MAX_EXPLAINED]:
        if deadline is not None and clock() > deadline:
            break
        try:
            completion = model.chat(
                [{"role": "system", "content": SYSTEM}, {"role": "user", "content": _prompt(finding, texts[finding.file])}],
                purpose="explain",
                max_tokens=96,
                temperature=0.0,
                seed=0,
                json_schema=SCHEMA,
                on_token=stop_when_late(deadline, clock),
            )
            answer = json.loads(completion.text)
        except Exception:  # noqa: BLE001 - late, no answer, not JSON: the finding stands as it is
            break
        why = answer.get("why") if isinstance(answer, dict) else None
        if isinstance(why, str) and why.strip():
            finding.explanation = why.strip()[:WHY_CHARS]
            done += 1
        fix = answer.get("fix") if isinstance(answer, dict) else None
        if isinstance(fix, str) and fix.strip() and not finding.suggestion:
            finding.suggestion = suggestion_diff(finding.file, texts[finding.file], finding.line, fix)
    return done


def carry_explanations(explained: list[Finding], findings: list[Finding]) -> int:
    """Copy the explanations (and suggested lines) of ``explained`` onto the same findings in
    ``findings`` (same file, line and message); returns how many carry one."""
    by_key = {(f.file, f.line, f.message): f for f in explained if f.explanation}
    count = 0
    for finding in findings:
        source = by_key.get((finding.file, finding.line, finding.message))
        if source is not None:
            finding.explanation = source.explanation
            finding.suggestion = finding.suggestion or source.suggestion
            count += 1
    return count
