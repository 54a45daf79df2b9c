"""`git codey fix "tests in FILE fail since the last change"`: the user says when the bug came in,
so codey shows the coder what that change did to the code the failing tests run (#21 section 3,
"finding the code"), and names those lines first. A request that names no change gets none."""

import json

import pytest

from conftest import git, write_files
from codey_git.engine.recent_change import requested_base

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
        ("Fix the failing test tests/test_a.py::test_f", None),
        ("since yesterday the totals are wrong", None),
        ("the last element is dropped since it changed", None),
    ],
)
def test_which_change_a_request_names(request_text, base):
    assert requested_base(request_text) == base
