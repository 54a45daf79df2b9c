"""The review benchmark's cases: a file before and after a change, and for a bug the line it is on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

CASES_DIR = Path(__file__).parent / "cases"


@dataclass
class Case:
    name: str
    kind: str  # "bug" or "harmless"
    file: str
    before: str
    after: str
    note: str
    bug_lines: frozenset[int]  # 1-based lines of `after` where flagging the bug counts

    @property
    def is_bug(self) -> bool:
        return self.kind == "bug"


def _bug_lines(after: str, needles: list[str], name: str) -> frozenset[int]:
    lines = {i for i, text in enumerate(after.splitlines(), 1) for needle in needles if needle in text}
    if not lines:
        raise ValueError(f"{name}: no line of `after` contains {needles}")
    return frozenset(lines)


def load_cases(pattern: str = "*.yml") -> list[Case]:
    cases = []
    for path in sorted(CASES_DIR.glob(pattern)):
        data = yaml.safe_load(path.read_text())
        needles = data.get("bug_line_contains") or []
        needles = [needles] if isinstance(needles, str) else needles
        kind = data["kind"]
        cases.append(Case(
            name=path.stem, kind=kind, file=data["file"], before=data["before"], after=data["after"],
            note=data.get("bug") or data.get("what", ""),
            bug_lines=_bug_lines(data["after"], needles, path.stem) if kind == "bug" else frozenset(),
        ))
    return cases
