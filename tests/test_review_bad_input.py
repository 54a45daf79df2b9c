"""`git codey review` and the hook on input a new user meets: a staged file that does not parse,
deletions, renames, binary files, submodules, and the pre-commit framework's ranges and
--all-files. Each is reviewed as far as possible and never ends in a traceback."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import git, write_files

ROOT = Path(__file__).resolve().parents[1]
CHECKS_ONLY = {"CODEY_REVIEW_MODEL": "false"}
BROKEN = "def total(xs):\n    return sum(xs\n\n\ndef double(x):\n    return 2 * x\n"


@pytest.fixture(autouse=True)
def importable(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if not (Path(p) / "git-codey").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(path))


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


def test_a_staged_file_that_does_not_parse_blocks_with_its_line(make_repo, codey):
    root = make_repo({"calc.py": "def total(xs):\n    return sum(xs)\n"})
    write_files(root, {"calc.py": BROKEN})
    git(root, "add", "calc.py")
    result = codey(root, "review", env=CHECKS_ONLY)
    no_traceback(result)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "calc.py:2" in result.stdout and "does not parse" in result.stdout
    sarif = json.loads(codey(root, "review", "--format", "sarif", env=CHECKS_ONLY).stdout)
    [hit] = sarif["runs"][0]["results"]
    assert hit["level"] == "error" and hit["locations"][0]["physicalLocation"]["region"]["startLine"] == 2


def test_a_file_that_does_not_parse_blocks_with_the_model_too(make_repo, codey, write_script):
    root = make_repo({"calc.py": "def total(xs):\n    return sum(xs)\n"})
    write_script({"review": ['{"findings": []}'] * 3})
    write_files(root, {"calc.py": BROKEN, "new.py": "if True\n    pass\n"})
    git(root, "add", "calc.py", "new.py")
    result = codey(root, "review", "--no-cache")
    no_traceback(result)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "calc.py:2" in result.stdout and "new.py:1" in result.stdout


def test_a_file_that_never_parsed_is_not_blamed_on_an_unrelated_change(make_repo, codey):
    template = "x = {{ value }}\ny = {% if a %}1{% endif %}\n"
    root = make_repo({"tmpl.py": template})
    write_files(root, {"tmpl.py": template + "z = 3\n"})
    git(root, "add", "tmpl.py")
    result = codey(root, "review", env=CHECKS_ONLY)
    no_traceback(result)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_commit_of_a_file_that_does_not_parse_is_blocked_by_the_hook(make_repo, codey):
    root = make_repo({"calc.py": "def total(xs):\n    return sum(xs)\n"})
    assert codey(root, "hook", "install").returncode == 0
    write_files(root, {"calc.py": BROKEN})
    git(root, "add", "calc.py")
    env = {**os.environ, "CODEY_REVIEW_MODEL": "false"}
    result = subprocess.run(
        ["git", "commit", "-m", "broken"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode != 0 and "does not parse" in result.stderr
    assert git(root, "log", "--format=%s") == "initial"


def test_deletion_rename_binary_and_submodule_are_reviewed_as_far_as_possible(make_repo, codey, tmp_path):
    sub = make_repo({"lib.py": "x = 1\n"}, name="sub")
    root = make_repo({"gone.py": "a = 1\n", "old_name.py": "def f(x):\n    return x + 1\n" * 3, "keep.py": "k = 1\n"})
    git(root, "rm", "-q", "gone.py")
    git(root, "mv", "old_name.py", "new_name.py")
    write_files(root, {"new_name.py": (root / "new_name.py").read_text() + "\n\ndef g(y):\n    return y + totl\n"})
    (root / "blob.bin").write_bytes(bytes(range(256)) * 4)
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendored")
    git(root, "add", "new_name.py", "blob.bin")
    for fmt in ("terminal", "json", "sarif", "markdown"):
        result = codey(root, "review", "--format", fmt, env=CHECKS_ONLY)
        no_traceback(result)
        assert result.returncode == 1, (fmt, result.stderr)  # the undefined name in the renamed file
    report = json.loads(codey(root, "review", "--json", env=CHECKS_ONLY).stdout)
    assert [(f["file"], f["line"]) for f in report["findings"]] == [("new_name.py", 10)]
    skipped = {s["file"]: s["reason"] for s in report["skipped"]}
    assert skipped["gone.py"] == "deleted" and skipped["blob.bin"] == "binary file"
    assert "submodule" in skipped["vendored"]


def test_only_deletions_staged_says_what_was_skipped(make_repo, codey):
    root = make_repo({"gone.py": "a = 1\n", "keep.py": "k = 1\n"})
    git(root, "rm", "-q", "gone.py")
    result = codey(root, "review", env=CHECKS_ONLY)
    no_traceback(result)
    assert result.returncode == 0 and "nothing to review" in result.stderr and "deleted" in result.stderr
