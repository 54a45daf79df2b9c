"""`git codey CMD` imports only what CMD needs, so a cached review or a --help starts fast;
the full command set is still there for top-level help and for `route`."""

from __future__ import annotations

import json
import re

from conftest import git, write_files

# modules only other commands or model inference need (the command modules themselves are loaded
# with importlib.import_module, which -X importtime does not list, so their own imports are named)
SLOW_FOR_A_REVIEW = (
    "numpy",
    "llama_cpp",
    "codey_git.engine.task",
    "codey_git.models.pull",
    "codey_git.recipes.runner",
    "codey_git.router.router",
)
AVG_BUG = json.dumps(
    {
        "findings": [
            {
                "file": "calc.py",
                "line": 6,
                "severity": "high",
                "category": "bug",
                "message": "the average is off by one",
                "suggestion": "return sum(xs) / len(xs)",
            }
        ]
    }
)


def imported(stderr: str) -> set[str]:
    """Module names from `python -X importtime` output."""
    return {m.group(1) for m in re.finditer(r"^import time:\s+\d+ \|\s+\d+ \|\s+(\S+)$", stderr, re.M)}


def test_second_review_from_the_cache_loads_no_model_code_nor_other_commands(make_repo, write_script, codey):
    root = make_repo({"calc.py": "def div(a, b):\n    return a / b\n"})
    write_files(root, {"calc.py": "def div(a, b):\n    return a / b\n\n\ndef avg(xs):\n    return sum(xs) / len(xs) + 1\n"})
    git(root, "add", "calc.py")
    write_script({"review": [AVG_BUG]})  # one answer: the second run can only come from the cache
    first = codey(root, "review", "--json")
    assert first.returncode == 1, first.stderr
    second = codey(root, "review", "--json", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert second.returncode == 1, second.stderr
    assert json.loads(second.stdout)["cached"] == 1
    modules = imported(second.stderr)
    assert "codey_git.review.session" in modules  # (importlib.import_module'd modules are not listed)
    assert not modules & set(SLOW_FOR_A_REVIEW)


def test_one_command_help_and_the_full_command_list(tmp_path, codey):
    help_text = codey(tmp_path, "fix", "--help")
    assert help_text.returncode == 0, help_text.stderr
    assert "Usage: git codey fix" in help_text.stdout
    top = codey(tmp_path, "--help")
    assert top.returncode == 0, top.stderr
    for name in ("fix", "edit", "review", "models", "recipes", "hook", "undo", "route"):
        assert re.search(rf"^  {name}\s", top.stdout, re.M), name


def test_models_group_runs_with_only_its_module_registered(tmp_path, codey):
    out = codey(tmp_path, "models", "list")
    assert out.returncode == 0, out.stderr
    assert "qwen2.5-coder-1.5b" in out.stdout


def test_the_module_attribute_app_still_has_every_command():
    from codey_git.cli import app, command_modules

    registered = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert registered == set(command_modules())
