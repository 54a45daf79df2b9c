"""Help behaves like git's: `-h` and `help [COMMAND]` everywhere, `git codey --help` opens the man
page that is made from the command line (and checked here to be up to date), `--version`, shell
completion, usage errors that point at `git codey help COMMAND`, and help text without typer's
`<bool>`, `<str>`, `<list[str]>` or `{request}` placeholders."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, git

from codey_git.commands import _manpage

GROUPS = {
    "models": ["list", "pull", "verify", "info", "rm"],
    "recipes": ["list", "check"],
    "hook": ["install", "uninstall"],
    "ci": ["review", "fix", "run"],
}


def every_command_line() -> list[list[str]]:
    from codey_git.cli import command_modules

    lines = [[]]
    for name in command_modules():
        lines.append([name])
        lines += [[name, sub] for sub in GROUPS.get(name, [])]
    return lines


@pytest.mark.parametrize("words", [[], ["fix"], ["models", "pull"], ["review"], ["help"]])
def test_dash_h_and_help_command_print_the_same_help(tmp_path, codey, words):
    short = codey(tmp_path, *words, "-h")
    assert short.returncode == 0, short.stderr
    assert short.stdout.startswith("Usage: git codey" + "".join(" " + w for w in words))
    assert codey(tmp_path, *words, "--help").stdout == short.stdout
    if words:
        assert codey(tmp_path, "help", *words).stdout == short.stdout


def test_help_for_an_unknown_command_says_what_exists(tmp_path, codey):
    out = codey(tmp_path, "help", "reveiw")
    assert out.returncode == 2 and "did you mean `git codey review`" in out.stderr
    out = codey(tmp_path, "help", "models", "nope")
    assert out.returncode == 2 and "git codey help models" in out.stderr


def test_no_placeholders_in_any_help(tmp_path):
    from codey_git.cli import main

    for words in every_command_line():
        out = subprocess.run(
            [sys.executable, "-m", "codey_git", *words, "-h"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        )
        assert out.returncode == 0, (words, out.stderr)
        for bad in ("<bool>", "<str>", "<list[", "<int>", "<float>", "{request}", "{name}", "{"):
            assert bad not in out.stdout, (words, bad, out.stdout)
    assert main  # the same command line as the entry point


def test_usage_errors_point_at_help_command_and_dash_h(tmp_path, codey):
    for words, where in (
        (["fix"], "fix"),
        (["fix", "x", "--bogus"], "fix"),
        (["models", "pull"], "models pull"),
        (["--bogus"], ""),
    ):
        out = codey(tmp_path, *words)
        assert out.returncode == 2, out.stderr
        assert "Try 'git codey" not in out.stderr
        assert (f"git codey help {where}`" if where else "git codey help`") in out.stderr
        assert "Traceback" not in out.stderr


def test_version_names_codey_and_what_it_runs_on_without_loading_llama(tmp_path, codey):
    out = codey(tmp_path, "--version", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    import codey_git

    assert lines[0] == f"git codey {codey_git.__version__}"
    for name in ("llama-cpp-python ", "pygit2 ", "libgit2 ", "Python "):
        assert any(line.startswith(name) and "not installed" not in line for line in lines), name
    assert not re.search(r"\|\s+llama_cpp\s*$", out.stderr, re.M)  # read from metadata, not imported


def test_the_shipped_man_page_is_the_one_the_command_line_makes():
    assert _manpage.MAN_PAGE.read_text(encoding="utf-8") == _manpage.render(), (
        "man/git-codey.1 is out of date: python -m codey_git.commands._manpage --write"
    )


def test_man_page_covers_every_command_and_the_readme_exit_codes():
    page = _manpage.render()
    for words in every_command_line()[1:]:
        assert f'.SS "git codey {" ".join(words)}"' in page or words[0] in GROUPS, words
    for code, _meaning, _commands in _manpage.exit_code_rows():
        assert f".B {code}\n" in page


@pytest.mark.skipif(shutil.which("man") is None, reason="no man program")
def test_git_codey_dash_dash_help_opens_the_man_page_through_git(tmp_path):
    """git turns `git codey --help` into `man git-codey`; man looks in <prefix>/share/man."""
    prefix = tmp_path / "prefix"
    (prefix / "share" / "man" / "man1").mkdir(parents=True)
    shutil.copy(_manpage.MAN_PAGE, prefix / "share" / "man" / "man1" / "git-codey.1")
    (prefix / "bin").mkdir()
    shim = prefix / "bin" / "git-codey"
    shim.write_text(f"#!/bin/sh\nPYTHONPATH={PROJECT_ROOT} exec {sys.executable} -m codey_git \"$@\"\n")
    shim.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{prefix / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "MANPAGER": "cat",
        "PAGER": "cat",
        "MANWIDTH": "80",
        "MANPATH": str(prefix / "share" / "man"),
    }
    git(tmp_path, "init", "-q")
    out = subprocess.run(["git", "codey", "--help"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert "git-codey - A local, test-gated coding agent for git" in out.stdout
    assert "EXIT STATUS" in out.stdout


def test_completion_candidates(tmp_path, codey):
    def complete(*words: str) -> list[str]:
        out = codey(tmp_path, "__complete", *words)
        assert out.returncode == 0, out.stderr
        return out.stdout.split()

    assert {"fix", "review", "models", "help", "completion"} <= set(complete(""))
    assert complete("re") == ["recipes", "report", "review"]
    assert complete("models", "") == ["info", "list", "pull", "rm", "verify"]
    assert "--fail-on" in complete("review", "--f")
    assert complete("review", "--fail-on", "") == ["critical", "high", "medium", "low", "info"]
    assert complete("completion", "") == ["bash", "zsh", "fish"]
    assert "smollm2-135m" in complete("models", "pull", "")
    assert complete("help", "mo") == ["models"]
    assert complete("fix the bug", "") == []  # a request in words: the shell completes file names


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(tmp_path, codey, shell):
    out = codey(tmp_path, "completion", shell)
    assert out.returncode == 0, out.stderr
    assert "git-codey __complete" in out.stdout
    assert {"bash": "_git_codey()", "zsh": "_git-codey()", "fish": "function __git_codey_complete"}[shell] in out.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_completion_through_gits_completion_function(tmp_path, codey):
    """git's bash completion calls _git_codey with words/cword set; it asks git-codey."""
    script = tmp_path / "codey.bash"
    script.write_text(codey(tmp_path, "completion", "bash").stdout)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "git-codey"
    shim.write_text(f"#!/bin/sh\nPYTHONPATH={PROJECT_ROOT} exec {sys.executable} -m codey_git \"$@\"\n")
    shim.chmod(0o755)
    run = f'source {script}; words=(git codey models pu); cword=3; _git_codey; echo "${{COMPREPLY[@]}}"'
    out = subprocess.run(
        ["bash", "-c", run],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert out.stdout.split() == ["pull"], out.stderr
    run = f'source {script}; COMP_WORDS=(git-codey revi); COMP_CWORD=1; _git_codey_direct; echo "${{COMPREPLY[@]}}"'
    out = subprocess.run(
        ["bash", "-c", run],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert out.stdout.split() == ["review"], out.stderr


def test_report_takes_json_and_format_json_still_works_with_a_warning(make_repo, codey):
    root = make_repo({"a.py": "x = 1\n"})
    out = codey(root, "report", "--since", "1h", "--json")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith("{") and '"runs": []' in out.stdout
    old = codey(root, "report", "--since", "1h", "--format", "json")
    assert old.returncode == 0 and '"runs": []' in old.stdout and "--format is deprecated" in old.stderr
    assert "--format" not in codey(root, "report", "-h").stdout


def test_yes_is_offered_only_where_something_asks(tmp_path, make_repo, codey):
    asks = {("fix",), ("edit",), ("run",), ("review",), ("route",)}
    for words in every_command_line()[1:]:
        text = codey(tmp_path, *words, "-h").stdout
        assert ("--yes" in text) == (tuple(words) in asks), words
    root = make_repo({"a.py": "x = 1\n"})
    assert codey(root, "gc", "--yes").returncode == 0  # still accepted from scripts


def test_readme_points_at_where_models_go_and_how_big_they_are():
    from codey_git.models.catalog import BUILTIN

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for needle in (
        "~/.cache/codey/models",
        "CODEY_HOME",
        "CODEY_MODELS_DIR",
        "## Troubleshooting",
        "SKIP=codey-review",
        "codey-review-checks",
    ):
        assert needle in readme, needle
    section = readme.split("## Where models go", 1)[1].split("\n## ", 1)[0]
    for name, entry in BUILTIN.items():
        row = next(line for line in section.splitlines() if line.startswith(f"| `{name}`"))
        size = float(re.search(r"([\d.]+) (GB|MB)", row)[1]) * (1e9 if " GB" in row else 1e6)
        assert abs(size - entry.size) / entry.size < 0.1, (name, row)
    assert Path(PROJECT_ROOT / "LICENSE").read_text().startswith("MIT License")
