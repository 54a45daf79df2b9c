"""A bug inside a long function: the coder is asked for the lines that change, not the whole
function re-typed (which would be cut off at the answer's token cap, then rejected)."""

import json

from codey_git.engine.answer_fit import fitting_format
from codey_git.engine.context import Focus

from conftest import git

# a 90-branch function: re-typing it takes far more than the 768 tokens of an answer
BRANCHES = "\n".join(f"    if code == {i}:\n        return 'name {i} of the table'" for i in range(1, 91))
LONG = {
    "table.py": f"""
def describe(code):
    \"\"\"The name of CODE.\"\"\"
{BRANCHES}
    return 'unknown code ' + str(code)


def clamp(value):
    return max(0, min(9, value))
""".replace("return 'name 57 of the table'", "return 'name 75 of the table'"),
    "tests/test_table.py": """
from table import clamp, describe


def test_describe_57():
    assert describe(57) == 'name 57 of the table'


def test_describe_3():
    assert describe(3) == 'name 3 of the table'


def test_clamp():
    assert clamp(12) == 9
""",
}
BUG_LINE = LONG["table.py"].lstrip("\n").splitlines().index("        return 'name 75 of the table'") + 1


def _shown(number: int, code: str) -> str:
    return f"{number}|{code}"  # as the numbered view writes it (width = the highest number's)


def test_a_bug_in_a_long_function_is_fixed_with_a_line_edit(make_repo, write_script, codey):
    root = make_repo(LONG)
    answer = f"Bug: 57 returns the name of 75\nLine {BUG_LINE}:\n```python\n        return 'name 57 of the table'\n```\n"
    # answered only when the prompt asks for line edits and numbers the buggy line
    write_script(
        {
            "edit": [{"when": f"{BUG_LINE}|         return 'name 75 of the table'", "text": answer}],
            "commit_message": ["fix(table): name of code 57"],
        }
    )

    out = codey(root, "fix", "describe(57) gives the name of 75", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["status"] == "landed"
    assert "return 'name 57 of the table'" in (root / "table.py").read_text()
    assert "asking for the lines that change" in out.stderr
    assert git(root, "show", "--stat", "--format=", "HEAD").count("|") == 1  # table.py only


def test_a_short_function_is_still_answered_whole(make_repo, write_script, codey):
    files = {
        "calc.py": "def add(a, b):\n    return a - b\n",
        "tests/test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
    }
    root = make_repo(files)
    answer = "Bug: subtracts\n\n```python\ndef add(a, b):\n    return a + b\n```\n"
    # the `function` rules: the whole corrected function, no line numbers
    write_script({"edit": [{"when": "complete corrected function", "text": answer}], "commit_message": ["fix: add"]})

    out = codey(root, "fix", "add(2, 3) is not 5", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    assert "asking for the lines that change" not in out.stderr
    assert "return a + b" in (root / "calc.py").read_text()


def test_a_format_the_user_chose_is_kept(make_repo, write_script, codey):
    root = make_repo({**LONG, ".codey.yml": "edit_format: function\nmax_tokens: 4096\n"})
    whole = (
        LONG["table.py"]
        .lstrip("\n")
        .split("\n\n\n")[0]
        .replace("name 75 of the table'\n    if code == 58", "name 57 of the table'\n    if code == 58")
    )
    answer = "Bug: 57 returns the name of 75\n\n```python\n" + whole + "\n```\n"
    write_script({"edit": [{"when": "complete corrected function", "text": answer}], "commit_message": ["fix: 57"]})

    out = codey(root, "fix", "describe(57) gives the name of 75", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    assert "asking for the lines that change" not in out.stderr
    assert "return 'name 57 of the table'" in (root / "table.py").read_text()


def test_fitting_format_measures_the_definition_around_the_first_focus_line():
    source = LONG["table.py"].lstrip("\n")
    read = {"table.py": source}.get
    count = len  # a character a token: the long function is thousands, clamp tens

    def fmt(line: int, max_tokens: int = 768, start: str = "function") -> str:
        return fitting_format(start, Focus(files=["table.py"], lines={"table.py": [line]}), read, count, max_tokens)[0]

    clamp_line = source.splitlines().index("    return max(0, min(9, value))") + 1
    assert fmt(BUG_LINE) == "lines"
    assert fmt(clamp_line) == "function"
    assert fmt(BUG_LINE, max_tokens=100_000) == "function"
    assert fmt(BUG_LINE, start="search_replace") == "search_replace"
    assert fitting_format("function", Focus(files=["table.py"]), read, count, 768) == ("function", None)  # no line
