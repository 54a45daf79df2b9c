"""The bubblewrap sandbox for test runs: tests cannot write outside the worktree or into $HOME,
reach the network, or leave a setsid'd child behind. Skipped where bwrap cannot run."""

from __future__ import annotations

import json
import os
import time

import pytest
from conftest import git
from hostile import CALC, GOOD, snapshot

from codey_git.sandbox import detect

needs_bwrap = pytest.mark.skipif(not detect().available, reason=detect().detail)

ESCAPING_TEST = (
    CALC["tests/test_calc.py"]
    + """

def test_misbehaves():
    import os, subprocess, sys
    for target in (os.environ["OUTSIDE"], os.path.expanduser("~/.codey-test-was-here")):
        try:
            open(target, "w").write("escaped")
        except OSError:
            pass
    subprocess.Popen([sys.executable, "-c", "import os, time; time.sleep(3); open(os.environ['LATE'], 'w').write('x')"],
                     start_new_session=True)
"""
)


@needs_bwrap
def test_sandboxed_tests_cannot_write_outside_or_leave_an_escaped_child(make_repo, write_script, codey, tmp_path):
    outside, late = tmp_path / "outside.txt", tmp_path / "late.txt"
    root = make_repo({**CALC, "tests/test_calc.py": ESCAPING_TEST, ".codey.yml": "sandbox: on\n"})
    write_script({"edit": [GOOD]})
    home = os.environ["HOME"]

    out = codey(root, "fix", "bug in calc.py line 2", "--json", env={"OUTSIDE": str(outside), "LATE": str(late)})

    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] == "landed"
    time.sleep(4)  # the setsid'd child would have written by now
    assert not outside.exists() and not late.exists()
    assert not os.path.exists(os.path.join(home, ".codey-test-was-here"))


def test_without_the_sandbox_the_same_suite_escapes(make_repo, write_script, codey, tmp_path):
    """What the sandbox is for: with `sandbox: off` the tests run as the user (documented)."""
    outside = tmp_path / "outside.txt"
    root = make_repo({**CALC, "tests/test_calc.py": ESCAPING_TEST, ".codey.yml": "sandbox: off\n"})
    write_script({"edit": [GOOD]})

    out = codey(root, "fix", "bug in calc.py line 2", "--json", env={"OUTSIDE": str(outside), "LATE": str(tmp_path / "late.txt")})

    assert out.returncode == 0, out.stderr
    assert outside.read_text() == "escaped"


def test_sandbox_on_without_bwrap_is_a_usage_error(make_repo, write_script, codey, tmp_path):
    root = make_repo({**CALC, ".codey.yml": "sandbox: on\n"})
    write_script({"edit": [GOOD]})
    before = snapshot(root)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    for tool in ("git", "sh"):
        os.symlink(__import__("shutil").which(tool), empty / tool)

    out = codey(root, "fix", "bug in calc.py line 2", env={"PATH": str(empty)})

    assert out.returncode == 2, out.stderr
    assert "bubblewrap" in out.stderr and "Traceback" not in out.stderr
    assert snapshot(root) == before
    assert git(root, "worktree", "list").count("\n") == 0


@needs_bwrap
def test_a_sandboxed_run_keeps_pytests_own_report_and_an_interpreter_under_tmp(make_repo, tmp_path):
    """The sandbox mounts a fresh /tmp: pytest's report (node ids, line coverage) must still come
    back, and a project whose interpreter lives under /tmp (a venv there, a CI checkout in /tmp)
    must still find it."""
    import subprocess
    import sys

    from codey_git.testrun import run_tests

    root = make_repo(
        {
            "calc.py": "def add(a, b):\n    return a + b\n",
            "tests/test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
        }
    )
    venv = tmp_path / "venv-under-tmp"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True)
    assert str(venv.resolve()).startswith("/tmp/")
    for command in (
        f"{sys.executable} -m pytest -q -p no:cacheprovider",
        f"{venv / 'bin' / 'python'} -m pytest -q -p no:cacheprovider",
    ):
        run = run_tests(command, root, 120, sandbox=True)
        assert run.returncode == 0, run.output[-2000:]
        assert run.collected == {"tests/test_calc.py::test_add"}, run.output[-2000:]  # from the plugin's report
