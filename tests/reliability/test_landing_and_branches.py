"""Landing never overwrites what the user has; branches the user keeps or adds to are never deleted."""

from __future__ import annotations

import json

import pytest

from conftest import git
from hostile import CALC, GOOD, WRONG, new_file


def test_landing_refuses_to_overwrite_an_ignored_untracked_file(make_repo, write_script, codey):
    root = make_repo({**CALC, ".gitignore": "settings_local.py\n"})
    (root / "settings_local.py").write_text("DEBUG = True  # mine\n")
    write_script({"edit": [new_file("settings_local.py", "DEBUG = False\n")]})
    head = git(root, "rev-parse", "HEAD")

    out = codey(root, "edit", "add settings_local.py with DEBUG = False", "--json")

    result = json.loads(out.stdout)
    assert result["status"] == "committed", out.stderr
    assert "settings_local.py" in result["reason"]
    assert (root / "settings_local.py").read_text() == "DEBUG = True  # mine\n"
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "show", f"{result['branch']}:settings_local.py") == "DEBUG = False"


@pytest.mark.usefixtures("model_answers_only")
def test_keep_branch_survives_gc_and_the_next_fix_with_the_users_commits(make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script({"edit": [WRONG] * 3})
    out = codey(root, "fix", "bug in calc.py line 2", "--keep", "--json")
    assert out.returncode == 1
    branch = json.loads(out.stdout)["branch"]
    assert git(root, "rev-parse", "--verify", branch)

    # the user builds on the kept attempt
    git(root, "checkout", "-q", branch)
    (root / "calc.py").write_text((root / "calc.py").read_text().replace("a * b\n\n\n", "a + b\n\n\n", 1))
    git(root, "commit", "-qam", "my fix on top")
    mine = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "main")

    assert codey(root, "gc").returncode == 0
    write_script({"edit": [GOOD]})
    assert codey(root, "fix", "bug in calc.py line 2").returncode == 0
    assert codey(root, "gc").returncode == 0
    assert git(root, "rev-parse", branch) == mine


def test_gc_keeps_an_unrecorded_codey_branch_that_the_user_committed_on(make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script({"edit": [GOOD]})
    out = json.loads(codey(root, "fix", "bug in calc.py line 2", "--no-land", "--json").stdout)
    branch = out["branch"]
    # forget the recorded result, as if the run had been killed right after its commit
    (root / ".git" / "codey" / "results.jsonl").unlink()
    git(root, "branch", "-f", "scratch-copy", branch)
    git(root, "checkout", "-q", branch)
    (root / "notes.txt").write_text("mine\n")
    git(root, "add", "notes.txt")
    git(root, "commit", "-qm", "notes")
    git(root, "checkout", "-q", "main")

    codey(root, "gc")

    assert git(root, "log", "-1", "--format=%s", branch) == "notes"
