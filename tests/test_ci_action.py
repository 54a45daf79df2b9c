"""The composite action's own `run:` lines, run as a runner runs them: each step's `env:` with the
inputs put in, `bash -eo pipefail`, a fresh $GITHUB_OUTPUT per step whose lines become that
step's outputs, and the action's outputs read from them. The cache steps (`uses:`) are GitHub's
own and are skipped; the install step finds codey already in the cached venv (this checkout's)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from ci_world import github_env
from conftest import PROJECT_ROOT, git
from test_ci_review import FINDING, pull_request
from test_ci_run import ENV as RUN_ENV
from test_ci_run import two_runners

from codey_git.ci import cachekeys

ACTION = yaml.safe_load((PROJECT_ROOT / "action.yml").read_text())


def run_action(inputs: dict[str, str], cwd: Path, tmp: Path, env: dict[str, str]) -> tuple[dict, int, str]:
    """(the action's outputs, the last step's exit code, everything the steps printed)."""
    given = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    given.update(inputs, python=sys.executable)
    steps: dict[str, dict[str, str]] = {}

    def value(expression: str) -> str:
        scope, _, rest = expression.strip().partition(".")
        if scope == "inputs":
            return given[rest]
        if expression.strip() == "github.action_path":
            return str(PROJECT_ROOT)
        step, _, name = rest.partition(".outputs.")
        return steps.get(step, {}).get(name, "")

    expand = lambda text: re.sub(r"\$\{\{(.+?)\}\}", lambda m: value(m.group(1)), str(text))  # noqa: E731
    log, code = "", 0
    for number, step in enumerate(ACTION["runs"]["steps"]):
        if "uses" in step:
            assert step["uses"].startswith("actions/cache@")
            continue
        assert step["shell"] == "bash" and "${{" not in step["run"]  # values reach the shell only through env
        out_file, path_file = tmp / f"step{number}.out", tmp / f"step{number}.path"
        out_file.write_text("")
        full = {
            **os.environ,
            **env,
            **{k: expand(v) for k, v in step.get("env", {}).items()},
            "GITHUB_OUTPUT": str(out_file),
            "GITHUB_PATH": str(path_file),
            "RUNNER_TOOL_CACHE": str(tmp / "tools"),
        }
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=cwd,
            env=full,
            capture_output=True,
            text=True,
            timeout=300,
        )
        log += done.stdout + done.stderr
        steps[step["id"]] = dict(line.partition("=")[::2] for line in out_file.read_text().splitlines() if "=" in line)
        code = done.returncode
        if code:
            break
    return {name: expand(spec["value"]) for name, spec in ACTION["outputs"].items()}, code, log


def cached_venv(tmp: Path) -> None:
    """The runner's tool cache already holds a venv with this codey (this checkout's own)."""
    venv = tmp / "tools" / "codey-git" / cachekeys.venv_key(PROJECT_ROOT)
    venv.parent.mkdir(parents=True)
    venv.symlink_to(Path(sys.prefix))


def test_review_through_the_action_fails_with_its_outputs(make_repo, write_script, tmp_path):
    _bare, clone = pull_request(make_repo, tmp_path)
    cached_venv(tmp_path)
    write_script({"review": [json.dumps({"findings": [FINDING]})]})
    env = github_env(tmp_path, GITHUB_BASE_REF="main")
    got, code, log = run_action({"command": "review", "fail-on": "medium"}, clone, tmp_path, env)
    assert code == 1, log
    assert "is already in" in log and "Installing" not in log
    assert "::error file=calc.py,line=6" in log
    assert got["conclusion"] == "failure" and got["findings"] == "1" and got["sarif"] == "codey.sarif"
    assert json.loads((clone / "codey.sarif").read_text())["runs"][0]["results"]


def test_a_recipe_shard_through_the_action_pushes_and_hands_on_its_report(make_repo, write_script, tmp_path):
    bare, first, _second = two_runners(make_repo, tmp_path, write_script)
    cached_venv(tmp_path)
    env = github_env(tmp_path, GITHUB_EVENT_NAME="schedule", **RUN_ENV)
    got, code, log = run_action(
        {"command": "run", "recipe": "nightly", "shard": "2/2", "push": "true", "out": str(tmp_path / "artifact")},
        first,
        tmp_path,
        env,
    )
    assert code == 1, log  # shard 2/2: "echo two" committed, "exit 3" failed: a missed goal, not a success
    assert got["conclusion"] == "goal-not-reached" and got["not-achieved"] == "1" and Path(got["report"]).is_file()
    [branch] = got["branches"].split()
    assert git(bare, "rev-parse", "--verify", f"refs/heads/{branch}")

    env = github_env(tmp_path / "artifact")  # the merging job: a fresh summary, the shards' folders
    got, code, log = run_action(
        {"command": "report", "runs": str(tmp_path / "artifact"), "out": str(tmp_path / "merged")}, tmp_path, tmp_path, env
    )
    assert code == 0, log
    merged = Path(got["report"]).read_text()
    assert "shard 2/2" in merged and "shard(s) 1/2 missing" in merged  # only one shard ran here
    assert "chore: two" in (tmp_path / "artifact" / "step_summary").read_text()


def test_the_action_refuses_an_unknown_command_or_a_run_without_a_recipe(make_repo, tmp_path):
    root = make_repo({"a.py": "x = 1\n"})
    cached_venv(tmp_path)
    for inputs, said in (
        ({"command": "deploy"}, "command must be review, fix, run or report"),
        ({"command": "run"}, "command run needs the recipe input"),
    ):
        got, code, log = run_action(inputs, root, tmp_path, github_env(tmp_path))
        assert code == 2 and f"::error title=codey::{said}" in log, log


def test_cache_keys_follow_the_models_and_the_machine_not_the_code():
    models = cachekeys.models_key(PROJECT_ROOT)
    assert re.fullmatch(r"codey-models-[0-9a-f]{16}", models)
    assert cachekeys.venv_key(PROJECT_ROOT).startswith("codey-venv-")
    out = subprocess.run(
        [sys.executable, "-I", str(PROJECT_ROOT / "codey_git" / "ci" / "cachekeys.py")],
        capture_output=True,
        text=True,
        cwd="/",
        env={"PATH": os.environ["PATH"]},
    )
    assert out.returncode == 0, out.stderr  # no codey import: it runs before codey is installed
    assert f"models_key={models}" in out.stdout.splitlines()
