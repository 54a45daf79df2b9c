"""Unified diffs from models: the tolerances codey applies them with."""

import textwrap

from codey_git.edits import parse_and_apply

STATS = textwrap.dedent("""\
    import math


    def mean(xs):
        return sum(xs) / len(xs)


    def median(xs):
        s = sorted(xs)
        return s[len(s) // 2]


    def spread(xs):
        return max(xs) - min(xs)
    """)

FIXED_MEDIAN = textwrap.dedent("""\
    def median(xs):
        s = sorted(xs)
        n = len(s)
        if n % 2:
            return s[n // 2]
        return (s[n // 2 - 1] + s[n // 2]) / 2
    """)

MEDIAN_HUNK = """\
 def median(xs):
     s = sorted(xs)
-    return s[len(s) // 2]
+    n = len(s)
+    if n % 2:
+        return s[n // 2]
+    return (s[n // 2 - 1] + s[n // 2]) / 2
"""


def apply(answer, files, **kwargs):
    return parse_and_apply(answer, files.get, **kwargs)


def fenced(body):
    return f"Here is the fix.\n\n```diff\n{body}```\n\nThis handles even lengths."


def median_diff(header="@@ -8,3 +8,6 @@", hunk=MEDIAN_HUNK):
    return f"--- a/stats.py\n+++ b/stats.py\n{header}\n{hunk}"


def test_fenced_diff_with_exact_header_applies_without_notes():
    result = apply(fenced(median_diff()), {"stats.py": STATS})
    assert result.format == "diff"
    assert FIXED_MEDIAN in result.changes["stats.py"]
    assert result.notes == []
    assert result.diff.startswith("diff --git a/stats.py b/stats.py\n--- a/stats.py\n+++ b/stats.py\n")


def test_raw_diff_between_prose_applies():
    answer = "The median is wrong for even lengths.\n\n" + median_diff() + "\nLet me know!\n"
    result = apply(answer, {"stats.py": STATS})
    assert FIXED_MEDIAN in result.changes["stats.py"]


def test_offset_drift_is_applied_and_noted():
    result = apply(fenced(median_diff("@@ -5,3 +5,6 @@")), {"stats.py": STATS})
    assert FIXED_MEDIAN in result.changes["stats.py"]
    assert result.notes == ["hunk 1 of stats.py applied at line 8 (offset +3)"]


def test_wrong_counts_in_header_are_tolerated():
    result = apply(fenced(median_diff("@@ -8,9 +8,2 @@")), {"stats.py": STATS})
    assert FIXED_MEDIAN in result.changes["stats.py"]
    assert any("missing or wrong line counts" in note for note in result.notes)


def test_bare_hunk_headers_are_tolerated():
    for header in ("@@ ... @@", "@@"):
        result = apply(fenced(median_diff(header)), {"stats.py": STATS})
        assert FIXED_MEDIAN in result.changes["stats.py"], header
        assert any("no line number" in note for note in result.notes)


def test_headerless_hunks_go_to_the_focus_file():
    result = apply(fenced("@@ @@\n" + MEDIAN_HUNK), {"stats.py": STATS}, focus_file="stats.py")
    assert FIXED_MEDIAN in result.changes["stats.py"]


def test_trailing_whitespace_differences_are_ignored():
    hunk = MEDIAN_HUNK.replace(" def median(xs):", " def median(xs):   ")
    result = apply(fenced(median_diff(hunk=hunk)), {"stats.py": STATS})
    assert FIXED_MEDIAN in result.changes["stats.py"]
    assert any("trailing whitespace" in note for note in result.notes)


def test_hunk_with_lost_indentation_is_reindented():
    unindented = """\
 def median(xs):
 s = sorted(xs)
-return s[len(s) // 2]
+n = len(s)
+return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
"""
    result = apply(fenced(median_diff(hunk=unindented)), {"stats.py": STATS})
    text = result.changes["stats.py"]
    assert "    s = sorted(xs)\n    n = len(s)\n    return s[n // 2] if n % 2" in text
    assert any("indentation" in note for note in result.notes)


def test_wrong_context_at_the_edges_is_trimmed_by_fuzz():
    hunk = " def median(values):\n" + MEDIAN_HUNK.split("\n", 1)[1] + " # trailing context that is not there\n"
    result = apply(fenced(median_diff(hunk=hunk)), {"stats.py": STATS})
    assert FIXED_MEDIAN in result.changes["stats.py"]
    assert any("1 leading and 1 trailing context lines dropped" in note for note in result.notes)


def test_blank_context_line_without_leading_space_counts_as_context():
    hunk = """\
     return sum(xs) / len(xs)


 def median(xs):
     s = sorted(xs)
-    return s[len(s) // 2]
+    return (s[(len(s) - 1) // 2] + s[len(s) // 2]) / 2
"""
    result = apply(fenced(median_diff("@@ -5,6 +5,6 @@", hunk)), {"stats.py": STATS})
    assert "    return (s[(len(s) - 1) // 2] + s[len(s) // 2]) / 2\n" in result.changes["stats.py"]


def test_multiple_files_and_out_of_order_hunks():
    other = "def double(x):\n    return x + x\n"
    answer = fenced(
        "--- stats.py\n+++ stats.py\n"
        "@@ -14,2 +14,2 @@\n def spread(xs):\n-    return max(xs) - min(xs)\n+    return max(xs) - min(xs) if xs else 0\n"
        "@@ -1,3 +1,3 @@\n-import math\n+import statistics\n \n \n"
        "--- util.py\n+++ util.py\n@@ -1,2 +1,2 @@\n def double(x):\n-    return x + x\n+    return 2 * x\n"
    )
    result = apply(answer, {"stats.py": STATS, "util.py": other})
    assert result.changes["stats.py"].startswith("import statistics\n")
    assert "    return max(xs) - min(xs) if xs else 0\n" in result.changes["stats.py"]
    assert result.changes["util.py"] == "def double(x):\n    return 2 * x\n"
    assert result.diff.count("diff --git") == 2


def test_separate_diff_blocks_per_file_are_combined():
    answer = (
        fenced(median_diff()) + "\n\nAnd the helper:\n\n```diff\n--- a/util.py\n+++ b/util.py\n@@ -1 +1 @@\n-X = 1\n+X = 2\n```\n"
    )
    result = apply(answer, {"stats.py": STATS, "util.py": "X = 1\n"})
    assert set(result.changes) == {"stats.py", "util.py"}


def test_dev_null_creates_and_deletes_files():
    answer = fenced(
        "--- /dev/null\n+++ b/pkg/new.py\n@@ -0,0 +1,2 @@\n+def hello():\n+    return 'hi'\n"
        "--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-X = 1\n"
    )
    result = apply(answer, {"old.py": "X = 1\n"})
    assert result.changes == {"pkg/new.py": "def hello():\n    return 'hi'\n", "old.py": None}
    assert "--- /dev/null\n+++ b/pkg/new.py" in result.diff
    assert "--- a/old.py\n+++ /dev/null" in result.diff


def test_a_b_prefixes_are_optional_and_kept_for_a_real_folder_named_a():
    files = {"a/x.py": "X = 1\n"}
    result = apply(fenced("--- a/x.py\n+++ a/x.py\n@@ -1 +1 @@\n-X = 1\n+X = 2\n"), files)
    assert result.changes == {"a/x.py": "X = 2\n"}


def test_crlf_and_missing_final_newline_are_preserved():
    files = {"w.py": "a = 1\r\nb = 2\r\nc = 3"}
    result = apply(fenced("--- w.py\n+++ w.py\n@@ -1,3 +1,3 @@\n a = 1\n-b = 2\n+b = 20\n c = 3\n"), files)
    assert result.changes["w.py"] == "a = 1\r\nb = 20\r\nc = 3"
    assert "\\ No newline at end of file" in result.diff


def test_crlf_model_output_and_think_blocks_are_cleaned():
    answer = (
        "<think>maybe ```diff\n--- a/stats.py\n+++ b/stats.py\n@@ -1 +1 @@\n-import math\n+import os\n```</think>\n"
        + fenced(median_diff())
    )
    result = apply(answer.replace("\n", "\r\n"), {"stats.py": STATS})
    assert result.changes["stats.py"].startswith("import math\n")
    assert FIXED_MEDIAN in result.changes["stats.py"]


def test_result_diff_reapplies_to_the_same_text():
    result = apply(fenced(median_diff("@@")), {"stats.py": STATS})
    again = apply(result.diff, {"stats.py": STATS})
    assert again.changes == result.changes
    assert again.notes == []


def test_diff_block_without_any_hunk_header_applies_to_the_focus_file():
    answer = "```diff\n-    return s[len(s) // 2]\n+    return s[(len(s) - 1) // 2]\n```"
    result = apply(answer, {"stats.py": STATS}, focus_file="stats.py")
    assert "    return s[(len(s) - 1) // 2]\n" in result.changes["stats.py"]


def test_remarks_after_header_paths_are_ignored():
    answer = median_diff().replace("--- a/stats.py", "--- stats.py (original)").replace("+++ b/stats.py", "+++ stats.py (fixed)")
    assert FIXED_MEDIAN in apply(answer, {"stats.py": STATS}).changes["stats.py"]
