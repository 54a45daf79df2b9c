"""Shared fixtures: real git repos in tmp_path, codey state redirected away from $HOME."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def hangups_as_at_a_terminal():
    """Codey started under `nohup` keeps ignoring SIGHUP, as the user asked; so does every process
    a suite run under nohup (a CI script, an overnight run) starts. The tests that hang up on codey
    stand for a user at a terminal: give the processes they start the default disposition."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    yield
    signal.signal(signal.SIGHUP, previous)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Never write to the real $HOME: CODEY_HOME, XDG dirs and git's global config go to tmp."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CODEY_HOME", str(home / "codey"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Committer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "committer@example.com")
    for var in [v for v in os.environ if v.startswith("CODEY_") and v != "CODEY_HOME"]:
        monkeypatch.delenv(var, raising=False)
    # models downloaded once per machine may be shared read-only with tests that need them
    return home


def git(cwd: Path, *args: str, check: bool = True) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and out.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {out.stderr}")
    return out.stdout.strip()


def write_files(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


@pytest.fixture
def model_answers_only(monkeypatch):
    """For a test of what codey does with the coder's answers: the one-token changes a fix tries
    after its first attempt (which repair a one-token example bug with no model) are off; they are
    tested in test_token_fixes.py."""
    monkeypatch.setenv("CODEY_TOKEN_FIXES", "0")


@pytest.fixture
def model_first(monkeypatch):
    """For a test of what codey does with the coder's answers to a bug a one-token change would
    also fix: the coder's first attempt comes before the one-token changes, as with
    ``token_fixes_first: false``."""
    monkeypatch.setenv("CODEY_TOKEN_FIXES_FIRST", "false")


@pytest.fixture
def make_repo(tmp_path):
    """make_repo({"calc.py": "...", "tests/test_calc.py": "..."}) -> path of a repo with one commit."""

    def _make(files: dict[str, str], name: str = "repo", branch: str = "main") -> Path:
        root = tmp_path / name
        root.mkdir()
        git(root, "init", "-q", "-b", branch)
        write_files(root, files)
        git(root, "add", "-A")
        git(root, "commit", "-qm", "initial")
        return root

    return _make


@pytest.fixture
def write_script(tmp_path, monkeypatch):
    """write_script({"edit": [...]}) -> path; also selects the scripted backend."""

    def _write(responses: dict) -> Path:
        path = tmp_path / "script.yml"
        path.write_text(yaml.safe_dump({"responses": responses}, sort_keys=False))
        monkeypatch.setenv("CODEY_BACKEND", "scripted")
        monkeypatch.setenv("CODEY_SCRIPT", str(path))
        return path

    return _write


def run_codey(cwd: Path, *args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m codey_git ARGS` in cwd as a user would, with the test's environment."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    # always exercise this checkout, installed or not
    full_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), full_env.get("PYTHONPATH")) if p)
    return subprocess.run(
        [sys.executable, "-m", "codey_git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def codey():
    return run_codey
