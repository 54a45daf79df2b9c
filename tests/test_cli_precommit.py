"""The pre-commit framework's hooks (.pre-commit-hooks.yaml), run as pre-commit runs them: the
entry split like a shell would, PRE_COMMIT=1 set, git-codey on PATH. The checks-only hook needs
no model; a blocked commit names the hook id to put in SKIP."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

import pytest
import yaml
from conftest import PROJECT_ROOT, git, write_files

HOOKS = {h["id"]: h for h in yaml.safe_load((PROJECT_ROOT / ".pre-commit-hooks.yaml").read_text())}
TYPO = {"b.py": "def total(xs):\n    return sum(xs) + totl\n"}  # the built-in checks block on this


@pytest.fixture
def hook_env(tmp_path):
    shim_dir = tmp_path / "bin"
    shim_dir.mkdir()
    shim = shim_dir / "git-codey"
    shim.write_text(f"#!/bin/sh\nPYTHONPATH={PROJECT_ROOT} exec {sys.executable} -m codey_git \"$@\"\n")
    shim.chmod(0o755)
    return {**os.environ, "PATH": f"{shim_dir}{os.pathsep}{os.environ['PATH']}", "PRE_COMMIT": "1"}


def run_hook(hook_id: str, root, env) -> subprocess.CompletedProcess:
    return subprocess.run(shlex.split(HOOKS[hook_id]["entry"]), cwd=root, capture_output=True, text=True, env=env, timeout=300)


def test_the_checks_only_hook_blocks_on_a_built_in_finding_without_any_model(make_repo, hook_env, tmp_path):
    assert HOOKS["codey-review-checks"]["language"] == "system"  # nothing to install, nothing compiled
    root = make_repo({"a.py": "x = 1\n"})
    write_files(root, TYPO)
    git(root, "add", "b.py")
    env = {**hook_env, "CODEY_BACKEND": "llama_cpp", "CODEY_MODELS_DIR": str(tmp_path / "no-models")}
    out = run_hook("codey-review-checks", root, env)
    assert out.returncode == 1, out.stderr
    assert "`totl` is not defined" in out.stderr
    assert "SKIP=codey-review-checks git commit" in out.stderr
    assert "model" not in out.stderr.replace("review.model", "")  # no model was looked for


def test_the_model_hook_names_its_own_id_to_skip(make_repo, hook_env, write_script):
    root = make_repo({"a.py": "x = 1\n"})
    write_files(root, {"c.py": "def avg(xs):\n    return sum(xs) / len(xs) + 1\n"})
    git(root, "add", "c.py")
    finding = {"file": "c.py", "line": 2, "severity": "high", "category": "bug", "message": "off by one"}
    write_script({"review": [json.dumps({"findings": [finding]})]})
    out = run_hook("codey-review", root, {**hook_env, **{k: os.environ[k] for k in ("CODEY_BACKEND", "CODEY_SCRIPT")}})
    assert out.returncode == 1, out.stderr
    assert "SKIP=codey-review git commit" in out.stderr
