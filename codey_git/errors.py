"""One error family, one set of exit codes.

Every error a user can cause is a ``CodeyError`` subclass carrying a message that says what
happened and a hint that says what to do next. ``codey_git.cli`` maps them to exit codes; nothing
else in the package prints tracebacks or calls ``sys.exit``.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NOT_ACHIEVED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # the reader of codey's output went away (`| head`), as git exits


class CodeyError(Exception):
    """Base of every error codey reports to a user."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(CodeyError):
    """The user asked for something that cannot be done as asked (bad args, repo state)."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """A config or recipe file is invalid. Names the file, line and field."""

    def __init__(
        self, message: str, *, file: str | None = None, line: int | None = None, field: str | None = None, hint: str | None = None
    ):
        where = ""
        if file:
            where = f"{file}:{line}: " if line else f"{file}: "
        if field:
            where += f"{field}: "
        super().__init__(where + message, hint)
        self.file, self.line, self.field = file, line, field


class NothingToFix(UsageError):
    """A fix was asked for on a suite that passes: no failing test for it to make pass."""


class RepoStateError(UsageError):
    """The repository is in a state codey refuses to work in (bare, detached, merging...)."""


class ModelError(UsageError):
    """A model cannot be found, fetched, verified, loaded or fitted in the memory budget."""


class TestCommandError(UsageError):
    """The test command is missing, finds no tests, or cannot run."""

    __test__ = False  # not a pytest test class


class TaskFailed(CodeyError):
    """The task ran but was not achieved: nothing landed."""

    exit_code = EXIT_NOT_ACHIEVED


class InternalError(CodeyError):
    """A bug in codey, or a failure of something codey depends on."""

    exit_code = EXIT_INTERNAL
