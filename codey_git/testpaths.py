"""Which paths hold tests: one rule for the fix loop, the edit layer and the recipes."""

from __future__ import annotations

from pathlib import Path


def is_test_file(path: str) -> bool:
    name = Path(path).name
    parts = Path(path).parts
    return (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
            or "tests" in parts[:-1] or "test" in parts[:-1])
