"""Fault injection: codey stopped by a signal at each stage of a run.

After SIGINT, SIGTERM or SIGHUP: codey says what happened and exits 128 + the signal; no test
process is left running; the scratch worktree and attempt branch are gone; the user's branch,
index, working tree and untracked files are byte-identical. After SIGKILL: the same, except that
the worktree is left for `git codey gc`, which removes it; and the next run works.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

import pytest
from conftest import PROJECT_ROOT, git
from hostile import CALC, GOOD, leftovers, snapshot

# the attempt's test run (calc fixed) sleeps, writing its pid first, so a signal lands inside it
SLOW_TEST = CALC["tests/test_calc.py"] + (
    "\n\ndef test_slow_when_fixed():\n    import os, time\n    from calc import add\n"
    "    if add(2, 3) == 5 and os.environ.get('SLOW'):\n        open(os.environ['PIDFILE'], 'w').write(str(os.getpid()))\n"
    "        time.sleep(60)\n"
)

STAGES = ["candidate", "answer", "apply", "tests", "commit", "landing"]
SIGNALS = {"INT": 130, "TERM": 143, "HUP": 129, "KILL": -9}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purpose
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except OSError:
        return False


def _run(root, env, timeout=120, signal_when=None, sig=None):
    """Run `git codey fix`; with ``signal_when`` (a file), send ``sig`` to codey once that file
    exists (the slow test writes it from inside the test run)."""
    import subprocess

    full = dict(os.environ, **env)
    full["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), full.get("PYTHONPATH")) if p)
    proc = subprocess.Popen(
        [sys.executable, "-m", "codey_git", "fix", "bug in calc.py line 2", "--json"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full,
        stdin=subprocess.DEVNULL,
    )
    if signal_when is not None:
        deadline = time.monotonic() + timeout
        while not (signal_when.exists() and signal_when.read_text()) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(getattr(signal, "SIG" + sig))
    stdout, stderr = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.mark.parametrize("sig", list(SIGNALS))
@pytest.mark.parametrize("stage", STAGES)
def test_stopped_at_every_stage_leaves_the_repository_untouched(stage, sig, make_repo, write_script, tmp_path):
    root = make_repo({**CALC, "tests/test_calc.py": SLOW_TEST, ".codey.yml": "test_timeout: 90\n"})
    (root / "notes.txt").write_text("untracked notes\n")
    (root / "staged.txt").write_text("staged work\n")
    git(root, "add", "staged.txt")
    write_script({"edit": [GOOD], "commit_message": ["fix(calc): add adds"]})
    pidfile = tmp_path / "pytest.pid"
    before = snapshot(root)
    if stage == "tests":  # the signal comes from outside, once the slow test is running
        out = _run(root, {"PIDFILE": str(pidfile), "SLOW": "1"}, signal_when=pidfile, sig=sig)
    else:  # a one-token change fixes calc.py: the coder's answer is reached only when asked first
        first = {"CODEY_TOKEN_FIXES_FIRST": "false"} if stage in ("answer", "apply") else {}
        out = _run(root, {"CODEY_FAULT_AT": stage, "CODEY_FAULT_SIGNAL": sig, **first})

    assert out.returncode == SIGNALS[sig], (out.returncode, out.stderr[-2000:])
    kept = []
    if stage == "landing":  # the tested commits are done: they stay on their branch, and codey says so
        kept = [b.strip() for b in git(root, "branch", "--list", "codey/*").splitlines()]
        assert len(kept) == 1 and (sig == "KILL" or kept[0] in out.stderr)
        git(root, "branch", "-D", kept[0])
    if sig != "KILL":
        assert snapshot(root) == before
    if stage == "tests":
        pid = int(pidfile.read_text())
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid), "the test process outlived codey"
    if sig != "KILL":
        assert "Traceback" not in out.stderr
        assert f"stopped by {'Ctrl-C (SIGINT)' if sig == 'INT' else 'SIG' + sig}" in out.stderr
        assert leftovers(root) == []
    # gc cleans whatever a SIGKILL left, and the next run works
    import subprocess

    env_gc = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    gc = subprocess.run([sys.executable, "-m", "codey_git", "gc", "--json"], cwd=root, capture_output=True, text=True, env=env_gc)
    assert gc.returncode == 0, gc.stderr
    assert leftovers(root) == []
    assert snapshot(root) == before


def test_next_run_after_a_sigkill_lands(make_repo, write_script, tmp_path):
    root = make_repo(CALC)
    write_script({"edit": [GOOD], "commit_message": ["fix(calc): add adds"]})
    out = _run(root, {"CODEY_FAULT_AT": "commit", "CODEY_FAULT_SIGNAL": "KILL"})
    assert out.returncode == -9
    write_script({"edit": [GOOD], "commit_message": ["fix(calc): add adds"]})

    again = _run(root, {})

    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["status"] == "landed"
    assert leftovers(root) == []
    assert git(root, "log", "-1", "--format=%s") == "fix(calc): add adds"
