"""`git codey fix "tests in FILE fail since the last change"`: the user says when the bug came in,
so codey shows the coder what that change did to the code the failing tests run (#21 section 3,
"finding the code"), and names those lines first. A request that names no change gets none."""

import json

import pytest

from conftest import git, write_files
from codey_git.engine.recent_change import recent_change, requested_base

BEFORE = {
    "prices.py": """
        def subtotal(items):
            return sum(price * qty for price, qty in items)


        def discounted(items, rate):
            total = subtotal(items)
            return round(total * (1 - rate), 2)
        """,
    "tests/test_prices.py": """
        from prices import discounted, subtotal


        def test_subtotal():
            assert subtotal([(2.0, 3), (1.5, 2)]) == 9.0


        def test_discounted():
            assert discounted([(10.0, 1)], 0.25) == 7.5
        """,
}

# a feature commit that carries a bug: the sign of the discount flipped while adding percentages
AFTER = {
    "prices.py": """
        def subtotal(items):
            return sum(price * qty for price, qty in items)


        def discounted(items, rate):
            if rate > 1:
                rate = rate / 100  # a percentage
            total = subtotal(items)
            return round(total * (1 + rate), 2)


        def in_cents(amount):
            return int(round(amount * 100))
        """,
    "tests/test_cents.py": """
        from prices import in_cents


        def test_in_cents():
            assert in_cents(1.25) == 125
        """,
}

OLD_LINE = "-    return round(total * (1 - rate), 2)"  # only the last change's diff has it

FIX = """```diff
--- a/prices.py
+++ b/prices.py
@@ -8,1 +8,1 @@
-    return round(total * (1 + rate), 2)
+    return round(total * (1 - rate), 2)
```
"""


def _repo(make_repo):
    root = make_repo(BEFORE)
    write_files(root, AFTER)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "feat: percentage discounts, amounts in cents")
    return root


def test_the_last_change_is_shown_for_since_the_last_change(make_repo, write_script, codey):
    root = _repo(make_repo)
    # the fix is answered only to a prompt that holds the last change's diff of the failing code
    write_script({"edit": [{"when": OLD_LINE, "text": FIX}]})

    out = codey(root, "fix", "tests in tests/test_prices.py fail since the last change, please fix", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["status"] == "landed"
    assert "the last change" in out.stderr and "prices.py" in out.stderr
    assert "(1 - rate)" in (root / "prices.py").read_text()
    assert git(root, "status", "--porcelain") == ""


@pytest.mark.usefixtures("model_answers_only")
def test_no_change_is_shown_when_the_request_names_none(make_repo, write_script, codey):
    root = _repo(make_repo)
    write_script({"edit": [{"when": OLD_LINE, "text": FIX}]})

    out = codey(root, "fix", "Fix the failing test tests/test_prices.py::test_discounted", "--attempts", "1")

    assert out.returncode == 1  # the scripted fix needs the diff, and the prompt had none
    assert "the last change" not in out.stderr


@pytest.mark.parametrize(
    "request_text, base",
    [
        ("tests in tests/test_a.py fail since the last change, please fix", "HEAD~1"),
        ("broken since my last commit", "HEAD~1"),
        ("the parser fails after the last commit", "HEAD~1"),
        ("test_x fails since v1.2.0", "v1.2.0"),
        ("slugify broke since 3f2a9c1", "3f2a9c1"),
        ("since HEAD~3 the totals are wrong", "HEAD~3"),
        ("This push changed the code since 3f2a9c1d4e5f. Fix it.", "3f2a9c1d4e5f"),
        ("broken since v1.2.0.", "v1.2.0"),
        ("Fix the failing test tests/test_a.py::test_f", None),
        ("since yesterday the totals are wrong", None),
        ("the last element is dropped since it changed", None),
        ("broken since last commit", "HEAD~1"),
        ("the totals are wrong since last change", "HEAD~1"),
        ("the typo in the last commit message is not the bug; totals are wrong", None),
        ("as I said in my last commit's message, totals are wrong", None),
        ("parse() fails since 1.2.0-rc1", "1.2.0-rc1"),
        ("parse() fails since v2.0.0b3", "v2.0.0b3"),
        ("the totals are wrong since main", "main"),
        ("the totals are wrong since origin/develop", "origin/develop"),
        ("broken since branch feature/login-form", "feature/login-form"),
        ("broken since tag release-7.", "release-7"),
        ("since mainly the totals matter, fix them", None),
    ],
)
def test_which_change_a_request_names(request_text, base):
    assert requested_base(request_text) == base


def test_what_the_last_change_shows(make_repo):
    root = _repo(make_repo)
    ran = {("prices.py", n) for n in (6, 7, 8, 9)}  # discounted's lines, as the failing test ran them

    change = recent_change(root, "HEAD~1", lambda p, n: (p, n) in ran)

    assert change is not None and change.label.startswith('the last change (') and "feat: percentage" in change.label
    [hunk] = change.hunks  # git's one hunk for discounted and the new in_cents below it; no test file
    assert hunk.path == "prices.py" and 9 in hunk.new_lines
    assert OLD_LINE in change.note() and "+    return round(total * (1 + rate), 2)" in change.note()
    assert "test_cents" not in change.note()


def test_no_change_when_the_revision_does_not_resolve_or_the_hunk_is_too_long(make_repo):
    root = _repo(make_repo)
    assert recent_change(root, "v9.9.9", None) is None
    assert recent_change(root, "HEAD~5", None) is None  # older than the first commit
    write_files(
        root, {"prices.py": (root / "prices.py").read_text() + "".join(f"\n\ndef f{i}():\n    return {i}\n" for i in range(20))}
    )
    git(root, "commit", "-qam", "many helpers")
    assert recent_change(root, "HEAD~1", None) is None  # one 80-line hunk: not shown


def test_hunks_no_failing_test_ran_are_left_out(make_repo):
    body = "".join(f"\n\ndef f{i}(x):\n    return x + {i}\n" for i in range(12))
    root = make_repo({"calc.py": body.lstrip("\n")})
    write_files(root, {"calc.py": body.lstrip("\n").replace("x + 1\n", "x - 1\n").replace("x + 10\n", "x * 10\n")})
    git(root, "commit", "-qam", "two edits")
    lines = (root / "calc.py").read_text().splitlines()
    f10 = lines.index("    return x * 10") + 1

    only_f10 = recent_change(root, "HEAD~1", lambda p, n: n == f10)
    unknown = recent_change(root, "HEAD~1", None)

    assert only_f10 is not None and [h.new_lines for h in only_f10.hunks] == [[f10]]
    assert "x - 1" not in only_f10.note() and "+    return x * 10" in only_f10.note()
    assert unknown is not None and len(unknown.hunks) == 2  # no coverage: every hunk


def test_new_renamed_and_long_line_files(make_repo):
    root = make_repo({"old.py": "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(8)), "data.py": "ROWS = [1]\n"})
    git(root, "mv", "old.py", "new.py")
    write_files(root, {"new.py": (root / "new.py").read_text().replace("return 3", "return -3")})
    write_files(root, {"added.py": "def g():\n    return 1 / 0\n"})
    write_files(root, {"data.py": "ROWS = [" + ", ".join(map(str, range(20000))) + "]\n"})
    git(root, "add", "-A")
    git(root, "commit", "-qm", "rename, add, regenerate")

    change = recent_change(root, "HEAD~1", None)

    assert change is not None
    shown = change.note()
    assert "return -3" in shown and "+++ b/new.py" in shown  # a rename is followed, its edit shown
    assert "return 1 / 0" in shown  # a new module is a change too
    assert "ROWS" not in shown and len(shown) < 4000  # a 100 KB line is not put in the prompt


def test_the_last_change_is_counted_from_where_the_task_started(make_repo):
    """codey's own commits in the worktree (a provisional test, an earlier step) are not "the last change"."""
    root = _repo(make_repo)
    start = git(root, "rev-parse", "HEAD")
    write_files(root, {"tests/test_more.py": "def test_more():\n    assert True\n"})
    git(root, "add", "-A")
    git(root, "commit", "-qm", "test(codey): provisional")

    assert recent_change(root, "HEAD~1", None) is None  # the provisional commit holds only a test
    change = recent_change(root, "HEAD~1", None, head=start)
    assert change is not None and OLD_LINE in change.note() and start[:7] in change.label


def test_a_blobless_clone_gives_no_note_rather_than_an_error(make_repo, tmp_path):
    root = _repo(make_repo)
    git(root, "config", "uploadpack.allowFilter", "true")
    partial = tmp_path / "partial"
    git(tmp_path, "clone", "-q", "--filter=blob:none", "--no-checkout", root.as_uri(), str(partial))
    git(partial, "checkout", "-q", "main")  # fetches HEAD's blobs only; HEAD~1's stay missing

    assert recent_change(partial, "HEAD~1", None) is None


def test_since_a_branch_means_what_this_branch_changed_since_it_left_it(make_repo):
    """ "since main" on a feature branch: the branch's own commits (``git diff main...HEAD``), not
    the reverse of what main gained after the branch left it."""
    root = make_repo(BEFORE)
    git(root, "checkout", "-qb", "feature")
    write_files(root, AFTER)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "feat: percentage discounts")
    start = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "main")
    write_files(root, {"other.py": "def other():\n    return 2\n"})
    git(root, "add", "-A")
    git(root, "commit", "-qm", "main moves on")
    git(root, "checkout", "-q", "feature")

    change = recent_change(root, "main", None, head=start)

    assert change is not None and OLD_LINE in change.note()
    assert "other" not in change.note()  # main's later commit is not this branch's change


DOCSTRING = """```diff
--- a/prices.py
+++ b/prices.py
@@ -1,2 +1,3 @@
 def subtotal(items):
+    \"\"\"The sum of price times quantity.\"\"\"
     return sum(price * qty for price, qty in items)
```
"""


@pytest.mark.usefixtures("model_answers_only")
def test_in_a_stacked_recipe_the_last_change_is_the_users_not_the_task_before(make_repo, write_script, codey):
    # task 1 commits a docstring on the stack; task 2's "since the last change" still means the user's
    # last commit (what the recipe started from), whose diff holds the bug
    root = _repo(make_repo)
    (root / "night.yml").write_text(
        "name: night\nlanding: stacked\ntasks:\n"
        "  - edit: add a docstring to subtotal in prices.py\n"
        '  - fix: "tests in tests/test_prices.py fail since the last change, please fix"\n'
    )
    write_script({"edit": [{"when": "add a docstring", "text": DOCSTRING}, {"when": OLD_LINE, "text": FIX}]})

    out = codey(root, "run", "night.yml", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    tasks = json.loads(out.stdout)["tasks"]
    assert [t["status"] for t in tasks] == ["committed", "committed"], tasks
