"""ruff in the review, from the outside: its rules block on the staged lines, the repository's own
ruff configuration holds (ignore, per-file-ignores, noqa), and when ruff is missing or fails the
other checks still run and the review says what was skipped."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import git, write_files

ROOT = Path(__file__).resolve().parents[1]
CHECKS_ONLY = {"CODEY_REVIEW_MODEL": "false", "CODEY_REVIEW_TESTS": "false"}
TYPO = "def total(xs):\n    return sum(xs) + totl\n"
EVAL = "def run(expr):\n    return eval(expr)\n"  # codey's own check (code_from_text)


@pytest.fixture(autouse=True)
def importable(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))


def findings(root, codey, env=None) -> tuple[int, dict]:
    result = codey(root, "review", "--json", env={**CHECKS_ONLY, **(env or {})})
    return result.returncode, json.loads(result.stdout)


def test_ruff_rules_block_with_codey_severities_on_the_staged_line(make_repo, codey):
    root = make_repo({"a.py": "x = 1\n"})
    write_files(root, {"b.py": TYPO, "c.py": "def add(item, bag=[]):\n    bag.append(item)\n    return bag\n"})
    git(root, "add", "b.py", "c.py")
    code, report = findings(root, codey)
    assert code == 1
    got = {(f["file"], f["line"], f["severity"], f["check"]) for f in report["findings"]}
    assert got == {("b.py", 2, "high", "ruff:F821"), ("c.py", 1, "medium", "ruff:B006")}
    assert "`totl` is not defined" in next(f["message"] for f in report["findings"] if f["file"] == "b.py")


def test_the_repositorys_ruff_configuration_holds(make_repo, codey):
    root = make_repo(
        {
            "pyproject.toml": "[tool.ruff.lint]\nignore = [\"B006\"]\nper-file-ignores = {\"gen/*\" = [\"F821\"]}\n",
            "a.py": "x = 1\n",
        }
    )
    write_files(
        root,
        {
            "gen/b.py": TYPO,
            "c.py": "def add(item, bag=[]):\n    return bag\n",
            "d.py": "def f():\n    return missing  # noqa: F821\n",
        },
    )
    git(root, "add", "gen/b.py", "c.py", "d.py")
    code, report = findings(root, codey)
    assert (code, report["findings"]) == (0, [])
    write_files(root, {"e.py": TYPO})
    git(root, "add", "e.py")
    code, report = findings(root, codey)
    assert code == 1 and [(f["file"], f["check"]) for f in report["findings"]] == [("e.py", "ruff:F821")]


@pytest.fixture
def no_ruff(tmp_path):
    """An environment where ruff cannot be found: its package shadowed, no binary on PATH."""
    fake = tmp_path / "fake"
    (fake / "ruff").mkdir(parents=True)
    (fake / "ruff" / "__init__.py").write_text("")
    (fake / "ruff" / "__main__.py").write_text("def find_ruff_bin():\n    raise FileNotFoundError('ruff')\n")
    path = [p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "ruff").exists()]
    return {"PYTHONPATH": os.pathsep.join([str(fake), str(ROOT)]), "PATH": os.pathsep.join(path)}


def test_without_ruff_the_other_checks_run_and_the_review_says_what_was_skipped(make_repo, codey, no_ruff):
    root = make_repo({"a.py": "x = 1\n"})
    write_files(root, {"b.py": TYPO, "c.py": EVAL})
    git(root, "add", "b.py", "c.py")
    result = codey(root, "review", env={**CHECKS_ONLY, **no_ruff})
    assert result.returncode == 1, result.stdout + result.stderr  # eval() still blocks
    assert "c.py:2" in result.stdout and "totl" not in result.stdout
    assert "ruff is not installed" in result.stdout and "were skipped" in result.stdout
    code, report = findings(root, codey, no_ruff)
    assert code == 1 and any("ruff is not installed" in n for n in report["notes"])


def test_a_failing_ruff_is_said_and_does_not_stop_the_review(make_repo, codey, tmp_path, no_ruff):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "ruff").write_text("#!/bin/sh\necho 'ruff: internal error' >&2\nexit 2\n")
    (bin_dir / "ruff").chmod(0o755)
    root = make_repo({"a.py": "x = 1\n"})
    write_files(root, {"c.py": EVAL})
    git(root, "add", "c.py")
    env = {**no_ruff, "PATH": os.pathsep.join([str(bin_dir), no_ruff["PATH"]])}
    result = codey(root, "review", env={**CHECKS_ONLY, **env})
    assert result.returncode == 1 and "ruff failed: ruff: internal error" in result.stdout, result.stdout
