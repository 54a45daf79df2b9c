"""codey's own commits get the review the user's commits get (#17 item 5): before landing, the
checks behind the `codey-review-checks` hook run on the diff to be landed; a blocking finding
keeps the commits on their codey/... branch. `land_review: off` lands unreviewed, and says so."""

import json

import pytest

from conftest import git
from fixrepo import CALC, GOOD_DIFF

# passes the tests, but `strict or True` ignores a False: a high finding of the built-in checks
FLAGGED_DIFF = """```diff
--- a/calc.py
+++ b/calc.py
@@ -1,2 +1,3 @@
-def add(a, b):
-    return a - b
+def add(a, b, strict=None):
+    strict = strict or True
+    return a + b
```
"""


@pytest.mark.usefixtures("model_first")
def test_blocking_finding_keeps_the_fix_on_its_branch(make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script({"edit": [FLAGGED_DIFF], "commit_message": ["fix(calc): add adds"]})
    before = git(root, "rev-parse", "HEAD")

    out = codey(root, "fix", "bug in calc.py line 2", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "committed"
    assert git(root, "rev-parse", "HEAD") == before
    assert "return a - b" in (root / "calc.py").read_text()
    review = result["land_review"]
    assert review["state"] == "blocked"
    assert any(f["file"] == "calc.py" and f["severity"] == "high" for f in review["findings"])
    assert "review" in result["reason"]
    assert "strict or True" in git(root, "show", f"{result['branch']}:calc.py")


@pytest.mark.usefixtures("model_first")
def test_blocking_finding_is_printed(make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script({"edit": [FLAGGED_DIFF]})

    out = codey(root, "fix", "bug in calc.py line 2")

    assert out.returncode == 0, out.stdout + out.stderr
    said = out.stdout + out.stderr
    assert "calc.py:2" in said and "always True" in said
    assert "git merge --ff-only codey/" in said


def test_clean_change_is_reviewed_and_lands(make_repo, write_script, codey):
    root = make_repo(CALC)
    write_script({"edit": [GOOD_DIFF]})

    out = codey(root, "fix", "bug in calc.py line 2", "--json")

    result = json.loads(out.stdout)
    assert result["status"] == "landed", out.stderr
    assert result["land_review"]["state"] == "passed"
    assert result["land_review"]["findings"] == []


def test_land_review_off_lands_and_says_not_reviewed(make_repo, write_script, codey):
    root = make_repo({**CALC, ".codey.yml": "land_review: off\n"})
    write_script({"edit": [FLAGGED_DIFF]})

    out = codey(root, "fix", "bug in calc.py line 2", "--json")

    result = json.loads(out.stdout)
    assert result["status"] == "landed", out.stderr
    assert result["land_review"]["state"] == "not reviewed"
    assert "not reviewed" in out.stderr


def test_land_review_off_is_said_in_text(make_repo, write_script, codey):
    root = make_repo({**CALC, ".codey.yml": "land_review: off\n"})
    write_script({"edit": [GOOD_DIFF]})

    out = codey(root, "fix", "bug in calc.py line 2")

    assert out.returncode == 0, out.stderr
    assert "not reviewed" in out.stdout + out.stderr


def test_land_review_must_be_checks_or_off(make_repo, write_script, codey):
    root = make_repo({**CALC, ".codey.yml": "land_review: maybe\n"})
    write_script({"edit": [GOOD_DIFF]})

    out = codey(root, "fix", "bug in calc.py line 2")

    assert out.returncode == 2
    assert "land_review" in out.stdout + out.stderr
