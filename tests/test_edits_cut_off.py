"""An answer cut off at the token limit (its code block never closed) was rejected whole as "no
edit found", even when the definition it changes was written in full before the cut: a 1.5B asked
for a method of a long class often re-types the whole class and runs out of tokens near its end.
The definitions finished before the cut are used; the one being written at the cut never is."""

from __future__ import annotations

import pytest

from codey_git.edits import EditRejected, parse_and_apply

SOURCE = (
    "class Pairs:\n"
    "    def __init__(self, items):\n"
    "        self.items = dict(items)\n"
    "\n"
    "    def update(self, other):\n"
    "        for k in other.values():\n"
    "            self.items[k] = other[k]\n"
    "\n"
    "    def keys(self):\n"
    "        return list(self.items)\n"
    "\n"
    "    def values(self):\n"
    "        return list(self.items.values())\n"
)


# the fixed class as the model re-types it, up to the body of keys()
CLASS_UP_TO_KEYS = (
    "class Pairs:\n"
    "    def __init__(self, items):\n"
    "        self.items = dict(items)\n"
    "\n"
    "    def update(self, other):\n"
    "        for k in other.keys():\n"
    "            self.items[k] = other[k]\n"
    "\n"
    "    def keys(self):\n"
)


def _apply(answer: str):
    return parse_and_apply(answer, {"pairs.py": SOURCE}.get, focus_file="pairs.py", focus_symbol="update", cut_off=True)


def test_the_methods_finished_before_the_cut_are_applied_and_the_rest_kept():
    cut = "Bug: update iterates the values\n\n```python\n" + CLASS_UP_TO_KEYS + "        return li"  # the token limit
    result = _apply(cut)
    new = result.changes["pairs.py"]
    assert "for k in other.keys():" in new
    # keys, cut in the middle, stays as the file has it; values, never reached, too
    assert "    def keys(self):\n        return list(self.items)\n" in new
    assert "    def values(self):\n        return list(self.items.values())\n" in new
    assert any("cut off" in note for note in result.notes)


def test_a_cut_inside_the_only_definition_is_still_no_edit():
    cut = "Bug: update iterates the values\n\n```python\n    def update(self, other):\n        for k in other.ke"
    with pytest.raises(EditRejected) as info:
        _apply(cut)
    assert "cut off at the token limit" in str(info.value) and "only the function you change" in info.value.feedback


def test_a_cut_function_that_happens_to_parse_is_not_used():
    # the body so far parses ("for" loop complete), but the function was still being written
    cut = (
        "Bug: update iterates the values\n\n```python\n"
        "    def update(self, other):\n"
        "        for k in other.keys():\n"
        "            self.items[k] = other[k]\n"
    )
    with pytest.raises(EditRejected):
        _apply(cut)


def test_an_answer_that_ended_by_itself_is_taken_as_written():
    # no closing fence, but the model stopped on its own (not the token limit): all of it is used
    ended = "Bug: update iterates the values\n\n```python\n    def update(self, other):\n        for k in other.keys():\n            self.items[k] = other[k]\n"
    result = parse_and_apply(ended, {"pairs.py": SOURCE}.get, focus_file="pairs.py", focus_symbol="update")
    assert "for k in other.keys():" in result.changes["pairs.py"]


PAIRS_TEST = """from pairs import Pairs


def test_update_copies_the_keys():
    p = Pairs({})
    p.update({"a": 1})
    assert p.items == {"a": 1}
"""

WHOLE_CLASS = (
    "Bug: update iterates the values, not the keys\n\n```python\n"
    + CLASS_UP_TO_KEYS
    + '        """All the keys, in the order they were added, as a new list that the caller may change'
    + " freely" * 60
    + '."""\n        return list(self.items)\n```\n'
)


def test_fix_lands_the_method_an_answer_finished_before_the_token_limit(make_repo, write_script, codey, monkeypatch):
    root = make_repo({"pairs.py": SOURCE, "tests/test_pairs.py": PAIRS_TEST})
    write_script({"edit": [WHOLE_CLASS]})
    monkeypatch.setenv("CODEY_MAX_TOKENS", "80")  # the scripted model stops at 80 * 4 characters

    out = codey(root, "fix", "pairs.py: update does not copy the keys", "--attempts", "1", "--candidates", "1")

    assert out.returncode == 0, out.stdout + out.stderr
    text = (root / "pairs.py").read_text()
    assert "for k in other.keys():" in text
    assert "    def keys(self):\n        return list(self.items)\n" in text  # left as it was
    assert "    def values(self):\n" in text


def test_a_member_cut_where_its_text_so_far_parses_is_not_used():
    cut = (
        "Bug: update iterates the values\n\n```python\n"
        "class Pairs:\n"
        "    def update(self, other):\n"
        "        for k in other.keys():\n"
        "            self.items[k] = other[k]\n"
        "\n"
        "    def keys(self):\n"
        "        out = []\n"  # parses so far; the method was not finished
    )
    new = _apply(cut).changes["pairs.py"]
    assert "for k in other.keys():" in new and "out = []" not in new
    assert "    def keys(self):\n        return list(self.items)\n" in new
