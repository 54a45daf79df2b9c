"""sample-chunks: a seeded, deterministic sample of functions and classes for open-ended
improvement. The improvement itself is chosen by the model when the task runs (see ideas.py)."""

from __future__ import annotations

import ast
import random
from typing import Any, TYPE_CHECKING

from codey_git.recipes.planned import PlannedTask
from codey_git.recipes.sources import python_files

if TYPE_CHECKING:  # generators imports this module
    from codey_git.recipes.generators import GenContext

BIG_CLASS_LINES = 80  # a class longer than this is sampled method by method


def _span(node: ast.stmt) -> tuple[int, int]:
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return start, node.end_lineno or node.lineno


def chunks_of(tree: ast.Module) -> list[tuple[str, int, int]]:
    found = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and _span(node)[1] - _span(node)[0] + 1 > BIG_CLASS_LINES:
            found += [
                (f"{node.name}.{item.name}", *_span(item))
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            ]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append((node.name, *_span(node)))
    return found


def sample_chunks(ctx: GenContext, options: dict[str, Any]) -> list[PlannedTask]:
    min_lines = options.get("min_lines", 5)
    pool = []
    for source in python_files(ctx.root, options.get("paths"), commit=ctx.base):
        if source.tree is None:
            continue
        pool += [(source.path, name, start, end) for name, start, end in chunks_of(source.tree) if end - start + 1 >= min_lines]
    rng = random.Random(options.get("seed", 0))
    picked = rng.sample(pool, min(options.get("count", 5), len(pool)))
    return [
        PlannedTask(
            kind="improve",
            files=[path],
            priority="medium",
            source="sample-chunks",
            text=f"Improve {name} in {path} (lines {start}-{end})",
            options={"chunk": {"path": path, "name": name, "start": start, "end": end}},
        )
        for path, name, start, end in picked
    ]
