"""Why an edit was refused: one line for the user, a fuller note for the model's next attempt."""

from __future__ import annotations

from codey_git.errors import EXIT_NOT_ACHIEVED, CodeyError


class EditRejected(CodeyError):
    """The model's answer could not be turned into a safe, exact set of file changes.

    Nothing is changed when this is raised. ``reason`` is one line for the report; ``feedback`` is
    what the next prompt should tell the model (which part failed, the real lines, what to resend).
    """

    exit_code = EXIT_NOT_ACHIEVED

    def __init__(self, reason: str, feedback: str | None = None):
        super().__init__(reason, hint="codey retries with feedback; rephrase the task if it keeps failing")
        self.reason = reason
        self.feedback = feedback or reason


class NoEditFound(EditRejected):
    """The answer holds no diff, SEARCH/REPLACE block or usable code block."""


class UnsafeEdit(EditRejected):
    """A path leaves the repository, points into .git, or the patch is binary."""


class PathNotAllowed(EditRejected):
    """The edit touches a file the caller forbade (for example a test file)."""


class HunkMismatch(EditRejected):
    """Some part of the edit does not match the current file text."""


class AmbiguousMatch(HunkMismatch):
    """Some part of the edit matches several places equally well."""


class EmptyEdit(EditRejected):
    """The edit parses and applies but changes nothing."""


class EditTooLarge(EditRejected):
    """The answer is larger than the configured limit."""
