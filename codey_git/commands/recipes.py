"""git codey recipes list|check: the recipes you can run, and validating one."""

from __future__ import annotations

from pathlib import Path
from typing import List

import typer

from codey_git.commands._common import ASKS_NOTHING, JSON
from codey_git.errors import ConfigError, RepoStateError
from codey_git.gitrepo import open_repo
from codey_git.recipes.catalog import list_recipes, load_recipe
from codey_git.recipes.generators import GENERATORS
from codey_git.ui import out_console, print_json


def _repo_root() -> Path | None:
    try:
        return open_repo(need_commit=False, need_branch=False).root
    except RepoStateError:
        return None


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Recipes: YAML task lists for `git codey run`.", no_args_is_help=True)

    @group.command("list", help="Recipes in .codey/recipes/ and shipped ones, and the task generators.")
    def list_cmd(as_json: bool = JSON, yes: bool = ASKS_NOTHING) -> None:
        rows = []
        for entry in list_recipes(_repo_root()):
            try:
                description = load_recipe(entry.path).description
            except ConfigError as exc:
                description = f"INVALID: {exc.message}"
            rows.append({"name": entry.name, "origin": entry.origin, "path": str(entry.path), "description": description})
        if as_json:
            print_json({"recipes": rows, "generators": {k: v[1] for k, v in GENERATORS.items()}})
            return
        for row in rows:
            out_console.print(f"{row['name']:22} {row['origin']:8} {row['description']}", markup=False)
        out_console.print("\ngenerators (`- generate: NAME` in a recipe):")
        for name, (_fn, doc) in GENERATORS.items():
            out_console.print(f"  {name:20} {doc}", markup=False)

    @group.command("check", help="Validate recipe files; errors name the file, line and field.")
    def check_cmd(files: List[Path] = typer.Argument(..., help="Recipe files."), yes: bool = ASKS_NOTHING) -> None:
        for path in files:
            recipe = load_recipe(path)
            out_console.print(f"{path}: ok ({recipe.name}, {len(recipe.tasks)} task entries)", markup=False)

    app.add_typer(group, name="recipes")
