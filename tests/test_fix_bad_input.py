"""Every bad input gets one clear message, the right exit code, and changes nothing."""

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import PROJECT_ROOT, git
from fixrepo import CALC, GOOD_DIFF
from test_fix_loop import snapshot


def assert_clean(root, before):
    assert snapshot(root) == before
    assert len(git(root, "worktree", "list").splitlines()) == 1
    assert "codey/" not in git(root, "branch", "--list")


def test_not_a_git_repo(tmp_path, write_script, codey):
    write_script({"edit": [GOOD_DIFF]})
    out = codey(tmp_path, "fix", "bug in calc.py line 2")
    assert out.returncode == 2
    assert "not a git repository" in out.stderr
    assert "Traceback" not in out.stderr


def test_bare_repo(tmp_path, write_script, codey):
    git(tmp_path, "init", "-q", "--bare", "b.git")
    write_script({"edit": [GOOD_DIFF]})
    out = codey(tmp_path / "b.git", "fix", "x")
    assert out.returncode == 2 and "bare repository" in out.stderr


def test_repo_without_commits(tmp_path, write_script, codey):
    git(tmp_path, "init", "-q")
    write_script({"edit": [GOOD_DIFF]})
    out = codey(tmp_path, "fix", "x")
    assert out.returncode == 2 and "no commits" in out.stderr


def test_detached_head(make_repo, write_script, codey):
    root = make_repo(CALC)
    git(root, "checkout", "-q", "--detach")
    write_script({"edit": [GOOD_DIFF]})
    before = snapshot(root)
    out = codey(root, "fix", "bug in calc.py line 2")
    assert out.returncode == 2 and "detached" in out.stderr
    assert_clean(root, before)


def test_merge_in_progress(make_repo, write_script, codey):
    root = make_repo(CALC)
    git(root, "checkout", "-q", "-b", "other")
    (root / "notes.txt").write_text("other\n")
    git(root, "commit", "-qam", "other")
    git(root, "checkout", "-q", "main")
    (root / "notes.txt").write_text("main\n")
    git(root, "commit", "-qam", "main")
    git(root, "merge", "other", check=False)  # conflicts
    write_script({"edit": [GOOD_DIFF]})
    before = snapshot(root)
    out = codey(root, "fix", "bug in calc.py line 2")
    assert out.returncode == 2 and "merge is in progress" in out.stderr
    assert_clean(root, before)


def test_no_tests_found(make_repo, write_script, codey):
    root = make_repo({"calc.py": "def add(a, b):\n    return a - b\n"})
    write_script({"edit": [GOOD_DIFF]})
    before = snapshot(root)
    out = codey(root, "fix", "bug in calc.py line 2")
    assert out.returncode == 2 and "no tests found" in out.stderr
    assert_clean(root, before)


def test_test_command_missing(make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script({"edit": [GOOD_DIFF]})
    before = snapshot(root)
    out = codey(root, "fix", "bug in calc.py line 2", env={"CODEY_TEST_COMMAND": "no-such-test-runner -q"})
    assert out.returncode == 2 and "no-such-test-runner" in out.stderr
    assert_clean(root, before)


BAD_EDITS = {
    "empty diff": "```diff\n```\n",
    "missing file": "```diff\n--- a/nope.py\n+++ b/nope.py\n@@ -1 +1 @@\n-x\n+y\n```\n",
    "outside repo": "```diff\n--- a/../evil.py\n+++ b/../evil.py\n@@ -0,0 +1 @@\n+x = 1\n```\n",
    "absolute path": "```diff\n--- /dev/null\n+++ /tmp/evil.py\n@@ -0,0 +1 @@\n+x = 1\n```\n",
    "inside .git": "```diff\n--- a/.git/config\n+++ b/.git/config\n@@ -1 +1 @@\n-[core]\n+[evil]\n```\n",
    "binary patch": "```diff\ndiff --git a/calc.py b/calc.py\nGIT binary patch\nliteral 5\nMcmZ?b0\n```\n",
    "huge output": "```diff\n" + "+x\n" * 100_000 + "```\n",
    "unsafe plus correct fix": (
        "```diff\n--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n"
        "+    return a + b\n--- /dev/null\n+++ b/.git/hooks/post-commit\n@@ -0,0 +1 @@\n+echo pwned\n```\n"
    ),
}


@pytest.mark.usefixtures("model_answers_only")
@pytest.mark.parametrize("name", sorted(BAD_EDITS))
def test_bad_model_output_is_a_failed_attempt(name, make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script({"edit": [BAD_EDITS[name]] * 3})
    before = snapshot(root)
    out = codey(root, "fix", "bug in calc.py line 2")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    assert_clean(root, before)
    assert not (root.parent / "evil.py").exists()


def test_scripted_backend_without_script_is_a_config_error(make_repo, codey):
    root = make_repo(CALC)
    out = codey(root, "fix", "bug in calc.py line 2", env={"CODEY_BACKEND": "scripted"})
    assert out.returncode == 2 and "CODEY_SCRIPT" in out.stderr


def test_ctrl_c_during_tests_leaves_nothing(make_repo, write_script):
    files = dict(CALC)
    files["tests/test_slow.py"] = (
        "import os, pathlib, time\n\ndef test_slow():\n"
        "    pathlib.Path(os.environ['SLOW_TEST_STARTED']).touch()\n    time.sleep(30)\n"
    )
    root = make_repo(files)
    started = root.parent / "slow-test-started"
    write_script({"edit": [GOOD_DIFF]})
    before = snapshot(root)
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), SLOW_TEST_STARTED=str(started))
    # a suite started in the background by a shell without job control inherits SIGINT ignored, and
    # so would codey; a user at a terminal has it at its default, which is what this test is about
    proc = subprocess.Popen(
        [sys.executable, "-m", "codey_git", "fix", "bug in calc.py line 2"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.time() + 60
    while time.time() < deadline and not started.exists():  # the baseline test run has reached the slow test
        time.sleep(0.05)
    assert started.exists(), "the baseline tests never started"
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert_clean(root, before)
