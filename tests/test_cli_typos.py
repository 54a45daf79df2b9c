"""`git codey WORD`: a mistyped or unknown command is an error that says what was probably meant
(exit 2), never a model edit; free text that only the router's fallback sends to a code change is
asked about first (or needs --yes), and codey says which intent it chose. The fast path
(`python -m codey_git`, the console script) and the full command line answer the same."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import PROJECT_ROOT, git
from fixrepo import CALC, GOOD_DIFF

ANSWERS = {"edit": [GOOD_DIFF] * 4, "commit_message": ["fix(calc): add returns the sum"] * 2}


def full_cli(cwd, *args: str, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    """The typer command line without the fast path in front of it."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    return subprocess.run(
        [sys.executable, "-c", "import sys; from codey_git.cli import main; main(sys.argv[1:])", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        stdin=stdin,
        timeout=300,
    )


def unchanged(root, head: str) -> bool:
    return (
        git(root, "rev-parse", "HEAD") == head
        and git(root, "status", "--porcelain") == ""
        and "codey/" not in git(root, "branch", "--list")
    )


@pytest.mark.parametrize(
    "word, meant",
    [
        ("hlep", "`git codey help`"),
        ("reveiw", "`git codey review`"),
        ("udno", "`git codey undo`"),
        ("version", "`git codey --version`"),
        ("doctr", "`git codey doctor`"),
        ("refactor", "more than one word"),  # a real verb, but one word is never a request
    ],
)
def test_an_unknown_word_is_an_error_that_says_what_was_meant_and_edits_nothing(make_repo, write_script, codey, word, meant):
    root = make_repo(CALC)
    write_script(ANSWERS)  # an edit that would land, were the word ever routed to one
    head = git(root, "rev-parse", "HEAD")
    for out in (codey(root, word), full_cli(root, word), codey(root, word, "--yes")):
        assert out.returncode == 2, out.stderr
        assert f"{word!r} is not a git codey command" in out.stderr
        assert meant in out.stderr
        assert "Traceback" not in out.stderr
        assert unchanged(root, head)


def test_a_mistyped_command_before_a_request_is_refused_too(make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script(ANSWERS)
    head = git(root, "rev-parse", "HEAD")
    for out in (codey(root, "fxi", "the", "bug", "in", "calc.py"), full_cli(root, "reveiw", "--range", "HEAD~1")):
        assert out.returncode == 2, out.stderr
        assert "did you mean `git codey fix`" in out.stderr or "did you mean `git codey review`" in out.stderr
        assert unchanged(root, head)
    # the same words in quotes are a request
    assert "git codey 'fxi the bug in calc.py'" in codey(root, "fxi", "the", "bug", "in", "calc.py").stderr


def test_single_words_the_rules_know_as_tools_still_run(make_repo, codey):
    root = make_repo(CALC)
    out = codey(root, "ls", "--yes")
    assert out.returncode == 0, out.stderr
    assert "calc.py" in out.stdout.split()
    out = full_cli(root, "status", "--yes")
    assert out.returncode == 0, out.stderr
    assert "$ git status" in out.stderr


def test_fallback_edit_without_a_terminal_is_refused_and_says_how_to_run_it(make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script(ANSWERS)  # no router answer: nothing recognises the request, the fallback picks edit
    head = git(root, "rev-parse", "HEAD")
    out = codey(root, "addition in calc.py")
    assert out.returncode == 2, out.stderr
    assert "`edit`" in out.stderr and "git codey edit 'addition in calc.py'" in out.stderr
    assert "--yes" in out.stderr
    assert unchanged(root, head)


def test_fallback_edit_runs_with_yes_and_says_which_intent(make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script(ANSWERS)
    head = git(root, "rev-parse", "HEAD")
    out = codey(root, "addition in calc.py", "--yes")
    assert out.returncode == 0, out.stderr
    assert "edit: addition in calc.py  (routed by fallback)" in out.stderr
    assert git(root, "rev-parse", "HEAD~1") == head


@pytest.mark.parametrize("answer, code, lands", [("n\n", 1, False), ("y\n", 0, True)])
def test_fallback_edit_asks_on_a_terminal(make_repo, write_script, answer, code, lands):
    root = make_repo(CALC)
    write_script(ANSWERS)
    head = git(root, "rev-parse", "HEAD")
    master, slave = os.openpty()
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "codey_git", "addition in calc.py"],
        cwd=root,
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    os.close(slave)
    os.write(master, answer.encode())
    try:
        _, err = proc.communicate(timeout=300)
    finally:
        os.close(master)
    assert proc.returncode == code, err
    assert "Run it as `edit`? [y/N]" in err
    assert (git(root, "rev-parse", "HEAD~1") == head) if lands else unchanged(root, head)
