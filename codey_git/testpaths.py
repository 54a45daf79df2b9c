"""Which paths hold tests: one rule for the fix loop, the edit layer, the review and the recipes."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_TEST_DIRS = {"tests", "test", "spec", "__tests__"}
_TEST_NAME = re.compile(r"^test_|_test\.\w+$|\.(test|spec)\.\w+$|^conftest\.py$")


def is_test_file(path: str) -> bool:
    """Python's test_*.py, *_test.py and conftest.py, JavaScript's *.test.js and *.spec.ts, and any
    file under a tests/, test/, spec/ or __tests__/ folder."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    return bool(parts) and (bool(_TEST_NAME.search(parts[-1])) or any(p in _TEST_DIRS for p in parts[:-1]))
