"""A recipe run stopped by each signal in the middle of a journal write (half a line on disk):
the user's repository is untouched, and `git codey run --resume` finishes every task once."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import PROJECT_ROOT, git
from hostile import leftovers, snapshot

SIGNALS = {"INT": 130, "TERM": 143, "HUP": 129, "KILL": -9}


def _codey(root, *args, env=None):
    full = dict(os.environ, **(env or {}))
    full["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), full.get("PYTHONPATH")) if p)
    return subprocess.run(
        [sys.executable, "-m", "codey_git", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=full,
        timeout=240,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("sig", list(SIGNALS))
def test_stopped_mid_journal_line_resumes_cleanly(sig, make_repo, write_script):
    files = {f"m{i}.py": f"def f{i}(a, b):\n    return a + b\n" for i in (1, 2)}
    files.update(
        {f"tests/test_m{i}.py": f"from m{i} import f{i}\n\n\ndef test_f{i}():\n    assert f{i}(2, 3) == 5\n" for i in (1, 2)}
    )
    root = make_repo(files)
    edits = [
        {
            "when": f"def f{i}(",
            "text": f"```diff\n--- a/m{i}.py\n+++ b/m{i}.py\n@@ -1,2 +1,4 @@\n def f{i}(a, b):\n"
            f"     return a + b\n+\n+NAME = 'f{i}'\n```\n",
        }
        for i in (1, 2)
    ]
    write_script({"edit": edits})
    (root / ".git" / "info" / "exclude").write_text("nightly.yml\n")
    (root / "nightly.yml").write_text(
        "name: nightly\nconfig: {commit_messages: template}\ntasks:\n"
        + "".join(f"  - edit: \"add a NAME constant to m{i}.py\"\n    files: [m{i}.py]\n" for i in (1, 2))
    )
    before = snapshot(root)

    out = _codey(root, "run", "nightly.yml", env={"CODEY_FAULT_AT": "journal", "CODEY_FAULT_SIGNAL": sig})

    assert out.returncode == SIGNALS[sig], out.stderr[-1500:]
    assert snapshot(root) == before
    if sig != "KILL":
        assert "Traceback" not in out.stderr and "stopped by" in out.stderr
        assert [x for x in leftovers(root) if not x.startswith("codey/")] == []
    journal = next((root / ".git" / "codey" / "runs").glob("*/journal.jsonl"))
    assert not journal.read_text().endswith("\n")  # the torn half line is really there

    again = _codey(root, "run", "--resume")

    assert again.returncode == 0, again.stderr[-2000:]
    events = [json.loads(line) for line in journal.read_text().splitlines() if line.endswith("}")]
    results = [e for e in events if e.get("event") == "result"]
    assert sorted(r["task"] for r in results) == sorted({r["task"] for r in results}) and len(results) == 2
    assert all(r["status"] in ("landed", "committed") for r in results), results
    assert _codey(root, "gc").returncode == 0
    assert [x for x in git(root, "worktree", "list").splitlines()[1:]] == []
