"""A recipe's review task reviews the run's commits as `git codey review` would: built-in checks
included, the model's severity capped as configured."""

import json

from conftest import git, write_files
from codey_git.config import load_config
from codey_git.models.scripted import ScriptedProvider
from codey_git.recipes.planned import PlannedTask
from codey_git.recipes.review_task import run_review_task

MODEL_SAYS = json.dumps(
    {"findings": [{"file": "app.py", "line": 5, "severity": "critical", "category": "bug", "message": "limit is wrong"}]}
)


def test_review_task_reports_check_findings_and_caps_the_model(make_repo, write_script):
    root = make_repo({"app.py": "def run(expr):\n    return int(expr)\n\n\nLIMIT = 1\n"})
    git(root, "checkout", "-q", "-b", "codey/run-1")
    write_files(root, {"app.py": "def run(expr):\n    return eval(expr)\n\n\nLIMIT = 2\n"})
    git(root, "commit", "-qam", "step")
    write_script({"review": [MODEL_SAYS]})
    (root / ".codey.yml").write_text("review:\n  model_max_severity: medium\n")
    config = load_config(root)
    _, report = run_review_task(
        root,
        PlannedTask(kind="review", text="what the run did"),
        config,
        ScriptedProvider(config),
        branches=[("main", "codey/run-1")],
        deadline=None,
    )
    found = sorted((f["line"], f["severity"], f.get("check")) for f in report["findings"])
    assert found == [(2, "high", "code_from_text"), (5, "medium", None)]
