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
    message = git(root, "log", "-1", "--format=%B")
    assert "chosen by the tests (no model wrote it); review it: the tests also accept `-1` -> `-2`" in message
    assert "the tests also accept" in codey(root, "log").stdout
    assert "the tests also accept other changes of pairs.py line 2" in out.stderr
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
