"""What a review finds, the JSON shape the model must answer in, and a defensive parser.

The model is asked for ``{"findings": [{"file", "line", "severity", "category", "message",
"suggestion"?}]}`` through a JSON schema, but scripted or unconstrained backends hand back raw
text, so ``parse_model_findings`` accepts fenced JSON, surrounding prose and near-miss values and
drops whatever it cannot make sense of instead of failing.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from codey_git.testpaths import is_test_file

SEVERITIES = ("critical", "high", "medium", "low", "info")  # most severe first
CATEGORIES = ("bug", "security", "error handling", "performance", "style", "test")

_SEVERITY_ALIASES = {
    **dict.fromkeys("error major".split(), "high"),
    **dict.fromkeys("warning moderate".split(), "medium"),
    "minor": "low",
    "note": "info",
    **dict.fromkeys("blocker severe".split(), "critical"),
}
_CATEGORY_ALIASES = {
    **dict.fromkeys("error-handling error_handling errors exception".split(), "error handling"),
    "perf": "performance",
    **dict.fromkeys("tests testing".split(), "test"),
    **dict.fromkeys("correctness logic".split(), "bug"),
    "vulnerability": "security",
    **dict.fromkeys("readability formatting".split(), "style"),
}

MESSAGE_CHARS = 120  # one short sentence: answer tokens are the slowest part of a review
SUGGESTION_CHARS = 120  # one corrected line; longer fixes are left to the reader
MAX_FINDINGS_PER_CALL = 3  # with the caps above this fits prompt.RESPONSE_TOKENS


def review_schema(files: list[str], lines: list[int], at_least_one: bool = False) -> dict[str, Any]:
    """The answer shape for one model call: ``file`` and ``line`` can only name a file of the call
    and a line the diff touches there, and message and suggestion are capped, so a small model
    neither points at unchanged code nor rambles. With no line to name, the only answer is empty.
    ``at_least_one`` (after triage said the hunk has a defect) asks where, not whether."""
    line = {"type": "integer", "enum": sorted(set(lines))} if lines else {"type": "integer"}
    bounds = {"minItems": 1} if at_least_one and lines else {}
    return {
        "type": "object",
        "properties": {
            "findings": {
                "type": "array",
                **bounds,
                "maxItems": MAX_FINDINGS_PER_CALL if lines else 0,
                "items": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "enum": list(files)},
                        "line": line,
                        "severity": {"type": "string", "enum": list(SEVERITIES)},
                        "category": {"type": "string", "enum": list(CATEGORIES)},
                        "message": {"type": "string", "maxLength": MESSAGE_CHARS},
                        "suggestion": {"type": "string", "maxLength": SUGGESTION_CHARS},
                    },
                    "required": ["file", "line", "severity", "category", "message"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["findings"],
        "additionalProperties": False,
    }


def severity_rank(severity: str) -> int:
    """0 for info up to 4 for critical; higher is worse."""
    return len(SEVERITIES) - 1 - SEVERITIES.index(severity)


def at_or_above(severity: str, threshold: str) -> bool:
    return severity_rank(severity) >= severity_rank(threshold)


MINOR_CATEGORIES = ("style", "test")  # never worse than "low": they do not break the program


TEST_FILE_CAP = "medium"


def calibrated(severity: str, category: str, file: str = "") -> str:
    """Small models rate naming or docstring remarks "high"; such a remark must not block a commit.
    Nor does a remark on a test file rise above "medium": a wrong test fails where it runs."""
    cap = "low" if category in MINOR_CATEGORIES else TEST_FILE_CAP if is_test_file(file) else None
    return cap if cap and severity_rank(severity) > severity_rank(cap) else severity


def capped(finding: "Finding", cap: str) -> "Finding":
    """The finding rated no worse than ``cap``."""
    return replace(finding, severity=cap) if severity_rank(finding.severity) > severity_rank(cap) else finding


@dataclass
class Finding:
    file: str
    line: int  # in the new version of the file
    severity: str
    category: str
    message: str
    suggestion: str | None = None  # a unified diff against the new version, when short
    check: str | None = None  # the built-in check that found it (review/checks_*.py); None: the model
    evidence: str | None = None  # what shows it: the failing test's output (``testevidence``)
    explanation: str | None = None  # the model's one sentence on why it is a bug (``explain``)

    def to_dict(self) -> dict[str, Any]:
        optional = ("suggestion", "check", "evidence", "explanation")  # left out when None
        return {k: v for k, v in asdict(self).items() if v is not None or k not in optional}


def _load_json(text: str) -> Any:
    """The first of: a fenced block, the text from the first ``{`` to the last ``}``, the whole text,
    that parses as JSON."""
    text = text.strip()
    start, end = text.find("{"), text.rfind("}")
    whole = [text[start : end + 1]] if 0 <= start < end else []
    for candidate in [*re.findall(r"```(?:json)?\s*\n(.*?)```", text, flags=re.S), *whole, text]:
        try:
            return json.loads(candidate)
        except (json.JSONDecodeError, ValueError):
            continue
    return None


def _normalise(value: object, allowed: tuple[Any, ...], aliases: dict[str, Any]) -> str | None:
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    word = aliases.get(word, word)
    return word if word in allowed else None


def _as_line(value: object) -> int | None:
    if isinstance(value, str):
        match = re.search(r"\d+", value)
        return int(match.group()) if match else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_model_findings(text: str) -> list[Finding]:
    """Findings from a model answer; items that lack a file, line, severity or message are dropped."""
    data = _load_json(text)
    items = data.get("findings", []) if isinstance(data, dict) else data
    findings = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        line = _as_line(item.get("line"))
        severity = _normalise(item.get("severity"), SEVERITIES, _SEVERITY_ALIASES)
        category = _normalise(item.get("category"), CATEGORIES, _CATEGORY_ALIASES) or "bug"
        message = item.get("message")
        if line is None or severity is None or not isinstance(message, str) or not message.strip():
            continue
        suggestion = item.get("suggestion")
        suggestion = suggestion if isinstance(suggestion, str) and suggestion.strip() else None
        file = item["file"].strip() if isinstance(item.get("file"), str) else ""
        findings.append(Finding(file, line, calibrated(severity, category), category, message.strip(), suggestion))
    return findings
