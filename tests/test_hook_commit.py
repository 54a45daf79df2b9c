"""A real `git commit` with codey's hooks installed, using the scripted reviewer."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git, write_files

ROOT = Path(__file__).resolve().parents[1]
BASE = {"calc.py": "def div(a, b):\n    return a / b\n"}
BUGGY = {"calc.py": "def div(a, b):\n    return a / b\n\n\ndef avg(xs):\n    return sum(xs) / len(xs) + 1\n"}
CLEAN = {"calc.py": "def div(a, b):\n    return a / b\n\n\ndef double(x):\n    return 2 * x\n"}
AVG_BUG = {
    "when": "len(xs) + 1",
    "text": json.dumps(
        {
            "findings": [
                {"file": "calc.py", "line": 6, "severity": "high", "category": "bug", "message": "the average is off by one"}
            ]
        }
    ),
}
NO_FINDINGS = '{"findings": []}'


@pytest.fixture(autouse=True)
def hook_env(monkeypatch):
    """The hook must run this checkout with the test's python, not some git-codey on PATH."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if not (Path(p) / "git-codey").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(path))
    monkeypatch.setenv("GIT_EDITOR", "true")


def commit(root, *args):
    return subprocess.run(
        ["git", "commit", *args], cwd=root, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120
    )


@pytest.fixture
def hooked(make_repo, codey):
    root = make_repo(BASE)
    result = codey(root, "hook", "install")
    assert result.returncode == 0, result.stderr
    return root


def test_commit_with_a_high_finding_is_blocked_and_a_clean_one_goes_through(hooked, write_script):
    write_script({"review": [AVG_BUG, NO_FINDINGS]})
    write_files(hooked, BUGGY)
    git(hooked, "add", "calc.py")
    blocked = commit(hooked, "-m", "add avg")
    assert blocked.returncode != 0
    assert "calc.py:6" in blocked.stderr and "the average is off by one" in blocked.stderr
    assert "commit blocked" in blocked.stderr
    assert git(hooked, "log", "--format=%s") == "initial"
    write_files(hooked, CLEAN)
    git(hooked, "add", "calc.py")
    done = commit(hooked, "-m", "add double")
    assert done.returncode == 0, done.stderr
    assert git(hooked, "log", "-1", "--format=%s") == "add double"


def test_no_verify_skips_the_review(hooked, write_script):
    write_script({"review": [AVG_BUG]})
    write_files(hooked, BUGGY)
    git(hooked, "add", "calc.py")
    assert commit(hooked, "--no-verify", "-m", "trust me").returncode == 0
    assert git(hooked, "log", "-1", "--format=%s") == "trust me"


def test_commit_all_reviews_what_git_is_about_to_commit(hooked, write_script):
    write_script({"review": [AVG_BUG]})
    write_files(hooked, BUGGY)  # not staged: `commit -a` stages it into a temporary index for the hook
    blocked = commit(hooked, "-a", "-m", "add avg")
    assert blocked.returncode != 0 and "the average is off by one" in blocked.stderr


def test_broken_model_never_blocks_a_commit(hooked, tmp_path):
    write_files(hooked, BUGGY)
    git(hooked, "add", "calc.py")
    env = {**os.environ, "CODEY_BACKEND": "llama_cpp", "CODEY_MODELS_DIR": str(tmp_path / "none")}
    result = subprocess.run(
        ["git", "commit", "-m", "add avg"],
        cwd=hooked,
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode == 0 and "review skipped" in result.stderr


def test_existing_hook_runs_first_and_its_failure_fails_the_commit(make_repo, codey, write_script):
    root = make_repo(BASE)
    old = root / ".git" / "hooks" / "pre-commit"
    old.write_text("#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/old-hook-ran\"\nexit ${OLD_HOOK_STATUS:-0}\n")
    old.chmod(0o755)
    assert codey(root, "hook", "install").returncode == 0
    write_script({"review": [NO_FINDINGS, NO_FINDINGS]})
    write_files(root, CLEAN)
    git(root, "add", "calc.py")
    env = {**os.environ, "OLD_HOOK_STATUS": "1"}
    failed = subprocess.run(
        ["git", "commit", "-m", "x"], cwd=root, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120
    )
    assert failed.returncode != 0
    assert commit(root, "-m", "clean").returncode == 0
    assert (root / ".git" / "old-hook-ran").read_text() == "ran\nran\n"
    assert codey(root, "hook", "uninstall").returncode == 0
    assert "old-hook-ran" in old.read_text()


def test_prepare_commit_msg_drafts_only_when_no_message_was_given(make_repo, codey, write_script):
    root = make_repo(BASE)
    assert codey(root, "hook", "install", "--commit-message").returncode == 0
    write_script({"review": [NO_FINDINGS] * 2, "commit_message": ["Add a helper that doubles a number"]})
    write_files(root, CLEAN)
    git(root, "add", "calc.py")
    assert commit(root).returncode == 0  # GIT_EDITOR=true keeps whatever the hook drafted
    assert git(root, "log", "-1", "--format=%s") == "Add a helper that doubles a number"
    write_files(root, {"calc.py": CLEAN["calc.py"] + "\n\ndef triple(x):\n    return 3 * x\n"})
    git(root, "add", "calc.py")
    assert commit(root, "-m", "my own words").returncode == 0
    assert git(root, "log", "-1", "--format=%s") == "my own words"


def test_prepare_commit_msg_fails_open(make_repo, codey, write_script):
    root = make_repo(BASE)
    assert codey(root, "hook", "install", "--commit-message").returncode == 0
    write_script({"review": [NO_FINDINGS]})  # no commit_message answer: the model "fails"
    write_files(root, CLEAN)
    git(root, "add", "calc.py")
    result = commit(root)  # no message and nothing drafted: git itself refuses an empty message
    assert "no message drafted" in result.stderr
    assert commit(root, "-m", "by hand").returncode == 0


def _pre_commit() -> str | None:
    return shutil.which("pre-commit") or shutil.which("pre-commit", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(_pre_commit() is None, reason="the pre-commit framework is not installed")
@pytest.mark.skipif(
    os.environ.get("CODEY_TEST_PRE_COMMIT") != "1",
    reason="needs PyPI for setuptools in pre-commit's build env; set CODEY_TEST_PRE_COMMIT=1",
)
def test_pre_commit_framework_runs_the_codey_review_hook(make_repo, write_script, tmp_path):
    """`.pre-commit-hooks.yaml` as a user of the framework meets it. The hook repo is a committed copy
    of this checkout; codey's own dependencies come from this interpreter (PIP_NO_DEPS + PYTHONPATH)
    so that pre-commit does not build llama-cpp-python."""
    source = tmp_path / "codey-src"
    shutil.copytree(ROOT / "codey_git", source / "codey_git", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, source / name)
    git(source, "init", "-q")
    git(source, "add", "-A")
    git(source, "commit", "-qm", "codey")
    root = make_repo(BASE)
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {source}\n  rev: {git(source, 'rev-parse', 'HEAD')}\n  hooks:\n  - id: codey-review\n"
    )
    write_script({"review": [AVG_BUG, NO_FINDINGS]})
    write_files(root, BUGGY)
    git(root, "add", "-A")
    site_packages = subprocess.run(
        [sys.executable, "-c", "import site; print(site.getsitepackages()[0])"], capture_output=True, text=True
    ).stdout.strip()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PIP_NO_DEPS": "1", "PYTHONPATH": site_packages}
    result = subprocess.run(
        [_pre_commit(), "run", "codey-review"], cwd=root, capture_output=True, text=True, env=env, timeout=600
    )
    assert result.returncode == 1 and "the average is off by one" in result.stdout
    skipped = subprocess.run(
        [_pre_commit(), "run", "codey-review"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**env, "SKIP": "codey-review"},
        timeout=600,
    )
    assert skipped.returncode == 0 and "Skipped" in skipped.stdout
