"""Generators read real code in a real repository and expand into concrete tasks."""

from types import SimpleNamespace

from conftest import git

from codey_git.recipes.gen_tests import parse_pytest_summary
from codey_git.recipes.generators import GenContext, expand
from codey_git.recipes.schema import validate_recipe
from codey_git.yamlfile import parse_yaml_with_lines

CODE = {
    "shop.py": '''
        import os
        import sys as system
        from typing import Optional


        def total(prices: list[float]) -> float:
            """Sum of prices."""
            return sum(prices)


        def discount(price, rate=0.1):
            # TODO: round to cents
            return price * (1 - rate)


        def _helper(x):
            return x


        def orphan(x: int) -> int:
            """Nobody calls me."""
            return x + 1


        class Cart:
            def add(self, item: str) -> None:
                self.items = [item]

            def count(self):
                """How many."""
                return len(self.items)


        def uses(value: Optional[int]):
            text = "FIXME inside a string is not a task"
            return system.argv, value, text, _helper(1), discount(2)
        ''',
    "util.js": "// FIXME: handle empty input\nfunction f(x) { return x; }\n",
    "tests/test_shop.py": '''
        from shop import total, discount


        def test_total():
            assert total([1, 2]) == 3


        def test_discount():
            assert discount(10) == 10
        ''',
}


def expand_one(root, entry, config=None):
    recipe = validate_recipe(*parse_yaml_with_lines(f"name: t\ntasks:\n  - {entry}\n", "r.yml"), "r.yml")
    config = config or SimpleNamespace(test_command="python -m pytest -q", test_timeout=60)
    ctx = GenContext(root=root, config=config, base="HEAD", scratch_dir=root / ".git" / "codey" / "expand")
    return expand(recipe, ctx)


def test_todo_comments_ignore_strings_and_cover_other_languages(make_repo):
    root = make_repo(CODE)
    tasks = expand_one(root, "generate: todo-comments")
    assert [(t.files, t.priority) for t in tasks] == [(["shop.py"], "medium"), (["util.js"], "high")]
    assert "shop.py line 12: round to cents" in tasks[0].text
    assert "handle empty input" in tasks[1].text


def test_missing_docstrings_lists_public_functions_and_methods_with_lines(make_repo):
    tasks = expand_one(make_repo(CODE), "generate: missing-docstrings")
    assert len(tasks) == 1 and tasks[0].files == ["shop.py"]
    assert "discount (line 11), Cart.add (line 26), uses (line 34)" in tasks[0].text
    assert "total" not in tasks[0].text and "_helper" not in tasks[0].text


def test_missing_type_hints(make_repo):
    tasks = expand_one(make_repo(CODE), "generate: missing-type-hints")
    assert "discount (line 11), Cart.count (line 29), uses (line 34)" in tasks[0].text
    assert "Cart.add" not in tasks[0].text and "orphan" not in tasks[0].text


def test_unused_functions_and_imports(make_repo):
    root = make_repo(CODE)
    functions = expand_one(root, "generate: unused-functions")
    assert len(functions) == 1
    assert "shop.py: orphan (line 20), uses (line 34)." in functions[0].text
    imports = expand_one(root, "generate: unused-imports")
    assert "os (line 1)" in imports[0].text and "system" not in imports[0].text
    assert "Optional" not in imports[0].text


def test_large_modules_respects_max_lines(make_repo):
    root = make_repo(CODE)
    assert expand_one(root, "generate: large-modules\n    max_lines: 400") == []
    tasks = expand_one(root, "generate: large-modules\n    max_lines: 20")
    assert [t.files for t in tasks] == [["shop.py"]]


def test_failing_tests_runs_pytest_on_the_base_commit(make_repo):
    root = make_repo(CODE)
    (root / "shop.py").write_text("broken in the working tree only (\n")
    tasks = expand_one(root, "generate: failing-tests")
    assert len(tasks) == 1 and tasks[0].kind == "fix" and tasks[0].priority == "high"
    assert tasks[0].files == ["tests/test_shop.py"] and "test_discount" in tasks[0].text
    assert "test_total" not in tasks[0].text
    assert len(git(root, "worktree", "list").splitlines()) == 1  # the scratch worktree is gone


def test_parse_pytest_summary_groups_by_file():
    out = "FAILED tests/a.py::test_x - assert 1 == 2\nFAILED tests/a.py::test_y\nERROR tests/b.py - ImportError: no module\n"
    assert parse_pytest_summary(out) == {
        "tests/a.py": ["test_x (assert 1 == 2)", "test_y"],
        "tests/b.py": ["collection error (ImportError: no module)"],
    }


def test_sample_chunks_is_deterministic_for_a_seed(make_repo):
    root = make_repo(CODE)
    first = expand_one(root, "generate: sample-chunks\n    count: 3\n    seed: 7\n    min_lines: 2")
    again = expand_one(root, "generate: sample-chunks\n    count: 3\n    seed: 7\n    min_lines: 2")
    other = expand_one(root, "generate: sample-chunks\n    count: 3\n    seed: 8\n    min_lines: 2")
    assert [t.options for t in first] == [t.options for t in again]
    assert len(first) == 3 and all(t.kind == "improve" for t in first)
    assert [t.options for t in first] != [t.options for t in other]
    chunk = first[0].options["chunk"]
    assert chunk["end"] - chunk["start"] + 1 >= 2


def test_limit_and_priority_override(make_repo):
    tasks = expand_one(make_repo(CODE), "generate: todo-comments\n    limit: 1\n    priority: critical")
    assert len(tasks) == 1 and tasks[0].priority == "critical"


def test_generators_read_the_base_commit_not_uncommitted_edits(make_repo):
    root = make_repo(CODE)
    # uncommitted: a new TODO in a tracked file, and an untracked file; the run's tasks start from
    # the commit, where neither exists, so neither may become a task
    (root / "shop.py").write_text((root / "shop.py").read_text() + "\n# TODO: not committed yet\n")
    (root / "scratch.py").write_text("# TODO: untracked\n")
    tasks = expand_one(root, "generate: todo-comments")
    assert [t.files for t in tasks] == [["shop.py"], ["util.js"]]
    assert "not committed yet" not in tasks[0].text and "untracked" not in str([t.text for t in tasks])
