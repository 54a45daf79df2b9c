"""The console script (`git-codey`, `python -m codey_git`): the one place above the command line.

Rule-routed tool requests, `--version` and shell completion answer on the fast path
(``codey_git.router.fast``, no typer, rich or model code imported); everything else goes to the
full command line (``codey_git.cli``).
"""

from __future__ import annotations

import sys


def main() -> None:
    from codey_git import signals
    from codey_git.router.fast import fast_path, quiet_stdout

    signals.install()
    try:
        argv = sys.argv[1:]
        code = complete(argv[1:]) if argv[:1] == ["__complete"] else fast_path(argv)
        if code is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        code = quiet_stdout()
    if code is not None:
        sys.exit(code)
    from codey_git.cli import main as full_main

    full_main()


def complete(words: list[str]) -> int:
    """`git-codey __complete WORDS`: the completion scripts' question; candidates one a line."""
    try:
        from codey_git.commands._complete import candidates

        found = candidates(words)
    except Exception:  # noqa: BLE001 - a completion never prints a traceback into the shell
        found = []
    sys.stdout.write("".join(c + "\n" for c in found))
    return 0
