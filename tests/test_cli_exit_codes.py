"""The README's exit-code table is true for every command: each (command, code) pair the table
claims is produced here by a real invocation, and no invocation here gives a code the table does
not claim for its command. Codes 3 and 130 are also produced for every command by a fault
injected into the command itself (a bug, a Ctrl-C), through the one error handler."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from typing import Callable

import pytest
from conftest import PROJECT_ROOT, git, write_files
from fixrepo import CALC, GOOD_DIFF, WRONG_DIFF

from codey_git.commands._manpage import exit_code_rows

WORDS = "a request in words"
BREAKS_MUL = """```diff
--- a/calc.py
+++ b/calc.py
@@ -4,2 +4,2 @@

 def mul(a, b):
-    return a * b
+    return a + b
```
"""


def commands() -> list[str]:
    from codey_git.cli import command_modules

    return [*command_modules(), WORDS]


def claimed() -> dict[int, set[str]]:
    """code -> the commands the README's table names for it."""
    table = {}
    for code, _meaning, cell in exit_code_rows():
        names = set(re.findall(r"`([a-z-]+)`", cell.split(" but ")[0]))
        if WORDS in cell:
            names.add(WORDS)
        if cell.startswith("every command"):
            names = (
                set(commands()) - set(re.findall(r"`([a-z-]+)`", cell.split(" but ", 1)[1]))
                if " but " in cell
                else set(commands())
            )
        table[int(code)] = names
    return table


class Env:
    """A scratch world for one invocation: repos, a scripted model, the codey runner."""

    def __init__(self, make_repo, write_script, codey, tmp_path):
        self.make_repo, self.write_script, self.codey, self.tmp = make_repo, write_script, codey, tmp_path

    def calc(self, name: str = "repo"):
        return self.make_repo(CALC, name=name)

    def outside(self):
        path = self.tmp / "not-a-repo"
        path.mkdir(exist_ok=True)
        return path


def _fixed(env: Env):
    root = env.calc()
    env.write_script({"edit": [GOOD_DIFF], "commit_message": ["fix(calc): add returns the sum"]})
    assert env.codey(root, "fix", "bug in calc.py line 2").returncode == 0
    return root


def _run_misses(env: Env):
    """A recipe whose one task does not reach its goal: `git codey run` exits 1, not 0."""
    env.write_script({"edit": [BREAKS_MUL] * 12})
    recipe = env.tmp / "night.yml"
    recipe.write_text(
        "name: night\nconfig: {attempts: 1}\ntasks:\n  - edit: make add in calc.py return the sum\n    files: [calc.py]\n"
    )
    return env.codey(env.calc(), "run", str(recipe))


def _staged_bug(env: Env):
    root = env.calc()
    write_files(root, {"calc.py": "def add(a, b):\n    return a - b\n\n\ndef avg(xs):\n    return sum(xs) / len(xs) + 1\n"})
    git(root, "add", "calc.py")
    finding = {"file": "calc.py", "line": 6, "severity": "high", "category": "bug", "message": "off by one"}
    env.write_script({"review": [json.dumps({"findings": [finding]})]})
    return root


def _committed_bug(env: Env):
    root = _staged_bug(env)
    git(root, "commit", "-qm", "avg")
    return root


RUNS: dict[tuple[str, int], Callable[[Env], subprocess.CompletedProcess]] = {
    ("ci", 0): lambda e: e.codey(e.calc(), "ci", "review", "--base", "HEAD"),  # nothing between HEAD and HEAD
    ("ci", 1): lambda e: e.codey(_committed_bug(e), "ci", "review", "--base", "HEAD~1"),
    ("ci", 2): lambda e: e.codey(e.calc(), "ci", "run", "fix-failing-tests", "--shard", "3/2"),
    ("doctor", 0): lambda e: e.codey(e.calc(), "doctor", "--no-tests"),
    ("doctor", 1): lambda e: e.codey(e.calc(), "doctor", env={"CODEY_TEST_COMMAND": "no-such-test-runner"}),
    ("doctor", 2): lambda e: e.codey(e.calc(), "doctor", "--no-tests", env={"CODEY_ATTEMPTS": "0"}),  # invalid config
    ("completion", 0): lambda e: e.codey(e.tmp, "completion", "zsh"),
    ("completion", 2): lambda e: e.codey(e.tmp, "completion", "tcsh"),
    ("edit", 0): lambda e: (
        e.write_script({"edit": [GOOD_DIFF], "commit_message": ["feat: sum"]}),
        e.codey(e.calc(), "edit", "make add in calc.py return the sum"),
    )[1],
    ("edit", 1): lambda e: (
        e.write_script({"edit": [BREAKS_MUL] * 12}),
        e.codey(e.calc(), "edit", "make add in calc.py return the sum", "--attempts", "1"),
    )[1],
    ("edit", 2): lambda e: e.codey(e.outside(), "edit", "make add return the sum"),
    ("fix", 0): lambda e: (
        e.write_script({"edit": [GOOD_DIFF], "commit_message": ["fix: sum"]}),
        e.codey(e.calc(), "fix", "bug in calc.py line 2"),
    )[1],
    ("fix", 1): lambda e: (
        e.write_script({"edit": [WRONG_DIFF] * 12}),
        e.codey(e.calc(), "fix", "bug in calc.py line 2", "--attempts", "1"),
    )[1],
    ("fix", 2): lambda e: e.codey(
        e.calc(),
        "fix",
        "bug in calc.py line 2",  # the default model, not downloaded
        env={"CODEY_BACKEND": "llama_cpp", "CODEY_MODELS_DIR": str(e.tmp / "none")},
    ),
    ("gc", 0): lambda e: e.codey(e.calc(), "gc"),
    ("gc", 2): lambda e: e.codey(e.outside(), "gc"),
    ("help", 0): lambda e: e.codey(e.tmp, "help", "fix"),
    ("help", 2): lambda e: e.codey(e.tmp, "help", "fxi"),
    ("hook", 0): lambda e: e.codey(e.calc(), "hook", "install"),
    ("hook", 2): lambda e: e.codey(e.outside(), "hook", "install"),
    ("log", 0): lambda e: e.codey(e.calc(), "log"),
    ("log", 2): lambda e: e.codey(e.outside(), "log"),
    ("models", 0): lambda e: e.codey(e.tmp, "models", "list"),
    ("models", 2): lambda e: e.codey(e.tmp, "models", "pull", "no-such-model"),
    ("plan", 0): lambda e: e.codey(e.calc(), "plan", "fix the bug in calc.py line 2"),
    ("plan", 2): lambda e: e.codey(e.outside(), "plan", "fix the bug in calc.py line 2"),
    ("recipes", 0): lambda e: e.codey(e.tmp, "recipes", "list"),
    ("recipes", 2): lambda e: (
        (e.tmp / "bad.yml").write_text("name: x\ntasks: 3\n"),
        e.codey(e.tmp, "recipes", "check", str(e.tmp / "bad.yml")),
    )[1],
    ("report", 0): lambda e: e.codey(e.calc(), "report", "--since", "1h"),
    ("report", 2): lambda e: e.codey(e.calc(), "report"),  # no runs yet
    ("review", 0): lambda e: e.codey(e.calc(), "review"),  # nothing staged
    ("review", 1): lambda e: e.codey(_staged_bug(e), "review"),
    ("review", 2): lambda e: e.codey(e.calc(), "review", "--fail-on", "sometimes"),
    ("review", 3): lambda e: e.codey(
        _staged_bug(e),
        "review",
        "--no-fail-open",  # the model gives no answer
        env={"CODEY_SCRIPT": str(e.write_script({}))},
    ),
    ("route", 0): lambda e: e.codey(e.calc(), "route", "list files", "--yes"),
    ("route", 2): lambda e: e.codey(e.calc(), "route", "terminal: touch made.txt"),  # no terminal, no --yes
    ("run", 0): lambda e: e.codey(e.calc(), "run", "fix-failing-tests", "--dry-run"),
    ("run", 1): _run_misses,
    ("run", 2): lambda e: e.codey(e.calc(), "run", "no-such-recipe"),
    ("stats", 0): lambda e: e.codey(e.tmp, "stats"),
    ("stats", 2): lambda e: e.codey(e.tmp, "stats", "--last", "0"),
    ("undo", 0): lambda e: e.codey(_fixed(e), "undo"),
    ("undo", 2): lambda e: e.codey(e.calc(), "undo"),  # the last commit is not codey's
    (WORDS, 0): lambda e: e.codey(e.calc(), "show the status", "--yes"),
    (WORDS, 1): lambda e: e.codey(
        e.calc(), "run the tests", env={"CODEY_TEST_COMMAND": f"{sys.executable} -m pytest -q -p no:cacheprovider"}
    ),
    (WORDS, 2): lambda e: e.codey(e.calc(), "hlep"),
}

# arguments that reach each command's own code, for the injected faults and the closed pipe
REACH = {
    "ci": ["ci", "review", "--base", "HEAD", "--json"],
    "doctor": ["doctor", "--no-tests", "--json"],
    "completion": ["completion", "bash"],
    "edit": ["edit", "x"],
    "fix": ["fix", "x"],
    "gc": ["gc", "--json"],
    "help": ["help"],
    "hook": ["hook", "install"],
    "log": ["log", "--json"],
    "models": ["models", "list"],
    "plan": ["plan", "fix calc.py", "--json"],
    "recipes": ["recipes", "list"],
    "report": ["report", "--since", "1h", "--json"],
    "review": ["review", "--json"],
    "route": ["route", "list files", "--yes"],
    "run": ["run", "fix-failing-tests", "--dry-run"],
    "stats": ["stats", "--json"],
    "undo": ["undo", "--json"],
    WORDS: ["list files", "--yes"],
}


@pytest.fixture
def env(make_repo, write_script, codey, tmp_path):
    return Env(make_repo, write_script, codey, tmp_path)


def test_the_table_names_only_real_commands_and_every_pair_has_a_run():
    table = claimed()
    assert set(table) == {0, 1, 2, 3, 130, 141}
    assert set(REACH) == set(commands())
    for code, names in table.items():
        assert names <= set(commands()), code
        if code in (0, 1, 2):
            assert {(name, code) for name in names} == {k for k in RUNS if k[1] == code}, code


@pytest.mark.usefixtures("model_answers_only")
@pytest.mark.parametrize("command, code", sorted(RUNS), ids=lambda v: str(v).replace(" ", "-"))
def test_each_command_exits_as_the_table_says(env, command, code):
    assert command in claimed()[code], f"README's table does not claim {code} for {command}"
    out = RUNS[(command, code)](env)
    assert out.returncode == code, out.stdout + out.stderr
    assert "Traceback" not in out.stderr


def _bug() -> None:
    raise RuntimeError("injected bug")


def _ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)  # what a Ctrl-C at the terminal does
    time.sleep(5)


@pytest.mark.parametrize(
    "fault, code, said", [(_bug, 3, "internal error: RuntimeError: injected bug"), (_ctrl_c, 130, "stopped by Ctrl-C")]
)
def test_a_bug_or_ctrl_c_inside_any_command_exits_with_the_tables_code(make_repo, monkeypatch, capsys, fault, code, said):
    import codey_git.cli as cli
    import codey_git.commands._app as app_module
    from codey_git import signals

    root = make_repo(CALC)
    monkeypatch.chdir(root)
    normalize = app_module.normalize_help
    # main() installs codey's own signal handlers; pytest's come back after
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}

    def failing(command) -> None:
        normalize(command)
        for sub in getattr(command, "commands", {}).values():
            failing(sub)
        if not hasattr(command, "commands"):
            command.callback = lambda *args, **kwargs: fault()

    monkeypatch.setattr(app_module, "normalize_help", failing)
    try:
        for command in commands():
            assert command in claimed()[code]
            with pytest.raises(SystemExit) as exited:
                cli.main(list(REACH[command]))
            assert exited.value.code == code, command
            assert said in capsys.readouterr().err, command
            signals._received = None  # one process, many runs: forget the stop
    finally:
        signals._received = None
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_ctrl_c_during_a_fix_exits_130_and_leaves_the_branch(env):
    root = env.calc()
    env.write_script({"edit": [GOOD_DIFF] * 4})
    head = git(root, "rev-parse", "HEAD")
    slow = f"{sys.executable} -c \"import time; time.sleep(60)\""
    proc = subprocess.Popen(
        [sys.executable, "-m", "codey_git", "fix", "bug in calc.py line 2"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "CODEY_TEST_COMMAND": slow},
    )
    for line in proc.stderr:
        if "baseline tests" in line:
            break
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert git(root, "rev-parse", "HEAD") == head and git(root, "status", "--porcelain") == ""


def _piped(env: Env, command: str):
    """(repo, argv) of a run of ``command`` that prints its result on stdout."""
    if command in ("fix", "edit"):
        env.write_script({"edit": [GOOD_DIFF], "commit_message": ["fix: sum"]})
        return env.calc(command), [command, "bug in calc.py line 2", "--json"]
    if command == "undo":
        return _fixed(env), ["undo", "--json"]
    return env.calc(command.replace(" ", "-")), REACH[command]


def test_every_command_that_prints_exits_141_when_the_reader_is_gone(env):
    for command in sorted(claimed()[141]):
        root, argv = _piped(env, command)
        read, write = os.pipe()
        os.close(read)  # `| head -0`: nobody reads
        try:
            out = subprocess.run(
                [sys.executable, "-m", "codey_git", *argv],
                cwd=root,
                stdout=write,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
                env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            )
        finally:
            os.close(write)
        assert out.returncode == 141, (command, out.stderr)
        assert "Traceback" not in out.stderr and "Broken pipe" not in out.stderr, command
