"""Splitting a recipe's tasks across N runners (a CI matrix), the same way on every runner.

Every shard expands the recipe on the same commit, so every shard sees the same task list; shard
``I/N`` takes the tasks at positions I-1, I-1+N, I-1+2N... (round robin keeps the shards' sizes
within one task of each other). A ``review`` task reviews the branches of the run it is in, so it
goes to every shard. A fingerprint of the whole list goes into each shard's journal, so that the
merged report can tell when the shards did not expand the recipe alike.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from codey_git.errors import UsageError
from codey_git.recipes.planned import PlannedTask

EVERY_SHARD_KINDS = ("review",)


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as a matrix lists it: shard: [1, 2]
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str | None) -> Shard:
    """``I/N`` with 1 <= I <= N; no text: the whole recipe (1/1)."""
    if text is None or not text.strip():
        return Shard(1, 1)
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match:
        raise UsageError(
            f"--shard expects I/N, like 1/2, got {text!r}", "In a matrix: `shard: [1, 2]` and `--shard ${{ matrix.shard }}/2`."
        )
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise UsageError(
            f"--shard {text.strip()}: the shard index must be between 1 and {max(count, 1)}",
            "Shards are numbered from 1: with 2 shards, --shard 1/2 and --shard 2/2.",
        )
    return Shard(index, count)


def select(tasks: list[PlannedTask], shard: Shard) -> list[PlannedTask]:
    """This shard's tasks, in recipe order."""
    out, position = [], 0
    for task in tasks:
        if task.kind in EVERY_SHARD_KINDS:
            out.append(task)
            continue
        if position % shard.count == shard.index - 1:
            out.append(task)
        position += 1
    return out


def fingerprint(tasks: list[PlannedTask]) -> str:
    """The expansion, without the random task ids: equal on every shard that expanded alike."""
    keys = [[t.kind, t.text, sorted(t.files), t.priority] for t in tasks]
    return hashlib.sha256(json.dumps(keys, sort_keys=True).encode()).hexdigest()[:16]
