"""`git codey ci review` as a pull-request job runs it: a shallow clone of a bare remote, the
provider's variables, its outputs and summary files; scripted reviewer answers."""

from __future__ import annotations

import json
import sys

from ci_world import github_env, outputs, remote_and_clone
from conftest import git, write_files

BASE = {
    "calc.py": "def add(a, b):\n    return a + b\n",
    "tests/test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
}
FEATURE = "def add(a, b):\n    return a + b\n\n\ndef avg(xs):\n    return sum(xs) / len(xs) + 1\n"
FINDING = {"file": "calc.py", "line": 6, "severity": "high", "category": "bug", "message": "off by one: 100%, surely"}


def pull_request(make_repo, tmp_path, depth=1):
    """main, a feature branch one commit ahead, pushed; the checkout is the feature branch."""
    root = make_repo(BASE, name="dev")
    git(root, "checkout", "-q", "-b", "feature")
    write_files(root, {"calc.py": FEATURE})
    git(root, "commit", "-qam", "feat: avg")
    return remote_and_clone(root, tmp_path, depth=depth, branch="feature")


def test_a_pull_request_review_annotates_writes_sarif_summary_and_outputs_and_fails(make_repo, write_script, codey, tmp_path):
    _bare, clone = pull_request(make_repo, tmp_path)
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"  # main is not even in the clone
    write_script({"review": [json.dumps({"findings": [FINDING]})]})
    env = github_env(tmp_path, GITHUB_BASE_REF="main", GITHUB_HEAD_REF="feature")

    out = codey(clone, "ci", "review", "--sarif", "out/codey.sarif", env=env)

    assert out.returncode == 1, out.stderr
    assert "::error file=calc.py,line=6,title=codey review%3A high bug::off by one: 100%25, surely" in out.stdout
    assert "fetched main from origin" in out.stderr
    assert "1 finding(s), 1 at or above high" in out.stderr and "Traceback" not in out.stderr
    sarif = json.loads((clone / "out" / "codey.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    [result] = sarif["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    summary = (tmp_path / "step_summary").read_text()
    assert "## codey review: main...HEAD" in summary and "off by one" in summary
    assert outputs(env) | {"base": "", "head": ""} == {
        "conclusion": "failure",
        "findings": "1",
        "blocking": "1",
        "unreviewed": "0",
        "sarif": "out/codey.sarif",
        "base": "",
        "head": "",
    }
    assert outputs(env)["base"] == git(clone, "rev-parse", "origin/main")


def test_a_clean_review_passes_and_json_keeps_stdout_parseable(make_repo, write_script, codey, tmp_path):
    _bare, clone = pull_request(make_repo, tmp_path)
    write_script({"review": ['{"findings": []}']})
    env = github_env(tmp_path, GITHUB_BASE_REF="main")
    out = codey(clone, "ci", "review", "--json", env=env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["conclusion"] == "success" and result["review"]["findings"] == []
    assert outputs(env)["conclusion"] == "success"


def test_a_missing_model_is_exit_3_never_green_unless_fail_open(make_repo, write_script, codey, tmp_path):
    _bare, clone = pull_request(make_repo, tmp_path)
    env = github_env(tmp_path, GITHUB_BASE_REF="main", CODEY_BACKEND="llama_cpp", CODEY_MODELS_DIR=str(tmp_path / "no-models"))
    out = codey(clone, "ci", "review", "--no-pull", env=env)
    assert out.returncode == 3, out.stderr
    assert "the review could not run" in out.stderr and "not downloaded" in out.stderr
    assert "Traceback" not in out.stderr
    assert outputs(env)["conclusion"] == "error"

    env = github_env(tmp_path, GITHUB_BASE_REF="main", CODEY_BACKEND="llama_cpp", CODEY_MODELS_DIR=str(tmp_path / "no-models"))
    out = codey(clone, "ci", "review", "--no-pull", "--fail-open", env=env)
    assert out.returncode == 0, out.stderr
    assert "the reviewer model was skipped" in out.stderr
    assert outputs(env)["conclusion"] == "success" and outputs(env)["unreviewed"] == "1"


def test_no_base_outside_a_pull_request_is_a_usage_error(make_repo, codey, tmp_path):
    _bare, clone = pull_request(make_repo, tmp_path)
    env = github_env(tmp_path, GITHUB_EVENT_NAME="push")
    out = codey(clone, "ci", "review", env=env)
    assert out.returncode == 2 and "no base to review against" in out.stderr and "--base" in out.stderr
    assert outputs(env) == {"conclusion": "error", "error": "no base to review against"}


def test_a_shallow_clone_that_cannot_reach_the_merge_base_says_which_fetch_depth(make_repo, codey, tmp_path):
    root = make_repo(BASE, name="dev")
    git(root, "checkout", "-q", "-b", "feature")
    write_files(root, {"calc.py": FEATURE})
    git(root, "commit", "-qam", "feat: avg")
    git(root, "checkout", "-q", "main")
    write_files(root, {"README.md": "main moved on\n"})
    git(root, "add", "README.md")
    git(root, "commit", "-qm", "docs")
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(root, "push", "-q", str(bare), "--all")
    clone = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", "--depth=1", "--no-single-branch", "--branch", "feature", f"file://{bare}", str(clone))
    git(clone, "remote", "set-url", "origin", str(tmp_path / "gone.git"))  # the remote cannot be reached now
    out = codey(clone, "ci", "review", "--base", "main", env={"CODEY_REVIEW_MODEL": "false"})
    assert out.returncode == 2, out.stderr
    assert "shallow clone" in out.stderr and "fetch-depth: 0" in out.stderr and "GIT_DEPTH: 0" in out.stderr


def test_gitlab_merge_request_plain_annotations_dotenv_and_code_quality(make_repo, write_script, codey, tmp_path):
    bare, clone = pull_request(make_repo, tmp_path, depth=None)
    write_script({"review": [json.dumps({"findings": [FINDING]})]})
    dotenv = tmp_path / "codey.env"
    env = {
        "GITLAB_CI": "true",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": git(clone, "rev-parse", "origin/main"),
        "CI_PROJECT_URL": "https://gitlab.example/team/app",
        "CODEY_CI_OUTPUT": str(dotenv),
    }
    out = codey(clone, "ci", "review", "--codequality", str(tmp_path / "gl-code-quality.json"), env=env)
    assert out.returncode == 1, out.stderr
    assert "calc.py:6: high: bug: off by one: 100%, surely" in out.stdout and "::error" not in out.stdout
    [issue] = json.loads((tmp_path / "gl-code-quality.json").read_text())
    assert issue["severity"] == "critical" and issue["location"] == {"path": "calc.py", "lines": {"begin": 6}}
    assert "conclusion=failure" in dotenv.read_text().splitlines()


def test_a_change_that_breaks_a_test_fails_the_review_without_a_model(make_repo, codey, tmp_path):
    root = make_repo(BASE, name="dev")
    git(root, "checkout", "-q", "-b", "feature")
    write_files(root, {"calc.py": "def add(a, b):\n    return a - b\n"})
    git(root, "commit", "-qam", "refactor: add")
    _bare, clone = remote_and_clone(root, tmp_path, depth=1, branch="feature")
    env = github_env(
        tmp_path, GITHUB_BASE_REF="main", CODEY_REVIEW_MODEL="false", CODEY_TEST_COMMAND=f"{sys.executable} -m pytest -q"
    )
    out = codey(clone, "ci", "review", "--json", env=env)
    assert out.returncode == 1, out.stderr
    review = json.loads(out.stdout)["review"]
    assert any(f["file"] == "calc.py" and f["severity"] in ("high", "critical") for f in review["findings"])
    assert "::error file=calc.py" in out.stderr  # annotations go to stderr when stdout is the JSON
