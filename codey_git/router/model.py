"""Model routing for requests the rules cannot decide.

The router model only picks a label: its output is constrained by a JSON schema to
``{"intent": <one of LABELS>}``. Files, lines and counts still come from the user's words
(``params.py``), so the model can never invent a path or an argument.
"""

from __future__ import annotations

import json
import re
from typing import Any

from codey_git.models.base import Model
from codey_git.router.intent import CODING_INTENTS, MODEL, Intent, coding_fallback
from codey_git.router.params import extract_count, extract_params
from codey_git.router.tools import MODEL_TOOL_LABELS, intent_for_label

LABELS = (*CODING_INTENTS, *MODEL_TOOL_LABELS)
SCHEMA = {
    "type": "object",
    "properties": {"intent": {"type": "string", "enum": list(LABELS)}},
    "required": ["intent"],
    "additionalProperties": False,
}
MAX_TOKENS = 24

SYSTEM = (
    "You route requests typed to a coding assistant inside a git repository. Answer with JSON "
    '{"intent": LABEL}. Labels: fix (repair a bug or failure), edit (add or change code), '
    "plan (steps for a larger change), review (review changes), explain (answer a question about the code), "
    "test (run the tests), git status, git log (commit history), git diff (uncommitted changes), "
    "git branch (list branches), git blame (who wrote a line), list files, read file (print a file)."
)
# A fixed few-shot prefix: the same tokens every call, so a backend with a prompt cache
# evaluates only the request itself.
EXAMPLES = (
    ("search returns nothing for names with accents", "fix"),
    ("give the cli a --quiet option", "edit"),
    ("what would a move to sqlalchemy involve", "plan"),
    ("look at what I did before I push", "review"),
    ("what happens when parse gets None", "explain"),
    ("check nothing regressed", "test"),
    ("is my working copy clean", "git status"),
    ("who committed recently", "git log"),
    ("what have I touched so far", "git diff"),
    ("which line of development is checked out", "git branch"),
    ("who is responsible for line 80 in db.py", "git blame"),
    ("what's in this project", "list files"),
    ("I'd like to look at tox.ini", "read file"),
)


def messages_for(text: str) -> list[dict[str, Any]]:
    messages = [{"role": "system", "content": SYSTEM}]
    for request, label in EXAMPLES:
        messages.append({"role": "user", "content": request})
        messages.append({"role": "assistant", "content": json.dumps({"intent": label})})
    messages.append({"role": "user", "content": " ".join(text.split())})
    return messages


def parse_label(output: str) -> str | None:
    """The label in the model's output, or None when there is no known one (never raises)."""
    label = None
    try:
        data = json.loads(output)
        if isinstance(data, dict) and isinstance(data.get("intent"), str):
            label = data["intent"]
        elif isinstance(data, str):
            label = data
    except (ValueError, TypeError):
        m = re.search(r'"intent"\s*:\s*"([^"]*)"', output or "")
        label = m.group(1) if m else (output or "").strip().strip('"')
    label = " ".join((label or "").lower().split())
    return label if label in LABELS else None


def intent_from_label(label: str | None, text: str) -> Intent:
    """A routed intent for a model label; an unknown label or an unbuildable tool falls back to coding."""
    params = extract_params(text)
    if label in CODING_INTENTS:
        return Intent(label, params, MODEL, "model")
    if label in MODEL_TOOL_LABELS:
        found = intent_for_label(label, params, count=extract_count(text), confidence=MODEL, source="model")
        if found is not None:
            return found
    return coding_fallback(text, params)


def route_by_model(model: Model, text: str) -> Intent:
    """Ask the router model. Raises NoResponse/ModelError; the router turns those into the coding path."""
    completion = model.chat(messages_for(text), purpose="route", max_tokens=MAX_TOKENS, temperature=0.0, json_schema=SCHEMA)
    return intent_from_label(parse_label(completion.text), text)
