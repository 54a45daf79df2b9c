"""Recipe validation: a bad recipe is refused with file, line and field, and nothing runs."""

import pytest

from codey_git.errors import ConfigError
from codey_git.recipes.catalog import SHIPPED_DIR, list_recipes, load_recipe, resolve_recipe
from codey_git.recipes.schema import validate_recipe
from codey_git.yamlfile import parse_yaml_with_lines

SMALLEST = """\
name: nightly
tasks:
  - fix: "bug in m1.py line 2"
    files: [m1.py]
  - edit: "add a docstring to every public function in utils.py"
  - generate: todo-comments
"""


def parse(text):
    return validate_recipe(*parse_yaml_with_lines(text, "r.yml"), "r.yml")


def test_smallest_recipe_reads_as_written():
    recipe = parse(SMALLEST)
    assert recipe.name == "nightly" and recipe.landing == "branches"
    assert [(t.kind, t.text, t.files) for t in recipe.tasks] == [
        ("fix", "bug in m1.py line 2", ["m1.py"]),
        ("edit", "add a docstring to every public function in utils.py", []),
        ("generate", "todo-comments", []),
    ]


def test_budget_and_model_become_config_overrides():
    recipe = parse(
        "name: x\nmodel: tiny\nbudget: {task_minutes: 2, task_attempts: 4}\nconfig: {candidates: 2}\ntasks:\n  - edit: a\n"
    )
    assert recipe.config_overrides() == {"candidates": 2, "coder": "tiny", "attempts": 4, "max_seconds": 120}


@pytest.mark.parametrize(
    "text, line, field, words",
    [
        ("name: x\ntasks:\n  - frob: 1\n", 3, "tasks[0].frob", "unknown task kind"),
        ("name: x\ntasks:\n  - fix: a\n  - fix: 3\n", 4, "tasks[1].fix", "expected string, got 3"),
        ("name: x\ntasks:\n  - fix: a\n    files: m1.py\n", 4, "tasks[0].files", "expected list, got 'm1.py'"),
        ("name: x\ntasks:\n  - edit: a\n    colour: red\n", 4, "tasks[0].colour", "unknown field"),
        ("name: x\nbudget:\n  task_minutes: -1\ntasks:\n  - edit: a\n", 3, "budget.task_minutes", "expected number > 0, got -1"),
        ("name: x\nlanding: sideways\ntasks:\n  - edit: a\n", 2, "landing", "one of branches, stacked"),
        ("name: x\nconfig:\n  attempts: many\ntasks:\n  - edit: a\n", 3, "config.attempts", "expected"),
        ("name: x\ntasks:\n  - generate: todo\n", 3, "tasks[0].generate", "unknown generator"),
        ("name: x\ntasks:\n  - fix: a\n    edit: b\n", 3, "tasks[0]", "one kind"),
        ("tasks:\n  - edit: a\n", 1, "name", "missing required field"),
    ],
)
def test_invalid_recipe_names_file_line_and_field(text, line, field, words):
    with pytest.raises(ConfigError) as info:
        parse(text)
    assert (info.value.file, info.value.line, info.value.field) == ("r.yml", line, field)
    assert words in info.value.message


def test_every_shipped_recipe_is_valid():
    names = {p.stem for p in SHIPPED_DIR.glob("*.yml")}
    assert {"fix-failing-tests", "add-docstrings", "add-type-hints", "remove-unused-code", "improve"} <= names
    for path in SHIPPED_DIR.glob("*.yml"):
        assert load_recipe(path).tasks


def test_repo_recipe_shadows_shipped_and_resolves_by_name(tmp_path):
    folder = tmp_path / ".codey" / "recipes"
    folder.mkdir(parents=True)
    (folder / "improve.yml").write_text("name: mine\ntasks:\n  - edit: a\n")
    (folder / "nightly.yml").write_text(SMALLEST)
    entries = {e.name: e for e in list_recipes(tmp_path)}
    assert entries["improve"].origin == "repo" and entries["add-docstrings"].origin == "shipped"
    assert resolve_recipe("nightly", tmp_path, cwd=tmp_path) == folder / "nightly.yml"
    assert load_recipe(resolve_recipe("improve", tmp_path, cwd=tmp_path)).name == "mine"


def test_cli_refuses_invalid_recipe_and_runs_nothing(make_repo, codey):
    root = make_repo({"m1.py": "x = 1\n"})
    (root / "bad.yml").write_text("name: nightly\ntasks:\n  - fix: fine\n  - deploy: prod\n")
    out = codey(root, "run", "bad.yml")
    assert out.returncode == 2
    assert "bad.yml:4: tasks[1].deploy: unknown task kind 'deploy'" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (root / ".git" / "codey" / "runs").exists()


def test_recipes_list_shows_repo_and_shipped(make_repo, codey):
    root = make_repo({"m1.py": "x = 1\n"})
    (root / ".codey" / "recipes").mkdir(parents=True)
    (root / ".codey" / "recipes" / "nightly.yml").write_text(
        SMALLEST.replace("name: nightly", "name: nightly\ndescription: our nightly")
    )
    out = codey(root, "recipes", "list")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert any(l.startswith("nightly") and "repo" in l and "our nightly" in l for l in lines)
    assert any(l.startswith("improve") and "shipped" in l for l in lines)
