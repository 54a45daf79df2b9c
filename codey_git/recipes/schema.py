"""The declared recipe schema and its validator.

A recipe is a YAML mapping. Every field is declared below with its type and meaning; anything
else is an error that names the file, line and field, and nothing runs.

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

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codey_git.config.loader import _check as check_config_value
from codey_git.config.schema import SCHEMA as CONFIG_SCHEMA
from codey_git.errors import ConfigError
from codey_git.recipes.filecheck import problem as file_problem

PRIORITIES = ("critical", "high", "medium", "low")
LANDINGS = ("branches", "stacked")
TASK_KINDS = ("fix", "edit", "shell", "review", "generate")


@dataclass(frozen=True)
class Spec:
    types: tuple
    doc: str
    required: bool = False
    choices: tuple | None = None
    items: type | None = None  # element type of a list


_STR, _INT, _LIST, _DICT = (str,), (int,), (list,), (dict,)

TOP: dict[str, Spec] = {
    "name": Spec(_STR, "Recipe name, used in branch names and reports.", required=True),
    "description": Spec(_STR, "One line on what the recipe does."),
    "model": Spec(_STR, "Coder model for this recipe (overrides `coder`)."),
    "config": Spec(_DICT, "Any .codey.yml keys to override for this run."),
    "budget": Spec(_DICT, "Time and attempt budgets."),
    "landing": Spec(_STR, "branches: each task on its own codey/... branch from the same base; "
                          "stacked: every task on one branch, each on top of the last.", choices=LANDINGS),
    "tasks": Spec(_LIST, "What to do, in order.", required=True),
}

BUDGET: dict[str, Spec] = {
    "total_minutes": Spec((int, float), "Stop starting new tasks after this many minutes."),
    "task_minutes": Spec((int, float), "Time budget of one task."),
    "task_attempts": Spec(_INT, "Edit attempts per step (the `attempts` setting)."),
}

COMMON: dict[str, Spec] = {
    "files": Spec(_LIST, "Repo-relative files the task is about.", items=str),
    "priority": Spec(_STR, "How much the result matters in the report.", choices=PRIORITIES),
}

KIND_FIELDS: dict[str, dict[str, Spec]] = {
    "fix": {"fix": Spec(_STR, "What is wrong, in words.", required=True)},
    "edit": {"edit": Spec(_STR, "What to change, in words.", required=True)},
    "shell": {
        "shell": Spec(_STR, "Command run in a scratch worktree; its changes are committed if tests pass.",
                      required=True),
        "message": Spec(_STR, "Commit message for the command's changes."),
        "timeout": Spec((int, float), "Seconds before the command is killed."),
    },
    "review": {"review": Spec(_STR, "A label for reviewing the commits this run made so far (limited "
                                    "to `files` if given); findings go into the report.", required=True)},
    "generate": {
        "generate": Spec(_STR, "Generator that expands into tasks from the code.", required=True),
        "limit": Spec(_INT, "Most tasks this generator may produce."),
        "paths": Spec(_LIST, "Glob patterns of files to consider (default: all tracked files).", items=str),
        "count": Spec(_INT, "sample-chunks: how many chunks to sample."),
        "seed": Spec(_INT, "sample-chunks: random seed (same seed, same sample)."),
        "max_lines": Spec(_INT, "large-modules: modules over this many lines are listed."),
        "min_lines": Spec(_INT, "sample-chunks: smallest chunk worth improving."),
    },
}


@dataclass
class TaskSpec:
    kind: str  # one of TASK_KINDS
    text: str  # prompt, command, review focus or generator name
    files: list[str] = field(default_factory=list)
    priority: str | None = None
    options: dict = field(default_factory=dict)  # kind-specific fields
    line: int | None = None


@dataclass
class Recipe:
    name: str
    source: str
    tasks: list[TaskSpec]
    description: str = ""
    model: str | None = None
    config: dict = field(default_factory=dict)
    budget: dict = field(default_factory=dict)
    landing: str = "branches"

    def config_overrides(self) -> dict:
        overrides = dict(self.config)
        if self.model:
            overrides["coder"] = self.model
        if "task_attempts" in self.budget:
            overrides["attempts"] = self.budget["task_attempts"]
        if "task_minutes" in self.budget:
            overrides["max_seconds"] = self.budget["task_minutes"] * 60
        return overrides


def _type_text(spec: Spec) -> str:
    if spec.choices:
        return "one of " + ", ".join(spec.choices)
    if float in spec.types:
        return "a positive number"
    names = {str: "a string", int: "a positive integer", list: "a list", dict: "a mapping"}
    return " or ".join(names[t] for t in spec.types)


class _Checker:
    def __init__(self, source: str, lines: dict[str, int]):
        self.source, self.lines = source, lines

    def fail(self, message: str, path: str, hint: str | None = None):
        line, parent = self.lines.get(path), path
        while line is None and parent:  # a missing key: point at its parent, else the top
            parent = parent.rsplit(".", 1)[0] if "." in parent else ""
            line = self.lines.get(parent) if parent else 1
        raise ConfigError(message, file=self.source, line=line, field=path, hint=hint)

    def mapping(self, data: Any, specs: dict[str, Spec], path: str) -> dict:
        for key in data:
            if key not in specs:
                known = ", ".join(specs)
                self.fail(f"unknown field {key!r}", f"{path}.{key}" if path else str(key), f"Known fields: {known}.")
        for key, spec in specs.items():
            where = f"{path}.{key}" if path else key
            if key not in data:
                if spec.required:
                    self.fail("missing required field", where)
                continue
            self.value(data[key], spec, where)
        return data

    def value(self, value: Any, spec: Spec, path: str) -> None:
        ok = isinstance(value, spec.types) and not isinstance(value, bool)
        if ok and isinstance(value, (int, float)) and not (math.isfinite(value) and value > 0):
            ok = False
        if not ok or (spec.choices and value not in spec.choices):
            self.fail(f"expected {_type_text(spec)}, got {value!r}", path)
        if spec.items is not None:
            for i, item in enumerate(value):
                if not isinstance(item, spec.items):
                    self.fail(f"expected a string, got {item!r}", f"{path}[{i}]")


def validate_recipe(data: Any, lines: dict[str, int], source: str, root: Path | None = None) -> Recipe:
    """Check parsed YAML against the schema; raise ConfigError naming file, line and field. Each
    ``files:`` entry must stay inside the repository, and, given its ``root``, exist there
    (``filecheck``)."""
    from codey_git.recipes.generators import GENERATORS

    check = _Checker(source, lines)
    if not isinstance(data, dict):
        raise ConfigError("a recipe is a mapping with at least `name` and `tasks`", file=source, line=1)
    check.mapping(data, TOP, "")
    check.mapping(data.get("budget") or {}, BUDGET, "budget")
    for key, value in (data.get("config") or {}).items():
        spec = CONFIG_SCHEMA.get(key)
        if spec is None or isinstance(spec, dict):
            check.fail("not a config key that a recipe can set", f"config.{key}")
        check_config_value(spec, value, f"config.{key}", source, lines.get(f"config.{key}"))
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
            check.fail(what, f"{path}.{first}" if not kinds else path,
                       f"A task starts with one of: {', '.join(TASK_KINDS)}.")
        kind = kinds[0]
        check.mapping(raw, {**KIND_FIELDS[kind], **COMMON}, path)
        if kind == "generate" and raw["generate"] not in GENERATORS:
            check.fail(f"unknown generator {raw['generate']!r}", f"{path}.generate",
                       f"Known generators: {', '.join(GENERATORS)}.")
        for j, entry in enumerate(raw.get("files") or []):
            wrong = file_problem(entry, kind, raw[kind], root)
            if wrong:
                check.fail(wrong[0], f"{path}.files[{j}]", wrong[1])
        options = {k: v for k, v in raw.items() if k not in (kind, "files", "priority")}
        tasks.append(TaskSpec(kind=kind, text=raw[kind], files=list(raw.get("files") or []),
                              priority=raw.get("priority"), options=options, line=lines.get(path)))
    return Recipe(name=data["name"], source=source, tasks=tasks, description=data.get("description", ""),
                  model=data.get("model"), config=dict(data.get("config") or {}),
                  budget=dict(data.get("budget") or {}), landing=data.get("landing", "branches"))
