"""A change no model wrote that the tests accept may not be the only one (#21): when another
change of the same line passes the whole suite too, the tests do not tell them apart, and the
commit, the terminal and --json say so, so the user reads the commit before keeping it."""

import json

from conftest import git

PAIRS = {
    "pairs.py": """
        def first(pair):
            return pair[-1]
        """,
    "tests/test_pairs.py": """
        from pairs import first


        def test_first():
            assert first((1, 9)) == 1
        """,
}
ONLY_ONE = {
    "pairs.py": """
        def first(items):
            return items[-1]
        """,
    "tests/test_pairs.py": """
        from pairs import first


        def test_first():
            assert first((1, 5, 9)) == 1
        """,
}
REQUEST = "Fix the failing test tests/test_pairs.py::test_first"


def test_another_change_the_tests_accept_is_named_in_the_commit_the_output_and_json(make_repo, write_script, codey):
    root = make_repo(PAIRS)
    write_script({"edit": [], "line_fix": []})

    out = codey(root, "fix", REQUEST, "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "landed"
    assert "return pair[0]" in (root / "pairs.py").read_text()  # the first item for the last comes first
    landed = result["attempts"][-1]
    assert landed["passed"] and landed["format"] == "token_fix"
    assert landed["also_passing"] == ["`-1` -> `-2`"]  # pair[-2]: the same item of a pair
    assert landed["ranked_by"] is None  # the script gives no scores: the first that passed lands
    message = git(root, "log", "-1", "--format=%B")
    assert "chosen by the tests (no model wrote it); review it: the tests also accept `-1` -> `-2`" in message
    assert "the tests also accept" in codey(root, "log").stdout
    assert "the tests also accept other changes of pairs.py line 2" in out.stderr
    assert git(root, "status", "--porcelain") == ""


def test_of_the_changes_the_tests_accept_the_one_the_model_reads_as_likeliest_code_lands(make_repo, write_script, codey):
    root = make_repo(PAIRS)
    write_script({"edit": [], "line_fix": [], "rank": ["return pair[-2]"]})  # the scripted model's preference

    out = codey(root, "fix", REQUEST, "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert "return pair[-2]" in (root / "pairs.py").read_text()
    landed = result["attempts"][-1]
    assert landed["answer"] == "`-1` -> `-2`" and "+    return pair[-2]" in landed["diff"]
    assert landed["also_passing"] == ["`-1` -> `0`"]  # the one that passed first is named, not lost
    assert landed["ranked_by"] == "scripted/qwen2.5-coder-1.5b"
    message = git(root, "log", "-1", "--format=%B")
    assert "one-token change `-1` -> `-2`, chosen by the tests (no model wrote it)" in message
    assert "of the changes of the line they accept, read by scripted/qwen2.5-coder-1.5b as the likeliest code" in message
    assert "review it: the tests also accept `-1` -> `0`" in message
    assert git(root, "show", "HEAD", "--format=", "--", "pairs.py").count("+    return pair[-2]") == 1
    assert (
        "`-1` -> `-2` lands, not `-1` -> `0`, which passed first: scripted/qwen2.5-coder-1.5b reads it as likelier code"
        in out.stderr
    )
    assert git(root, "status", "--porcelain") == ""


def test_the_terminal_says_it_without_json(make_repo, write_script, codey):
    root = make_repo(PAIRS)
    write_script({"edit": [], "line_fix": []})

    out = codey(root, "fix", REQUEST)

    assert out.returncode == 0, out.stdout + out.stderr
    assert "the tests also accept `-1` -> `-2` on pairs.py line 2: read the commit before you keep it" in out.stdout


def test_when_no_other_change_passes_nothing_is_said(make_repo, write_script, codey):
    root = make_repo(ONLY_ONE)
    write_script({"edit": [], "line_fix": []})

    out = codey(root, "fix", REQUEST, "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert "return items[0]" in (root / "pairs.py").read_text()
    assert result["attempts"][-1]["also_passing"] == []
    assert "also accept" not in git(root, "log", "-1", "--format=%B") + out.stderr


# found by a red-team pass over the first version


def test_the_other_changes_are_judged_on_a_clean_worktree_not_on_what_the_passing_run_left(make_repo, write_script, codey):
    root = make_repo(
        {
            "pairs.py": PAIRS["pairs.py"],
            "tests/test_pairs.py": """
                import sqlite3
                from pairs import first


                def test_first():
                    db = sqlite3.connect("test.db")  # a fixed path: a second run on the same files fails
                    db.execute("CREATE TABLE t (x)")
                    db.commit()
                    assert first((1, 9)) == 1
                """,
        }
    )
    write_script({"edit": [], "line_fix": []})

    out = codey(root, "fix", REQUEST, "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert "return pair[0]" in (root / "pairs.py").read_text()  # not refused for the localizing run's test.db
    assert result["attempts"][-1]["also_passing"] == ["`-1` -> `-2`"] and result["attempts"][-1]["also_checked"] >= 1
    assert "test.db" in result["discarded"]  # what the passing run's tests wrote is still reported
    assert "checking whether other changes of pairs.py line 2 pass the tests too" in out.stderr


def test_a_failed_task_does_not_tell_the_user_to_read_a_commit_it_removed(make_repo, write_script, codey):
    root = make_repo(
        {
            **PAIRS,
            "other.py": "def other():\n    return 'x'\n",
            "tests/test_other.py": "from other import other\n\n\ndef test_other():\n    assert other() == 42\n",
        }
    )
    write_script({"edit": [], "line_fix": []})

    out = codey(root, "fix", f"1. {REQUEST} 2. Fix the failing test tests/test_other.py::test_other")

    assert out.returncode != 0
    assert "Nothing was changed" in out.stdout
    assert "read the commit" not in out.stdout


def test_the_note_is_shared_by_fix_and_review_fix_and_never_given_for_a_failed_task():
    from codey_git.commands._common import also_passing_notes
    from codey_git.engine.task import AttemptRecord, Task, TaskResult

    landed = AttemptRecord(step=1, attempt=0, passed=True, at="pairs.py line 2", also_passing=["`-1` -> `-2`"])
    task = Task(kind="fix", text=REQUEST)
    expected = ["the tests also accept `-1` -> `-2` on pairs.py line 2: read the commit before you keep it"]
    assert also_passing_notes(TaskResult(status="committed", task=task, attempts=[landed])) == expected
    assert also_passing_notes(TaskResult(status="failed", task=task, attempts=[landed])) == []
