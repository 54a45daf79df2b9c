"""`git codey ci run RECIPE --shard I/N` on two runners (two clones of one bare remote), each
pushing its own tested branches and writing its journal out, then `git codey report --merge`
making one morning report of both."""

from __future__ import annotations

import json
import sys

from ci_world import github_env, outputs, remote_and_clone
from conftest import git

from codey_git.ci.shard import Shard, fingerprint, parse_shard, select
from codey_git.recipes.planned import PlannedTask

PASSING = {
    "calc.py": "def add(a, b):\n    return a + b\n",
    "tests/test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
    ".codey/recipes/nightly.yml": "name: nightly\ntasks:\n"
    "  - shell: \"echo one > one.txt\"\n    message: \"chore: one\"\n"
    "  - shell: \"echo two > two.txt\"\n    message: \"chore: two\"\n"
    "  - shell: \"echo three > three.txt\"\n    message: \"chore: three\"\n"
    "  - shell: \"exit 3\"\n",
}
ENV = {"CODEY_TEST_COMMAND": f"{sys.executable} -m pytest -q -p no:cacheprovider", "CODEY_BACKEND": "scripted"}


def two_runners(make_repo, tmp_path, write_script):
    write_script({})  # no task asks a model; the scripted backend proves none is loaded
    root = make_repo(PASSING, name="dev")
    bare, first = remote_and_clone(root, tmp_path)
    second = tmp_path / "checkout-2"
    git(tmp_path, "clone", "-q", f"file://{bare}", str(second))
    return bare, first, second


def test_two_shards_push_their_own_branches_and_merge_into_one_report(make_repo, write_script, codey, tmp_path):
    bare, first, second = two_runners(make_repo, tmp_path, write_script)
    artifacts = tmp_path / "artifacts"
    runs = {}
    for index, clone in ((1, first), (2, second)):
        job = tmp_path / f"job{index}"
        job.mkdir()
        env = github_env(job, GITHUB_EVENT_NAME="schedule", **ENV)
        out = codey(
            clone, "ci", "run", "nightly", "--shard", f"{index}/2", "--push", "--out", str(artifacts / f"shard-{index}"), env=env
        )
        runs[index] = outputs(env)
        # shard 2 holds the task that fails (`exit 3`): a missed goal, as `git codey run` says it
        expected = (0, "done") if index == 1 else (1, "goal-not-reached")
        assert (out.returncode, runs[index]["conclusion"]) == expected, out.stderr
        assert runs[index]["shard"] == f"{index}/2"
        assert (artifacts / f"shard-{index}" / runs[index]["run"] / "journal.jsonl").is_file()
    assert runs[1]["tasks"] == "2" and runs[2]["tasks"] == "2"  # one, three | two, exit 3
    remote_branches = set(git(bare, "branch", "--list", "codey/*", "--format=%(refname:short)").split())
    assert remote_branches == set(runs[1]["branches"].split()) | set(runs[2]["branches"].split())
    assert len(remote_branches) == 3 and git(bare, "rev-parse", "main") == git(first, "rev-parse", "HEAD")

    merged = codey(tmp_path, "report", "--merge", str(artifacts / "shard-1"), str(artifacts / "shard-2"))
    assert merged.returncode == 0, merged.stderr
    text = merged.stdout
    assert "Merged from 2 run(s):" in text and "shard 1/2" in text and "shard 2/2" in text
    assert "4 tasks: 3 committed, 1 failed" in text and "Warning" not in text
    assert text.index("### Ready to review") < text.index("### Failed")
    for word in ("one", "two", "three"):
        assert f"chore: {word}" in text
    data = json.loads(codey(tmp_path, "report", "--merge", str(artifacts), "--json").stdout)["runs"][0]
    assert data["counts"] == {"committed": 3, "failed": 1} and [s["shard"] for s in data["shards"]] == ["1/2", "2/2"]

    half = codey(tmp_path, "report", "--merge", str(artifacts / "shard-1"))
    assert "shard(s) 2/2 missing" in half.stdout


def test_a_bad_shard_or_recipe_is_exit_2_before_any_work(make_repo, write_script, codey, tmp_path):
    _bare, first, _second = two_runners(make_repo, tmp_path, write_script)
    for args, said in (
        (["nightly", "--shard", "3/2"], "between 1 and 2"),
        (["nightly", "--shard", "0/2"], "between"),
        (["nightly", "--shard", "half"], "expects I/N"),
        (["nope"], "no recipe named 'nope'"),
    ):
        env = github_env(tmp_path, **ENV)
        out = codey(first, "ci", "run", *args, env=env)
        assert out.returncode == 2 and said in out.stderr, (args, out.stderr)
        assert outputs(env)["conclusion"] == "error"
    assert not (first / ".git" / "codey" / "runs").exists()
    assert codey(tmp_path, "report", "--merge", str(tmp_path / "nowhere")).returncode == 2


def test_the_split_is_deterministic_balanced_and_reviews_go_to_every_shard():
    tasks = [PlannedTask("fix", f"task {i}") for i in range(7)] + [PlannedTask("review", "the night's commits")]
    again = [PlannedTask(t.kind, t.text) for t in tasks]  # another runner: same expansion, other random ids
    shards = [select(tasks, Shard(i, 3)) for i in (1, 2, 3)]
    assert [[t.text for t in s] for s in shards] == [[t.text for t in select(again, Shard(i, 3))] for i in (1, 2, 3)]
    fixes = [t.text for s in shards for t in s if t.kind == "fix"]
    assert sorted(fixes) == sorted(f"task {i}" for i in range(7))  # each once
    assert [len(s) for s in shards] == [4, 3, 3] and all(s[-1].kind == "review" for s in shards)
    assert fingerprint(tasks) == fingerprint(again) != fingerprint(tasks[:-1])
    assert parse_shard(None) == Shard(1, 1) and parse_shard(" 2 / 4 ") == Shard(2, 4)


def test_a_shard_killed_half_way_is_resumed_by_the_next_job_on_the_same_commit(make_repo, write_script, codey, tmp_path):
    write_script({})
    marker = tmp_path / "killed-once"
    kill_once = f"if [ ! -e {marker} ]; then touch {marker}; kill -KILL $PPID; fi; echo two > two.txt"
    recipe = (
        "name: nightly\ntasks:\n  - shell: \"echo one > one.txt\"\n"
        f"  - shell: '{kill_once}'\n  - shell: \"echo three > three.txt\"\n"
    )
    root = make_repo({**PASSING, ".codey/recipes/nightly.yml": recipe})
    killed = codey(root, "ci", "run", "nightly", "--shard", "1/1", env=github_env(tmp_path, **ENV))
    assert killed.returncode == -9 and marker.exists()  # the runner died after the first task
    env = github_env(tmp_path, **ENV)
    again = codey(root, "ci", "run", "nightly", "--shard", "1/1", env=env)
    assert again.returncode == 0, again.stderr
    assert "resuming run" in again.stderr
    got = outputs(env)
    assert got["conclusion"] == "done" and got["tasks"] == "3" and got["committed"] == "3"
    assert len(list((root / ".git" / "codey" / "runs").iterdir())) == 1  # the same run, finished


def test_a_task_that_misses_its_goal_is_not_pushed_as_ready_and_the_outputs_say_so(make_repo, write_script, codey, tmp_path):
    from test_recipes_goal import CODE, DOCSTRING, FEEDBACK, RECIPE, REMOVE_OS

    root = make_repo({**CODE, ".codey/recipes/tidy.yml": RECIPE}, name="dev")
    bare, clone = remote_and_clone(root, tmp_path)
    write_script({"edit": [REMOVE_OS, {"when": FEEDBACK, "text": DOCSTRING}]})
    job = tmp_path / "job"
    job.mkdir()
    env = github_env(job, GITHUB_EVENT_NAME="schedule", **ENV)
    out = codey(clone, "ci", "run", "tidy", "--push", env=env)
    said = out.stdout + out.stderr
    assert out.returncode == 1, said  # as `git codey run`: a missed goal is not a success
    result = outputs(env)
    assert result["conclusion"] == "goal-not-reached" and result["not_achieved"] == "1"
    assert result["committed"] == "0" and result["branches"] == ""
    assert git(bare, "branch", "--list", "codey/*") == ""  # nothing pushed as ready
    assert "partly done" in said and "sys" in said
