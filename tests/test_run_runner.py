"""The recipe runner in-process, with a stand-in for the engine so that the run's own behaviour
(journal, failures, budgets, landing, ideas, resume cleanup) is what is tested."""

import json

import pygit2

from conftest import git
from codey_git.config import load_config
from codey_git.engine.task import CommitInfo, TaskResult
from codey_git.errors import TestCommandError
from codey_git.gitrepo import open_repo
from codey_git.models.scripted import ScriptedProvider
from codey_git.recipes.journal import RunDir, find_run
from codey_git.recipes.runner import RecipeRunner, RunLimits
from codey_git.recipes.schema import validate_recipe
from codey_git.recipes.session import expand_tasks, start_run
from codey_git.ui import Progress
from codey_git.yamlfile import parse_yaml_with_lines

CODE = {
    "app.py": "def area(w, h):\n    result = w * h\n    return result\n\n\ndef other():\n    return 1\n",
    "tests/test_app.py": "from app import area\n\n\ndef test_area():\n    assert area(2, 3) == 6\n",
}


def fake_engine(calls):
    def run_task(repo, task, config, provider, *, progress, land, base, branch, on_event, deadline, keep=False, **_):
        calls.append({"text": task.text, "kind": task.kind, "base": base, "branch": branch, "land": land})
        if progress is not None:
            progress.token(f"<tokens of {task.text}>")
        if "boom" in task.text:
            raise TestCommandError("the test command was not found")
        if "crash" in task.text:
            raise RuntimeError("engine bug")
        if "hopeless" in task.text:
            return TaskResult(status="failed", task=task, reason="still failing:\n tests/test_app.py::test_area")
        r = repo.repo
        parent = r.get(base)
        builder = r.TreeBuilder(parent.tree)
        builder.insert(f"{task.id}.txt", r.create_blob(task.text.encode()), pygit2.GIT_FILEMODE_BLOB)
        sig = pygit2.Signature("t", "t@example.com")
        oid = str(r.create_commit(f"refs/heads/{branch}", sig, sig, f"feat: {task.text}\n", builder.write(), [parent.id]))
        on_event("attempt", {"task": task.id, "step": 1, "attempt": 1, "passed": True, "diff": "x" * 99})
        on_event("commit", {"task": task.id, "oid": oid, "branch": branch})
        return TaskResult(
            status="committed",
            task=task,
            branch=branch,
            base=base,
            tests="1 passed",
            commits=[CommitInfo(oid, f"feat: {task.text}\n")],
            timings={"total_s": 1.5},
            tokens={"prompt_tokens_evaluated": 100, "generated_tokens": 20},
        )

    return run_task


def make_run(root, recipe_text, write_script, responses=None, max_tasks=None):
    write_script(responses or {})
    recipe = validate_recipe(*parse_yaml_with_lines(recipe_text, "r.yml"), "r.yml")
    repo = open_repo(root)
    config = load_config(root, recipe.config_overrides())
    tasks = expand_tasks(repo, recipe, config, Progress(quiet=True), max_tasks)
    return repo, config, start_run(repo, recipe, tasks)


def execute(repo, config, run, calls, limits=None):
    runner = RecipeRunner(
        repo, run, config, ScriptedProvider(config), Progress(quiet=True), limits or RunLimits(), run_task_fn=fake_engine(calls)
    )
    return runner.execute()


def test_one_failing_task_never_stops_the_others(make_repo, write_script):
    root = make_repo(CODE)
    recipe = "name: n\ntasks:\n" + "".join(f"  - edit: {t}\n" for t in ["first", "boom", "crash", "hopeless", "last"])
    repo, config, run = make_run(root, recipe, write_script)
    calls = []
    assert execute(repo, config, run, calls)["finished"]
    results = [e for e in run.events() if e["event"] == "result"]
    assert [(r["text"], r["status"]) for r in results] == [
        ("first", "committed"),
        ("boom", "failed"),
        ("crash", "failed"),
        ("hopeless", "failed"),
        ("last", "committed"),
    ]
    assert results[1]["reason"] == "the test command was not found"
    assert results[2]["reason"] == "internal error: RuntimeError: engine bug"
    assert results[3]["reason"] == "still failing: tests/test_app.py::test_area"  # one line
    assert all(c["land"] is False and c["base"] == run.meta()["base"] for c in calls)
    assert results[0]["branch"] and results[1]["branch"] is None
    assert results[0]["change"] == {"files": 1, "insertions": 1, "deletions": 0}
    attempt = next(e for e in run.events() if e["event"] == "attempt")
    assert "diff" not in attempt
    assert run.finished and run.report_path.is_file() and not run.lock_path.exists()


def test_stacked_landing_builds_one_branch(make_repo, write_script):
    root = make_repo(CODE)
    repo, config, run = make_run(
        root, "name: Night Shift\nlanding: stacked\ntasks:\n  - edit: one\n  - edit: hopeless\n  - edit: two\n", write_script
    )
    calls = []
    execute(repo, config, run, calls)
    stack = run.meta()["stack_branch"]
    assert stack.startswith("codey/night-shift-")
    assert calls[1]["base"] == calls[2]["base"] != calls[0]["base"]  # the failure did not move the stack
    assert git(root, "log", "--format=%s", f"main..{stack}").splitlines() == ["feat: two", "feat: one"]


def test_until_stops_starting_tasks_and_resume_finishes(make_repo, write_script):
    root = make_repo(CODE)
    repo, config, run = make_run(root, "name: n\ntasks:\n  - edit: a\n  - edit: b\n", write_script)
    calls = []
    outcome = execute(repo, config, run, calls, RunLimits(stop_at=0.0))
    assert not outcome["finished"] and calls == []
    assert "time is up" in (root / ".git" / "codey" / "runs" / run.id / "report.md").read_text()
    assert find_run(repo.codey_dir, unfinished=True).id == run.id
    execute(repo, config, RunDir(run.path), calls)
    assert len(RunDir(run.path).results()) == 2 and RunDir(run.path).finished


def test_resume_deletes_half_done_branch_and_skips_finished(make_repo, write_script):
    root = make_repo(CODE)
    repo, config, run = make_run(root, "name: n\ntasks:\n  - edit: a\n  - edit: b\n", write_script)
    first, second = run.tasks()
    calls = []
    RecipeRunner(
        repo, run, config, ScriptedProvider(config), Progress(quiet=True), RunLimits(), run_task_fn=fake_engine(calls)
    ).run_one(first)
    # a killed process: task b started and committed, its result never recorded, a torn line last
    run.append("task_started", task=second.id)
    fake_engine([])(
        repo,
        second.engine_task(),
        config,
        None,
        progress=None,
        land=False,
        base=run.meta()["base"],
        branch=second.branch,
        on_event=lambda *a: None,
        deadline=None,
    )
    with open(run.journal_path, "a") as handle:
        handle.write('{"event": "comm')
    calls.clear()
    execute(repo, config, RunDir(run.path), calls)
    assert [c["text"] for c in calls] == ["b"]
    assert git(root, "rev-list", "--count", f"main..{second.branch}") == "1"
    assert len(RunDir(run.path).results()) == 2


def test_improve_asks_for_an_idea_and_skips_duplicates_and_silence(make_repo, write_script):
    root = make_repo({**CODE, "geo.py": "def perimeter(w, h):\n    total = 2 * w\n    total += 2 * h\n    return total\n"})
    idea = '{"idea": "Reject negative sizes in %s with a ValueError", "priority": "%s"}'
    responses = {
        "plan": [
            {"when": "def area(", "text": idea % ("area", "high")},
            {"when": "def perimeter(", "text": idea % ("perimeter", "low")},
        ]
    }
    recipe = "name: n\ntasks:\n  - generate: sample-chunks\n    count: 3\n    min_lines: 2\n"
    repo, config, run = make_run(root, recipe, write_script, responses)
    tasks = run.tasks()
    assert sorted(t.options["chunk"]["name"] for t in tasks) == ["area", "other", "perimeter"]
    # a second chunk of app.py gets the same idea: written as a duplicate response for `other`
    data = {"responses": {"plan": responses["plan"] + [{"when": "def other(", "text": idea % ("area", "medium")}]}}
    (root.parent / "script.yml").write_text(json.dumps(data))
    calls = []
    execute(repo, config, run, calls)
    rows = {r["text"].split()[1]: r for r in run.results().values()}
    assert rows["perimeter"]["status"] == "committed" and rows["perimeter"]["priority"] == "low"
    assert rows["perimeter"]["idea"] == "Reject negative sizes in perimeter with a ValueError"
    same_file = sorted((rows[n]["status"], rows[n]["priority"]) for n in ("area", "other"))
    assert same_file in ([("committed", "high"), ("skipped", "medium")], [("committed", "medium"), ("skipped", "high")])
    skipped = next(rows[n] for n in ("area", "other") if rows[n]["status"] == "skipped")
    assert "near-duplicate" in skipped["reason"]
    assert all(c["kind"] == "edit" and "Reject negative" in c["text"] for c in calls)


def test_improve_without_an_answer_skips_the_chunk(make_repo, write_script):
    root = make_repo(CODE)
    repo, config, run = make_run(
        root, "name: n\ntasks:\n  - generate: sample-chunks\n    count: 1\n    min_lines: 2\n", write_script
    )
    calls = []
    execute(repo, config, run, calls)
    (row,) = run.results().values()
    assert row["status"] == "skipped" and "no improvement" in row["reason"] and calls == []


def test_shell_task_commits_only_when_tests_pass(make_repo, write_script):
    root = make_repo(CODE)
    recipe = (
        "name: n\ntasks:\n"
        "  - shell: \"printf '# formatted\\\\n' >> app.py\"\n    message: 'style: mark app.py'\n"
        "  - shell: \"printf 'def area(w, h):\\\\n    return 0\\\\n' > app.py\"\n"
        "  - shell: \"true\"\n"
    )
    repo, config, run = make_run(root, recipe, write_script)
    execute(repo, config, run, [])
    rows = [run.results()[t.id] for t in run.tasks()]
    assert [r["status"] for r in rows] == ["committed", "failed", "skipped"]
    assert git(root, "log", "-1", "--format=%s", rows[0]["branch"]) == "style: mark app.py"
    assert "tests fail after the command" in rows[1]["reason"]
    assert git(root, "branch", "--list", "codey/*").count("codey/") == 1
    assert len(git(root, "worktree", "list").splitlines()) == 1


def test_jobs_refused_for_local_backend(make_repo, codey):
    root = make_repo(CODE)
    (root / "r.yml").write_text("name: n\ntasks:\n  - edit: a\n")
    out = codey(root, "run", "r.yml", "--jobs", "2", env={"CODEY_BACKEND": "llama_cpp"})
    assert out.returncode == 2 and "--jobs 2 needs a shared model server" in out.stderr
    assert not (root / ".git" / "codey" / "runs").exists()


def test_jobs_run_tasks_at_once_with_scripted_backend(make_repo, write_script):
    root = make_repo(CODE)
    repo, config, run = make_run(root, "name: n\ntasks:\n" + "".join(f"  - edit: t{i}\n" for i in range(4)), write_script)
    calls = []
    assert execute(repo, config, run, calls, RunLimits(jobs=3))["finished"]
    assert sorted(r["status"] for r in run.results().values()) == ["committed"] * 4


def test_tasks_run_at_once_do_not_interleave_model_tokens(make_repo, write_script, capsys):
    root = make_repo(CODE)
    recipe = "name: n\ntasks:\n" + "".join(f"  - edit: t{i}\n" for i in range(3))
    for jobs, streamed in ((1, True), (3, False)):
        repo, config, run = make_run(root, recipe, write_script)
        RecipeRunner(
            repo, run, config, ScriptedProvider(config), Progress(), RunLimits(jobs=jobs), run_task_fn=fake_engine([])
        ).execute()
        err = capsys.readouterr().err
        assert ("<tokens of t1>" in err) is streamed
        assert "task 2/3 [edit] t1" in err
