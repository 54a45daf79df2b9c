"""Test suites that misbehave: delete the code they test, start daemons that hold the output open,
and fixes that make the failing test go away instead of fixing the code."""

from __future__ import annotations

import json
import time

import pytest

from conftest import git
from hostile import CALC, GOOD, leftovers, new_file, reasons

DELETING_TEST = CALC["tests/test_calc.py"] + (
    "\n\ndef test_zz_cleanup():\n    import os, calc\n    os.remove(calc.__file__)\n    open('litter.txt', 'w').write('x')\n"
)


def test_what_the_tests_change_is_not_committed(make_repo, write_script, codey):
    root = make_repo({**CALC, "tests/test_calc.py": DELETING_TEST})
    write_script({"edit": [GOOD]})

    out = codey(root, "fix", "bug in calc.py line 2", "--json")

    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "landed"
    assert "return a + b" in (root / "calc.py").read_text()
    assert git(root, "show", "--stat", "--format=", "HEAD").split("|")[0].strip() == "calc.py"
    assert not (root / "litter.txt").exists()
    assert "calc.py" in result["discarded"] and "litter.txt" in result["discarded"]
    assert "discarded" in out.stderr


DAEMON_TEST = CALC["tests/test_calc.py"] + (
    "\n\ndef test_starts_a_daemon():\n    import subprocess, sys\n"
    "    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], start_new_session=True)\n"
)


def test_a_daemon_holding_the_output_open_does_not_hang_the_run(make_repo, write_script, codey):
    # -s: no capture, so the daemon inherits the test run's own output
    root = make_repo(
        {**CALC, "tests/test_calc.py": DAEMON_TEST, ".codey.yml": "test_timeout: 40\ntest_command: python -m pytest -q -s\n"}
    )
    write_script({"edit": [GOOD]})
    started = time.monotonic()

    out = codey(root, "fix", "bug in calc.py line 2", "--json", timeout=120)

    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "landed" and "timed out" not in (result["tests"] or "")
    # the baseline and the attempt each used to wait the whole test_timeout for the daemon
    assert time.monotonic() - started < 40


@pytest.mark.usefixtures("model_answers_only")
def test_a_new_pytest_ini_that_deselects_the_failing_test_is_refused(make_repo, write_script, codey):
    root = make_repo(CALC)
    ini = new_file("pytest.ini", "[pytest]\naddopts = --deselect tests/test_calc.py::test_add\n")
    write_script({"edit": [ini, ini, ini]})

    out = codey(root, "fix", "bug in calc.py line 2", "--json")

    assert out.returncode == 1
    why = reasons(out.stdout)
    assert why and all("configures how the tests run" in r for r in why), why
    assert not (root / "pytest.ini").exists()
    assert leftovers(root) == []


@pytest.mark.usefixtures("model_answers_only")
def test_pytest_settings_in_pyproject_and_setup_cfg_are_test_changes(make_repo, write_script, codey):
    root = make_repo({**CALC, "pyproject.toml": "[project]\nname = 'calc'\n", "setup.cfg": "[metadata]\nname = calc\n"})
    toml = (
        "```diff\n--- a/pyproject.toml\n+++ b/pyproject.toml\n@@ -1,2 +1,5 @@\n [project]\n name = 'calc'\n"
        "+\n+[tool.pytest.ini_options]\n+addopts = '--deselect tests/test_calc.py::test_add'\n```\n"
    )
    cfg = (
        "```diff\n--- a/setup.cfg\n+++ b/setup.cfg\n@@ -1,2 +1,5 @@\n [metadata]\n name = calc\n"
        "+\n+[tool:pytest]\n+addopts = -k 'not test_add'\n```\n"
    )
    write_script({"edit": [toml, cfg, toml]})

    out = codey(root, "fix", "bug in calc.py line 2", "--json")

    assert out.returncode == 1
    why = reasons(out.stdout)
    assert why and all("pytest settings" in r for r in why), why


@pytest.mark.usefixtures("model_answers_only")
def test_django_style_tests_module_is_a_test_file(make_repo, write_script, codey):
    app = {
        "app/__init__.py": "",
        "app/models.py": "def add(a, b):\n    return a - b\n",
        "app/tests.py": "from app.models import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
        "pytest.ini": "[pytest]\npython_files = tests.py test_*.py\n",
    }
    root = make_repo(app)
    cheat = (
        "```diff\n--- a/app/tests.py\n+++ b/app/tests.py\n@@ -4,2 +4,2 @@\n def test_add():\n"
        "-    assert add(2, 3) == 5\n+    assert add(2, 3) == -1\n```\n"
    )
    write_script({"edit": [cheat] * 3})

    out = codey(root, "fix", "test_add fails", "--json")

    assert out.returncode == 1
    why = reasons(out.stdout)
    assert why and all(r.startswith("refused edit") and "app/tests.py" in r for r in why), why
    assert "== 5" in (root / "app" / "tests.py").read_text()


@pytest.mark.usefixtures("model_answers_only")
def test_a_fix_that_makes_the_failing_test_stop_running_is_rejected(make_repo, write_script, codey):
    root = make_repo({**CALC, "tests/test_other.py": "def test_other():\n    assert True\n"})
    skip = (
        "```diff\n--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,4 @@\n+import pytest\n"
        "+pytest.skip('not today', allow_module_level=True)\n def add(a, b):\n     return a - b\n```\n"
    )
    write_script({"edit": [skip] * 3})

    out = codey(root, "fix", "bug in calc.py line 2", "--json")

    assert out.returncode == 1
    why = reasons(out.stdout)
    assert why and all("no longer run" in r for r in why), why


@pytest.mark.usefixtures("model_answers_only")
def test_a_new_module_shadowing_an_installed_one_is_a_test_change(make_repo, write_script, codey):
    root = make_repo(CALC)
    shadow = new_file("json.py", "def loads(s):\n    return 5\n")
    write_script({"edit": [shadow] * 3})

    out = codey(root, "fix", "bug in calc.py line 2", "--json")

    assert out.returncode == 1
    why = reasons(out.stdout)
    assert why and all("shadow" in r for r in why), why
