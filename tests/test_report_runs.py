"""`git codey report`: best results first, one-line failure reasons, md and json, --since."""

import json
import time

from codey_git.gitrepo import open_repo
from codey_git.recipes.journal import RunDir
from codey_git.recipes.planned import PlannedTask
from codey_git.recipes.report import parse_since, run_summary, to_markdown


def ok(task, priority, size, oid):
    return dict(
        task=task.id,
        kind="edit",
        text=task.text,
        priority=priority,
        status="committed",
        branch=task.branch,
        base="b" * 40,
        commits=[{"oid": oid * 40, "subject": f"feat: {task.text}"}],
        tests="3 passed",
        seconds=12.0,
        tokens={"prompt_tokens_evaluated": 900, "generated_tokens": 100},
        change={"files": 1, "insertions": size, "deletions": 0},
    )


def night(make_repo):
    root = make_repo({"a.py": "x = 1\n"})
    repo = open_repo(root)
    tasks = [PlannedTask("edit", t) for t in ["small low", "big high", "small high", "broken", "later"]]
    run = RunDir.create(repo.codey_dir, {"recipe": "nightly", "base": "b" * 40, "branch": "main"}, tasks)
    run.append("result", **ok(tasks[0], "low", 1, "1"))
    run.append("result", **ok(tasks[1], "high", 50, "2"))
    run.append("result", **ok(tasks[2], "high", 3, "3"))
    run.append(
        "result",
        task=tasks[3].id,
        kind="fix",
        text="broken",
        priority="critical",
        status="failed",
        branch=None,
        commits=[],
        reason="step 1: still failing: tests/test_a.py::test_x",
        seconds=30.0,
    )
    run.append("task_started", task=tasks[4].id)
    return root, run


def test_best_results_first_then_failures_then_not_run(make_repo):
    _root, run = night(make_repo)
    rows = run_summary(run)["tasks"]
    assert [r["text"] for r in rows] == ["small high", "big high", "small low", "broken", "later"]
    assert rows[-1]["status"] == "not run" and "restart on resume" in rows[-1]["reason"]


def test_markdown_is_pasteable_and_complete(make_repo):
    _root, run = night(make_repo)
    text = to_markdown([run_summary(run)])
    assert text.index("### Ready to review") < text.index("### Failed") < text.index("### Not run yet")
    assert "- **[high] small high** (edit)" in text
    assert "`3333333333` feat: small high · tests: 3 passed · +3/-0 lines · 12 s · 1,000 tokens" in text
    assert "reason: step 1: still failing: tests/test_a.py::test_x" in text
    assert "5 tasks: 3 committed, 1 failed, 1 not run" in text
    assert "`git merge --ff-only codey/small-high-" in text


def test_report_command_md_json_and_since(make_repo, codey):
    root, run = night(make_repo)
    md = codey(root, "report")
    assert md.returncode == 0 and md.stdout.startswith(f"## codey run `{run.id}`: nightly")
    data = json.loads(codey(root, "report", run.id[:15], "--format", "json").stdout)
    assert [r["id"] for r in data["runs"]] == [run.id] and data["runs"][0]["counts"]["committed"] == 3
    meta = run.path / "run.json"
    old = json.loads(meta.read_text())
    old["started"] = time.time() - 2 * 86400
    meta.write_text(json.dumps(old))
    assert "No runs started in the last 12h." in codey(root, "report", "--since", "12h").stdout
    assert run.id in codey(root, "report", "--since", "3d").stdout
    bad = codey(root, "report", "--since", "soon")
    assert bad.returncode == 2 and "--since expects a duration" in bad.stderr


def test_parse_since():
    assert parse_since("12h") == 43200 and parse_since("30m") == 1800 and parse_since("2d") == 172800
