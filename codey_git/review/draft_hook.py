"""The prepare-commit-msg step: draft a message from the staged diff, failing open on anything."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from codey_git.models.backends import make_provider
from codey_git.review.commit_message import draft_commit_message, message_is_empty, write_draft
from codey_git.review.diffsource import staged_diff

if TYPE_CHECKING:
    from codey_git.config import Config


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
