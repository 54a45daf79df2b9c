"""undo, log and gc on real repos."""

import json
import subprocess

from conftest import git
from fixrepo import CALC, GOOD_DIFF
from test_fix_loop import snapshot


def landed_repo(make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script({"edit": [GOOD_DIFF]})
    out = codey(root, "fix", "bug in calc.py line 2", "--json")
    assert json.loads(out.stdout)["status"] == "landed"
    return root


def test_undo_takes_back_the_codey_commit(make_repo, write_script, codey):
    root = landed_repo(make_repo, write_script, codey)
    (root / "notes.txt").write_text("unrelated work\n")

    out = codey(root, "undo")

    assert out.returncode == 0, out.stderr
    assert git(root, "log", "--format=%s") == "initial"
    assert "return a - b" in (root / "calc.py").read_text()
    assert git(root, "status", "--porcelain") == "M notes.txt"


def test_undo_refuses_a_non_codey_commit(make_repo, codey):
    root = make_repo(CALC)
    before = snapshot(root)
    out = codey(root, "undo")
    assert out.returncode == 2 and "not a codey commit" in out.stderr
    assert snapshot(root) == before


def test_undo_refuses_when_touched_file_is_dirty(make_repo, write_script, codey):
    root = landed_repo(make_repo, write_script, codey)
    (root / "calc.py").write_text("# my edits\n")
    before = snapshot(root)
    out = codey(root, "undo")
    assert out.returncode == 2 and "uncommitted changes" in out.stderr and "calc.py" in out.stderr
    assert snapshot(root) == before


def test_undo_refuses_a_pushed_commit(make_repo, write_script, codey, tmp_path):
    root = landed_repo(make_repo, write_script, codey)
    git(tmp_path, "init", "-q", "--bare", "remote.git")
    git(root, "remote", "add", "origin", str(tmp_path / "remote.git"))
    git(root, "push", "-q", "-u", "origin", "main")
    before = snapshot(root)
    out = codey(root, "undo")
    assert out.returncode == 2 and "already pushed to origin/main" in out.stderr
    assert snapshot(root) == before


def test_undo_refuses_a_commit_pushed_to_a_remote_that_is_not_the_upstream(make_repo, write_script, codey, tmp_path):
    root = landed_repo(make_repo, write_script, codey)
    git(tmp_path, "init", "-q", "--bare", "backup.git")
    git(root, "remote", "add", "backup", str(tmp_path / "backup.git"))
    git(root, "push", "-q", "backup", "main:refs/heads/saved")  # no upstream is set
    before = snapshot(root)

    out = codey(root, "undo")

    assert out.returncode == 2 and "already pushed to backup/saved" in out.stderr
    assert snapshot(root) == before


def test_log_lists_codey_commits(make_repo, write_script, codey):
    root = landed_repo(make_repo, write_script, codey)
    rows = json.loads(codey(root, "log", "--json").stdout)
    assert len(rows) == 1
    assert rows[0]["task"] == "bug in calc.py line 2"
    assert rows[0]["tests"] == "2 passed"


def test_gc_removes_worktree_of_dead_run_but_keeps_results(make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script({"edit": [GOOD_DIFF]})
    kept = json.loads(codey(root, "fix", "bug in calc.py line 2", "--no-land", "--json").stdout)["branch"]
    # a run that died: worktree and attempt branch left behind, owner process gone
    dead = subprocess.Popen(["true"])
    dead.wait()
    wt_root = root / ".git" / "codey" / "worktrees"
    git(root, "branch", "codey/dead-attempt")
    git(root, "worktree", "add", "-q", str(wt_root / "codey-dead"), "codey/dead-attempt")
    (wt_root / "codey-dead.owner.json").write_text(json.dumps({"pid": dead.pid, "started": 0, "branch": "codey/dead-attempt"}))
    with open(root / ".git" / "codey" / "branches.jsonl", "a") as fh:
        fh.write(json.dumps({"branch": "codey/dead-attempt"}) + "\n")
    git(root, "branch", "codey/users-own")  # not made by codey: never touched

    out = codey(root, "gc", "--json")

    removed = json.loads(out.stdout)
    assert removed == {"worktrees": ["codey-dead"], "branches": ["codey/dead-attempt"]}
    branches = git(root, "branch", "--list")
    assert kept in branches and "codey/users-own" in branches
    assert len(git(root, "worktree", "list").splitlines()) == 1


def test_plan_prints_steps_without_running(make_repo, codey):
    root = make_repo(CALC)
    out = codey(root, "plan", "create utils.py then fix calc.py line 2", "--json")
    steps = json.loads(out.stdout)["steps"]
    assert [s["text"] for s in steps] == ["create utils.py", "fix calc.py line 2"]
    assert steps[0]["new_files"] == ["utils.py"] and steps[1]["lines"] == {"calc.py": [2]}
