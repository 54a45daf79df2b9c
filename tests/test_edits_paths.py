"""Path checks and the unified diff codey reports."""

import pytest

from codey_git.edits import UnsafeEdit, check_path, parse_and_apply, unified_diff


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("calc.py", "calc.py"),
        ("./src//calc.py", "src/calc.py"),
        ("src/../calc.py", "calc.py"),
        ("`src\\calc.py`", "src/calc.py"),
        (" docs/notes.md ", "docs/notes.md"),
    ],
)
def test_check_path_normalises(raw, clean):
    assert check_path(raw) == clean


@pytest.mark.parametrize(
    "raw",
    ["", "/etc/passwd", "~/x.py", "C:\\x.py", "../x.py", "a/../../x.py", ".git/config", "sub/.git/HEAD", ".GIT/hooks/x", "x\0y"],
)
def test_check_path_refuses(raw):
    with pytest.raises(UnsafeEdit) as caught:
        check_path(raw)
    assert caught.value.exit_code == 1


def test_unified_diff_for_change_creation_and_deletion():
    changed = unified_diff("a\nb\n", "a\nc\n", "x.py")
    assert changed == "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
    created = unified_diff(None, "new\n", "n.py")
    assert "new file mode 100644\n--- /dev/null\n+++ b/n.py\n@@ -0,0 +1 @@\n+new\n" in created
    deleted = unified_diff("old\n", None, "o.py")
    assert "deleted file mode 100644\n--- a/o.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-old\n" in deleted
    assert unified_diff("same\n", "same\n", "s.py") == ""


def test_unified_diff_marks_a_missing_final_newline():
    diff = unified_diff("a\nb", "a\nb\n", "x.py")
    assert "-b\n\\ No newline at end of file\n+b\n" in diff


def test_read_file_is_never_asked_for_an_unsafe_path():
    asked = []

    def read_file(path):
        asked.append(path)
        return {"calc.py": "X = 1\n"}.get(path)

    answer = "Do not touch /etc/passwd or ../secret.py.\n\ncalc.py\n```python\nX = 2\n```"
    assert parse_and_apply(answer, read_file).changes == {"calc.py": "X = 2\n"}
    assert all(not p.startswith(("/", "..")) for p in asked)
