"""Which paths hold tests, and which changes alter what the tests run: one rule for the fix loop,
the edit layer, the review and the recipes."""

from __future__ import annotations

import configparser
import importlib.util
import re
import sys
from pathlib import PurePosixPath
from typing import Callable

_TEST_DIRS = {"tests", "test", "spec", "__tests__"}
_TEST_NAME = re.compile(r"^test_|_test\.\w+$|\.(test|spec)\.\w+$|^conftest\.py$|^tests?\.py$")
# files that decide which tests run, how they are collected, or what they import before the code
_RUN_CONFIG = {
    "pytest.ini",
    ".pytest.ini",
    ".codey.yml",
    ".codey.yaml",
    "sitecustomize.py",
    "usercustomize.py",
    "noxfile.py",
    ".coveragerc",
}
_INI_SECTIONS = {"tox.ini": ("pytest", "tox:pytest"), "setup.cfg": ("tool:pytest",)}


def is_test_file(path: str) -> bool:
    """Python's test_*.py, *_test.py, tests.py (Django) and conftest.py, JavaScript's *.test.js and
    *.spec.ts, and any file under a tests/, test/, spec/ or __tests__/ folder."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    return bool(parts) and (bool(_TEST_NAME.search(parts[-1])) or any(p in _TEST_DIRS for p in parts[:-1]))


def test_change_reason(
    path: str,
    old: str | None,
    new: str | None,
    exists: Callable[[str], bool] = lambda _p: True,
    test_files: set[str] | frozenset[str] = frozenset(),
) -> str | None:
    """Why changing ``path`` from ``old`` to ``new`` (None: absent) is a change to the tests, or
    None when it is not: a test file (by name, or one pytest collected tests from, ``test_files``),
    a file that configures the test run, a pytest section of tox.ini, setup.cfg or pyproject.toml,
    or a new top-level module that would shadow an installed one in the tests' imports."""
    name = PurePosixPath(path).name
    if path in test_files or is_test_file(path):
        return f"{path} holds tests"
    if name in _RUN_CONFIG or name.endswith(".pth"):
        return f"{path} configures how the tests run"
    if name in _INI_SECTIONS and path == name:
        if _ini_sections(old, _INI_SECTIONS[name]) != _ini_sections(new, _INI_SECTIONS[name]):
            return f"the change to {path} touches its pytest settings"
    if name == "pyproject.toml" and path == name:
        if _toml_pytest(old) != _toml_pytest(new):
            return f"the change to {path} touches its pytest settings"
    if old is None and new is not None and path.endswith(".py"):
        top = _new_top_level(path, exists)
        if top and _importable_elsewhere(top):
            return f"a new module {top!r} would shadow the installed module of that name in the tests"
    return None


def doctest_examples(text: str | None) -> list[tuple[str, str]]:
    """The (source, expected output) of every doctest example in a module's docstrings."""
    if not text:
        return []
    import ast
    import doctest

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):  # unparsable: compare the prompt lines themselves
        return [(line.strip(), "") for line in text.splitlines() if line.lstrip().startswith(">>>")]
    out: list[tuple[str, str]] = []
    parser = doctest.DocTestParser()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=True)
            if doc and ">>>" in doc:
                try:
                    out += [(e.source, e.want) for e in parser.get_examples(doc)]
                except ValueError:
                    out += [(line.strip(), "") for line in doc.splitlines() if line.lstrip().startswith(">>>")]
    return out


def _ini_sections(text: str | None, sections: tuple[str, ...]) -> object:
    if text is None:
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return "unparsable"
    return {s: dict(parser[s]) for s in sections if parser.has_section(s)}


def _toml_pytest(text: str | None) -> object:
    if text is None:
        return None
    try:
        import tomllib
    except ImportError:  # Python 3.10: any change counts
        return text
    try:
        return tomllib.loads(text).get("tool", {}).get("pytest")
    except tomllib.TOMLDecodeError:
        return "unparsable"


def _new_top_level(path: str, exists: Callable[[str], bool]) -> str | None:
    """The top-level module name a new file creates, when that name is new to the tree."""
    parts = path.split("/")
    if parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    prefix = path[: len(path) - len("/".join(parts))]
    head = parts[0]
    if len(parts) == 1:
        return head[:-3]
    if exists(prefix + head) or not head.isidentifier():
        return None
    return head


def _importable_elsewhere(name: str) -> bool:
    if name in getattr(sys, "stdlib_module_names", ()) or name in sys.builtin_module_names:
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
