"""Hostile paths in model answers: symlinks out of the tree or into .git, submodules, a file used
as a folder, a folder written as a file, and files outside the repository named in a request."""

from __future__ import annotations

import json
import os

import pytest

from conftest import git
from hostile import CALC, GOOD, diff, leftovers, new_file, reasons, snapshot

from codey_git.edits.errors import UnsafeEdit
from codey_git.edits.treefs import TreeFS
from codey_git.engine.context import parse_request


def _calc_repo(make_repo, extra=None):
    return make_repo({**CALC, **(extra or {})})


@pytest.mark.usefixtures("model_answers_only")
def test_edit_through_a_symlink_out_of_the_repo_writes_nothing_outside(make_repo, write_script, codey, tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_text("def add(a, b):\n    return a - b\n")
    root = _calc_repo(make_repo)
    os.symlink(outside, root / "link.py")
    git(root, "add", "link.py")
    git(root, "commit", "-qm", "link")
    before = snapshot(root)
    # every answer edits the link: one that would pass if written, one that would fail and be reverted
    write_script(
        {
            "edit": [diff("link.py", "def add(a, b):", "    return a + b"), diff("link.py", "def add(a, b):", "    return a * b")]
            * 3
        }
    )

    out = codey(root, "fix", "bug in link.py", "--json")

    assert out.returncode == 1, out.stdout + out.stderr
    assert outside.read_text() == "def add(a, b):\n    return a - b\n"
    assert snapshot(root) == before
    why = reasons(out.stdout)
    assert why and all("symbolic link" in r for r in why), why
    assert leftovers(root) == []


def test_edit_through_a_relative_link_into_git_cannot_write_hooks(make_repo, write_script, codey):
    root = _calc_repo(make_repo)
    # from the scratch worktree (.git/codey/worktrees/NAME) this reaches the user's .git/hooks
    os.symlink("../../../hooks", root / "h")
    os.symlink(".git/hooks", root / "h2")
    git(root, "add", "h", "h2")
    git(root, "commit", "-qm", "links")
    before = snapshot(root)
    write_script(
        {
            "edit": [new_file("h/pre-commit", "#!/bin/sh\necho owned\n"), new_file("h2/post-checkout", "#!/bin/sh\necho owned\n")]
            * 3
        }
    )

    out = codey(root, "edit", "add a hook", "--json")

    assert out.returncode == 1
    assert not (root / ".git" / "hooks" / "pre-commit").exists()
    assert not (root / ".git" / "hooks" / "post-checkout").exists()
    assert snapshot(root) == before


def test_reads_do_not_follow_links_out_of_the_tree(tmp_path):
    outside = tmp_path / "secret.py"
    outside.write_text("TOPSECRET = 1\n")
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "real.py").write_text("x = 1\n")
    os.symlink(outside, tree / "leak.py")
    os.symlink(tmp_path, tree / "up")
    os.symlink("real.py", tree / "pkg" / "alias.py")
    fs = TreeFS(tree)
    assert fs.read("leak.py") is None and not fs.is_file("leak.py")
    assert fs.read("up/secret.py") is None
    assert fs.read("pkg/alias.py") == "x = 1\n"  # a link that stays inside the tree reads
    assert fs.read("../secret.py") is None
    focus = parse_request("the bug is in leak.py and ../secret.py and up/secret.py", tree)
    assert focus.files == []


def test_request_naming_a_file_outside_the_repo_does_not_read_it(make_repo, tmp_path):
    root = _calc_repo(make_repo)
    (tmp_path / "secret.py").write_text("TOPSECRET = 1\n")
    assert parse_request("see ../secret.py line 1 and calc.py", root).files == ["calc.py"]


def test_writes_refuse_links_files_as_folders_and_folders_as_files(tmp_path):
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "mod.py").write_text("x = 1\n")
    os.symlink(tmp_path, tree / "out")
    fs = TreeFS(tree, submodules={"vendor/lib"})
    for bad, why in [
        ("out/x.py", "symbolic link"),
        ("mod.py/x.py", "as a folder"),
        ("pkg", "folder"),
        ("vendor/lib/x.py", "submodule"),
        ("vendor/lib", "submodule"),
        ("../x.py", "leaves"),
        (".git/hooks/pre-commit", ".git"),
    ]:
        try:
            fs.write(bad, "y = 2\n")
        except UnsafeEdit as exc:
            assert why in str(exc), (bad, str(exc))
        else:
            raise AssertionError(f"{bad} was written")
    assert not (tmp_path / "x.py").exists()
    fs.write("new/deep/file.py", "z = 3\n")
    assert (tree / "new" / "deep" / "file.py").read_text() == "z = 3\n"


@pytest.mark.usefixtures("model_first")
def test_malformed_paths_are_a_rejected_candidate_not_a_crash(make_repo, write_script, codey):
    root = _calc_repo(make_repo)
    write_script({"edit": [new_file("calc.py/inner.py", "x = 1\n"), new_file("tests", "x = 1\n"), GOOD]})

    out = codey(root, "fix", "bug in calc.py line 2", "--json")

    assert out.returncode == 0, out.stderr
    attempts = json.loads(out.stdout)["attempts"]
    assert [a["passed"] for a in attempts] == [False, False, True]
    assert "Traceback" not in out.stderr


def test_edit_under_a_submodule_path_keeps_the_submodule(make_repo, write_script, codey, tmp_path):
    lib = make_repo({"lib.py": "x = 1\n"}, name="lib")
    root = _calc_repo(make_repo)
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib), "vendor/lib")
    git(root, "commit", "-qm", "submodule")
    gitlink = git(root, "ls-tree", "HEAD", "vendor/lib")
    assert gitlink.startswith("160000")
    before = snapshot(root)
    write_script({"edit": [new_file("vendor/lib/evil.py", "x = 2\n")] * 3})

    out = codey(root, "edit", "add vendor/lib/evil.py", "--json")

    assert out.returncode == 1
    assert git(root, "ls-tree", "HEAD", "vendor/lib") == gitlink
    assert snapshot(root) == before
    assert "submodule" in json.loads(out.stdout)["attempts"][0]["reason"]
