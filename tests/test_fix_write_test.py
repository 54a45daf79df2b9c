"""`git codey fix` for a symptom no test catches (#21 section 5): on a green suite codey says so
and suggests --write-test; with it, the coder first writes a test that fails on the symptom, and
the fix lands only with that test, in one commit, the whole suite green."""

import json
import subprocess
import sys

from conftest import git
from test_fix_loop import snapshot

FMT = {
    "fmt.py": """
        def format_version(major, minor, patch):
            return f"{minor}.{major}.{patch}"


        def parse_version(text):
            return tuple(int(p) for p in text.split("."))
        """,
    "tests/test_fmt.py": """
        from fmt import parse_version


        def test_parse_version():
            assert parse_version("1.2.3") == (1, 2, 3)
        """,
}

REQUEST = "format_version(3, 4, 5) returns '4.3.5' instead of '3.4.5'"
WRITE_TEST = "Write one pytest test file"  # the test writer's prompt says this
WRITTEN = "tests/test_fmt_format_version.py"

SYMPTOM_TEST = """```python
from fmt import format_version


def test_format_version_keeps_the_order():
    assert format_version(3, 4, 5) == "3.4.5"
```
"""

PASSING_TEST = """```python
from fmt import format_version


def test_format_version_returns_a_string():
    assert isinstance(format_version(3, 4, 5), str)
```
"""

NAME_ERROR_TEST = """```python
def test_format_version_keeps_the_order():
    assert formatversion(3, 4, 5) == "3.4.5"
```
"""

FIX = """```diff
--- a/fmt.py
+++ b/fmt.py
@@ -1,2 +1,2 @@
 def format_version(major, minor, patch):
-    return f"{minor}.{major}.{patch}"
+    return f"{major}.{minor}.{patch}"
```
"""

WEAKEN_TEST = f"""```diff
--- a/{WRITTEN}
+++ b/{WRITTEN}
@@ -4,2 +4,2 @@
 def test_format_version_keeps_the_order():
-    assert format_version(3, 4, 5) == "3.4.5"
+    assert format_version(3, 4, 5) == "4.3.5"
```
"""


def _said(out):
    return out.stdout + out.stderr


def _pytest(root):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root, capture_output=True, text=True
    )


def test_green_suite_says_nothing_fails_and_suggests_write_test(make_repo, write_script, codey):
    root = make_repo(FMT)
    write_script({"edit": [FIX]})
    before = snapshot(root)

    out = codey(root, "fix", REQUEST)

    assert out.returncode == 2, _said(out)
    assert "Traceback" not in out.stderr
    assert "the test suite passes (1 passed)" in out.stderr
    assert "no test exercises format_version in fmt.py" in out.stderr
    assert "nothing failing" in out.stderr
    assert "--write-test" in out.stderr
    assert snapshot(root) == before  # the fix was not applied
    assert "codey/" not in git(root, "branch", "--list")


def test_write_test_lands_the_test_and_the_fix_in_one_commit(make_repo, write_script, codey, tmp_path):
    root = make_repo(FMT)
    write_script({"edit": [{"when": WRITE_TEST, "text": SYMPTOM_TEST}, FIX]})
    base = git(root, "rev-parse", "HEAD")

    out = codey(root, "fix", REQUEST, "--write-test", "--json")

    assert out.returncode == 0, _said(out)
    result = json.loads(out.stdout)
    assert result["status"] == "landed"
    assert result["symptom_test"] == WRITTEN
    assert git(root, "rev-list", "--count", f"{base}..HEAD") == "1"
    files = git(root, "show", "--name-status", "--format=", "HEAD").splitlines()
    assert sorted(files) == sorted([f"A\t{WRITTEN}", "M\tfmt.py"])
    assert git(root, "log", "-1", "--format=%s").startswith("fix")
    assert WRITTEN in git(root, "log", "-1", "--format=%b")
    # the model wrote the test in this commit, whoever found the fix
    assert "\nCodey-Model: scripted/" in git(root, "log", "-1", "--format=%B")
    assert (root / WRITTEN).read_text() == SYMPTOM_TEST.split("```python\n")[1].split("```")[0]
    assert git(root, "status", "--porcelain") == ""
    green = _pytest(root)
    assert green.returncode == 0 and "2 passed" in green.stdout, green.stdout
    # the test shows the bug: on the commit before, it fails
    old = tmp_path / "old"
    git(root, "worktree", "add", "-q", "--detach", str(old), base)
    (old / WRITTEN).write_text((root / WRITTEN).read_text())
    red = _pytest(old)
    assert red.returncode == 1 and "1 failed" in red.stdout, red.stdout


def test_a_written_test_names_the_model_though_the_tests_chose_the_fix(make_repo, write_script, codey):
    fmt = FMT["fmt.py"].replace('f"{minor}.{major}.{patch}"', '"%d.%d.%d" % (minor, major, patch)')
    root = make_repo({**FMT, "fmt.py": fmt})
    write_script({"edit": [{"when": WRITE_TEST, "text": SYMPTOM_TEST}]})  # no fix from the model

    out = codey(root, "fix", REQUEST, "--write-test", "--json")

    assert out.returncode == 0, _said(out)
    message = git(root, "log", "-1", "--format=%B")
    assert "chosen by the tests (no model wrote it)" in message  # the fix: two values swapped
    assert "\nCodey-Model: scripted/" in message  # the test in the same commit: the model's
    assert sorted(git(root, "show", "--name-only", "--format=", "HEAD").splitlines()) == sorted(["fmt.py", WRITTEN])


def test_a_test_that_passes_on_the_buggy_code_is_rejected(make_repo, write_script, codey):
    root = make_repo(FMT)
    write_script({"edit": [{"when": WRITE_TEST, "text": PASSING_TEST}, FIX]})
    before = snapshot(root)

    out = codey(root, "fix", REQUEST, "--write-test", "--attempts", "1")

    assert out.returncode == 1, _said(out)
    said = _said(out)
    assert "no test that shows the symptom could be written" in said
    assert "it passes on the current code, so it does not show the symptom" in said
    assert "Nothing was changed" in said
    assert snapshot(root) == before
    assert "codey/" not in git(root, "branch", "--list")


def test_a_test_with_a_name_error_is_rejected_with_feedback_and_retried(make_repo, write_script, codey):
    root = make_repo(FMT)
    # the second test is given only to a prompt that tells the model why the first was rejected
    write_script({"edit": [{"when": WRITE_TEST, "text": NAME_ERROR_TEST}, {"when": "NameError", "text": SYMPTOM_TEST}, FIX]})

    out = codey(root, "fix", REQUEST, "--write-test", "--json")

    assert out.returncode == 0, _said(out)
    assert "test rejected" in out.stderr and "NameError raised in the test itself" in out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "landed" and result["symptom_test"] == WRITTEN
    assert "formatversion" not in (root / WRITTEN).read_text()


def test_only_a_broken_test_commits_nothing_and_says_why(make_repo, write_script, codey):
    root = make_repo(FMT)
    write_script({"edit": [{"when": WRITE_TEST, "text": NAME_ERROR_TEST}, FIX]})
    before = snapshot(root)

    out = codey(root, "fix", REQUEST, "--write-test", "--attempts", "1", "--json")

    assert out.returncode == 1, _said(out)
    result = json.loads(out.stdout)
    assert result["status"] == "failed" and result["commits"] == []
    assert "NameError raised in the test itself" in result["reason"]
    assert snapshot(root) == before


def test_the_fix_may_not_weaken_the_written_test(make_repo, write_script, codey):
    root = make_repo(FMT)
    write_script({"edit": [{"when": WRITE_TEST, "text": SYMPTOM_TEST}, WEAKEN_TEST, FIX]})

    out = codey(root, "fix", REQUEST, "--write-test", "--json", env={"CODEY_ALLOW_TEST_EDITS": "true"})

    assert out.returncode == 0, _said(out)
    assert "refused edit" in out.stderr
    assert '== "3.4.5"' in (root / WRITTEN).read_text()
    assert 'return f"{major}.{minor}.{patch}"' in (root / "fmt.py").read_text()


def test_write_test_on_a_failing_suite_says_so(make_repo, write_script, codey):
    red = "from fmt import format_version\n\n\ndef test_format_version():\n    assert format_version(1, 2, 3) == '1.2.3'\n"
    files = {**FMT, "tests/test_order.py": red}
    root = make_repo(files)
    write_script({"edit": [{"when": WRITE_TEST, "text": SYMPTOM_TEST}, FIX]})
    before = snapshot(root)

    out = codey(root, "fix", REQUEST, "--write-test")

    assert out.returncode == 2, _said(out)
    assert "the test suite already fails (1 passed, 1 failed: tests/test_order.py::test_format_version)" in out.stderr
    assert "without --write-test" in out.stderr
    assert snapshot(root) == before


def test_an_unknown_file_is_named_with_the_closest_ones(make_repo, write_script, codey):
    root = make_repo({**FMT, "utils/helper.py": "def helper():\n    return 1\n"})
    write_script({"edit": [FIX]})
    before = snapshot(root)

    out = codey(root, "fix", "bug in utils/helpr.py line 2")

    assert out.returncode == 2, _said(out)
    assert "no file 'utils/helpr.py' in the repository (closest: utils/helper.py)" in out.stderr
    assert "Traceback" not in out.stderr
    assert snapshot(root) == before


def test_an_unknown_symbol_is_named_with_the_closest_ones(make_repo, write_script, codey):
    root = make_repo(FMT)
    write_script({"edit": [FIX]})
    before = snapshot(root)

    out = codey(root, "fix", "`format_versoin` swaps major and minor; len(x) is fine")

    assert out.returncode == 2, _said(out)
    assert "no function, class or name 'format_versoin' in the repository (closest: format_version)" in out.stderr
    assert "'len'" not in out.stderr  # a builtin is known
    assert snapshot(root) == before


def test_a_fix_that_does_not_pass_the_written_test_commits_nothing(make_repo, write_script, codey):
    root = make_repo(FMT)
    wrong = FIX.replace('f"{major}.{minor}.{patch}"', 'f"{patch}.{minor}.{major}"')
    write_script({"edit": [{"when": WRITE_TEST, "text": SYMPTOM_TEST}, wrong]})
    before = snapshot(root)

    out = codey(root, "fix", REQUEST, "--write-test", "--attempts", "1", "--json")

    assert out.returncode == 1, _said(out)
    result = json.loads(out.stdout)
    assert result["status"] == "failed" and result["commits"] == []
    assert f"the test written for the symptom ({WRITTEN}) was not committed either" in result["reason"]
    assert snapshot(root) == before
    assert "codey/" not in git(root, "branch", "--list")


NO_TESTS = {"fmt.py": FMT["fmt.py"]}


def test_a_repository_without_tests_is_told_about_write_test(make_repo, write_script, codey):
    root = make_repo(NO_TESTS)
    write_script({"edit": [FIX]})
    before = snapshot(root)

    out = codey(root, "fix", REQUEST)

    assert out.returncode == 2, _said(out)
    assert "Traceback" not in out.stderr
    assert "no tests found" in out.stderr and "--write-test" in out.stderr
    assert snapshot(root) == before


def test_write_test_writes_the_first_test_of_a_repository_without_tests(make_repo, write_script, codey):
    root = make_repo(NO_TESTS)
    write_script({"edit": [{"when": WRITE_TEST, "text": SYMPTOM_TEST}, FIX]})
    base = git(root, "rev-parse", "HEAD")

    out = codey(root, "fix", "--write-test", REQUEST)

    assert out.returncode == 0, _said(out)
    assert git(root, "rev-list", "--count", f"{base}..HEAD") == "1"
    assert sorted(git(root, "show", "--name-only", "--format=", "HEAD").split()) == ["fmt.py", WRITTEN]
    assert _pytest(root).returncode == 0


def test_a_name_the_request_defines_itself_is_not_unknown(make_repo):
    # a bug report that shows how to reproduce it defines its own callbacks: found by blind4-boltons-2
    import pygit2

    from codey_git.engine.requestnames import unknown_names

    root = make_repo(FMT)
    repo = pygit2.Repository(str(root))
    text = (
        "format_version() ignores its sep= argument: with def prune(p, k): return p, class Box: ..., "
        "and keep = lambda v: v, format_version(1, 2, 3, sep=prune(1, 2)) and Box() and keep(3) "
        "give '1.2.3'; formatt_version(1) too"
    )
    assert [u.name for u in unknown_names(repo, text)] == ["formatt_version"]
    # but prose around a typo binds nothing, nor does a keyword argument's name (red-team pass)
    for typo, unknown in (
        ("Passing a lambda to format_versoin breaks: format_versoin(1, key=lambda v: v) is wrong", ["format_versoin"]),
        ("In class Formatr, Formatr(1) drops the patch", ["Formatr"]),
        ("After the def formatt_version change, formatt_version(1) returns None", ["formatt_version"]),
        ("format_version(1, 2, 3, patch_sep=True) ignores its `patch_sep` argument", ["patch_sep"]),
    ):
        assert [u.name for u in unknown_names(repo, typo)] == unknown, typo
