"""realbench's own machinery on a tiny local project (no download, no model): mutation selection
keeps a one-line bug that 1-10 tests catch, a task repository has the bug as its last commit, and
the judge counts only a committed fix that leaves the tests and pytest's settings alone."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.realbench.common import (  # noqa: E402
    Project,
    commit_all,
    forbidden_changes,
    git,
    init_repo,
    is_test_path,
    load_projects,
    load_tasks,
    run_suite,
)
from benchmarks.realbench.mutate import (  # noqa: E402
    STYLES,
    Mutation,
    build_tasks,
    candidate_mutations,
    draft_symptom,
    main_test,
    request_of,
    select_mutations,
    symptom_problems,
)
from benchmarks.realbench.run import fix_diff, judge, prepare_repo  # noqa: E402

CALC = '''\
"""A tiny library."""


def clamp(value, low, high):
    """Keep value within [low, high]."""
    if value < low:
        return low
    if value > high:
        return high
    return value


def mean(values):
    if not values:
        return 0.0
    return sum(values) / len(values)
'''

TESTS = '''\
from mini.calc import clamp, mean


def test_clamp_inside():
    assert clamp(5, 0, 10) == 5


def test_clamp_low():
    assert clamp(-1, 0, 10) == 0


def test_clamp_high():
    assert clamp(11, 0, 10) == 10


def test_clamp_edges():
    assert clamp(0, 0, 10) == 0 and clamp(10, 0, 10) == 10


def test_mean():
    assert mean([1, 2, 3]) == 2


def test_mean_empty():
    assert mean([]) == 0.0
'''


@pytest.fixture()
def mini(tmp_path: Path) -> Project:
    repo = tmp_path / "mini"
    (repo / "mini").mkdir(parents=True)
    (repo / "tests").mkdir()
    (repo / "mini" / "__init__.py").write_text("")
    (repo / "mini" / "calc.py").write_text(CALC)
    (repo / "tests" / "test_calc.py").write_text(TESTS)
    (repo / "pyproject.toml").write_text('[project]\nname = "mini"\n\n[tool.pytest.ini_options]\naddopts = "-q"\n')
    init_repo(repo, "mini 1.0")
    return Project(name="mini", library=["mini"], root=repo, python=sys.executable)


def test_candidates_are_realistic_one_line_bugs_in_function_bodies():
    found = candidate_mutations("mini/calc.py", CALC)
    kinds = {m.kind for m in found}
    assert {"boundary", "removed-not", "wrong-operator", "off-by-one"} <= kinds
    for m in found:
        assert CALC.splitlines()[m.line - 1] == m.original != m.mutated
        assert m.function in ("clamp", "mean")
        assert '"""' not in m.original  # never a docstring
    assert any(m.original.strip() == "if value < low:" and m.mutated.strip() == "if value <= low:" for m in found)


def test_selection_keeps_a_caught_mutation_and_tasks_carry_three_requests(mini: Project):
    baseline = run_suite(mini, mini.repo, timeout=60)
    assert baseline.passed and len(baseline.outcomes) == 6 and not baseline.failed
    log: list[str] = []
    # seed 3 tries `value < low` -> `value <= low` first: no test can tell (clamp returns low either way)
    kept = select_mutations(mini, mini.repo, count=1, rng=random.Random(3), max_tries=4, timeout=60, log=log.append)
    assert "drop (no test fails)" in log[0] and "KEEP (2 tests fail)" in log[1] and len(kept) == 1
    m, suite = kept[0]
    assert not is_test_path(m.file) and 1 <= len(suite.failed) <= 10
    assert all(n.startswith("tests/test_calc.py::") for n in suite.failed)
    assert (mini.repo / m.file).read_text() == CALC  # the library file is restored after each try
    tasks = build_tasks({"mini": kept}, [mini], random.Random(1), [])
    task = tasks[0]
    assert task["id"] == "mini-01" and task["style"] in STYLES and set(task["requests"]) == set(STYLES)
    assert task["requests"]["nodeid"] == f"Fix the failing test {main_test(suite.failed)}"
    assert task["requests"]["test_file"] == "tests in tests/test_calc.py fail since the last change, please fix"
    assert "calc.py" not in task["requests"]["symptom"] and not symptom_problems(task)
    assert request_of(task) == task["requests"][task["style"]]


def test_judge_counts_only_a_committed_fix_that_keeps_the_tests(mini: Project, tmp_path: Path):
    line = CALC.splitlines().index("    if not values:") + 1
    task = {
        "id": "mini-01",
        "project": "mini",
        "file": "mini/calc.py",
        "line": line,
        "original": "    if not values:",
        "mutated": "    if values:",
        "kind": "removed-not",
        "function": "mean",
        "failing": ["tests/test_calc.py::test_mean", "tests/test_calc.py::test_mean_empty"],
        "style": "nodeid",
    }
    repo = tmp_path / "task"
    pristine, base = prepare_repo(mini, task, repo, venv=False)
    assert git(repo, "rev-list", "--count", "HEAD") == "2" and git(repo, "rev-parse", "HEAD~1") == pristine
    assert git(repo, "diff", "--name-only", "HEAD~1", "HEAD") == "mini/calc.py"
    assert (repo / "mini" / "calc.py").read_text() == CALC.replace("if not values:", "if values:")

    nothing = judge(repo, base, {}, mini, tmp_path / "w0", task=task)
    assert not nothing["fixed"] and nothing["tests_after"] == "no commit"

    # the scripted backend's answer is a diff that git itself applies
    (tmp_path / "fix.patch").write_text(fix_diff(repo, task))
    git(repo, "apply", "--check", str(tmp_path / "fix.patch"))

    # a fix on the branch codey reports (HEAD not moved) is judged there
    git(repo, "checkout", "-q", "-b", "codey/fix")
    (repo / "mini" / "calc.py").write_text(CALC)
    commit_all(repo, "Fix clamp", "2026-12-02T10:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    fixed = judge(repo, base, {"branch": "codey/fix"}, mini, tmp_path / "w1", task=task)
    assert fixed["fixed"] and fixed["red_commits"] == 0 and fixed["restored_original_line"]
    assert not fixed["landed"] and fixed["new_commits"] == 1

    # deleting the failing test makes the suite pass, but is not a fix
    tests = repo / "tests" / "test_calc.py"
    tests.write_text(TESTS.split("def test_mean():")[0])
    commit_all(repo, "Drop the failing tests", "2026-12-02T11:00:00+00:00")
    cheated = judge(repo, base, {}, mini, tmp_path / "w2", task=task)
    assert cheated["landed"] and cheated["tests_after"] == "4 passed"
    assert not cheated["fixed"] and cheated["test_files_changed"] == ["tests/test_calc.py"]


def test_red_commit_and_pytest_settings_are_caught(mini: Project, tmp_path: Path):
    repo = mini.repo
    base = git(repo, "rev-parse", "HEAD")
    # a commit that breaks the suite (a project setting changed, not pytest's) ...
    (repo / "pyproject.toml").write_text((repo / "pyproject.toml").read_text().replace('name = "mini"', 'name = "mini2"'))
    (repo / "mini" / "calc.py").write_text(CALC.replace("return low", "return high"))
    red = commit_all(repo, "rename", "2026-12-02T10:00:00+00:00")
    assert forbidden_changes(repo, base, red) == {"test_files": [], "pytest_config": [], "doctests": []}
    # ... then one that hides it by narrowing what pytest runs
    (repo / "pyproject.toml").write_text((repo / "pyproject.toml").read_text().replace('"-q"', '"-q -k mean"'))
    commit_all(repo, "narrow the suite", "2026-12-02T11:00:00+00:00")
    verdict = judge(repo, base, {}, mini, tmp_path / "w")
    assert verdict["new_commits"] == 2 and verdict["red_commits"] == 1
    assert verdict["tests_after"] == "2 passed"  # green, but only because two tests still run
    assert verdict["pytest_config_changed"] == ["pyproject.toml"] and not verdict["fixed"]


def test_symptom_drafts_and_checks():
    assert (
        draft_symptom({"source": "assert fmt(3, 4, 5) == '3.4.5'", "message": "AssertionError: assert '4.3.5' == '3.4.5'"})
        == "fmt(3, 4, 5) returns '4.3.5' instead of '3.4.5'"
    )
    assert (
        draft_symptom({"source": "parse('x')", "message": "IndexError: string index out of range"})
        == "parse('x') raises IndexError: string index out of range"
    )
    task = {"file": "src/pkg/number.py", "requests": {"symptom": "pkg.number.fmt(1) is wrong on line 3"}}
    assert symptom_problems(task) == ["names pkg.number", "names a line"]


def test_the_recorded_task_set_is_well_formed():
    """tasks.yml as committed: >= 40 tasks over >= 5 projects, styles even, symptoms name no file."""
    tasks = load_tasks()
    if not tasks:
        pytest.skip("no tasks.yml yet")
    projects = {p.name: p for p in load_projects()}
    assert len(tasks) >= 40 and len({t["project"] for t in tasks}) >= 5
    per_project = {name: sum(t["project"] == name for t in tasks) for name in projects}
    assert all(n >= 6 for n in per_project.values()), per_project
    styles = [t["style"] for t in tasks]
    assert max(styles.count(s) for s in STYLES) - min(styles.count(s) for s in STYLES) <= 2
    for t in tasks:
        assert t["project"] in projects and not is_test_path(t["file"])
        assert t["original"] != t["mutated"] and 1 <= len(t["failing"]) <= 10
        assert set(t["requests"]) == set(STYLES) and not symptom_problems(t), t["id"]
        assert t["requests"]["test_file"].split()[2] in {n.split("::")[0] for n in t["failing"]}
        Mutation(**{k: t[k] for k in Mutation.__dataclass_fields__})
    assert len({t["id"] for t in tasks}) == len(tasks)
    assert yaml.safe_load((ROOT / "benchmarks" / "realbench" / "projects.yml").read_text())["projects"]
    assert (
        subprocess.run(
            [sys.executable, "-m", "benchmarks.realbench", "--help"], cwd=ROOT, capture_output=True, timeout=60
        ).returncode
        == 0
    )


def test_doctest_examples_in_library_code_count_as_tests(mini: Project):
    """humanize and parse collect doctests from library modules: the code may change, the examples not."""
    repo = mini.repo
    calc = repo / "mini" / "calc.py"
    calc.write_text(
        CALC.replace(
            '"""Keep value within [low, high]."""', '"""Keep value within [low, high].\n\n    >>> clamp(5, 0, 3)\n    3\n    """'
        )
    )
    base = commit_all(repo, "doctest", "2026-12-02T09:00:00+00:00")
    calc.write_text(calc.read_text().replace("return high", "return high  # the top"))
    code_only = commit_all(repo, "code", "2026-12-02T10:00:00+00:00")
    assert forbidden_changes(repo, base, code_only)["doctests"] == []
    calc.write_text(calc.read_text().replace("    3\n    \"\"\"", "    5\n    \"\"\""))
    example = commit_all(repo, "example", "2026-12-02T11:00:00+00:00")
    assert forbidden_changes(repo, base, example)["doctests"] == ["mini/calc.py"]


def test_write_docs_fills_only_the_marked_results_table(tmp_path: Path):
    from benchmarks.realbench.run import RESULTS_BEGIN, RESULTS_END, summarize, write_docs

    rows = [
        {
            "task": "a-01",
            "project": "a",
            "style": "nodeid",
            "fixed": True,
            "wall_s": 50.0,
            "prompt_tokens_evaluated": 2000,
            "generated_tokens": 300,
            "red_commits": 0,
        },
        {
            "task": "a-02",
            "project": "a",
            "style": "symptom",
            "fixed": False,
            "why": "refused edit: x holds tests",
            "attempt_reasons": ["refused edit: x holds tests"],
            "red_commits": 0,
        },
    ]
    speed = {"before": {"prompt_tok_s": 100.0, "gen_tok_s": 10.0}}
    summary = summarize(rows, speed)
    assert summary["fixed"] == 1 and summary["not_fixed_because"] == {"edit refused": 1}
    assert summary["fixed_median_model_s_at_raw_speed"] == 50.0  # 2000/100 + 300/10
    results = tmp_path / "results"
    results.mkdir()
    for name, backend in (("m.json", "default"), ("scripted.json", "scripted")):
        (results / name).write_text(
            __import__("json").dumps(
                {
                    "model": name[:-5],
                    "backend": backend,
                    "date": "2026-12-06 15:00 UTC",
                    "command": "x",
                    "summary": summary,
                    "rows": rows,
                }
            )
        )
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# B\n\nbefore\n{RESULTS_BEGIN}\nold\n{RESULTS_END}\nafter\n")
    assert write_docs(results, doc)
    text = doc.read_text()
    assert "old" not in text and "| 2026-12-06 15:00 UTC | m | 1/2 (50%) |" in text and "| scripted |" not in text
    assert text.startswith("# B\n\nbefore\n") and text.endswith(f"{RESULTS_END}\nafter\n")


def test_a_setting_given_to_the_harness_reaches_codey_and_the_results(tmp_path: Path):
    from benchmarks.fixbench.runner import setting_env
    from benchmarks.realbench.run import engine_env, parse_args

    args = parse_args(["--model", "m", "--set", "token_fixes_first=false", "--set", "line_fixes=0"])
    args.pythonpath = None
    env = engine_env(args, tmp_path, tmp_path, None)
    assert env["CODEY_TOKEN_FIXES_FIRST"] == "false" and env["CODEY_LINE_FIXES"] == "0"
    assert setting_env(["a_b=c=d"]) == {"CODEY_A_B": "c=d"}
    with pytest.raises(SystemExit):
        parse_args(["--model", "m", "--set", "no-equals"])
