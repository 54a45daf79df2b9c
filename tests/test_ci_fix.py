"""`git codey ci fix` on a runner: the tests fail on the checked-out commit, the fix loop runs,
and the tested commits go to a new codey/... branch of the (bare, local) remote; or nothing is
pushed, and the job says why, with its exit code."""

from __future__ import annotations

import json
import sys

import pytest
from ci_world import github_env, outputs, remote_and_clone
from conftest import git
from fixrepo import CALC, GOOD_DIFF, WRONG_DIFF

from codey_git.ci.push import check_branch
from codey_git.errors import UsageError

TESTS = f"{sys.executable} -m pytest -q -p no:cacheprovider"


def runner(make_repo, tmp_path):
    root = make_repo(CALC, name="dev")
    bare, clone = remote_and_clone(root, tmp_path)
    git(clone, "checkout", "-q", "--detach")  # as actions/checkout leaves a pull request's commit
    return bare, clone


def test_a_fix_is_pushed_to_a_new_codey_branch_with_a_compare_url(make_repo, write_script, codey, tmp_path):
    bare, clone = runner(make_repo, tmp_path)
    head = git(clone, "rev-parse", "HEAD")
    write_script({"edit": [GOOD_DIFF], "commit_message": ["fix(calc): add returns the sum"]})
    env = github_env(tmp_path, GITHUB_REF_NAME="main", GITHUB_SHA=head)

    out = codey(clone, "ci", "fix", "--test-command", TESTS, "--push", env=env)

    assert out.returncode == 0, out.stderr
    got = outputs(env)
    branch = got["branch"]
    assert branch.startswith("codey/ci-fix-") and got["conclusion"] == "fixed" and got["pushed"] == "true"
    assert got["compare_url"] == f"https://github.example/team/app/compare/main...{branch}"
    assert got["compare_url"] in out.stdout
    assert git(bare, "rev-parse", f"refs/heads/{branch}~1") == head  # one tested commit on the checked-out one
    assert git(bare, "rev-parse", "refs/heads/main") == head  # the base branch is untouched
    assert "return a + b" in git(bare, "show", f"{branch}:calc.py")
    assert git(clone, "rev-parse", "HEAD") == head and git(clone, "status", "--porcelain") == ""
    assert "pushed to" in (tmp_path / "step_summary").read_text()


def test_passing_tests_need_no_model_and_push_nothing(make_repo, write_script, codey, tmp_path):
    bare, clone = runner(make_repo, tmp_path)
    env = github_env(tmp_path, CODEY_BACKEND="llama_cpp", CODEY_MODELS_DIR=str(tmp_path / "no-models"))
    out = codey(clone, "ci", "fix", "--test-command", f"{TESTS} -k mul", "--push", "--json", env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["conclusion"] == "passing"
    assert outputs(env)["fixed"] == "false" and git(bare, "branch", "--list", "codey/*") == ""


@pytest.mark.usefixtures("model_answers_only")
def test_no_passing_fix_pushes_nothing_and_exits_1(make_repo, write_script, codey, tmp_path):
    bare, clone = runner(make_repo, tmp_path)
    write_script({"edit": [WRONG_DIFF] * 6})
    env = github_env(tmp_path)
    out = codey(clone, "ci", "fix", "--test-command", TESTS, "--attempts", "1", "--push", env=env)
    assert out.returncode == 1, out.stderr
    assert "nothing was pushed" in out.stderr
    assert outputs(env)["conclusion"] == "no-fix" and git(bare, "branch", "--list", "codey/*") == ""


def test_without_a_remote_the_commits_stay_local_and_the_job_says_so(make_repo, write_script, codey, tmp_path):
    root = make_repo(CALC)
    write_script({"edit": [GOOD_DIFF], "commit_message": ["fix(calc): add returns the sum"]})
    env = github_env(tmp_path)
    out = codey(root, "ci", "fix", "--test-command", TESTS, "--push", env=env)
    assert out.returncode == 1, out.stderr
    assert "was not pushed: there is no remote named 'origin'" in out.stderr
    got = outputs(env)
    assert got["conclusion"] == "not-pushed" and got["pushed"] == "false"
    assert git(root, "rev-parse", got["branch"])  # the tested commits are kept on the runner


def test_no_push_rights_is_said_with_what_to_grant(make_repo, write_script, codey, tmp_path):
    bare, clone = runner(make_repo, tmp_path)
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'remote: Permission to team/app.git denied to github-actions[bot].' >&2\nexit 1\n")
    hook.chmod(0o755)
    write_script({"edit": [GOOD_DIFF], "commit_message": ["fix(calc): add returns the sum"]})
    env = github_env(tmp_path)
    out = codey(clone, "ci", "fix", "--test-command", TESTS, "--push", env=env)
    assert out.returncode == 1, out.stderr
    assert "no push rights" in out.stderr and "contents: write" in out.stderr
    assert outputs(env)["conclusion"] == "not-pushed"


def test_a_test_command_that_cannot_run_is_exit_2_before_any_model_work(make_repo, codey, tmp_path):
    _bare, clone = runner(make_repo, tmp_path)
    env = github_env(tmp_path)
    out = codey(clone, "ci", "fix", "--test-command", "no-such-test-runner --all", env=env)
    assert out.returncode == 2, out.stderr
    assert outputs(env)["conclusion"] == "error"


@pytest.mark.parametrize("branch", ["main", "feature", "codey/under-review"])
def test_only_codey_branches_that_are_not_protected_are_ever_pushed(branch):
    with pytest.raises(UsageError, match="codey pushes only its own codey/... branches"):
        check_branch(branch, {"main", "codey/under-review"})  # the base, the pull request's own branch
    check_branch("codey/ci-fix-1234", {"main", "codey/under-review"})


def test_a_push_shows_the_coder_what_it_changed(make_repo, write_script, codey, tmp_path):
    """On a push, the fix request names the commit the branch was at before it, so the coder sees
    the push's diff of the failing code (here the only place the old, right line appears)."""
    root = make_repo({**CALC, "calc.py": CALC["calc.py"].replace("a - b", "a + b")}, name="dev")
    (root / "calc.py").write_text((root / "calc.py").read_text().replace("a + b", "a - b"))
    git(root, "commit", "-qam", "refactor add")
    bare, clone = remote_and_clone(root, tmp_path)
    before, head = git(clone, "rev-parse", "HEAD~1"), git(clone, "rev-parse", "HEAD")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"before": before, "after": head}))
    write_script(
        {"edit": [{"when": "-    return a + b", "text": GOOD_DIFF}], "commit_message": ["fix(calc): add returns the sum"]}
    )
    env = github_env(tmp_path, GITHUB_EVENT_NAME="push", GITHUB_EVENT_PATH=str(event), GITHUB_REF_NAME="main", GITHUB_SHA=head)

    out = codey(clone, "ci", "fix", "--test-command", TESTS, env=env)

    assert out.returncode == 0, out.stdout + out.stderr
    assert f"since {before[:12]}" in out.stderr and "shown to the model" in out.stderr
    assert outputs(env)["conclusion"] == "fixed"
