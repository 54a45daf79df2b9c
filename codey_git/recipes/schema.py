"""The declared recipe schema and its validator.

A recipe is a YAML mapping. Every field is declared below as a ``Field`` (``codey_git.config.fields``,
the same machinery and error wording as ``.codey.yml``) with its type, range and meaning; anything
else is a ``ConfigError`` that names the file, line and field, and nothing runs.

    name: nightly
    description: what this recipe is for
    model: qwen2.5-coder-1.5b        # coder override (optional)
    config: {attempts: 2}            # any .codey.yml key (optional)
    budget: {total_minutes: 480, task_minutes: 20, task_attempts: 3}
    landing: branches                # branches (each task on its own codey/... branch) | stacked
    tasks:
      - fix: "bug in m1.py line 2"
        files: [m1.py]
      - edit: "add a docstring to every public function in utils.py"
      - shell: "ruff format ."
      - review: "the night's commits"
      - generate: todo-comments
        limit: 5
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codey_git.config.fields import Checker, Field
from codey_git.config.schema import SCHEMA as CONFIG_SCHEMA
from codey_git.config.settings import CONFIG_DOCUMENTED
from codey_git.errors import ConfigError
from codey_git.recipes.filecheck import problem as file_problem

PRIORITIES = ("critical", "high", "medium", "low")
LANDINGS = ("branches", "stacked")
TASK_KINDS = ("fix", "edit", "shell", "review", "generate")

_NUMBER = (int, float)

TOP: dict[str, Field] = {
    "name": Field(str, None, "Recipe name, used in branch names and reports.", required=True),
    "description": Field(str, "", "One line on what the recipe does."),
    "model": Field(str, None, "Coder model for this recipe (overrides `coder`)."),
    "config": Field(dict, {}, "Any .codey.yml keys to override for this run."),
    "budget": Field(dict, {}, "Time and attempt budgets."),
    "landing": Field(
        str,
        "branches",
        "branches: each task on its own codey/... branch from the same base; "
        "stacked: every task on one branch, each on top of the last.",
        choices=LANDINGS,
    ),
    "tasks": Field(list, None, "What to do, in order.", required=True),
}

BUDGET: dict[str, Field] = {
    "total_minutes": Field(_NUMBER, None, "Stop starting new tasks after this many minutes.", minimum=0, above=True),
    "task_minutes": Field(_NUMBER, None, "Time budget of one task.", minimum=0, above=True),
    "task_attempts": Field(int, None, "Edit attempts per step (the `attempts` setting).", minimum=1),
}

COMMON: dict[str, Field] = {
    "files": Field(list, [], "Repo-relative files the task is about.", items=str),
    "priority": Field(str, None, "How much the result matters in the report.", choices=PRIORITIES),
}

KIND_FIELDS: dict[str, dict[str, Field]] = {
    "fix": {
        "fix": Field(str, None, "What is wrong, in words.", required=True),
        "write_test": Field(
            bool, False, "No test shows the bug yet: write one that fails first, and commit it with the fix (`fix --write-test`)."
        ),
    },
    "edit": {"edit": Field(str, None, "What to change, in words.", required=True)},
    "shell": {
        "shell": Field(str, None, "Command run in a scratch worktree; its changes are committed if tests pass.", required=True),
        "message": Field(str, None, "Commit message for the command's changes."),
        "timeout": Field(_NUMBER, None, "Seconds before the command is killed.", minimum=0, above=True),
    },
    "review": {
        "review": Field(
            str,
            None,
            "A label for reviewing the commits this run made so far (limited to `files` if given); findings go into the report.",
            required=True,
        )
    },
    "generate": {
        "generate": Field(str, None, "Generator that expands into tasks from the code.", required=True),
        "limit": Field(int, None, "Most tasks this generator may produce.", minimum=1),
        "paths": Field(list, [], "Glob patterns of files to consider (default: all tracked files).", items=str),
        "count": Field(int, None, "sample-chunks: how many chunks to sample.", minimum=1),
        "seed": Field(int, None, "sample-chunks: random seed (same seed, same sample).", minimum=1),
        "max_lines": Field(int, None, "large-modules: modules over this many lines are listed.", minimum=1),
        "min_lines": Field(int, None, "sample-chunks: smallest chunk worth improving.", minimum=1),
    },
}


@dataclass
class TaskSpec:
    kind: str  # one of TASK_KINDS
    text: str  # prompt, command, review focus or generator name
    files: list[str] = field(default_factory=list)
    priority: str | None = None
    options: dict[str, Any] = field(default_factory=dict)  # kind-specific fields
    line: int | None = None


@dataclass
class Recipe:
    name: str
    source: str
    tasks: list[TaskSpec]
    description: str = ""
    model: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    budget: dict[str, Any] = field(default_factory=dict)
    landing: str = "branches"

    def config_overrides(self) -> dict[str, Any]:
        overrides = dict(self.config)
        if self.model:
            overrides["coder"] = self.model
        if "task_attempts" in self.budget:
            overrides["attempts"] = self.budget["task_attempts"]
        if "task_minutes" in self.budget:
            overrides["max_seconds"] = self.budget["task_minutes"] * 60
        return overrides


def validate_recipe(data: Any, lines: dict[str, int], source: str, root: Path | None = None) -> Recipe:
    """Check parsed YAML against the schema; raise ConfigError naming file, line and field. Each
    ``files:`` entry must stay inside the repository, and, given its ``root``, exist there
    (``filecheck``)."""
    from codey_git.recipes.generators import GENERATORS

    check = Checker(source, lines)
    if not isinstance(data, dict):
        raise ConfigError("a recipe is a mapping with at least `name` and `tasks`", file=source, line=1)
    check.mapping(data, TOP)
    check.mapping(data.get("budget") or {}, BUDGET, "budget")
    config_check = Checker(source, lines, documented=CONFIG_DOCUMENTED)  # config: holds .codey.yml keys
    for key, value in (data.get("config") or {}).items():
        spec = CONFIG_SCHEMA.get(key)
        if not isinstance(spec, Field):
            check.fail("not a config key that a recipe can set", f"config.{key}", CONFIG_DOCUMENTED)
        config_check.value(value, spec, f"config.{key}")
    tasks = []
    if not data["tasks"]:
        check.fail("a recipe needs at least one task", "tasks")
    for i, raw in enumerate(data["tasks"]):
        path = f"tasks[{i}]"
        if not isinstance(raw, dict):
            check.fail(f"expected a task mapping such as `fix: ...`, got {raw!r}", path)
        kinds = [k for k in TASK_KINDS if k in raw]
        if len(kinds) != 1:
            first = next(iter(raw), "")
            what = f"unknown task kind {first!r}" if not kinds else f"a task has one kind, got {', '.join(kinds)}"
            check.fail(what, f"{path}.{first}" if not kinds else path, f"A task starts with one of: {', '.join(TASK_KINDS)}.")
        kind = kinds[0]
        check.mapping(raw, {**KIND_FIELDS[kind], **COMMON}, path)
        if kind == "generate" and raw["generate"] not in GENERATORS:
            check.fail(
                f"unknown generator {raw['generate']!r}", f"{path}.generate", f"Known generators: {', '.join(GENERATORS)}."
            )
        for j, entry in enumerate(raw.get("files") or []):
            wrong = file_problem(entry, kind, raw[kind], root)
            if wrong:
                check.fail(wrong[0], f"{path}.files[{j}]", wrong[1])
        options = {k: v for k, v in raw.items() if k not in (kind, "files", "priority")}
        tasks.append(
            TaskSpec(
                kind=kind,
                text=raw[kind],
                files=list(raw.get("files") or []),
                priority=raw.get("priority"),
                options=options,
                line=lines.get(path),
            )
        )
    return Recipe(
        name=data["name"],
        source=source,
        tasks=tasks,
        description=data.get("description", ""),
        model=data.get("model"),
        config=dict(data.get("config") or {}),
        budget=dict(data.get("budget") or {}),
        landing=data.get("landing", "branches"),
    )
