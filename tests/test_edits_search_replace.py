"""Aider-style SEARCH/REPLACE blocks."""

import pytest

from codey_git.edits import AmbiguousMatch, HunkMismatch, NoEditFound, parse_and_apply

CALC = "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n"


def apply(answer, files, **kwargs):
    return parse_and_apply(answer, files.get, **kwargs)


def block(search, replace, name="calc.py"):
    head = f"{name}\n" if name else ""
    return f"{head}```python\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n```\n"


def test_block_with_file_name_before_the_fence():
    result = apply("Fix:\n\n" + block("    return a - b\n", "    return a + b\n"), {"calc.py": CALC})
    assert result.format == "search_replace"
    assert result.changes["calc.py"].startswith("def add(a, b):\n    return a + b\n")


def test_file_name_inside_the_fence_and_unfenced_blocks():
    inside = "```\ncalc.py\n<<<<<<< SEARCH\n    return a * b\n=======\n    return b * a\n>>>>>>> REPLACE\n```"
    assert "return b * a" in apply(inside, {"calc.py": CALC}).changes["calc.py"]
    bare = "calc.py\n<<<<<<< SEARCH\n    return a * b\n=======\n    return b * a\n>>>>>>> REPLACE\n"
    assert "return b * a" in apply(bare, {"calc.py": CALC}).changes["calc.py"]


def test_block_without_name_uses_focus_file():
    answer = block("    return a - b\n", "    return a + b\n", name=None)
    assert "a + b" in apply(answer, {"calc.py": CALC}, focus_file="calc.py").changes["calc.py"]
    with pytest.raises(NoEditFound):
        apply(answer, {"calc.py": CALC})


def test_later_blocks_see_earlier_changes_and_inherit_the_file():
    answer = block("    return a - b\n", "    total = a + b\n    return total\n") + block(
        "    total = a + b\n", "    total = b + a\n", name=None
    )
    text = apply(answer, {"calc.py": CALC}).changes["calc.py"]
    assert text.startswith("def add(a, b):\n    total = b + a\n    return total\n")


def test_whitespace_tolerant_match_keeps_file_indentation():
    answer = block("def add(a, b):  \nreturn a - b\n", "def add(a, b):\nreturn a + b\n")
    result = apply(answer, {"calc.py": CALC})
    assert result.changes["calc.py"].startswith("def add(a, b):\n    return a + b\n")
    assert any("indentation" in note for note in result.notes)


def test_search_that_matches_twice_is_ambiguous():
    text = "x = 1\ny = 2\nx = 1\n"
    with pytest.raises(AmbiguousMatch):
        apply(block("x = 1\n", "x = 3\n", name="v.py"), {"v.py": text})


def test_search_that_does_not_match_shows_the_file():
    with pytest.raises(HunkMismatch) as caught:
        apply(block("    return a / b\n", "    return a // b\n"), {"calc.py": CALC})
    assert caught.value.reason == "SEARCH block 1 of calc.py does not match the file"
    assert "2 |     return a - b" in caught.value.feedback


def test_empty_search_creates_a_missing_file():
    result = apply(block("", "def hello():\n    return 'hi'\n", name="pkg/hello.py"), {})
    assert result.changes == {"pkg/hello.py": "def hello():\n    return 'hi'\n"}


def test_incomplete_block_is_reported():
    with pytest.raises(NoEditFound) as caught:
        apply("calc.py\n<<<<<<< SEARCH\n    return a - b\n=======\n    return a + b\n", {"calc.py": CALC})
    assert "REPLACE" in caught.value.feedback


def test_diff_is_preferred_over_search_replace():
    answer = (
        block("    return a * b\n", "    return 0\n")
        + "```diff\n--- calc.py\n+++ calc.py\n@@ -2 +2 @@\n-    return a - b\n+    return a + b\n```\n"
    )
    result = apply(answer, {"calc.py": CALC})
    assert result.format == "diff"
    assert "return a * b" in result.changes["calc.py"]
