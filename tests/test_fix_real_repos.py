"""`fix` on repositories shaped like real packages: test names reused across files, a request that
names a test node id or a test file, unittest classes, parametrized ids, a src/ layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import git


def _module(i: int, bug: bool) -> str:
    return f"def f{i}(x):\n    return x {'-' if bug else '+'} {i}\n"


def _same_names_repo(make_repo, buggy=(1, 2, 3)):
    files = {}
    for i in (1, 2, 3):
        files[f"src/pkg/m{i}.py"] = _module(i, i in buggy)
        files[f"tests/test_m{i}.py"] = (
            f"import pytest\nfrom pkg.m{i} import f{i}\n\n\n"
            f"def test_f():\n    assert f{i}(1) == {1 + i}\n\n\n"
            f"@pytest.mark.parametrize('x', [0, 2])\ndef test_g(x):\n    assert f{i}(x) == x + {i}\n"
        )
    files["src/pkg/__init__.py"] = ""
    return make_repo(files)


def _diff(i: int) -> str:
    return (
        f"```diff\n--- a/src/pkg/m{i}.py\n+++ b/src/pkg/m{i}.py\n@@ -1,2 +1,2 @@\n def f{i}(x):\n"
        f"-    return x - {i}\n+    return x + {i}\n```\n"
    )


def test_fixing_one_of_several_same_named_failing_tests_is_judged_by_node_id(make_repo, write_script, codey):
    root = _same_names_repo(make_repo)
    write_script({"edit": [{"when": "m1.py", "text": _diff(1)}]})

    out = codey(root, "fix", "Fix the failing test tests/test_m1.py::test_f", "--json")

    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    result = json.loads(out.stdout)
    assert result["status"] == "landed"
    assert "x + 1" in (root / "src/pkg/m1.py").read_text()
    assert "x - 2" in (root / "src/pkg/m2.py").read_text()  # the others were not its job


def test_a_request_naming_only_a_test_file_edits_the_code_it_imports(make_repo, write_script, codey):
    root = _same_names_repo(make_repo, buggy=(2,))
    write_script({"edit": [{"when": "def f2(x)", "text": _diff(2)}]})

    out = codey(root, "fix", "tests in tests/test_m2.py fail since the last change, please fix", "--json")

    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert json.loads(out.stdout)["status"] == "landed"
    assert git(root, "show", "--stat", "--format=", "HEAD").split("|")[0].strip() == "src/pkg/m2.py"


def test_the_projects_own_venv_runs_the_tests(make_repo, write_script, codey):
    import subprocess
    import sys

    root = _same_names_repo(make_repo, buggy=(1,))
    (root / ".git" / "info" / "exclude").write_text(".venv/\n")
    subprocess.run([sys.executable, "-m", "venv", str(root / ".venv")], check=True)
    # the project's venv sees this interpreter's packages (pytest among them) whatever the base
    # interpreter has: Debian's python3, which built CI's venv, has no pytest of its own
    import sysconfig

    purelib = subprocess.run(
        [str(root / ".venv" / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    write_script({"edit": [_diff(1)]})

    out = codey(root, "fix", "tests/test_m1.py::test_f fails", "--json")

    assert out.returncode == 0, out.stderr[-2000:]
    assert f"ran: {root / '.venv' / 'bin' / 'python'} -m pytest" in out.stderr


def test_a_missing_test_dependency_stops_before_any_model_call(make_repo, write_script, codey):
    root = make_repo(
        {
            "calc.py": "def add(a, b):\n    return a - b\n",
            "tests/test_calc.py": "import not_installed_anywhere\nfrom calc import add\n\n\n"
            "def test_add():\n    assert add(2, 3) == 5\n",
        }
    )
    write_script({"edit": []})

    out = codey(root, "fix", "bug in calc.py", "--json")

    assert out.returncode == 2, out.stderr
    assert "no module named 'not_installed_anywhere'" in out.stderr
    assert "generating" not in out.stderr


def test_a_bad_import_in_the_library_is_fixed_not_refused(make_repo, write_script, codey):
    root = make_repo(
        {
            "calc.py": "import jsonn\n\n\ndef add(a, b):\n    return a + b\n",
            "tests/test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
        }
    )
    fix = "```diff\n--- a/calc.py\n+++ b/calc.py\n@@ -1,4 +1,4 @@\n-import jsonn\n+import json\n \n \n def add(a, b):\n```\n"
    write_script({"edit": [fix]})

    out = codey(root, "fix", "ImportError in calc.py", "--json")

    assert out.returncode == 0, out.stderr[-2000:]
    assert (root / "calc.py").read_text().startswith("import json\n")


@pytest.mark.usefixtures("model_first")
def test_a_wrong_candidate_is_rejected_on_the_target_tests_alone(make_repo, write_script, codey, tmp_path):
    from fixrepo import CALC, GOOD_DIFF, WRONG_DIFF

    counter = tmp_path / "slow-runs.txt"
    slow = (
        "import os\n\n\ndef test_slow_suite_part():\n"
        "    with open(os.environ['SLOW_COUNTER'], 'a') as fh:\n        fh.write('x')\n"
    )
    root = make_repo({**CALC, "tests/test_slow.py": slow})
    write_script({"edit": [WRONG_DIFF, GOOD_DIFF]})

    out = codey(root, "fix", "bug in calc.py line 2", "--json", env={"SLOW_COUNTER": str(counter)})

    assert out.returncode == 0, out.stderr[-2000:]
    assert [a["passed"] for a in json.loads(out.stdout)["attempts"]] == [False, True]
    # the baseline and the passing candidate ran the whole suite; the rejected one did not
    assert counter.read_text() == "xx"


def test_a_flaky_test_is_reported_and_not_a_regression(make_repo, write_script, codey, tmp_path):
    from fixrepo import CALC, GOOD_DIFF

    state = tmp_path / "flaky-state.txt"
    flaky = (
        "import os\n\n\ndef test_flaky():\n    path = os.environ['FLAKY_STATE']\n"
        "    runs = int(open(path).read()) if os.path.exists(path) else 0\n"
        "    open(path, 'w').write(str(runs + 1))\n    assert runs != 1  # fails on its second run only\n"
    )
    root = make_repo({**CALC, "tests/test_flaky.py": flaky})
    write_script({"edit": [GOOD_DIFF]})

    out = codey(root, "fix", "bug in calc.py line 2", "--json", env={"FLAKY_STATE": str(state)})

    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout)["status"] == "landed"
    assert "flaky" in out.stderr and "tests/test_flaky.py::test_flaky" in out.stderr


@pytest.mark.usefixtures("model_first")
def test_a_library_module_with_doctests_may_be_fixed_but_its_examples_may_not_change(make_repo, write_script, codey):
    lib = 'def double(x):\n    """Twice x.\n\n    >>> double(2)\n    4\n    """\n    return x + 2\n'  # the example passes
    root = make_repo(
        {
            "lib.py": lib,
            "pytest.ini": "[pytest]\naddopts = --doctest-modules\n",
            "tests/test_lib.py": "from lib import double\n\n\ndef test_double():\n    assert double(3) == 6\n",
        }
    )
    cheat = "```diff\n--- a/lib.py\n+++ b/lib.py\n@@ -3,4 +3,4 @@\n \n     >>> double(2)\n-    4\n+    5\n     \"\"\"\n```\n"
    good = "```diff\n--- a/lib.py\n+++ b/lib.py\n@@ -6,2 +6,2 @@\n     \"\"\"\n-    return x + 2\n+    return x * 2\n```\n"
    write_script({"edit": [cheat, good]})

    out = codey(root, "fix", "double(3) returns 5 instead of 6", "--json")

    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    attempts = json.loads(out.stdout)["attempts"]
    assert "doctest examples" in attempts[0]["reason"] and attempts[1]["passed"]
    assert "return x * 2" in (root / "lib.py").read_text() and ">>> double(2)\n    4" in (root / "lib.py").read_text()
    assert "tests_s" in json.loads(out.stdout)["timings"]


def test_parametrized_ids_built_at_run_time_are_not_tests_gone(make_repo, write_script, codey):
    from fixrepo import CALC, GOOD_DIFF

    clock = (
        "import time\n\nimport pytest\n\n\n@pytest.mark.parametrize('stamp', [time.time_ns()])\n"
        "def test_clock(stamp):\n    assert stamp > 0\n"
    )
    root = make_repo({**CALC, "tests/test_clock.py": clock})
    write_script({"edit": [GOOD_DIFF]})

    out = codey(root, "fix", "bug in calc.py line 2", "--json")

    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]


def test_a_target_that_needs_the_tests_before_it_in_its_file_is_judged_with_them(make_repo, write_script, codey):
    from fixrepo import GOOD_DIFF

    ordered = (
        "import calc\n\nSTATE = {}\n\n\ndef test_a_setup():\n    STATE['ready'] = True\n\n\n"
        "def test_b_add():\n    assert STATE['ready'] and calc.add(2, 3) == 5\n"
    )
    root = make_repo(
        {
            "calc.py": "def add(a, b):\n    return a - b\n",
            "tests/test_calc.py": ordered,
            "tests/test_other.py": "def test_other():\n    assert True\n",
        }
    )
    write_script({"edit": [GOOD_DIFF]})

    out = codey(root, "fix", "Fix the failing test tests/test_calc.py::test_b_add", "--json")

    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]


def test_a_module_far_over_the_context_is_shown_narrowly_instead_of_refused(make_repo, write_script, codey):
    filler = "".join(
        f"def helper_{i}(value):\n    '''Helper number {i}, long enough to cost tokens.'''\n"
        f"    return value * {i} + len('{'x' * 60}')\n\n\n"
        for i in range(900)
    )
    big = filler + "def add(a, b):\n    return a - b\n"
    line = big.count("\n") - 1
    root = make_repo(
        {"big.py": big, "tests/test_big.py": "from big import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"}
    )
    fix = (
        f"```diff\n--- a/big.py\n+++ b/big.py\n@@ -{line},2 +{line},2 @@\n def add(a, b):\n"
        "-    return a - b\n+    return a + b\n```\n"
    )
    write_script({"edit": [fix]})

    out = codey(root, "fix", f"bug in big.py line {line + 1}", "--json")

    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert json.loads(out.stdout)["tokens"]["prompt_tokens"] < 8192
