"""Test-backed review from the outside: the tests a staged change can affect run on the staged
snapshot (a scratch worktree of the index), a test that passes at HEAD and fails with the change
blocks at the staged line its traceback passes through, HEAD's results are cached, hung tests are
killed and reported as not run, and the user's working tree and index are never touched."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from conftest import git, write_files

ROOT = Path(__file__).resolve().parents[1]
CHECKS_ONLY = {"CODEY_REVIEW_MODEL": "false"}
PROJECT = {
    "calc.py": """
        def total(xs):
            return sum(xs)


        def avg(xs):
            return total(xs) / len(xs)
        """,
    "other.py": "def hello():\n    return 'hi'\n",
    "tests/test_calc.py": """
        import os

        from calc import avg, total


        def _log():
            if os.environ.get("RUNLOG"):
                with open(os.environ["RUNLOG"], "a") as fh:
                    fh.write("calc\\n")


        def test_total():
            _log()
            assert total([1, 2, 3]) == 6


        def test_avg():
            assert avg([1, 2, 3]) == 2
        """,
    "tests/test_other.py": """
        import os

        from other import hello


        def test_hello():
            if os.environ.get("RUNLOG"):
                with open(os.environ["RUNLOG"], "a") as fh:
                    fh.write("other\\n")
            assert hello() == "hi"
        """,
}
PROJECT = {path: textwrap.dedent(text).lstrip("\n") for path, text in PROJECT.items()}
BUG = PROJECT["calc.py"].replace("return sum(xs)", "return sum(xs) + 1")


@pytest.fixture(autouse=True)
def importable(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if not (Path(p) / "git-codey").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(path))
    monkeypatch.setenv("GIT_EDITOR", "true")


@pytest.fixture
def project(make_repo):
    return make_repo(PROJECT)


def stage(root, files):
    write_files(root, files)
    git(root, "add", *files)


def state(root) -> tuple:
    """What the user sees of their repository: status, index, unstaged diff, files, worktrees."""
    files = {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }
    return (
        git(root, "status", "--porcelain"),
        git(root, "diff", "--cached"),
        git(root, "diff"),
        files,
        git(root, "worktree", "list", "--porcelain").count("worktree "),
    )


def test_a_staged_change_that_breaks_a_covered_test_blocks_at_its_line(project, codey):
    stage(project, {"calc.py": BUG})
    result = codey(project, "review", env=CHECKS_ONLY)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "calc.py:2" in result.stdout  # `return sum(xs) + 1`, the staged line the traceback passes
    assert "tests/test_calc.py::test_total" in result.stdout and "pass at the base and fail" in result.stdout
    assert "assert 2.3333333333333335 == 2" in result.stdout  # pytest's own words
    assert "test_hello" not in result.stdout  # tests/test_other.py imports nothing that changed


def test_the_finding_is_in_sarif_and_json_with_the_failure_text(project, codey):
    stage(project, {"calc.py": BUG})
    sarif = json.loads(codey(project, "review", "--format", "sarif", env=CHECKS_ONLY).stdout)
    hits = [r for r in sarif["runs"][0]["results"] if r["properties"].get("check") == "tests"]
    assert len(hits) == 1 and hits[0]["level"] == "error"
    location = hits[0]["locations"][0]["physicalLocation"]
    assert (location["artifactLocation"]["uri"], location["region"]["startLine"]) == ("calc.py", 2)
    assert "test_total" in hits[0]["message"]["text"] and "assert" in hits[0]["properties"]["evidence"]
    report = json.loads(codey(project, "review", "--json", env=CHECKS_ONLY).stdout)
    assert report["tests"]["selected"] == ["tests/test_calc.py"]
    assert sorted(report["tests"]["new_failures"]) == ["tests/test_calc.py::test_avg", "tests/test_calc.py::test_total"]


def test_a_harmless_change_goes_through_and_says_what_ran(project, codey):
    stage(project, {"calc.py": PROJECT["calc.py"] + "\n\ndef double(x):\n    return 2 * x\n"})
    result = codey(project, "review", env=CHECKS_ONLY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 test file(s) run" in result.stdout and "2 passed" in result.stdout


def test_unstaged_edits_never_leak_into_the_snapshot_and_nothing_of_the_user_changes(project, codey):
    stage(project, {"calc.py": BUG})
    write_files(project, {"calc.py": PROJECT["calc.py"]})  # fixed in the tree, but not staged
    before = state(project)
    blocked = codey(project, "review", env=CHECKS_ONLY)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "unstaged and untracked files are not in it" in blocked.stdout
    assert state(project) == before
    stage(project, {"calc.py": PROJECT["calc.py"] + "\n\ndef double(x):\n    return 2 * x\n"})
    write_files(project, {"calc.py": BUG, "stray.py": "import nothing_here\n"})  # broken, not staged
    before = state(project)
    assert codey(project, "review", env=CHECKS_ONLY).returncode == 0
    assert state(project) == before
    assert not list((project / ".git" / "codey" / "worktrees").glob("review-*"))


def test_head_results_are_cached_so_a_second_review_runs_each_test_once(project, codey, tmp_path):
    log = tmp_path / "runs.log"
    env = {**CHECKS_ONLY, "RUNLOG": str(log)}
    stage(project, {"calc.py": BUG})
    assert codey(project, "review", env=env).returncode == 1
    first = log.read_text().splitlines()
    assert first == ["calc"] * 3  # the snapshot, the snapshot again (flaky?), HEAD
    start = time.monotonic()
    assert codey(project, "review", env=env).returncode == 1
    assert log.read_text().splitlines() == first  # the same snapshot: nothing runs again
    assert time.monotonic() - start < 5
    stage(project, {"calc.py": BUG.replace("+ 1", "+ 2")})
    assert codey(project, "review", env=env).returncode == 1
    assert log.read_text().splitlines() == first + ["calc"] * 2  # HEAD's results came from the cache


def test_a_hung_test_is_killed_reported_not_run_and_the_commit_goes_on(project, codey):
    hang = PROJECT["calc.py"].replace("return sum(xs)", "while True:\n        pass")
    stage(project, {"calc.py": hang})
    start = time.monotonic()
    result = codey(project, "review", "--max-seconds", "6", env=CHECKS_ONLY)
    assert time.monotonic() - start < 40
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not run" in result.stdout and "test(s) not run (fail_open: not blocking)" in result.stderr
    strict = codey(project, "review", "--max-seconds", "6", "--no-fail-open", env=CHECKS_ONLY)
    assert strict.returncode == 3, strict.stdout + strict.stderr
    assert not list((project / ".git" / "codey" / "worktrees").glob("review-*"))


def test_a_deleted_module_and_a_renamed_function_break_their_tests(project, codey):
    git(project, "rm", "-q", "other.py")
    result = codey(project, "review", env=CHECKS_ONLY)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "tests/test_other.py" in result.stdout
    git(project, "reset", "-q", "HEAD", "--", "other.py")
    git(project, "checkout", "--", "other.py")
    stage(
        project, {"calc.py": PROJECT["calc.py"].replace("def total(", "def sum_of(").replace("return total(", "return sum_of(")}
    )
    result = codey(project, "review", env=CHECKS_ONLY)
    assert result.returncode == 1 and "tests/test_calc.py" in result.stdout, result.stdout + result.stderr


def test_a_new_failing_test_is_noted_but_does_not_block(project, codey):
    stage(project, {"tests/test_new.py": "from calc import total\n\n\ndef test_new():\n    assert total([1]) == 2\n"})
    result = codey(project, "review", env=CHECKS_ONLY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test_new" in result.stdout and "medium" in result.stdout
    report = json.loads(codey(project, "review", "--json", env=CHECKS_ONLY).stdout)
    assert report["tests"]["new_tests_failing"] == ["tests/test_new.py::test_new"]
    assert report["tests"]["not_run"] == [] and report["complete"]


def test_tests_off_or_absent(make_repo, project, codey):
    stage(project, {"calc.py": BUG})
    off = codey(project, "review", env={**CHECKS_ONLY, "CODEY_REVIEW_TESTS": "false"})
    assert off.returncode == 0 and "tests:" not in off.stdout
    bare = make_repo({"m.py": "x = 1\n"}, name="bare")
    stage(bare, {"m.py": "x = 2\n"})
    result = codey(bare, "review", env=CHECKS_ONLY)
    assert result.returncode == 0 and "no tests" in result.stdout


def test_the_hook_blocks_a_commit_that_breaks_a_covered_test_and_lets_a_harmless_one_through(project, codey):
    assert codey(project, "hook", "install").returncode == 0
    env = {**os.environ, **CHECKS_ONLY}
    stage(project, {"calc.py": BUG})
    blocked = subprocess.run(
        ["git", "commit", "-m", "bug"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert blocked.returncode != 0 and "test_total" in blocked.stderr and "commit blocked" in blocked.stderr
    assert git(project, "log", "--format=%s") == "initial"
    stage(project, {"calc.py": PROJECT["calc.py"] + "\n\ndef double(x):\n    return 2 * x\n"})
    done = subprocess.run(
        ["git", "commit", "-m", "double"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert git(project, "log", "-1", "--format=%s") == "double"


def test_a_test_that_fails_only_after_another_is_not_taken_for_flaky(make_repo, codey):
    """Module state left by the first test breaks the second: run alone it passes, so the second run
    must be the same files again, not the failing test alone."""
    root = make_repo(
        {
            "collect.py": "def evens(ns):\n    found = []\n    for n in ns:\n        if n % 2 == 0:\n"
            "            found.append(n)\n    return found\n",
            "tests/test_collect.py": "from collect import evens\n\n\ndef test_a():\n"
            "    assert evens([1, 2]) == [2]\n\n\ndef test_b():\n"
            "    assert evens([4]) == [4]\n",
        }
    )
    stage(
        root,
        {
            "collect.py": "_found = []\n\n\ndef evens(ns):\n    for n in ns:\n        if n % 2 == 0:\n"
            "            _found.append(n)\n    return _found\n"
        },
    )
    result = codey(root, "review", env=CHECKS_ONLY)
    assert result.returncode == 1 and "test_b" in result.stdout, result.stdout + result.stderr
    assert "flaky" not in result.stdout


def test_a_project_in_a_subfolder_with_its_own_pytest_ini(make_repo, codey):
    """pytest names tests from the folder of pytest.ini (backend/), not from the repository's root."""
    root = make_repo(
        {
            "backend/pytest.ini": "[pytest]\npythonpath = .\n",
            "backend/calc.py": PROJECT["calc.py"],
            "backend/tests/test_calc.py": PROJECT["tests/test_calc.py"],
        }
    )
    stage(root, {"backend/calc.py": BUG})
    result = codey(root, "review", env=CHECKS_ONLY)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "backend/calc.py:2" in result.stdout and "test_total" in result.stdout


def test_the_model_explains_a_blocking_test_failure_and_suggests_the_line(project, codey, write_script):
    explain = json.dumps(
        {"why": "total() now adds 1 to every sum, so averages and totals are off by one", "fix": "    return sum(xs)"}
    )
    write_script({"review": ['{"findings": []}'] * 2, "explain": [explain]})
    stage(project, {"calc.py": BUG})
    result = codey(project, "review", "--no-cache")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "why (the model's reading): total() now adds 1 to every sum" in result.stdout
    assert "-    return sum(xs) + 1" in result.stdout and "+    return sum(xs)" in result.stdout


def test_a_model_that_cannot_explain_leaves_the_finding_blocking(project, codey, write_script):
    write_script({"review": ['{"findings": []}'] * 2, "explain": ["not json at all"]})
    stage(project, {"calc.py": BUG})
    result = codey(project, "review", "--no-cache")
    assert result.returncode == 1 and "test_total" in result.stdout and "why:" not in result.stdout


def test_selection_follows_imports_through_a_src_package(make_repo, codey):
    """core.py is imported by api.py (relatively), which the test imports: changing core selects it;
    the test of an unrelated module is not run."""
    root = make_repo(
        {
            "src/pkg/__init__.py": "",
            "src/pkg/core.py": "def base():\n    return 2\n",
            "src/pkg/api.py": "from .core import base\n\n\ndef answer():\n    return base() * 21\n",
            "src/pkg/other.py": "def other():\n    return 1\n",
            "tests/test_api.py": "from pkg.api import answer\n\n\ndef test_answer():\n    assert answer() == 42\n",
            "tests/test_other.py": "from pkg import other\n\n\ndef test_other():\n    assert other.other() == 1\n",
        }
    )
    stage(root, {"src/pkg/core.py": "def base():\n    return 3\n"})
    result = codey(root, "review", "--json", env=CHECKS_ONLY)
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["tests"]["selected"] == ["tests/test_api.py"], result.stdout
    assert report["tests"]["new_failures"] == ["tests/test_api.py::test_answer"]
    assert [(f["file"], f["line"]) for f in report["findings"]] == [("src/pkg/core.py", 2)]


def test_commit_all_runs_the_tests_on_what_git_is_about_to_commit(project, codey):
    """`git commit -a` gives the hook a temporary index (GIT_INDEX_FILE): the snapshot is made from
    it, and git in the snapshot never touches it."""
    assert codey(project, "hook", "install").returncode == 0
    env = {**os.environ, **CHECKS_ONLY}
    write_files(project, {"calc.py": BUG})  # not staged: -a stages it into the hook's index
    blocked = subprocess.run(
        ["git", "commit", "-a", "-m", "bug"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert blocked.returncode != 0 and "test_total" in blocked.stderr, blocked.stderr
    assert git(project, "status", "--porcelain") == "M calc.py"  # the user's index is as it was
    write_files(project, {"calc.py": PROJECT["calc.py"] + "\n\ndef double(x):\n    return 2 * x\n"})
    done = subprocess.run(
        ["git", "commit", "-a", "-m", "double"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert git(project, "show", "--stat", "--format=%s", "HEAD").startswith("double")


def test_a_range_is_reviewed_with_its_tests_too(project, codey):
    stage(project, {"calc.py": BUG})
    git(project, "commit", "-qm", "bug", "--no-verify")
    result = codey(project, "review", "--range", "HEAD~1..HEAD", env=CHECKS_ONLY)
    assert result.returncode == 1 and "test_total" in result.stdout, result.stdout + result.stderr
    assert "run on the new side of HEAD~1..HEAD" in result.stdout


FIX_TOTAL = """```diff
--- a/calc.py
+++ b/calc.py
@@ -1,2 +1,2 @@
 def total(xs):
-    return sum(xs) + 1
+    return sum(xs)
```
"""


def test_review_fix_runs_the_fix_loop_on_the_failing_tests_and_leaves_a_suggested_commit(project, codey, write_script):
    write_script({"edit": [FIX_TOTAL], "commit_message": ["fix(calc): total adds nothing"]})
    stage(project, {"calc.py": BUG})
    before, head = state(project), git(project, "rev-parse", "HEAD")
    result = codey(project, "review", "--fix", "--yes", env=CHECKS_ONLY)
    said = result.stdout + result.stderr
    assert result.returncode == 1, said  # the staged work itself is still broken: the commit stays blocked
    assert "fix loop" in said and "tests/test_calc.py::test_total" in said
    assert state(project) == before and git(project, "rev-parse", "HEAD") == head  # nothing of the user's changed
    take = next(line for line in said.splitlines() if "git cherry-pick --no-commit" in line)
    command = take[take.index("git cherry-pick") :].split("   #")[0].strip()
    assert subprocess.run(command, shell=True, cwd=project, capture_output=True).returncode == 0
    assert git(project, "diff", "--cached", "--", "calc.py") == ""  # staged calc.py is HEAD's again: fixed
    assert git(project, "rev-parse", "HEAD") == head  # applied to the staged work, nothing committed
    assert codey(project, "review", env=CHECKS_ONLY).returncode == 0


def test_review_fix_asks_first_and_without_a_terminal_runs_nothing(project, codey, write_script):
    write_script({"edit": [FIX_TOTAL]})
    stage(project, {"calc.py": BUG})
    result = codey(project, "review", "--fix", env=CHECKS_ONLY)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--yes" in result.stderr and "codey/" not in git(project, "branch", "--list", "codey/*")


def test_a_blocking_test_failure_says_how_to_have_codey_fix_it(project, codey):
    stage(project, {"calc.py": BUG})
    result = codey(project, "review", env=CHECKS_ONLY)
    assert result.returncode == 1 and "git codey review --fix" in result.stdout + result.stderr
