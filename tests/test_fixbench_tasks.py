"""The fixbench task set is sound, and the runner judges only committed, test-preserving fixes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.fixbench.check_tasks import check_task  # noqa: E402
from benchmarks.fixbench.report import replace_section  # noqa: E402
from benchmarks.fixbench.repo_ops import apply_patch, git, init_repo  # noqa: E402
from benchmarks.fixbench.runner import judge, parse_result  # noqa: E402
from benchmarks.fixbench.taskset import (  # noqa: E402
    CATEGORIES,
    REQUEST_STYLES,
    TASKS_DIR,
    consistency_problems,
    copy_repo,
    load_task,
    load_tasks,
    patch_changes,
)

TASKS = load_tasks()


def test_task_set_covers_every_category_and_request_style():
    assert len(TASKS) >= 30
    assert {t.category for t in TASKS} == set(CATEGORIES)
    assert {t.request_style for t in TASKS} == set(REQUEST_STYLES)


@pytest.mark.parametrize("task", TASKS, ids=[t.name for t in TASKS])
def test_task_yml_repo_and_fix_patch_agree(task):
    assert task.patch_path.is_file()
    assert consistency_problems(task) == []
    assert any(p.name.startswith("test_") for p in task.path.rglob("*.py"))


def test_patch_changes_names_removed_lines_and_insertion_points():
    patch = "--- a/m.py\n+++ b/m.py\n@@ -3,4 +3,5 @@\n a\n-b\n+B\n c\n+inserted\n d\n@@ -20,2 +21,1 @@\n x\n-gone\n"
    assert patch_changes(patch) == {"m.py": [4, 6, 21]}


def _copy_task(name: str, tmp_path: Path) -> Path:
    dest = tmp_path / name
    shutil.copytree(TASKS_DIR / name, dest)
    return dest


def test_checker_confirms_fail_before_and_pass_after():
    for name in ("median-even", "cart-remove"):
        result = check_task(load_task(TASKS_DIR / name))
        assert result.ok, result.problems
        assert "failed" in result.before and "passed" in result.after and "failed" not in result.after


def test_checker_rejects_a_patch_that_does_not_fix_the_bug(tmp_path):
    task_dir = _copy_task("fahrenheit", tmp_path)
    patch = task_dir / "fix.patch"
    patch.write_text(patch.read_text().replace("+    return c * 9 / 5 + 32", "+    return c * 9 / 5 - 31"))
    problems = check_task(load_task(task_dir)).problems
    assert any("should pass after fix.patch" in p for p in problems)


def test_checker_rejects_a_wrong_bug_line(tmp_path):
    task_dir = _copy_task("fahrenheit", tmp_path)
    spec = task_dir / "task.yml"
    spec.write_text(spec.read_text().replace("line: 5", "line: 9").replace("line 5", "line 9"))
    problems = consistency_problems(load_task(task_dir))
    assert any("task.yml says units.py line 9" in p for p in problems)


@pytest.fixture
def task_repo(tmp_path):
    task = load_task(TASKS_DIR / "fahrenheit")
    repo = copy_repo(task, tmp_path / "repo")
    assert not (repo / "task.yml").exists() and not (repo / "fix.patch").exists()
    return task, repo, init_repo(repo)


def test_judge_counts_a_committed_fix(task_repo, tmp_path):
    task, repo, base = task_repo
    apply_patch(repo, task.patch_path)
    git(repo, "commit", "-qam", "fix")
    verdict = judge(repo, base, {"status": "landed"}, sys.executable, tmp_path)
    assert verdict["fixed"] and verdict["landed"] and verdict["new_commits"] == 1


def test_judge_ignores_an_uncommitted_fix(task_repo, tmp_path):
    task, repo, base = task_repo
    apply_patch(repo, task.patch_path)
    verdict = judge(repo, base, {}, sys.executable, tmp_path)
    assert not verdict["fixed"] and verdict["tests_after"] == "no commit"


def test_judge_fails_a_fix_that_edits_the_tests(task_repo, tmp_path):
    task, repo, base = task_repo
    test_file = repo / "tests" / "test_units.py"
    test_file.write_text(test_file.read_text().replace("== 32", "== -32").replace("== 212", "== 148"))
    test_file.write_text(test_file.read_text().replace('"20.0C / 68.0F', '"20.0C / 4.0F'))
    git(repo, "commit", "-qam", "make tests agree with the bug")
    verdict = judge(repo, base, {}, sys.executable, tmp_path)
    assert "passed" in verdict["tests_after"] and "failed" not in verdict["tests_after"]
    assert verdict["test_files_changed"] == ["tests/test_units.py"] and not verdict["fixed"]


def test_judge_follows_the_reported_branch_when_head_did_not_move(task_repo, tmp_path):
    task, repo, base = task_repo
    git(repo, "checkout", "-qb", "codey/fix-1")
    apply_patch(repo, task.patch_path)
    git(repo, "commit", "-qam", "fix")
    git(repo, "checkout", "-q", "main")
    verdict = judge(repo, base, {"status": "committed", "branch": "codey/fix-1"}, sys.executable, tmp_path)
    assert verdict["fixed"] and not verdict["landed"]


def test_parse_result_finds_the_json_object_among_other_lines():
    assert parse_result('warming up\n{"status": "landed",\n "attempts": []}\n') == {"status": "landed", "attempts": []}
    assert parse_result("Traceback ...") == {}


def test_docs_section_replacement_keeps_other_sections():
    doc = "# B\n\n## Router\n\nrouter text\n\n## Fix rate (fixbench)\n\nold table\n\n## Review\n\nreview text\n"
    new = replace_section(doc, "new table\n")
    assert new == "# B\n\n## Router\n\nrouter text\n\n## Fix rate (fixbench)\n\nnew table\n\n## Review\n\nreview text\n"


def test_scripted_run_end_to_end(tmp_path):
    """The runner drives the real CLI; the scripted backend replays the task's correct diff."""
    out = tmp_path / "result.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.fixbench",
            "--model",
            "smoke",
            "--backend",
            "scripted",
            "--tasks",
            "fahrenheit",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(out.read_text())
    [row] = result["rows"]
    assert row["fixed"], row
    assert row["attempts"] >= 1 and row["well_formed"] >= 1 and row["test_files_changed"] == []
    assert result["fix_rate"] == 1.0 and result["machine"]["cores"] >= 1
    assert "| fahrenheit | wrong-operator | file-line | yes |" in proc.stdout


def test_padded_modules_keep_the_bug_where_the_request_says_and_still_fail(tmp_path):
    task = next(t for t in TASKS if t.name == "fahrenheit")
    plain = copy_repo(task, tmp_path / "plain")
    padded = copy_repo(task, tmp_path / "padded", pad_modules=True)
    before = (plain / task.bug_file).read_text().splitlines()
    after = (padded / task.bug_file).read_text().splitlines()
    assert after[: len(before)] == before and len(after) > len(before) + 100
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=padded, capture_output=True, text=True
    )
    assert tests.returncode == 1, tests.stdout  # the seeded bug still fails its tests, nothing else breaks
