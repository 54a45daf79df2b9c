"""The tool registry, the test summary, and how coding intents are handed to their subcommands."""

from __future__ import annotations

from pathlib import Path

import pytest

from codey_git.router.dispatch import RouteContext, subcommand_argv
from codey_git.router.intent import Intent
from codey_git.testrun import parse_pytest
from codey_git.router.tools import command_for, git_is_read_only


@pytest.mark.parametrize(
    "argv, read_only",
    [
        (["git", "status"], True),
        (["git", "log", "-n", "3"], True),
        (["git", "branch"], True),
        (["git", "branch", "-a"], True),
        (["git", "branch", "new-feature"], False),
        (["git", "stash"], False),
        (["git", "stash", "list"], True),
        (["git", "diff", "--output=/tmp/x"], False),
        (["git", "reset", "--hard"], False),
        (["git", "push"], False),
    ],
)
def test_git_commands_are_classified_as_read_only_or_mutating(argv, read_only):
    assert git_is_read_only(argv) is read_only


def test_the_registry_refuses_what_it_does_not_know():
    assert command_for(Intent("git", {"argv": ["git", "frobnicate"]})) is None
    assert command_for(Intent("git", {"argv": ["rm", "-rf", "/"]})) is None
    assert command_for(Intent("deploy", {})) is None
    assert command_for(Intent("shell", {"argv": []})) is None


def test_commands_are_shown_quoted():
    command = command_for(Intent("file", {"action": "read", "files": ["my notes; x.txt"]}))
    assert command.argv == ["cat", "--", "my notes; x.txt"]
    assert command.shown == "cat -- 'my notes; x.txt'"


@pytest.mark.parametrize(
    "output, counts",
    [
        ("....F\n1 failed, 4 passed in 0.12s\n", {"failed": 1, "passed": 4}),
        ("== 2 passed, 1 skipped, 3 errors in 1.0s ==", {"passed": 2, "skipped": 1, "error": 3}),
        ("all good\n", {}),
    ],
)
def test_test_output_is_summarized_from_the_last_summary_line(output, counts):
    assert parse_pytest(output)[0] == counts


def _ctx(text: str, *, yes=False, json_out=False) -> RouteContext:
    return RouteContext(text, Path("."), yes, json_out, None, lambda: None, lambda argv: 0)


def test_coding_intents_become_their_subcommands():
    text = "fix the crash in calc.py"
    assert subcommand_argv(Intent("fix", {}), _ctx(text, yes=True)) == ["fix", text, "--yes"]
    assert subcommand_argv(Intent("edit", {}), _ctx("add a flag", json_out=True)) == ["edit", "add a flag", "--json"]
    assert subcommand_argv(Intent("plan", {}), _ctx("plan a cache")) == ["plan", "plan a cache", "--kind", "edit"]
    review = subcommand_argv(Intent("review", {"files": ["a.py", "b.py"]}), _ctx("review a.py and b.py"))
    assert review == ["review", "--files", "a.py", "--files", "b.py"]
