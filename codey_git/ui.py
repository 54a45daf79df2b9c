"""Output: human progress on stderr, machine results on stdout.

Text that codey prints comes from users, repositories and models (requests, commit subjects, file
paths), so it is never read as rich markup: both consoles print plain text by default
(``markup=False``), and styled lines are built with ``styled`` from (text, style) pieces.
A request "fix [/] bug" or a file `a[/]b.py` prints as itself.
"""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.text import Text


class _Console(Console):
    """A rich console whose closed pipe (`git codey models list | head -1`) reaches codey's one
    error handler (exit 141, silently) instead of rich's own exit 1."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError("the reader of codey's output went away")


err_console = _Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
out_console = _Console(highlight=False, soft_wrap=True, markup=False)


def styled(*pieces: str | tuple[str, str]) -> Text:
    """A line from plain strings and (text, style) pairs; no piece is ever parsed as markup."""
    return Text.assemble(*pieces)


class Progress:
    """Stage lines on stderr. ``quiet`` silences them (the --json path keeps them on stderr).
    Every text is printed as given: no markup."""

    def __init__(self, quiet: bool = False, stream_tokens: bool = True):
        self.quiet = quiet
        self.stream_tokens = stream_tokens

    def without_tokens(self) -> "Progress":
        """The same stage lines without the model's streamed tokens: for tasks that run at once,
        whose tokens would interleave into one unreadable stream."""
        return Progress(quiet=self.quiet, stream_tokens=False)

    def stage(self, text: str) -> None:
        if not self.quiet:
            err_console.print(styled(("›", "bold cyan"), " ", text))

    def info(self, text: str) -> None:
        if not self.quiet:
            err_console.print(styled("  ", text))

    def warn(self, text: str) -> None:
        err_console.print(styled(("warning:", "yellow"), " ", text))

    def token(self, text: str) -> None:
        if not self.quiet and self.stream_tokens:
            sys.stderr.write(text)
            sys.stderr.flush()


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
    sys.stdout.flush()
