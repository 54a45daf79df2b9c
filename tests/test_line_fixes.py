"""One-line fixes (#21, "finding the code" and "ask for the few lines that change"): when the first
attempt of a fix fails, codey asks the coder for a corrected version of each suspect line the
failing tests point at, one line at a time, and judges each answer by the tests."""

import json

import pytest

from conftest import git
from codey_git.engine.line_fixes import lines_to_ask, parse_line, prompt

PRICES = {
    "prices.py": '''
        def subtotal(items):
            """The sum of price times quantity.

            The quantity may be zero.
            """
            return sum(price * qty for price, qty in items)


        def discounted(items, rate):
            # a rate is a fraction of one
            total = subtotal(items)
            return round(total * (1 + rate), 2)
        ''',
    "tests/test_prices.py": """
        from prices import discounted, subtotal


        def test_subtotal():
            assert subtotal([(2.0, 3), (1.5, 2)]) == 9.0


        def test_discounted():
            assert discounted([(10.0, 1)], 0.25) == 7.5
        """,
}
BUG = "    return round(total * (1 + rate), 2)"
ECHO = """```python
def discounted(items, rate):
    # a rate is a fraction of one
    total = subtotal(items)
    return round(total * (1 + rate), 2)
```"""


def test_a_fix_lands_from_a_corrected_line_when_the_whole_function_came_back_unchanged(make_repo, write_script, codey):
    root = make_repo(PRICES)
    write_script(
        {
            "edit": [ECHO, ECHO],  # the first attempt's two candidates write the function back unchanged
            # asked for the bug's line alone; the first answer is the line again, the second is right
            "line_fix": [
                {"when": "Line 12 is the most likely place", "text": "```python\nreturn round(total * (1 + rate), 2)\n```"},
                {"when": "Line 12 is the most likely place", "text": "```python\nreturn round(total * (1 - rate), 2)\n```"},
            ],
        }
    )

    out = codey(root, "fix", "Fix the failing test tests/test_prices.py::test_discounted", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "landed"
    assert "(1 - rate)" in (root / "prices.py").read_text()
    assert git(root, "status", "--porcelain") == ""
    assert "corrected prices.py line 12" in out.stderr
    lines = [a for a in result["attempts"] if a["format"] == "line_fix"]
    assert [a["passed"] for a in lines] == [True]  # the echoed line was not tried: nothing to test


def test_a_wrong_line_is_judged_by_the_tests_and_the_loop_goes_on(make_repo, write_script, codey):
    root = make_repo(PRICES)
    fixed = ECHO.replace("(1 + rate)", "(1 - rate)")
    write_script(
        {
            "edit": [ECHO, ECHO, fixed],  # attempt 2's first candidate is right
            "line_fix": [
                "```python\nreturn round(total * (2 + rate), 2)\n```",  # parses, still fails
                "```python\nreturn round(total * (1 + rate), 2\n```",  # does not parse: never tested
            ],
        }
    )

    out = codey(root, "fix", "Fix the failing test tests/test_prices.py::test_discounted", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "landed"
    tried = [a for a in result["attempts"] if a["format"] == "line_fix"]
    assert [(a["passed"], a["applied"]) for a in tried] == [(False, True)]
    assert tried[0]["reason"].startswith("still failing")
    assert "(1 - rate)" in (root / "prices.py").read_text()
    assert "(2 + rate)" not in git(root, "log", "-p", "-1")


def test_line_fixes_off(make_repo, write_script, codey, monkeypatch):
    root = make_repo(PRICES)
    write_script({"edit": [ECHO] * 2, "line_fix": ["```python\nreturn round(total * (1 - rate), 2)\n```"]})

    monkeypatch.setenv("CODEY_LINE_FIXES", "0")

    out = codey(root, "fix", "Fix the failing test tests/test_prices.py::test_discounted", "--attempts", "1", "--json")

    assert out.returncode == 1, out.stdout + out.stderr
    assert "(1 + rate)" in (root / "prices.py").read_text()
    assert "corrected" not in out.stderr


def test_which_lines_are_asked_about():
    text = PRICES_TEXT
    read = {"prices.py": text, "tests/test_prices.py": "def test_x():\n    assert 1\n"}.get
    ranked = [
        ("tests/test_prices.py", 2),  # a test
        ("prices.py", 1),  # a def line
        ("prices.py", 4),  # inside a docstring
        ("prices.py", 11),  # a comment
        ("prices.py", 13),  # the bug
        ("prices.py", 13),  # again
        ("prices.py", 99),  # past the end
        ("prices.py", 12),
        ("prices.py", 7),  # blank
        ("prices.py", 6),
        ("prices.py", 10),  # one past MAX_LINES
    ]

    assert lines_to_ask(ranked, read) == [("prices.py", 13), ("prices.py", 12), ("prices.py", 6)]


PRICES_TEXT = (
    "def subtotal(items):\n"
    '    """The sum of price times quantity.\n'
    "\n"
    "    The quantity may be zero.\n"
    '    """\n'
    "    return sum(price * qty for price, qty in items)\n"
    "\n"
    "\n"
    "\n"
    "def discounted(items, rate):\n"
    "    # a rate is a fraction of one\n"
    "    total = subtotal(items)\n"
    "    return round(total * (1 + rate), 2)\n"
)


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("```python\nreturn round(total * (1 - rate), 2)\n```", "        return round(total * (1 - rate), 2)"),
        ("```\n   13>> return round(total * (1 - rate), 2)\n```", "        return round(total * (1 - rate), 2)"),
        ("Line 13: return round(total * (1 - rate), 2)", "        return round(total * (1 - rate), 2)"),
        ("```python\n0 if total else 1\n```", "        0 if total else 1"),  # a number that is code stays
        ("return round(total * (1 - rate), 2)", "        return round(total * (1 - rate), 2)"),
        ("```python\n# fixed\nreturn round(total*(1 - rate), 2)\n```", "        return round(total*(1 - rate), 2)"),
        ("```python\nreturn round(total * (1 + rate),  2)\n```", None),  # the old line again
        ("```python\n```", None),
        ("I cannot tell.", "        I cannot tell."),  # not code: the file will not parse, so it is dropped later
    ],
)
def test_the_line_an_answer_holds(answer, expected):
    assert parse_line(answer, "        return round(total * (1 + rate), 2)", 13) == expected


def test_an_argument_line_keeps_its_comma():
    assert parse_line(
        "```python\nincluded=None if x is None else set(x)\n```", "    included=None if x is not None else set(x),"
    ) == ("    included=None if x is None else set(x),")


def test_the_prompt_shows_the_line_its_function_and_the_failure():
    [system, user] = prompt("prices.py", 13, PRICES_TEXT, "E   assert 12.5 == 7.5")
    text = user["content"]
    assert "E   assert 12.5 == 7.5" in text
    assert "   13>>     return round(total * (1 + rate), 2)" in text
    assert "def discounted" in text and "def subtotal" not in text  # the line's function, not the module
    assert "different from the line above" in text


# --- a fix of the named test that leaves the other tests of the same bug red -----------------

SAME_BUG = {
    "prices.py": """
        def discounted(total, rate):
            return round(total * (1 + rate), 2)
        """,
    "stock.py": """
        def on_hand():
            return 3
        """,
    "tests/test_prices.py": """
        from prices import discounted
        from stock import on_hand


        def test_quarter():
            assert discounted(10.0, 0.25) == 7.5


        def test_half():
            assert discounted(10.0, 0.5) == 5.0


        def test_on_hand():  # fails too, for a reason of its own
            assert on_hand() == 2
        """,
}
WORKAROUND = """```python
def discounted(total, rate):
    if rate == 0.25:
        return 7.5
    return round(total * (1 + rate), 2)
```"""
THE_FIX = """```python
def discounted(total, rate):
    return round(total * (1 - rate), 2)
```"""


def test_a_workaround_for_the_named_test_is_refused_when_the_same_bug_fails_others(make_repo, write_script, codey, monkeypatch):
    root = make_repo(SAME_BUG)
    monkeypatch.setenv("CODEY_LINE_FIXES", "0")
    write_script({"edit": [WORKAROUND, THE_FIX]})

    out = codey(root, "fix", "Fix the failing test tests/test_prices.py::test_quarter", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    first, second = result["attempts"][:2]
    assert not first["passed"] and "tests/test_prices.py::test_half" in first["reason"]
    assert "run the lines this edit changes" in first["reason"]
    assert second["passed"] and result["status"] == "landed"
    assert "(1 - rate)" in (root / "prices.py").read_text() and "0.25" not in (root / "prices.py").read_text()
    # test_on_hand fails before and after: it never ran the changed line, so it did not block the fix
    assert second["reason"] is None and "1 failed" in second["tests"]


@pytest.mark.parametrize(
    "new, lines",
    [
        ("a\nB\nc\n", {2}),  # replaced
        ("a\nc\n", {2}),  # deleted
        ("a\nb\nx\nc\n", {2, 3}),  # inserted between 2 and 3: both neighbours
        ("a\nb\nc\n", set()),
    ],
)
def test_the_old_lines_an_edit_changes(new, lines):
    from codey_git.engine.gate import changed_lines

    assert changed_lines("a\nb\nc\n", new) == lines
