"""`git codey hook install | uninstall`: where hooks go, chaining with existing hooks, clean removal."""

import os
import stat
from pathlib import Path

import pytest

from conftest import git

from codey_git.review.hookfiles import HOOK_NAMES, install, render_hook, uninstall

ROOT = Path(__file__).resolve().parents[1]
OLD_HOOK = b"#!/bin/sh\n# the team's own hook\necho lint ok\n"


def test_installs_into_dot_git_hooks_and_uninstall_leaves_nothing(make_repo):
    root = make_repo({"a.py": "x = 1\n"})
    [note] = install(root)
    hook = root / ".git" / "hooks" / "pre-commit"
    assert "installed" in note and hook.stat().st_mode & stat.S_IXUSR
    assert uninstall(root) == [f"removed {hook}"]
    assert not hook.exists()


def test_existing_hook_is_chained_and_restored_byte_for_byte(make_repo):
    root = make_repo({"a.py": "x = 1\n"})
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_bytes(OLD_HOOK)
    hook.chmod(0o750)
    [note] = install(root)
    assert "kept as pre-commit.codey-chained" in note
    assert (hook.parent / "pre-commit.codey-chained").read_bytes() == OLD_HOOK
    install(root)  # installing again updates codey's hook, never chains it to itself
    assert (hook.parent / "pre-commit.codey-chained").read_bytes() == OLD_HOOK
    uninstall(root)
    assert hook.read_bytes() == OLD_HOOK and stat.S_IMODE(hook.stat().st_mode) == 0o750
    assert not (hook.parent / "pre-commit.codey-chained").exists()


def test_uninstall_leaves_a_hook_that_is_not_codeys_alone(make_repo):
    root = make_repo({"a.py": "x = 1\n"})
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_bytes(OLD_HOOK)
    assert "not codey's" in uninstall(root)[0]
    assert hook.read_bytes() == OLD_HOOK


@pytest.mark.parametrize("absolute", [False, True])
def test_respects_core_hooks_path(make_repo, tmp_path, absolute):
    root = make_repo({"a.py": "x = 1\n"})
    where = tmp_path / "shared-hooks" if absolute else root / ".githooks"
    git(root, "config", "core.hooksPath", str(where) if absolute else ".githooks")
    install(root, HOOK_NAMES)
    assert sorted(p.name for p in where.iterdir()) == ["pre-commit", "prepare-commit-msg"]
    assert not (root / ".git" / "hooks" / "pre-commit").exists()
    uninstall(root)
    assert list(where.iterdir()) == []


def test_installed_hook_embeds_the_installing_python(make_repo):
    root = make_repo({"a.py": "x = 1\n"})
    install(root)
    text = (root / ".git" / "hooks" / "pre-commit").read_text()
    import sys

    assert f"CODEY_PYTHON='{sys.executable}'" in text and "command -v git-codey" in text


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_shipped_hooks_match_the_generator(name):
    shipped = ROOT / "hooks" / name
    assert shipped.read_text() == render_hook(name)
    assert os.access(shipped, os.X_OK)
