"""Which of the files shown to the coder its answer edits: the one defining most of the
functions the answer writes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from codey_git.engine import definitions

_DEF = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+(\w+)", re.M)


def pick_focus_file(answer: str, shown: list[str], read: Callable[[str], str | None], root: Path | None = None) -> str | None:
    """The shown file that defines most of the functions the answer writes."""
    names = set(_DEF.findall(answer))
    best, best_hits = (shown[0] if shown else None), 0
    for path in shown:
        hits = len(names & definitions.defined_names(read(path) or ""))
        if hits > best_hits:
            best, best_hits = path, hits
    if best_hits == 0 and names and root is not None:
        # the model rewrote a function it saw only through the test: find the one file defining it
        definers = [p for p in definitions.project_modules(root) if names & definitions.defined_names(read(p) or "")]
        if len(definers) == 1:
            return definers[0]
    return best
