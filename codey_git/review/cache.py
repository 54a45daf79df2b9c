"""Review results remembered per unit, keyed by the unit's content and the model's identity.

A finding is stored relative to the first line of its unit, so a hunk that moved because of an
unrelated change above it is still a hit and its findings land on the right lines.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from codey_git.paths import codey_home
from codey_git.review.findings import Finding
from codey_git.review.prompt import PROMPT_VERSION
from codey_git.review.units import ReviewUnit


class ReviewCache:
    def __init__(self, root: Path | None = None, enabled: bool = True):
        self.root = root or codey_home() / "review-cache"
        self.enabled = enabled

    def _path(self, unit: ReviewUnit, model_identity: str) -> Path:
        key = hashlib.sha256(json.dumps([PROMPT_VERSION, model_identity, unit.cache_text()]).encode("utf-8")).hexdigest()
        return self.root / key[:2] / f"{key}.json"

    def get(self, unit: ReviewUnit, model_identity: str) -> list[Finding] | None:
        if not self.enabled:
            return None
        path = self._path(unit, model_identity)
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            return [Finding(**{**item, "file": unit.file, "line": unit.first_line + item["line"]}) for item in stored["findings"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, unit: ReviewUnit, model_identity: str, findings: list[Finding]) -> None:
        if not self.enabled:
            return
        path = self._path(unit, model_identity)
        save_json(path, {"findings": [{**f.to_dict(), "line": f.line - unit.first_line} for f in findings]})


def save_json(path: Path, data: Any) -> None:
    """``data`` written to ``path`` as JSON through a temporary file; a cache that cannot be
    written only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def load_versioned(path: Path | None, version: int, key: str) -> dict[str, Any]:
    """``key`` of the JSON at ``path`` when it was written with ``version``; else empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    return data.get(key, {}) if data.get("version") == version else {}
