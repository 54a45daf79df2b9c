"""A recipe's `fix` task behaves as `git codey fix` does (#21 section 5): on a suite that passes
there is nothing failing for a fix to make pass, so the task is skipped before any model call,
with what to do; with `write_test: true` the coder first writes a test that shows the symptom and
the fix is committed with it, on the task's branch."""

import json

from conftest import git
from test_fix_write_test import FMT, FIX, REQUEST, SYMPTOM_TEST, WRITE_TEST, WRITTEN


def _recipe(root, *extra):
    (root / "night.yml").write_text(
        "name: night\ntasks:\n" + f"  - fix: \"{REQUEST}\"\n" + "".join(f"    {line}\n" for line in extra)
    )
    return "night.yml"


def _result(out):
    assert out.returncode in (0, 1), out.stdout + out.stderr
    summary = json.loads(out.stdout)
    [task] = summary["tasks"]
    return summary, task


def test_fix_task_on_a_green_suite_is_skipped_before_the_model_is_asked(make_repo, write_script, codey):
    root = make_repo(FMT)
    # an edit that keeps the suite green: if the model were asked, it would be committed
    write_script({"edit": [FIX]})

    out = codey(root, "run", _recipe(root), "--json")

    summary, task = _result(out)
    assert "Traceback" not in out.stderr
    assert task["status"] == "skipped", task
    assert "the test suite passes (1 passed)" in task["reason"]
    assert "write_test: true" in task["reason"]
    assert task["commits"] == [] and not task["tokens"].get("prompt_tokens")
    assert "codey/" not in git(root, "branch", "--list")
    assert "write_test: true" in open(summary["report"]).read()


def test_fix_task_with_write_test_commits_the_test_with_the_fix(make_repo, write_script, codey):
    root = make_repo(FMT)
    write_script({"edit": [{"when": WRITE_TEST, "text": SYMPTOM_TEST}, FIX]})

    out = codey(root, "run", _recipe(root, "write_test: true"), "--json")

    summary, task = _result(out)
    assert task["status"] == "committed", task
    branch = task["branch"]
    files = git(root, "show", "--name-status", "--format=", branch).splitlines()
    assert sorted(files) == sorted([f"A\t{WRITTEN}", "M\tfmt.py"])
    assert git(root, "rev-list", "--count", f"main..{branch}") == "1"


def test_write_test_is_refused_on_other_task_kinds(make_repo, codey):
    root = make_repo(FMT)
    (root / "night.yml").write_text("name: night\ntasks:\n  - edit: \"rename f\"\n    write_test: true\n")

    out = codey(root, "run", "night.yml", "--dry-run")

    assert out.returncode == 2 and "write_test" in out.stderr and "Traceback" not in out.stderr
