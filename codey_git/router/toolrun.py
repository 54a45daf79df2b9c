"""Running a tool intent: show the command, ask (unless --yes), run the argv, pass its output on.

Lean on purpose (no rich, no typer, no model code): `git codey "git status"` runs through here
straight from the entry point, so its cost is Python start-up plus the git command.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from codey_git import proc
from codey_git.errors import EXIT_NOT_ACHIEVED, UsageError
from codey_git.router.confirm import confirm
from codey_git.router.intent import Intent
from codey_git.router.tools import ToolCommand, command_for

TOOL_TIMEOUT_S = 300  # git and file commands; a shell command runs until it ends (or Ctrl-C)


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _check_files(command: ToolCommand, cwd: Path) -> None:
    if command.tool == "file" and command.argv[0] == "cat":
        missing = [f for f in command.argv[2:] if not (cwd / f).is_file()]
        if missing:
            raise UsageError(
                f"no such file: {', '.join(missing)}", "Check the name (paths are relative to the directory you are in)."
            )


def run_tool(intent: Intent, cwd: Path, *, yes: bool, json_out: bool) -> int:
    command = command_for(intent)
    if command is None:
        raise UsageError(f"the tool registry cannot run {intent.label!r}")
    _check_files(command, cwd)
    if not json_out:
        _say(f"› $ {command.shown}")
    if command.mutating and command.tool == "git":
        _say("warning: this git command changes your repository")
    question = "Run this command? It may change things." if command.mutating else "Run this command?"
    if not confirm(question, yes=yes, default=not command.mutating):
        _say("  not run.")
        return EXIT_NOT_ACHIEVED
    result = proc.run(command.argv, cwd=cwd, timeout=None if command.tool == "shell" else TOOL_TIMEOUT_S)
    if json_out:
        sys.stdout.write(
            json.dumps(
                {
                    "intent": intent.to_json(),
                    "command": command.shown,
                    "argv": command.argv,
                    "returncode": result.returncode,
                    "timed_out": result.timed_out,
                    "stdout": result.stdout,
                    "stderr": result.stderr,
                },
                indent=2,
            )
            + "\n"
        )
    else:
        sys.stdout.write(result.stdout)
        sys.stdout.flush()
        sys.stderr.write(result.stderr)
        if result.timed_out:
            _say(f"warning: timed out after {result.seconds:.0f}s")
    return result.returncode if result.returncode >= 0 else EXIT_NOT_ACHIEVED
