"""The done-criterion: a 5-task recipe, SIGKILLed (whole process group) after its second result
and resumed, ends with exactly 5 results, each successful commit once, and no worktree left."""

import json
import os
import signal
import subprocess
import sys
import time

from conftest import git

NAMES = ["alpha", "bravo", "charlie", "delta", "echo"]


def five_module_repo(make_repo):
    files = {}
    for i, name in enumerate(NAMES, 1):
        files[f"m{i}.py"] = f"def {name}(a, b):\n    return a + b\n"
        files[f"tests/test_m{i}.py"] = f"from m{i} import {name}\n\n\ndef test_{name}():\n    assert {name}(2, 3) == 5\n"
    return make_repo(files)


def edit_for(i: int, name: str) -> dict:
    # matched by content only the task's own file shows, so consumption order does not matter
    diff = (
        f"```diff\n--- a/m{i}.py\n+++ b/m{i}.py\n@@ -1,2 +1,4 @@\n def {name}(a, b):\n"
        f"     return a + b\n+\n+NAME = \"{name}\"\n```\n"
    )
    return {"when": f"def {name}(", "text": diff}


def results_in(root):
    journals = list((root / ".git" / "codey" / "runs").glob("*/journal.jsonl"))
    if not journals:
        return []
    lines = journals[0].read_text().splitlines()
    return [json.loads(l) for l in lines if l.endswith("}") and '"event": "result"' in l]


def test_killed_run_resumes_without_redoing_or_duplicating(make_repo, write_script, codey):
    root = five_module_repo(make_repo)
    write_script({"edit": [edit_for(i, n) for i, n in enumerate(NAMES, 1)]})
    recipe = "name: nightly\nconfig: {commit_messages: template}\ntasks:\n" + "".join(
        f"  - edit: \"add a NAME constant to m{i}.py\"\n    files: [m{i}.py]\n" for i in range(1, 6)
    )
    (root / "nightly.yml").write_text(recipe)
    base = git(root, "rev-parse", "HEAD")

    with open(root.parent / "run.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "codey_git", "run", "nightly.yml"],
            cwd=root,
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 240
        while len(results_in(root)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert len(results_in(root)) in (2, 3, 4), (root.parent / "run.log").read_text()

    out = codey(root, "run", "--resume")
    assert out.returncode == 0, out.stderr

    results = results_in(root)
    assert len(results) == 5 and len({r["task"] for r in results}) == 5
    assert all(r["status"] == "committed" for r in results)
    for r in results:
        assert git(root, "rev-list", f"{base}..{r['branch']}").splitlines() == [r["commits"][0]["oid"]]
    for i in range(1, 6):  # each module's change exists in exactly one commit on any branch
        assert len(git(root, "log", "--all", "--format=%H", f"{base}..", "--", f"m{i}.py").splitlines()) == 1
    assert len(git(root, "branch", "--list", "codey/*").splitlines()) == 5
    assert len(git(root, "worktree", "list").splitlines()) == 1
    assert not [p for p in (root / ".git" / "codey" / "worktrees").glob("*") if p.is_dir()]
    assert "report: " in out.stderr and "5 committed" in out.stdout
    report = codey(root, "report")
    assert report.returncode == 0 and report.stdout.count("- **[medium] add a NAME constant") == 5
