"""What the core tells a person while it works: a small protocol, so that the engine, recipes and
router never import the terminal layer (rich). ``codey_git.ui.Progress`` is the terminal
implementation; ``SilentProgress`` is for tests and embedding."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def stage(self, text: str) -> None:
        """A new stage of the work ("baseline tests", "committing")."""

    def info(self, text: str) -> None:
        """A detail of the current stage."""

    def warn(self, text: str) -> None:
        """Something the person should know even when stages are quiet."""

    def token(self, text: str) -> None:
        """A piece of a model's answer, as it streams."""

    def without_tokens(self) -> "Progress":
        """The same reporting without streamed tokens (tasks running side by side)."""


class SilentProgress:
    """Reports nothing; keeps warnings for the caller to read."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def stage(self, text: str) -> None:
        pass

    def info(self, text: str) -> None:
        pass

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def token(self, text: str) -> None:
        pass

    def without_tokens(self) -> "SilentProgress":
        return self
