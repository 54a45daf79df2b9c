"""For improve tasks: ask the model for one concrete improvement of a chunk, with a priority,
and skip ideas that repeat an earlier one (same file, similar description)."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from codey_git.models.base import Model, NoResponse
from codey_git.recipes.schema import PRIORITIES

IDEA_SCHEMA = {
    "type": "object",
    "properties": {"idea": {"type": "string"}, "priority": {"type": "string", "enum": list(PRIORITIES)}},
    "required": ["idea", "priority"],
}
SYSTEM = (
    "You review one piece of code and name the single most valuable concrete improvement: a bug "
    "fix, a missing edge case, clearer code, or a small performance win. One sentence, specific "
    "enough that a developer could do it without asking. Answer with JSON {\"idea\", \"priority\"}; "
    "priority is critical, high, medium or low."
)
SIMILAR = 0.6


def ask_idea(model: Model, path: str, name: str, code: str) -> tuple[str, str] | None:
    """(idea, priority), or None when the model gives no usable answer."""
    messages = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"File: {path}\nCode ({name}):\n```python\n{code}\n```"},
    ]
    try:
        reply = model.chat(messages, purpose="plan", max_tokens=160, temperature=0.0, seed=0, json_schema=IDEA_SCHEMA).text
    except NoResponse:
        return None
    match = re.search(r"\{.*\}", reply, re.S)
    try:
        data = json.loads(match.group(0)) if match else None
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("idea"), str) or not data["idea"].strip():
        return None
    priority = str(data.get("priority", "medium")).lower()
    return data["idea"].strip(), priority if priority in PRIORITIES else "medium"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9_]+", text.lower())


def similar(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return wa == wb
    overlap = len(set(wa) & set(wb)) / len(set(wa) | set(wb))
    return overlap >= SIMILAR or difflib.SequenceMatcher(None, wa, wb).ratio() >= SIMILAR


def duplicate_of(path: str, idea: str, seen: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The earlier idea ({task, path, idea}) this one repeats, if any."""
    return next((s for s in seen if s["path"] == path and similar(s["idea"], idea)), None)
