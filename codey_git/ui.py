"""Output: human progress on stderr, machine results on stdout."""

from __future__ import annotations

import json
import sys

from rich.console import Console

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)


class Progress:
    """Stage lines on stderr. ``quiet`` silences them (the --json path keeps them on stderr)."""

    def __init__(self, quiet: bool = False, stream_tokens: bool = True):
        self.quiet = quiet
        self.stream_tokens = stream_tokens

    def without_tokens(self) -> "Progress":
        """The same stage lines without the model's streamed tokens: for tasks that run at once,
        whose tokens would interleave into one unreadable stream."""
        return Progress(quiet=self.quiet, stream_tokens=False)

    def stage(self, text: str) -> None:
        if not self.quiet:
            err_console.print(f"[bold cyan]›[/] {text}")

    def info(self, text: str) -> None:
        if not self.quiet:
            err_console.print(f"  {text}")

    def warn(self, text: str) -> None:
        err_console.print(f"[yellow]warning:[/] {text}")

    def token(self, text: str) -> None:
        if not self.quiet and self.stream_tokens:
            sys.stderr.write(text)
            sys.stderr.flush()


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
    sys.stdout.flush()
