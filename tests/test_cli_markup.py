"""Text with `[` and `]` is printed as itself: a request, a model's commit subject or path, a staged
file's name or a finding's message never crash codey nor vanish as rich markup; and the
pre-commit hook fails open on an internal error instead of blocking the commit on a traceback."""

from __future__ import annotations

import json

import pytest
from conftest import git, write_files
from fixrepo import CALC, GOOD_DIFF

SUBJECT = "fix(calc): [/] add returns the [bold]sum[/bold]"


def test_a_request_and_a_commit_subject_with_brackets_land_and_print_as_typed(make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script({"edit": [GOOD_DIFF], "commit_message": [SUBJECT]})
    out = codey(root, "fix", "fix [/] bug in calc.py line 2 [red]now")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert SUBJECT in out.stdout
    assert git(root, "log", "-1", "--format=%s") == SUBJECT  # the tested commit is kept
    log = codey(root, "log")
    assert log.returncode == 0, log.stderr
    assert SUBJECT in log.stdout and "fix [/] bug in calc.py line 2 [red]now" in log.stdout


def test_a_routed_request_with_brackets_says_what_it_runs(make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script({"edit": [GOOD_DIFF], "commit_message": ["fix: [/]"]})
    out = codey(root, "fix the [/] bug in calc.py line 2", "--yes")
    assert out.returncode == 0, out.stderr
    assert "fix: fix the [/] bug in calc.py line 2  (routed by rules)" in out.stderr


def test_plan_of_a_request_with_brackets(make_repo, codey):
    root = make_repo(CALC)
    out = codey(root, "plan", "fix [/] the [bold]add in calc.py")
    assert out.returncode == 0, out.stderr
    assert "fix [/] the [bold]add in calc.py" in out.stdout


@pytest.mark.usefixtures("model_answers_only")
def test_a_model_path_with_brackets_is_a_rejected_edit_not_a_crash(make_repo, write_script, codey):
    root = make_repo(CALC)
    bad = GOOD_DIFF.replace("a/calc.py", "a/c[/]alc.py").replace("b/calc.py", "b/c[/]alc.py")
    write_script({"edit": [bad] * 12})
    out = codey(root, "fix", "bug in calc.py line 2", "--attempts", "1", "--candidates", "1")
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr
    assert "c[/]alc.py" in out.stdout + out.stderr


@pytest.fixture
def staged_odd_name(make_repo):
    root = make_repo({"ok.py": "x = 1\n"})
    write_files(root, {"a[/]b.py": "def f(xs):\n    return sum(xs) / len(xs) + 1\n"})
    git(root, "add", "a[/]b.py")
    return root


def test_hook_review_of_a_staged_file_named_with_brackets(staged_odd_name, write_script, codey):
    finding = {
        "file": "a[/]b.py",
        "line": 2,
        "severity": "high",
        "category": "bug",
        "message": "off by one [/] in [red]the average",
        "suggestion": "return sum(xs) / len(xs)",
    }
    write_script({"review": [json.dumps({"findings": [finding]})]})
    out = codey(staged_odd_name, "review", "--hook")
    assert out.returncode == 1, out.stderr  # a real finding still blocks
    assert "Traceback" not in out.stderr
    assert "a[/]b.py:2" in out.stderr and "off by one [/] in [red]the average" in out.stderr
    checks_only = codey(staged_odd_name, "review", "--hook", env={"CODEY_REVIEW_MODEL": "false"})
    assert checks_only.returncode in (0, 1) and "Traceback" not in checks_only.stderr


def test_hook_fails_open_on_an_internal_error(staged_odd_name, monkeypatch, capsys):
    from codey_git.cli import main
    from codey_git.commands import review

    def crash(*args):
        raise RuntimeError("a bug [/] in codey")

    monkeypatch.chdir(staged_odd_name)
    monkeypatch.setattr(review, "_review", crash)
    with pytest.raises(SystemExit) as exited:
        main(["review", "--hook"])
    assert exited.value.code == 0
    err = capsys.readouterr().err
    assert "RuntimeError: a bug [/] in codey" in err and "commit not blocked" in err
    with pytest.raises(SystemExit) as exited:  # fail_open off: the error is reported, exit 3
        main(["review", "--hook", "--no-fail-open"])
    assert exited.value.code == 3


def test_hook_skip_hint_names_the_pre_commit_hook_id(staged_odd_name, write_script, codey):
    finding = {"file": "a[/]b.py", "line": 2, "severity": "high", "category": "bug", "message": "off by one"}
    write_script({"review": [json.dumps({"findings": [finding]})] * 3})
    plain = codey(staged_odd_name, "review", "--hook", "--no-cache")
    assert "git commit --no-verify" in plain.stderr
    framework = codey(staged_odd_name, "review", "--hook", "--no-cache", env={"PRE_COMMIT": "1"})
    assert framework.returncode == 1 and "SKIP=codey-review git commit" in framework.stderr


def test_a_model_name_with_brackets_in_the_progress_bar_and_the_question(monkeypatch):
    """A `models:` entry may be named anything; its name is printed, not parsed."""
    from codey_git.models import ensure
    from codey_git.models.progress_bar import byte_bar

    with byte_bar("verifying my[/]model", 10) as bar:
        bar.advance(10)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda *args: "n")
    assert ensure.ask_on_tty("Model my[/]model is not downloaded. Fetch it now?") is False
