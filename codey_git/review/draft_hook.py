"""The prepare-commit-msg step: draft a commit message from the staged diff, failing open on anything."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from codey_git.models.backends import make_provider
from codey_git.models.base import Model, stop_when_late
from codey_git.review.diffsource import DiffSet, staged_diff

if TYPE_CHECKING:
    from codey_git.config import Config


SYSTEM = (
    "Write a git commit message for the diff below. First line: a summary in the imperative "
    "mood, at most 72 characters. Then, only if useful, a blank line and up to three short "
    "lines saying why. Answer with the message only, no quotes and no code fences."
)
MAX_DIFF_TOKENS = 1200
MESSAGE_TOKENS = 96


def compact_diff(diff: DiffSet) -> str:
    parts = []
    for file in diff.files:
        parts.append(f"--- {file.path} ({file.status})")
        for hunk in file.hunks:
            parts.extend(f"{l.origin}{l.text}" for l in hunk.lines if l.origin != " ")
    return "\n".join(parts)


def _fit(model: Model, text: str) -> str:
    while text and model.count_tokens(text) > MAX_DIFF_TOKENS:
        text = text[: int(len(text) * 0.8)]
    return text


def clean_message(text: str) -> str:
    lines = [l.rstrip() for l in text.strip().strip("`").strip().splitlines()]
    lines = [l for l in lines if not l.startswith("#")]
    if not lines or not lines[0].strip():
        return ""
    lines[0] = lines[0].strip().strip('"').strip("'")[:72]
    return "\n".join(lines).strip()


def draft_commit_message(diff: DiffSet, model: Model, max_seconds: float = 20) -> str:
    """A message for ``diff``, or "" when the model gives nothing usable in time."""
    stop = stop_when_late(time.monotonic() + max_seconds, time.monotonic)
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": _fit(model, compact_diff(diff))}]
    completion = model.chat(messages, purpose="commit_message", max_tokens=MESSAGE_TOKENS, temperature=0.0, seed=0, on_token=stop)
    return clean_message(completion.text)


def message_is_empty(text: str) -> bool:
    return not any(line.strip() and not line.startswith("#") for line in text.splitlines())


def write_draft(message_file: Path, draft: str) -> bool:
    """Put ``draft`` above git's comment lines, only when the file holds no message yet."""
    current = message_file.read_text(encoding="utf-8") if message_file.exists() else ""
    if not draft or not message_is_empty(current):
        return False
    message_file.write_text(draft.rstrip() + "\n" + ("\n" + current.lstrip("\n") if current.strip() else ""), encoding="utf-8")
    return True


def draft_into(root: Path, message_file: Path, config: Config) -> str | None:
    """Returns a note for the user when nothing was drafted for a reason worth telling; never raises
    for model trouble (the commit must go on)."""
    try:
        if message_file.exists() and not message_is_empty(message_file.read_text(encoding="utf-8")):
            return None
        diff = staged_diff(root)
        if not diff.files:
            return None
        provider = make_provider(config)
        try:
            draft = draft_commit_message(diff, provider.get("reviewer"))
        finally:
            provider.close()
        if write_draft(message_file, draft):
            return "drafted the commit message from the staged diff; edit it as you like"
        return None
    except Exception as exc:  # noqa: BLE001 - a hook that drafts messages must never block a commit
        return f"no message drafted ({type(exc).__name__}: {exc})"
