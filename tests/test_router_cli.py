"""`git codey "<free text>"` from the outside: tools run without a model, only after --yes, and a
user's words are never handed to a shell."""

from __future__ import annotations

import json
import sys

import yaml
from conftest import git

from codey_git.router.fast import command_names, split_argv

FILES = {"calc.py": "def mean(xs):\n    return sum(xs) / len(xs)\n", "README.md": "# calc\n"}


def test_git_status_runs_without_loading_any_model(make_repo, codey):
    repo = make_repo(FILES)
    (repo / "new_file.py").write_text("x = 1\n")
    # the default backend with no model files anywhere: a rule-routed tool must not care
    out = codey(repo, "git status", "--yes", env={"CODEY_BACKEND": "llama_cpp"})
    assert out.returncode == 0, out.stderr
    assert "new_file.py" in out.stdout
    assert "$ git status" in out.stderr
    assert "model" not in out.stderr.lower()


def test_without_yes_and_without_a_terminal_nothing_runs(make_repo, codey):
    repo = make_repo(FILES)
    out = codey(repo, "terminal: touch made.txt")
    assert out.returncode == 2
    assert "--yes" in out.stderr
    assert not (repo / "made.txt").exists()


def test_shell_metacharacters_in_a_request_never_start_a_second_command(make_repo, codey):
    repo = make_repo(FILES)
    out = codey(repo, "run touch 'a; touch pwned'", "--yes")
    assert out.returncode == 0, out.stderr
    assert (repo / "a; touch pwned").exists() and not (repo / "pwned").exists()
    assert "touch 'a; touch pwned'" in out.stderr  # shown quoted, as a shell would need it
    out = codey(repo, "run echo $(touch pwned2) `touch pwned3` && touch pwned4 | touch pwned5", "--yes")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "$(touch pwned2) `touch pwned3` && touch pwned4 | touch pwned5"
    assert not any((repo / f"pwned{n}").exists() for n in range(2, 6))


def test_separate_words_keep_their_grouping(make_repo, codey):
    repo = make_repo(FILES)
    out = codey(repo, "terminal:", "touch", "x; touch pwned", "--yes")
    assert out.returncode == 0, out.stderr
    assert (repo / "x; touch pwned").exists() and not (repo / "pwned").exists()


def test_read_prints_a_file_whose_name_has_spaces_and_a_semicolon(make_repo, codey):
    repo = make_repo({**FILES, "odd; rm -rf name.txt": "still here\n"})
    out = codey(repo, 'read "odd; rm -rf name.txt"', "--yes")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "still here\n"


def test_read_of_a_missing_file_says_so_and_runs_nothing(make_repo, codey):
    repo = make_repo(FILES)
    out = codey(repo, "read nothere.py", "--yes")
    assert out.returncode == 2 and "no such file: nothere.py" in out.stderr


def test_list_files_lists_commit_files(make_repo, codey):
    repo = make_repo(FILES)
    out = codey(repo, "list", "files", "--yes")
    assert out.stdout.split() == ["README.md", "calc.py"]


def test_the_tools_exit_code_is_passed_on(make_repo, codey):
    repo = make_repo(FILES)
    out = codey(repo, "git rev-parse --verify no-such-ref", "--yes")
    assert out.returncode == 128


def test_a_mutating_git_command_is_flagged_and_needs_yes(make_repo, codey):
    repo = make_repo(FILES)
    refused = codey(repo, "git commit --allow-empty -m routed")
    assert refused.returncode == 2 and "changes your repository" in refused.stderr
    assert git(repo, "log", "--format=%s") == "initial"
    done = codey(repo, "git commit --allow-empty -m routed", "--yes")
    assert done.returncode == 0, done.stderr
    assert git(repo, "log", "-1", "--format=%s") == "routed"


def test_json_result_of_a_tool(make_repo, codey):
    repo = make_repo(FILES)
    out = codey(repo, "git status --short", "--yes", "--json")
    data = json.loads(out.stdout)
    assert data["intent"]["label"] == "git status" and data["intent"]["source"] == "rules"
    assert data["argv"] == ["git", "status", "--short"] and data["returncode"] == 0


def test_model_routed_request_runs_a_registry_tool(make_repo, codey, write_script):
    repo = make_repo(FILES)
    write_script({"route": ['{"intent": "list files"}']})
    out = codey(repo, "stuff in this place", "--yes")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["README.md", "calc.py"]


def test_dry_run_shows_the_route_and_runs_nothing(make_repo, codey):
    repo = make_repo(FILES)
    out = codey(repo, "route", "--dry-run", "--json", "terminal: touch made.txt")
    data = json.loads(out.stdout)
    assert data["intent"]["label"] == "shell" and data["command"] == "touch made.txt"
    assert not (repo / "made.txt").exists()


def test_test_intent_runs_the_test_command_and_summarizes(make_repo, codey):
    repo = make_repo(
        {
            **FILES,
            "test_calc.py": "from calc import mean\n\n"
            "def test_one():\n    assert mean([2]) == 2\n\n"
            "def test_empty():\n    assert mean([]) == 0\n",
        }
    )
    out = codey(repo, "run the tests", env={"CODEY_TEST_COMMAND": f"{sys.executable} -m pytest -q -p no:cacheprovider"})
    assert out.returncode == 1
    assert out.stdout.strip().splitlines()[-1].startswith("tests: 1 failed, 1 passed")


def test_explain_answers_with_the_coder_and_commits_nothing(make_repo, codey, tmp_path):
    repo = make_repo(FILES)
    head = git(repo, "rev-parse", "HEAD")
    script = tmp_path / "explain.yml"
    # answered only when the prompt carries the file the question names
    script.write_text(
        yaml.safe_dump(
            {"responses": {"explain": [{"when": "return sum(xs) / len(xs)", "text": "mean divides by len(xs), so [] raises."}]}}
        )
    )
    out = codey(
        repo, "what does mean in calc.py do with an empty list?", env={"CODEY_BACKEND": "scripted", "CODEY_SCRIPT": str(script)}
    )
    assert out.returncode == 0, out.stderr
    assert "so [] raises" in out.stdout
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == ""


def test_every_command_is_named_after_its_module_so_the_fast_path_leaves_it_alone():
    """The fast path tells free text from subcommands by module name, before typer is imported:
    `git codey log` is the log command even though the rules would route "log" to git log."""
    from codey_git.cli import app

    registered = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert registered <= command_names()
    assert all(split_argv([name, "--yes"]) is None for name in registered)


def test_a_bare_keyboard_interrupt_on_the_fast_path_names_ctrl_c(make_repo, monkeypatch, capsys):
    # `exc or 'Ctrl-C (SIGINT)'` was always exc (an exception is always true), so it said "stopped by ."
    import codey_git.router.toolrun as toolrun
    from codey_git.router.fast import try_tool_route

    repo = make_repo(FILES)
    monkeypatch.chdir(repo)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt()

    monkeypatch.setattr(toolrun, "run_tool", interrupted)
    assert try_tool_route(["git", "status"]) == 130
    assert "stopped by Ctrl-C (SIGINT)." in capsys.readouterr().err
