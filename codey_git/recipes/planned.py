"""A task as expanded from a recipe: what the runner will do, stored in the run dir at start."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from codey_git.engine.task import Task

PRIORITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@dataclass
class PlannedTask:
    kind: str  # "fix" | "edit" | "shell" | "review" | "improve"
    text: str  # prompt, shell command, review focus, or the chunk to improve
    files: list[str] = field(default_factory=list)
    priority: str = "medium"
    source: str = "recipe"  # "recipe", or the generator that produced it
    options: dict[str, Any] = field(default_factory=dict)  # shell: message/timeout; improve: chunk
    id: str = field(default_factory=lambda: secrets.token_hex(3))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "PlannedTask":
        return cls(**{k: data[k] for k in ("kind", "text", "files", "priority", "source", "options", "id")})

    def engine_task(self, text: str | None = None, kind: str | None = None) -> Task:
        """The engine's Task for a fix/edit (or an improve turned into an edit)."""
        return Task(text=text or self.text, kind=kind or self.kind, files=list(self.files), id=self.id)

    @property
    def branch(self) -> str:
        """The result branch; derived from the id so a resumed run finds a half-done task's branch."""
        return f"codey/{self.engine_task().slug}-{self.id}"
