"""Cue phrases: requests that name an intent without starting with its verb are still routed by
rules, and a leading verb or an exact form still wins over a cue found later in the sentence."""

from __future__ import annotations

import pytest

from codey_git.router.params import extract_params
from codey_git.router.rules import route_by_rules


@pytest.mark.parametrize(
    "text, label",
    [
        # failures described in plain words
        ("the header looks a bit off on narrow screens", "fix"),
        ("upload throws a 413 for files over 1 MB", "fix"),
        ("the export should return an empty csv, not nothing", "fix"),
        ("dedupe() drops the first element", "fix"),
        ("the settings page doesn't remember the theme", "fix"),
        # questions and statements about code
        ("what is the purpose of the Scheduler class", "explain"),
        ("I don't understand why _flush is called twice", "explain"),
        ("how come retries are capped at three", "explain"),
        # plans
        ("what's the best way to add caching to the api", "plan"),
        ("steps to move the build to hatch", "plan"),
        ("how should we go about removing the python 2 shims", "plan"),
        # reviews
        ("second pair of eyes on the payment changes please", "review"),
        ("sanity-check the migration I just wrote", "review"),
        ("can you look over my commits on this branch", "review"),
        # tests
        ("is the build still green", "test"),
        ("make sure the tests still pass", "test"),
        ("did my change break anything", "test"),
        # git in words
        ("any untracked files?", "git status"),
        ("is the working copy dirty", "git status"),
        ("which files have I modified", "git status"),
        ("what did you commit last week", "git log"),
        ("what has been pushed recently", "git log"),
        ("what's different from main", "git diff"),
        ("where am I", "git branch"),
        ("what's inside this repository", "list files"),
        ("let me see notes/todo.txt", "read file"),
        ("contents of docs/index.md", "read file"),
    ],
)
def test_cue_phrases_route_by_rules(text, label):
    intent = route_by_rules(text)
    assert intent is not None and (intent.label, intent.source) == (label, "rules")


@pytest.mark.parametrize(
    "text, label",
    [
        ("make sure the cache is cleared on logout", "edit"),  # "make sure" + no test word: an edit
        ("add a test that the status line shows the branch", "edit"),  # leading verb beats cue words
        ("write steps to reproduce into the README", "edit"),
        ("fix the flaky test that still passes locally", "fix"),
        ("what does the branch() helper return", "explain"),
        ("git log -- history.py", "git log"),
    ],
)
def test_leading_verbs_and_exact_forms_win_over_cues(text, label):
    assert route_by_rules(text).label == label


def test_blame_cue_builds_the_command_from_the_users_file_and_line():
    intent = route_by_rules("whose code is line number 7 in pkg/io.py")
    assert intent.params["argv"] == ["git", "blame", "-L", "7,7", "--", "pkg/io.py"]


def test_blame_cue_without_a_file_leaves_the_decision_to_the_model():
    assert route_by_rules("who's responsible for the retry logic") is None


def test_uncommitted_edits_in_a_named_file_show_its_diff():
    intent = route_by_rules("local changes I haven't committed in api/views.py")
    assert intent.params["argv"] == ["git", "diff", "--", "api/views.py"]


@pytest.mark.parametrize("text, lines", [("line is 30 in a.py", [30]), ("line no. 4 of a.py", [4])])
def test_line_numbers_in_plain_words(text, lines):
    assert extract_params(text)["lines"] == lines
