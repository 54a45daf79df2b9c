"""`git codey edit` never lands code that no test exercises (#17 item 4): it writes a test from the
request first (kept only when it fails before the change and passes after), or keeps the commit on
its codey/... branch and says that it is untested. Commit types follow the intent."""

import json

from conftest import git

STATS = {
    "stats.py": """
        def mean(xs):
            return sum(xs) / len(xs)
        """,
    "tests/test_stats.py": """
        from stats import mean


        def test_mean():
            assert mean([1, 2, 3]) == 2
        """,
}

ADD_STDEV = """```diff
--- a/stats.py
+++ b/stats.py
@@ -1,2 +1,7 @@
 def mean(xs):
     return sum(xs) / len(xs)
+
+
+def stdev(xs):
+    m = mean(xs)
+    return (sum((x - m) ** 2 for x in xs) / len(xs)) ** 0.5
```
"""

WRONG_STDEV = ADD_STDEV.replace("(sum((x - m) ** 2 for x in xs) / len(xs)) ** 0.5", "sum(x - m for x in xs) / len(xs)")

STDEV_TEST = """```python
from stats import stdev


def test_stdev():
    assert abs(stdev([2, 4, 4, 4, 5, 5, 7, 9]) - 2.0) < 1e-9
```
"""

TRIVIAL_TEST = "```python\ndef test_nothing():\n    assert True\n```\n"

FIX_MEAN = """```diff
--- a/stats.py
+++ b/stats.py
@@ -1,2 +1,2 @@
 def mean(xs):
-    return sum(xs) / len(xs)
+    return sum(xs) / len(xs) if xs else 0.0
```
"""

REQUEST = "add a function stdev(xs) to stats.py"
WRITE_TEST = "Write one pytest test file"  # the test writer's prompt says this


def _run(codey, root, *extra):
    out = codey(root, "edit", REQUEST, "--json", *extra)
    assert out.returncode == 0, out.stdout + out.stderr
    return out, json.loads(out.stdout)


def test_new_function_lands_with_a_test_that_failed_before(make_repo, write_script, codey):
    root = make_repo(STATS)
    write_script({"edit": [ADD_STDEV, {"when": WRITE_TEST, "text": STDEV_TEST}], "commit_message": ["fix(stats): add stdev"]})
    before = git(root, "rev-parse", "HEAD")

    out, result = _run(codey, root)

    assert result["status"] == "landed"
    assert result["untested"] is False
    written = [t for t in result["tested_by"] if t.startswith("tests/") and t != "tests/test_stats.py"]
    assert written and written[0].split("::")[0] != "tests/test_stats.py"
    assert git(root, "rev-list", "--count", f"{before}..HEAD") == "1"
    files = git(root, "show", "--name-status", "--format=", "HEAD").splitlines()
    new_test = written[0].split("::")[0]
    assert sorted(files) == sorted(["M\tstats.py", f"A\t{new_test}"])  # the test is committed with the change
    assert "stdev" in (root / new_test).read_text()
    assert git(root, "diff", before, "HEAD", "--", "tests/test_stats.py") == ""  # existing tests untouched
    # new behaviour is a feature, whatever the model called it
    assert git(root, "log", "-1", "--format=%s").startswith("feat(stats): add stdev")


def test_wrong_formula_is_kept_back_as_untested(make_repo, write_script, codey):
    root = make_repo(STATS)
    write_script({"edit": [WRONG_STDEV, {"when": WRITE_TEST, "text": STDEV_TEST}]})
    before = git(root, "rev-parse", "HEAD")

    out, result = _run(codey, root)

    assert result["status"] == "committed"
    assert result["untested"] is True and result["tested_by"] == []
    assert git(root, "rev-parse", "HEAD") == before
    assert result["branch"].startswith("codey/")
    assert "stdev" in git(root, "show", f"{result['branch']}:stats.py")
    assert "untested" in result["reason"] and "stdev" in result["reason"]
    assert result["take_command"] and result["branch"] in result["take_command"]


def test_no_test_from_the_model_keeps_it_back_and_says_so(make_repo, write_script, codey):
    root = make_repo(STATS)
    write_script({"edit": [ADD_STDEV]})
    before = git(root, "rev-parse", "HEAD")

    out = codey(root, "edit", REQUEST)

    assert out.returncode == 0, out.stdout + out.stderr
    assert git(root, "rev-parse", "HEAD") == before
    said = out.stdout + out.stderr
    assert "untested: no test covers this change" in said
    assert "kept on codey/" in said
    assert "git merge --ff-only codey/" in said


def test_a_test_that_passes_before_the_change_does_not_count(make_repo, write_script, codey):
    root = make_repo(STATS)
    write_script({"edit": [ADD_STDEV, {"when": WRITE_TEST, "text": TRIVIAL_TEST}]})
    before = git(root, "rev-parse", "HEAD")

    out, result = _run(codey, root)

    assert result["status"] == "committed" and result["untested"] is True
    assert git(root, "rev-parse", "HEAD") == before
    files = git(root, "show", "--name-only", "--format=", result["branch"]).splitlines()
    assert files == ["stats.py"]  # the useless test is not committed


def test_change_to_a_tested_function_lands_without_writing_a_test(make_repo, write_script, codey):
    root = make_repo(STATS)
    # no answer for the test writer: it must not be asked
    write_script({"edit": [FIX_MEAN], "commit_message": ["feat(stats): mean of nothing is 0"]})

    out = codey(root, "edit", "make mean in stats.py return 0.0 for an empty list", "--json")

    result = json.loads(out.stdout)
    assert result["status"] == "landed", out.stderr
    assert result["untested"] is False
    assert "tests/test_stats.py" in result["tested_by"]
    assert [c["purpose"] for c in result["calls"]].count("edit") == 1


def test_fix_commits_are_typed_fix(make_repo, write_script, codey):
    root = make_repo(
        {
            **STATS,
            "tests/test_stats.py": STATS["tests/test_stats.py"]
            + """

        def test_empty():
            assert mean([]) == 0.0
        """,
        }
    )
    write_script({"edit": [FIX_MEAN], "commit_message": ["feat(stats): handle empty lists"]})

    out = codey(root, "fix", "mean in stats.py fails on an empty list", "--json")

    assert json.loads(out.stdout)["status"] == "landed", out.stdout + out.stderr
    assert git(root, "log", "-1", "--format=%s") == "fix(stats): handle empty lists"


OWN_TEST = (
    ADD_STDEV.replace("```\n", "", 1).rstrip("`\n")
    + """
--- /dev/null
+++ b/tests/test_stdev.py
@@ -0,0 +1,5 @@
+from stats import stdev
+
+
+def test_stdev():
+    assert stdev([1, 1]) == 0
```
"""
)


def test_a_test_the_edit_brings_counts_when_it_failed_before(make_repo, write_script, codey):
    root = make_repo(STATS)
    write_script({"edit": [OWN_TEST]})  # nothing for a test writer: it must not be asked

    out, result = _run(codey, root)

    assert result["status"] == "landed", out.stderr
    assert result["tested_by"] == ["tests/test_stdev.py"]
    assert [c["purpose"] for c in result["calls"]].count("edit") == 1


def test_a_docstring_needs_no_test(make_repo, write_script, codey):
    root = make_repo(STATS)
    doc = (
        "```diff\n--- a/stats.py\n+++ b/stats.py\n@@ -1,2 +1,3 @@\n def mean(xs):\n"
        "+    \"\"\"The arithmetic mean of xs.\"\"\"\n     return sum(xs) / len(xs)\n```\n"
    )
    write_script({"edit": [doc]})

    out = codey(root, "edit", "document mean in stats.py", "--json")

    result = json.loads(out.stdout)
    assert result["status"] == "landed", out.stdout + out.stderr
    assert result["untested"] is False and result["tested_by"] == []
