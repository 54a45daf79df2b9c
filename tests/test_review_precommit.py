"""The hook under the pre-commit framework beyond a plain commit: `pre-commit run --from-ref A
--to-ref B` (PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF) reviews that range, and `--all-files` /
`--files` review the files pre-commit names, instead of the empty index with "Passed". First as
pre-commit calls the entry (tested always), then with the real framework when it is installed."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_ROOT, git, write_files

HOOKS = {h["id"]: h for h in yaml.safe_load((PROJECT_ROOT / ".pre-commit-hooks.yaml").read_text())}
TYPO = {"b.py": "def total(xs):\n    return sum(xs) + totl\n"}  # the built-in checks block on this
CLEAN = {"c.py": "def double(x):\n    return 2 * x\n"}


@pytest.fixture
def hook_env(tmp_path):
    shim_dir = tmp_path / "bin"
    shim_dir.mkdir()
    shim = shim_dir / "git-codey"
    shim.write_text(f"#!/bin/sh\nPYTHONPATH={PROJECT_ROOT} exec {sys.executable} -m codey_git \"$@\"\n")
    shim.chmod(0o755)
    path = [p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "git-codey").exists()]
    return {**os.environ, "PATH": os.pathsep.join([str(shim_dir), *path]), "PRE_COMMIT": "1"}


def run_entry(root, env, *files, **extra) -> subprocess.CompletedProcess:
    """The checks-only hook's entry as pre-commit runs it: filenames appended when it passes them."""
    hook = HOOKS["codey-review-checks"]
    names = list(files) if hook.get("pass_filenames", True) else []
    return subprocess.run(
        [*shlex.split(hook["entry"]), *names], cwd=root, capture_output=True, text=True, env={**env, **extra}, timeout=300
    )


@pytest.fixture
def committed_typo(make_repo):
    """A repository whose last commit (made with --no-verify) holds a blocking finding; nothing staged."""
    root = make_repo({"a.py": "x = 1\n"})
    write_files(root, TYPO)
    git(root, "add", "b.py")
    git(root, "commit", "-qm", "typo", "--no-verify")
    return root


def test_hooks_take_the_filenames_and_always_run():
    for hook in HOOKS.values():
        assert hook["pass_filenames"] is True and hook["always_run"] is True
        assert "pre-push" in hook["stages"]


def test_a_from_ref_to_ref_range_is_reviewed_not_the_empty_index(committed_typo, hook_env):
    out = run_entry(committed_typo, hook_env, "b.py", PRE_COMMIT_FROM_REF="HEAD~1", PRE_COMMIT_TO_REF="HEAD")
    assert out.returncode == 1, out.stderr
    assert "`totl` is not defined" in out.stderr and "HEAD~1...HEAD" in out.stderr


def test_a_harmless_range_passes(committed_typo, hook_env):
    write_files(committed_typo, CLEAN)
    git(committed_typo, "add", "c.py")
    git(committed_typo, "commit", "-qm", "clean")
    out = run_entry(committed_typo, hook_env, "c.py", PRE_COMMIT_FROM_REF="HEAD~1", PRE_COMMIT_TO_REF="HEAD")
    assert out.returncode == 0, out.stderr


def test_a_null_from_ref_is_said_plainly(committed_typo, hook_env):
    out = run_entry(committed_typo, hook_env, PRE_COMMIT_FROM_REF="0" * 40, PRE_COMMIT_TO_REF="HEAD")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "PRE_COMMIT_FROM_REF" in out.stderr


def test_all_files_reviews_the_named_files_whole(committed_typo, hook_env):
    out = run_entry(committed_typo, hook_env, "a.py", "b.py")
    assert out.returncode == 1, out.stderr
    assert "b.py:2" in out.stderr and "`totl` is not defined" in out.stderr
    assert "2 named file(s)" in out.stderr


def test_named_files_of_a_commit_are_the_staged_ones_reviewed_once(make_repo, hook_env):
    root = make_repo({"a.py": "x = 1\n" + "y = x\n" * 5})
    write_files(root, {"a.py": "x = 1\n" + "y = x\n" * 5 + "z = totl\n"})
    git(root, "add", "a.py")
    out = run_entry(root, hook_env, "a.py")
    assert out.returncode == 1, out.stderr
    assert out.stderr.count("`totl` is not defined") == 1
    assert "named file" not in out.stderr  # the staged diff, not the whole file


def test_nothing_staged_nothing_named_says_nothing_was_reviewed(committed_typo, hook_env):
    out = run_entry(committed_typo, hook_env)
    assert out.returncode == 0 and "nothing to review" in out.stderr


def _pre_commit() -> str | None:
    return shutil.which("pre-commit") or shutil.which("pre-commit", path=str(Path(sys.executable).parent))


@pytest.fixture
def framework(tmp_path, hook_env):
    """A repository using codey-review-checks (language: system, so pre-commit installs nothing and
    needs no network) from a committed copy of this checkout's .pre-commit-hooks.yaml."""
    if _pre_commit() is None:
        pytest.skip("the pre-commit framework is not installed")
    source = tmp_path / "codey-hooks"
    source.mkdir()
    shutil.copy(PROJECT_ROOT / ".pre-commit-hooks.yaml", source)
    git(source, "init", "-q")
    git(source, "add", "-A")
    git(source, "commit", "-qm", "hooks")
    env = {**hook_env, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("PRE_COMMIT")

    def config(root):
        (root / ".pre-commit-config.yaml").write_text(
            f"repos:\n- repo: {source}\n  rev: {git(source, 'rev-parse', 'HEAD')}\n  hooks:\n  - id: codey-review-checks\n"
        )
        git(root, "add", ".pre-commit-config.yaml")
        git(root, "commit", "-qm", "pre-commit", "--no-verify")

    def run(root, *args):
        return subprocess.run(
            [_pre_commit(), *args], cwd=root, capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL
        )

    return config, run, env


def test_real_pre_commit_all_files_and_ranges_fail_on_a_committed_finding(committed_typo, framework):
    config, run, _ = framework
    config(committed_typo)
    all_files = run(committed_typo, "run", "codey-review-checks", "--all-files")
    assert all_files.returncode == 1 and "Failed" in all_files.stdout, all_files.stdout
    assert "`totl` is not defined" in all_files.stdout
    ranged = run(committed_typo, "run", "codey-review-checks", "--from-ref", "HEAD~2", "--to-ref", "HEAD")
    assert ranged.returncode == 1 and "`totl` is not defined" in ranged.stdout, ranged.stdout
    clean = run(committed_typo, "run", "codey-review-checks", "--from-ref", "HEAD~1", "--to-ref", "HEAD")
    assert clean.returncode == 0 and "Passed" in clean.stdout, clean.stdout


def test_real_pre_commit_blocks_a_commit_and_lets_a_harmless_one_through(make_repo, framework):
    config, run, env = framework
    root = make_repo({"a.py": "x = 1\n"})
    config(root)
    assert run(root, "install").returncode == 0
    write_files(root, TYPO)
    git(root, "add", "b.py")
    blocked = subprocess.run(
        ["git", "commit", "-m", "typo"], cwd=root, capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL
    )
    assert blocked.returncode != 0 and "`totl` is not defined" in blocked.stdout + blocked.stderr
    write_files(root, {"b.py": "def total(xs):\n    return sum(xs)\n"})
    git(root, "add", "b.py")
    done = subprocess.run(
        ["git", "commit", "-m", "fine"], cwd=root, capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL
    )
    assert done.returncode == 0, done.stdout + done.stderr
