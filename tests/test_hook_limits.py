"""The pre-commit hook's limits: a broken configuration does not block every commit (it is said
once, loudly, and the commit goes on unless fail-open is explicitly off), and the built-in checks
keep to review.max_seconds: a huge staged file or many files end the review on time, with what was
not read reported as not reviewed."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import git, write_files

ROOT = Path(__file__).resolve().parents[1]
BASE = {"calc.py": "def div(a, b):\n    return a / b\n"}
CHANGE = {"calc.py": "def div(a, b):\n    return a / b\n\n\ndef double(x):\n    return 2 * x\n"}


@pytest.fixture(autouse=True)
def hook_env(monkeypatch):
    """The hook must run this checkout with the test's python, not some git-codey on PATH."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if not (Path(p) / "git-codey").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(path))
    monkeypatch.setenv("GIT_EDITOR", "true")


def commit(root, *args, env=None):
    return subprocess.run(
        ["git", "commit", *args],
        cwd=root,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def hooked(make_repo, codey):
    root = make_repo(BASE)
    result = codey(root, "hook", "install", "--commit-message")
    assert result.returncode == 0, result.stderr
    write_files(root, CHANGE)
    git(root, "add", "calc.py")
    return root


BROKEN = {
    "recursive alias": ("coder: x\nreview: &r {fail_on: *r}\n", 2),
    "out of range": ("review:\n  max_seconds: -1\n", 2),
    "not utf-8": ("coder: caf\udce9\n", 1),
    "wrong type": ("review:\n  fail_open: sometimes\n", 2),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_config_is_said_once_and_the_commit_goes_on(name, hooked):
    text, line = BROKEN[name]
    (hooked / ".codey.yml").write_bytes(text.encode("utf-8", "surrogateescape"))
    result = commit(hooked, "-m", "add double", env={"CODEY_REVIEW_MODEL": "false"})
    assert result.returncode == 0, result.stderr
    assert git(hooked, "log", "-1", "--format=%s") == "add double"
    err = result.stderr
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.count(f"{hooked / '.codey.yml'}:{line}:") == 1, err  # once, with file and line
    assert "NOT reviewed" in err and "--no-verify" in err and "CODEY_REVIEW_FAIL_OPEN=false" in err, err


def test_the_draft_hook_does_not_repeat_the_config_error(hooked):
    """With no -m, prepare-commit-msg runs after pre-commit: it notes in one line that nothing was
    drafted, instead of printing the whole error a second time (git then refuses the empty message)."""
    (hooked / ".codey.yml").write_text("attempts: 0\n")
    result = commit(hooked, env={"CODEY_REVIEW_MODEL": "false"})
    err = result.stderr
    assert "Traceback" not in err and "hint:" in err, err
    assert err.count(f"{hooked / '.codey.yml'}:1: attempts:") == 1, err
    assert "no message drafted" in err, err


def test_broken_config_blocks_when_fail_open_is_explicitly_off(hooked):
    (hooked / ".codey.yml").write_text("attempts: 0\n")
    result = commit(hooked, "-m", "add double", env={"CODEY_REVIEW_FAIL_OPEN": "false"})
    assert result.returncode != 0
    assert git(hooked, "log", "-1", "--format=%s") == "initial"
    assert f"{hooked / '.codey.yml'}:1: attempts:" in result.stderr and "--no-verify" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_script_file_fails_open_in_the_hook(hooked, tmp_path):
    script = tmp_path / "script.yml"
    script.write_text("responses: &r\n  review: [*r]\n")
    result = commit(hooked, "-m", "add double", env={"CODEY_BACKEND": "scripted", "CODEY_SCRIPT": str(script)})
    assert result.returncode == 0, result.stderr
    assert f"{script}:1:" in result.stderr and "recursive alias" in result.stderr


def test_outside_the_hook_a_broken_config_is_still_exit_2(hooked, codey):
    (hooked / ".codey.yml").write_text("attempts: 0\n")
    result = codey(hooked, "review")
    assert result.returncode == 2 and f"{hooked / '.codey.yml'}:1: attempts:" in result.stderr


# --- the time budget -------------------------------------------------------------------------


def _module(lines: int, seed: int = 0) -> str:
    out = []
    i = 0
    while len(out) < lines:
        out += [f"def f{seed}_{i}(a, b):", f"    x = a + b * {i}", "    if x > 10:", "        return x - 1", "    return x", ""]
        i += 1
    return "\n".join(out[:lines]) + "\n"


def _review(root, *args, env=None):
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "codey_git", "review", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=full,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    return result, time.monotonic() - start


def test_a_huge_staged_file_is_bounded_and_reported_not_reviewed(make_repo):
    root = make_repo(BASE)
    (root / "huge.py").write_text(_module(300_000))  # the checks would take minutes on it
    git(root, "add", "huge.py")
    result, seconds = _review(root, "--hook", "--max-seconds", "0.5", env={"CODEY_REVIEW_MODEL": "false"})
    assert result.returncode == 0, result.stderr  # fail_open: not blocking, but said
    assert seconds < 30, seconds
    assert "not reviewed" in result.stderr and "huge.py" in result.stderr, result.stderr
    assert "too large to review" in result.stderr


def test_checks_stop_when_the_budget_is_spent_and_list_what_they_did_not_read(make_repo):
    root = make_repo(BASE)
    for n in range(12):  # each well under the size limit; together many seconds of checks
        (root / f"mod{n:02}.py").write_text(_module(6_000, seed=n))
    git(root, "add", ".")
    result, seconds = _review(root, "--json", "--max-seconds", "0.5", env={"CODEY_REVIEW_MODEL": "false"})
    assert result.returncode == 0, result.stderr
    assert seconds < 30, seconds
    import json

    report = json.loads(result.stdout)
    late = {u["file"] for u in report["unreviewed"] if "time budget" in u["reason"]}
    assert len(late) >= 6, report["unreviewed"]  # the budget did not reach most of them
    assert all(u["reason"] for u in report["unreviewed"])


def test_with_the_model_the_checks_share_its_budget(make_repo, write_script):
    write_script({"review": ['{"findings": []}'] * 20})
    root = make_repo(BASE)
    for n in range(12):
        (root / f"mod{n:02}.py").write_text(_module(6_000, seed=n))
    git(root, "add", ".")
    result, seconds = _review(root, "--json", "--max-seconds", "0.5")
    assert result.returncode == 0, result.stderr
    assert seconds < 30, seconds
    import json

    report = json.loads(result.stdout)
    assert any("built-in checks" in u["reason"] for u in report["unreviewed"]), report["unreviewed"]
