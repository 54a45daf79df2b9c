"""The project's static checks, so that CI runs them: the import contracts in pyproject.toml
([tool.importlinter]: layers point down only, no circle, and the core never imports typer, rich or the
terminal layer), ruff (lint and format), and the type check ([tool.mypy])."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(lint).exists():
        pytest.fail("import-linter is not installed: pip install -e '.[test]'")
    out = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_ruff_is_clean_on_the_package_and_its_tests():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    out = subprocess.run(
        [ruff, "check", "--no-cache", "codey_git", "tests"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_code_is_formatted_by_ruff():
    # `ruff format` with the settings in pyproject.toml ([tool.ruff.format]); the fix is `ruff format codey_git tests`
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    out = subprocess.run(
        [ruff, "format", "--check", "--no-cache", "codey_git", "tests"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, "run `ruff format codey_git tests`:\n" + out.stdout[-4000:] + out.stderr[-2000:]


def test_mypy_is_clean_on_the_package():
    # the settings and the strict core are in pyproject.toml ([tool.mypy]; no module is skipped);
    # this interpreter's mypy, so that it sees the packages (and their types) that codey runs with
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed: pip install -e '.[test]'")
    out = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
