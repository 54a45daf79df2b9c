"""Edits codey refuses whole, and what it tells the model so the next attempt can succeed."""

import pytest

from codey_git.edits import (
    AmbiguousMatch,
    EditRejected,
    EditTooLarge,
    EmptyEdit,
    HunkMismatch,
    NoEditFound,
    PathNotAllowed,
    UnsafeEdit,
    parse_and_apply,
)
from codey_git.errors import CodeyError

CALC = "def add(a, b):\n    return a - b\n\n\ndef sub(a, b):\n    return a - b\n"
GOOD_FIX = "--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n"


def apply(answer, files, **kwargs):
    return parse_and_apply(answer, files.get, **kwargs)


def test_rejections_are_codey_errors_with_exit_code_1():
    with pytest.raises(NoEditFound) as caught:
        apply("I think the bug is in add.", {"calc.py": CALC})
    assert isinstance(caught.value, CodeyError)
    assert caught.value.exit_code == 1
    assert "unified diff" in caught.value.feedback


def test_prose_and_shell_blocks_are_not_edits():
    answer = "Run the tests first:\n\n```bash\npytest -q\n```\n\nThen look at calc.py."
    with pytest.raises(NoEditFound):
        apply(answer, {"calc.py": CALC}, focus_file="calc.py")


def test_ambiguous_hunk_is_rejected():
    answer = "```diff\n--- calc.py\n+++ calc.py\n@@\n-    return a - b\n+    return a + b\n```"
    with pytest.raises(AmbiguousMatch) as caught:
        apply(answer, {"calc.py": CALC})
    assert "lines 2, 6" in caught.value.feedback


def test_hint_breaks_a_tie_between_identical_places():
    answer = "--- calc.py\n+++ calc.py\n@@ -2 +2 @@\n-    return a - b\n+    return a + b\n"
    assert apply(answer, {"calc.py": CALC}).changes["calc.py"].startswith("def add(a, b):\n    return a + b\n")


def test_mismatch_feedback_shows_real_lines_and_applied_hunks():
    answer = GOOD_FIX + "@@ -5,2 +5,2 @@\n def subtract(a, b):\n-    return b - a\n+    return a - b\n"
    with pytest.raises(HunkMismatch) as caught:
        apply(answer, {"calc.py": CALC})
    error = caught.value
    assert error.reason == "hunk 2 of calc.py does not match the file"
    assert "hunk 2 of calc.py does not match" in error.feedback
    assert "    return b - a" in error.feedback  # what the model expected
    assert "5 | def sub(a, b):" in error.feedback  # the closest real lines, numbered
    assert "6 |     return a - b" in error.feedback
    assert "hunk 1 of calc.py (line 1)" in error.feedback  # what did apply
    assert "no file was changed" in error.feedback


def test_one_bad_file_rejects_the_whole_multi_file_edit():
    answer = GOOD_FIX + "--- a/other.py\n+++ b/other.py\n@@ -1 +1 @@\n-Y = 1\n+Y = 2\n"
    files = {"calc.py": CALC, "other.py": "X = 1\n"}
    with pytest.raises(HunkMismatch) as caught:
        apply(answer, files)
    assert "other.py" in caught.value.reason
    assert files == {"calc.py": CALC, "other.py": "X = 1\n"}


def test_diff_for_a_missing_file_is_rejected():
    answer = "--- a/nothere.py\n+++ b/nothere.py\n@@ -1 +1 @@\n-X = 1\n+X = 2\n"
    with pytest.raises(HunkMismatch) as caught:
        apply(answer, {"calc.py": CALC})
    assert "nothere.py, which does not exist" in caught.value.feedback
    assert "/dev/null" in caught.value.feedback


@pytest.mark.parametrize("path", ["../x.py", "/etc/passwd", ".git/config", "sub/../../x.py", "C:/x.py"])
def test_unsafe_paths_refuse_the_whole_edit(path):
    bad = f"--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n-X = 1\n+X = 2\n"
    bad = bad.replace("a//", "/").replace("b//", "/")
    with pytest.raises(UnsafeEdit) as caught:
        apply(GOOD_FIX + bad, {"calc.py": CALC, path: "X = 1\n"})
    assert "refused" in caught.value.reason


def test_unsafe_path_in_search_replace_and_code_block():
    sr = "../evil.py\n<<<<<<< SEARCH\nX = 1\n=======\nX = 2\n>>>>>>> REPLACE\n"
    with pytest.raises(UnsafeEdit):
        apply(sr, {"calc.py": CALC})
    with pytest.raises(UnsafeEdit):
        apply("# file: .git/hooks/pre-commit\n```python\nprint('hi')\n```", {})


@pytest.mark.parametrize("marker", ["GIT binary patch\nliteral 12\nzcmXp\n", "Binary files a/x.png and b/x.png differ\n"])
def test_binary_patches_are_refused(marker):
    with pytest.raises(UnsafeEdit):
        apply(GOOD_FIX + "diff --git a/x.png b/x.png\n" + marker, {"calc.py": CALC})


def test_edit_that_changes_nothing_is_empty():
    answer = "--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a - b\n"
    with pytest.raises(EmptyEdit):
        apply(answer, {"calc.py": CALC})


def test_huge_answer_is_rejected_before_parsing():
    answer = "+x = 1\n" * 100_000
    with pytest.raises(EditTooLarge) as caught:
        apply(answer, {"calc.py": CALC})
    assert "700,000" in caught.value.reason


def test_forbidden_file_rejects_the_edit():
    answer = GOOD_FIX + "--- a/tests/test_calc.py\n+++ b/tests/test_calc.py\n@@ -1 +1 @@\n-assert True\n+pass\n"
    files = {"calc.py": CALC, "tests/test_calc.py": "assert True\n"}
    with pytest.raises(PathNotAllowed) as caught:
        apply(answer, files, allowed=lambda p: not p.startswith("tests/"))
    assert "tests/test_calc.py" in caught.value.reason
    assert isinstance(caught.value, EditRejected)


def test_overlapping_hunks_are_rejected():
    hunk = "@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n"
    with pytest.raises(HunkMismatch) as caught:
        apply("--- calc.py\n+++ calc.py\n" + hunk + hunk, {"calc.py": CALC})
    assert "change the same lines" in caught.value.feedback
