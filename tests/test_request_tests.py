"""A fix request that names a test by node id is about that test: a typo in the id, or a test
that passes, stops the request before any change instead of fixing whichever tests fail."""

import json

import pytest

from conftest import git
from fixrepo import CALC
from codey_git.engine.requesttests import named_tests


def test_node_ids_are_read_as_a_request_writes_them():
    text = "Fix the failing test tests/test_a.py::Test::test_f[2-3]. Also src/pkg/x.py::g: and not a.py alone"
    assert named_tests(text) == ["tests/test_a.py::Test::test_f[2-3]", "src/pkg/x.py::g"]
    assert named_tests("tests in tests/test_a.py fail since the last change") == []


@pytest.mark.parametrize(
    "request_text, said",
    [
        (
            "Fix the failing test tests/test_calc.py::test_ad",
            "names a test the suite does not have: tests/test_calc.py::test_ad (closest: tests/test_calc.py::test_add",
        ),
        (
            "Fix the failing test tests/test_calc.py::test_mul.",
            "names a test that passes at baseline: tests/test_calc.py::test_mul",
        ),
    ],
)
def test_a_named_test_that_does_not_fail_stops_the_fix_and_changes_nothing(make_repo, write_script, codey, request_text, said):
    root = make_repo(CALC)
    write_script({"edit": []})
    before = git(root, "rev-parse", "HEAD")

    out = codey(root, "fix", request_text, "--json")

    assert out.returncode == 2, out.stdout + out.stderr
    assert said in out.stderr and "Traceback" not in out.stderr
    assert git(root, "rev-parse", "HEAD") == before and git(root, "status", "--porcelain") == ""
    assert "one-token" not in out.stderr  # stopped before any candidate


def test_a_named_failing_test_and_its_class_or_cases_still_count(make_repo, write_script, codey):
    files = {
        **CALC,
        "tests/test_calc.py": CALC["tests/test_calc.py"]
        + "\n\n        class TestAdd:\n            def test_two(self):\n                assert add(1, 1) == 2\n",
    }
    root = make_repo(files)
    write_script({"edit": []})

    out = codey(root, "fix", "Fix the failing test tests/test_calc.py::TestAdd", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["status"] == "landed"
