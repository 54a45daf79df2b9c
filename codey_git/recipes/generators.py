"""Turning a recipe into the flat list of tasks a run works through."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from codey_git.config import Config
from codey_git.recipes import gen_ast, gen_chunks, gen_comments, gen_tests, gen_unused
from codey_git.recipes.planned import PlannedTask
from codey_git.recipes.schema import Recipe

GENERATORS: dict[str, tuple[Callable[[GenContext, dict[str, Any]], list[PlannedTask]], str]] = {
    "failing-tests": (gen_tests.failing_tests, "one fix per test file that fails on the base commit"),
    "todo-comments": (gen_comments.todo_comments, "one edit per TODO / FIXME / XXX comment"),
    "missing-docstrings": (gen_ast.missing_docstrings, "public functions without a docstring, per file"),
    "missing-type-hints": (gen_ast.missing_type_hints, "public functions without full type hints, per file"),
    "unused-functions": (gen_unused.unused_functions, "module-level functions nothing mentions, per file"),
    "unused-imports": (gen_unused.unused_imports, "imports a module never uses, per file"),
    "large-modules": (gen_ast.large_modules, "modules over `max_lines` lines (default 400)"),
    "sample-chunks": (gen_chunks.sample_chunks, "a seeded sample of functions/classes to improve"),
}


@dataclass
class GenContext:
    root: Path  # the repository (generators read the files of `base`, never the working tree)
    config: Config
    base: str  # commit the run starts from
    scratch_dir: Path  # where a generator may put a scratch worktree
    warn: Callable[[str], None] = lambda text: None


def expand(recipe: Recipe, ctx: GenContext) -> list[PlannedTask]:
    """Explicit tasks as written, generator tasks expanded from the code, in recipe order."""
    tasks: list[PlannedTask] = []
    for spec in recipe.tasks:
        if spec.kind != "generate":
            tasks.append(
                PlannedTask(
                    kind=spec.kind,
                    text=spec.text,
                    files=list(spec.files),
                    priority=spec.priority or "medium",
                    options=dict(spec.options),
                )
            )
            continue
        function, _doc = GENERATORS[spec.text]
        produced = function(ctx, spec.options)
        if "limit" in spec.options:
            produced = produced[: spec.options["limit"]]
        for task in produced:
            if spec.priority:
                task.priority = spec.priority
        tasks.extend(produced)
    return tasks
