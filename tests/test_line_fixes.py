"""One-line fixes (#21, "finding the code" and "ask for the few lines that change"): when the first
attempt of a fix fails, codey asks the coder for a corrected version of each suspect line the
failing tests point at, one line at a time, and judges each answer by the tests."""

import json

import pytest

from conftest import git
from codey_git.engine.line_fixes import lines_to_ask, parse_line, prompt


@pytest.fixture(autouse=True)
def _model_lines_only(monkeypatch):
    """The coder's corrected lines alone: the one-token changes tried before them (which would
    fix these bugs with no model) are tested in test_token_fixes.py."""
    monkeypatch.setenv("CODEY_TOKEN_FIXES", "0")


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
            "line_fix": [  # asked about the bug's line
                {"when": "Line 12 is the most", "text": "```python\nreturn round(total * (2 + rate), 2)\n```"},  # still fails
                {"when": "Line 12 is the most", "text": "```python\nreturn round(total * (1 + rate), 2\n```"},  # no parse
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


# --- red-team findings (helper-23) ------------------------------------------------------------


def test_two_bugs_on_one_path_are_refused_with_the_other_test_named(make_repo, write_script, codey):
    """parse() is broken, and fmt() too: test_price_tag runs the fixed line and still fails (on
    fmt's bug). An edit that greens test_parse alone cannot be told from a workaround; it is
    refused, and the message names the test that still fails, so the user can ask for both."""
    lib = "def parse(text):\n    return int(text) + 1\n\n\ndef fmt(n):\n    return '#' + str(n)\n"
    test = (
        "from lib import fmt, parse\n\n\ndef test_parse():\n    assert parse('3') == 3\n\n\n"
        "def test_price_tag():\n    assert fmt(parse('3')) == '$3'\n"
    )
    root = make_repo({"lib.py": lib, "tests/test_lib.py": test})
    write_script({"edit": ["```python\ndef parse(text):\n    return int(text)\n```"] * 6})

    out = codey(root, "fix", "Fix the failing test tests/test_lib.py::test_parse", "--json")

    assert out.returncode == 1, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert "tests/test_lib.py::test_price_tag" in result["reason"] and "run the lines this edit changes" in result["reason"]
    assert (root / "lib.py").read_text() == lib and git(root, "status", "--porcelain") == ""


def test_a_workaround_is_refused_when_the_same_bug_fails_a_test_in_another_file(make_repo, write_script, codey, monkeypatch):
    files = dict(SAME_BUG)
    tests = files.pop("tests/test_prices.py")
    files["tests/test_prices.py"] = tests.split("def test_half")[0]
    files["tests/test_half.py"] = "from prices import discounted\n\n\ndef test_half():\n    assert discounted(10.0, 0.5) == 5.0\n"
    root = make_repo(files)
    monkeypatch.setenv("CODEY_LINE_FIXES", "0")
    write_script({"edit": [WORKAROUND, THE_FIX]})

    out = codey(root, "fix", "Fix the failing test tests/test_prices.py::test_quarter", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    first = json.loads(out.stdout)["attempts"][0]
    assert not first["passed"] and "tests/test_half.py::test_half" in first["reason"]
    assert "(1 - rate)" in (root / "prices.py").read_text()


def test_a_refused_write_is_one_rejected_candidate_not_the_end_of_the_task(make_repo, write_script, codey):
    real = "def discounted(total, rate):\n    total = float(total)\n    return round(total * (1 + rate), 2)\n"
    root = make_repo(
        {"src/prices_impl.py": real, "tests/test_prices.py": PRICES["tests/test_prices.py"].replace("subtotal", "discounted")}
    )
    (root / "tests/test_prices.py").write_text(
        "from prices import discounted\n\n\ndef test_discounted():\n    assert discounted(10.0, 0.25) == 7.5\n"
    )
    (root / "prices.py").symlink_to("src/prices_impl.py")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "a module that is a symlink")
    echo = "```python\n" + real + "```"
    diff = (
        "```diff\n--- a/src/prices_impl.py\n+++ b/src/prices_impl.py\n@@ -1,3 +1,3 @@\n def discounted(total, rate):\n"
        "     total = float(total)\n-    return round(total * (1 + rate), 2)\n+    return round(total * (1 - rate), 2)\n```"
    )
    write_script({"edit": [echo, echo, diff], "line_fix": ["```python\nreturn round(total * (3 - rate), 2)\n```"] * 12})

    out = codey(root, "fix", "Fix the failing test tests/test_prices.py::test_discounted; the bug is at prices.py:3", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["status"] == "landed"
    assert "(1 - rate)" in (root / "src/prices_impl.py").read_text()


def test_lines_are_numbered_as_python_numbers_them_and_the_file_keeps_its_ending():
    from codey_git.engine.line_fixes import line_fixes

    class Model:
        name = "fake"

        def __init__(self, answer):
            self.answer = answer

        def chat(self, messages, **kw):
            self.prompt = messages[-1]["content"]
            return type("C", (), {"text": self.answer})()

    text = "def helper(x):\n    return x\n\n\x0c\ndef discounted(total, rate):\n    total = float(total)\n    return round(total * (1 + rate), 2)"
    model = Model("```python\nreturn round(total * (1 - rate), 2)\n```")
    [fix] = list(line_fixes(model, "prices.py", 7, text, "E", deadline=None, clock=lambda: 0.0, samples=1))
    assert "    7>>     return round(total * (1 + rate), 2)" in model.prompt  # the form feed is not a line
    assert fix.text == text.replace("(1 + rate)", "(1 - rate)")  # no newline added at the end

    # near the end of a file, outside any function, in a file with a byte-order mark: no crash
    module = "\ufeffRATES = {'base': 1}\nA = 1\nB = 2\nBASE = RATES['bse']\n"
    model = Model("```python\nBASE = RATES['base']\n```")
    [fix] = list(line_fixes(model, "rates.py", 4, module, "KeyError: 'bse'", deadline=None, clock=lambda: 0.0, samples=1))
    assert fix.text == module.replace("'bse'", "'base'")


def test_a_jump_that_would_leave_the_rest_of_the_block_unreachable_is_not_a_candidate():
    from codey_git.engine.line_fixes import line_fixes

    class Model:
        name = "fake"

        def chat(self, messages, **kw):
            return type("C", (), {"text": "```python\nreturn round(total * (1 - rate), 2)\n```"})()

    text = "def discounted(total, rate):\n    total = float(total)\n    return round(total * (1 + rate), 2)\n"
    assert list(line_fixes(Model(), "prices.py", 2, text, "E", deadline=None, clock=lambda: 0.0, samples=1)) == []
    assert len(list(line_fixes(Model(), "prices.py", 3, text, "E", deadline=None, clock=lambda: 0.0, samples=1))) == 1
