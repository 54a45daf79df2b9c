"""A line edit that writes the failing line back unchanged: the feedback names the other lines
the failing tests run, so the next answer has somewhere else to look."""

import json

from codey_git.engine.context import Focus
from codey_git.engine.echo_hint import echo_hint

LIB = """def keys_of(rows):
    keys = []
    keys.append(rows[0].keys())
    seen = set()
    seen.update(keys)
    return sorted(seen)
"""
REPO = {
    "lib.py": LIB,
    "tests/test_lib.py": "from lib import keys_of\n\n\ndef test_keys():\n    assert keys_of([{'b': 1, 'a': 2}]) == ['a', 'b']\n",
    ".codey.yml": "edit_format: lines\n",
}
ECHO = "Bug: dict_keys is not hashable\nLine 5:\n```python\n    seen.update(keys)\n```\n"
FIX = "Bug: append adds the keys object itself\nLine 3:\n```python\n    keys.extend(rows[0].keys())\n```\n"


def test_the_retry_after_an_echoed_line_is_told_the_other_lines(make_repo, write_script, codey):
    root = make_repo(REPO)
    # the fix is answered only when the feedback names line 3
    write_script(
        {
            "edit": [ECHO, {"when": "line 3 of lib.py: `keys.append(rows[0].keys())`", "text": FIX}],
            "commit_message": ["fix(lib): extend the keys"],
        }
    )

    out = codey(root, "fix", "keys_of fails with TypeError", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["status"] == "landed"
    assert "keys.extend(rows[0].keys())" in (root / "lib.py").read_text()


def test_the_hint_names_what_was_echoed_and_the_other_lines_in_order():
    focus = Focus(files=["lib.py", "tests/test_lib.py"], lines={"lib.py": [5, 3, 2], "tests/test_lib.py": [5]})
    hint = echo_hint(ECHO, focus, {"lib.py": LIB}.get)
    assert hint is not None
    assert hint.startswith("Line 5 already reads exactly as you wrote it.")
    assert "line 3 of lib.py: `keys.append(rows[0].keys())`; line 2 of lib.py: `keys = []`" in hint
    assert "test_lib" not in hint


def test_no_hint_for_an_answer_without_line_edits():
    assert (
        echo_hint("```python\ndef f():\n    pass\n```", Focus(files=["lib.py"], lines={"lib.py": [3]}), {"lib.py": LIB}.get)
        is None
    )
