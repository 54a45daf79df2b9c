"""Turns a task into steps, by rules. A plain request is one step and costs no model call.

Several steps come from: a numbered list ("1. ... 2. ..."), bullet lines, or sequencing words
("first ..., then ...", "create utils.py then create main.py that imports it").
"""

from __future__ import annotations

import re

from codey_git.engine.context import _FILE
from codey_git.engine.task import Step, Task

_NUMBERED = re.compile(r"(?:^|\s)(\d{1,2})[.)]\s+")
_BULLET = re.compile(r"^\s*[-*•]\s+(.+)$", re.M)
_THEN = re.compile(r"\s*(?:,|;)?\s*\b(?:and\s+)?(?:then|after that|afterwards|finally)\b[,:]?\s+", re.I)
_FIRST = re.compile(r"^\s*first(?:ly)?[,:]?\s+", re.I)
_CONDITION = re.compile(r"\b(?:if|when|whenever|unless|once|where|while)\b", re.I)
_DESCRIPTION = re.compile(
    r"(?:(?:the|it|its|it's|this|that|these|those|they|there|a|an|we|i|you|nothing|"
    r"everything)\b|[\w.]+\(\))",
    re.I,
)


def _numbered(text: str) -> list[str] | None:
    marks = list(_NUMBERED.finditer(text))
    nums = [int(m.group(1)) for m in marks]
    if len(marks) < 2 or nums != list(range(1, len(nums) + 1)):
        return None
    parts = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        parts.append(text[m.end() : end].strip(" ;,\n"))
    return parts


def split_request(text: str) -> list[str]:
    text = text.strip()
    numbered = _numbered(text)
    if numbered:
        return [p for p in numbered if p]
    bullets = _BULLET.findall(text)
    if len(bullets) >= 2:
        return [b.strip() for b in bullets]
    parts = [p.strip(" ,;.") for p in _sequence_parts(_FIRST.sub("", text)) if p.strip(" ,;.")]
    # a one-word part ("... then stop") is the end of a sentence, not a request of its own
    if len(parts) >= 2 and all(len(p.split()) >= 2 for p in parts):
        return parts
    return [text]


def _sequence_parts(text: str) -> list[str]:
    """Split at sequencing words, except a "then" that completes a condition ("if the list is empty
    then it crashes") or that goes on describing the situation ("... then the function returns None")."""
    parts, start = [], 0
    for match in _THEN.finditer(text):
        before, after = text[start : match.start()], text[match.end() :]
        if _CONDITION.search(before) or _DESCRIPTION.match(after):
            continue
        parts.append(before)
        start = match.end()
    return parts + [text[start:]]


def plan(task: Task) -> list[Step]:
    steps = []
    for number, part in enumerate(split_request(task.text), start=1):
        files = [m.group(1) for m in _FILE.finditer(part)]
        steps.append(Step(number=number, text=part, files=files or list(task.files)))
    if len(steps) == 1:
        steps[0].text = task.text
        steps[0].files = list(dict.fromkeys(list(task.files) + steps[0].files))
    return steps
