"""Each generator that finds work from a check puts that check, for the task's own target, in the
task (``options["goal"]``), and the check run again on a later commit finds what is left of it."""

from __future__ import annotations

import sys
from types import SimpleNamespace

from conftest import git, write_files

from codey_git.recipes.generators import GenContext, expand
from codey_git.recipes.goals import check_goal, goal_of
from codey_git.recipes.schema import validate_recipe
from codey_git.yamlfile import parse_yaml_with_lines

CONFIG = SimpleNamespace(
    test_command=f"{sys.executable} -m pytest -q -p no:cacheprovider",
    test_timeout=120,
    sandbox="off",
    get=lambda key, default=None: default,
)
SHOP = '''\
import os
import sys


def total(prices):
    # TODO: round to cents
    return sum(prices)


def orphan(x):
    return x


def unused_too(x):
    return x
'''
TEST = "from shop import total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n"


def ctx(root, base="HEAD"):
    return GenContext(
        root=root, config=CONFIG, base=git(root, "rev-parse", base), scratch_dir=root / ".git" / "codey" / "scratch"
    )


def one_task(root, generator, extra=""):
    recipe = validate_recipe(*parse_yaml_with_lines(f"name: t\ntasks:\n  - generate: {generator}\n{extra}", "r.yml"), "r.yml")
    tasks = expand(recipe, ctx(root))
    assert len(tasks) == 1, tasks
    return tasks[0]


def commit(root, files):
    write_files(root, files)
    git(root, "commit", "-qam", "change")


def left(root, task):
    return check_goal(ctx(root), goal_of(task))


def test_unused_imports_and_functions(make_repo):
    root = make_repo({"shop.py": SHOP, "tests/test_shop.py": TEST})
    imports, functions = one_task(root, "unused-imports"), one_task(root, "unused-functions")
    assert goal_of(imports) == {"check": "unused-imports", "path": "shop.py", "names": ["os", "sys"]}
    assert goal_of(functions)["names"] == ["orphan", "unused_too"]
    assert left(root, imports).describe() == "still unused: os, sys at lines 1, 2"
    commit(root, {"shop.py": SHOP.replace("import os\n", "").replace("def orphan(x):\n    return x\n\n\n", "")})
    assert left(root, imports).describe() == "still unused: sys at line 1" and left(root, imports).progress
    assert left(root, functions).describe() == "still unused: unused_too at line 9"
    commit(root, {"shop.py": "def total(prices):\n    return sum(prices)\n\n\nunused_too = None\n"})
    assert left(root, imports).reached and left(root, functions).reached


def test_missing_docstrings_and_type_hints(make_repo):
    code = "def a(x):\n    return x\n\n\nclass C:\n    def b(self, y):\n        return y\n"
    root = make_repo({"m.py": code})
    docs, hints = one_task(root, "missing-docstrings"), one_task(root, "missing-type-hints")
    assert goal_of(docs)["names"] == ["a", "C.b"] == goal_of(hints)["names"]
    commit(root, {"m.py": code.replace("def a(x):\n", 'def a(x: int) -> int:\n    """A."""\n')})
    assert left(root, docs).describe() == "still without a docstring: C.b at line 7"
    assert left(root, hints).describe() == "still without full type hints: C.b at line 7"


def test_todo_comment_and_large_module(make_repo):
    root = make_repo({"shop.py": SHOP, "big.py": "x = 1\n" * 12})
    todo = one_task(root, "todo-comments")
    big = one_task(root, "large-modules", "    max_lines: 10\n    paths: [big.py]\n")
    commit(root, {"shop.py": "# a new first line\n" + SHOP})  # the comment moved down a line
    assert left(root, todo).describe() == "the comment is still there: TODO: round to cents at line 7"
    assert not left(root, todo).progress
    assert left(root, big).describe() == "still too long: big.py (over 10 lines)"
    commit(root, {"shop.py": SHOP.replace("    # TODO: round to cents\n", ""), "big.py": "x = 1\n"})
    assert left(root, todo).reached and left(root, big).reached


def test_failing_tests_run_again_in_a_scratch_worktree(make_repo):
    root = make_repo(
        {
            "calc.py": "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a + b\n",
            "tests/test_calc.py": "from calc import add, mul\n\n\ndef test_add():\n    assert add(2, 3) == 5"
            "\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n",
        }
    )
    task = one_task(root, "failing-tests")
    assert goal_of(task) == {"check": "failing-tests", "path": "tests/test_calc.py", "names": ["test_add", "test_mul"]}
    commit(root, {"calc.py": "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a + b\n"})
    check = left(root, task)
    assert check.describe() == "still failing: test_mul" and check.progress
    assert git(root, "worktree", "list").count("\n") == 0  # the scratch worktree is gone
    commit(root, {"calc.py": "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n"})
    assert left(root, task).reached


def test_tasks_without_a_check_have_no_goal(make_repo):
    root = make_repo({"shop.py": SHOP})
    chunk = one_task(root, "sample-chunks", "    count: 1\n    min_lines: 2\n")
    assert goal_of(chunk) is None
    recipe = validate_recipe(*parse_yaml_with_lines("name: t\ntasks:\n  - edit: tidy shop.py\n", "r.yml"), "r.yml")
    assert goal_of(expand(recipe, ctx(root))[0]) is None


def test_the_retry_names_what_is_left_and_stays_one_step(make_repo):
    from codey_git.engine.planner import plan
    from codey_git.engine.task import Task
    from codey_git.recipes.goals import GoalCheck, retry_text

    goal = {"check": "unused-imports", "path": "shop.py", "names": ["os", "sys", "re"]}
    text = retry_text(
        "Remove these unused imports from shop.py: os (line 1), sys (line 2), re (line 3). Keep every other line as it is.",
        GoalCheck(goal, [("sys", 1), ("re", 2)]),
    )
    assert "(still unused: sys, re at lines 1, 2)" in text
    assert len(plan(Task(text=text, kind="edit", files=["shop.py"]))) == 1
