"""Rule routing: exact forms, aliases, leading verbs, and the parameters read from the text."""

from __future__ import annotations

import pytest

from codey_git.router.params import extract_params
from codey_git.router.rules import route_by_rules


@pytest.mark.parametrize(
    "text, label",
    [
        ("git status", "git status"),
        ("git log --oneline -5", "git log"),
        ("status", "git status"),
        ("show me the commit history", "git log"),
        ("last 3 commits", "git log"),
        ("what did I change?", "git diff"),
        ("which branch am I on", "git branch"),
        ("list files", "list files"),
        ("read README.md", "read file"),
        ("cat src/app.py", "read file"),
        ("terminal: make test", "shell"),
        ("$ ls -la", "shell"),
        ("run ls -la", "shell"),
        ("run the tests", "test"),
        ("are the tests passing?", "test"),
        ("fix the bug in main.py line 42", "fix"),
        ("stats.py:17 raises ZeroDivisionError", "fix"),
        ("please add a --verbose flag to cli.py", "edit"),
        ("can you refactor calc.py into two functions", "edit"),
        ("explain how the parser works", "explain"),
        ("what does mean() return for an empty list?", "explain"),
        ("review my changes", "review"),
        ("plan adding a cache to the fetcher", "plan"),
    ],
)
def test_rules_route_exact_forms_aliases_and_verbs(text, label):
    intent = route_by_rules(text)
    assert intent is not None and intent.label == label and intent.source == "rules"


@pytest.mark.parametrize("text", ["the thing with the parser", "git frobnicate", "run the linter", "show HEAD"])
def test_rules_stay_silent_when_unsure(text):
    assert route_by_rules(text) is None


def test_git_form_keeps_the_users_arguments_as_an_argv():
    intent = route_by_rules("git log --author='Ann Lee' -n 3")
    assert intent.params["argv"] == ["git", "log", "--author=Ann Lee", "-n", "3"]


def test_shell_alias_splits_the_users_text_without_a_shell():
    intent = route_by_rules("terminal: grep -n 'a; b' notes.txt")
    assert intent.name == "shell"
    assert intent.params["argv"] == ["grep", "-n", "a; b", "notes.txt"]


def test_read_alias_keeps_a_quoted_name_with_spaces_whole():
    intent = route_by_rules('read "my notes.txt"')
    assert intent.params == {"action": "read", "files": ["my notes.txt"]}


def test_blame_phrase_names_the_file_and_line_range():
    intent = route_by_rules("who wrote lines 10-12 of stats.py")
    assert intent.params["argv"] == ["git", "blame", "-L", "10,12", "--", "stats.py"]


def test_blame_phrase_without_a_file_is_not_a_tool():
    intent = route_by_rules("who wrote this")
    assert intent is None or not intent.is_tool


@pytest.mark.parametrize(
    "text, files, lines",
    [
        ("bug in main.py line 42", ["main.py"], [42]),
        ("stats.py:17 crashes", ["stats.py"], [17]),
        ("fix lines 10-20 of src/pkg/util.py", ["src/pkg/util.py"], [10, 20]),
        ("compare a.py and tests/test_a.py", ["a.py", "tests/test_a.py"], []),
        ("e.g. bump python to 3.11", [], []),
    ],
)
def test_files_and_lines_are_read_from_the_text(text, files, lines):
    params = extract_params(text)
    assert params.get("files", []) == files
    assert params.get("lines", []) == lines


def test_branch_is_read_from_the_text():
    assert extract_params("review my work against release/2.0")["branch"] == "release/2.0"
