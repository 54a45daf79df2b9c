"""Numbers are range-checked when they are loaded, from every layer (a config file, a CODEY_*
variable, a command-line flag, a recipe), with file, line and field; and a recipe's `files:` must
exist inside the repository. Each is a usage error (exit 2) before anything runs."""

from __future__ import annotations

import os

import pytest
from conftest import git

from codey_git.config import load_config
from codey_git.errors import ConfigError

BAD_VALUES = [
    ("attempts: 0", "attempts", ">= 1"),
    ("candidates: -3", "candidates", ">= 1"),
    ("test_timeout: .nan", "test_timeout", "finite"),
    ("test_timeout: .inf", "test_timeout", "finite"),
    ("test_timeout: -5", "test_timeout", "> 0"),
    ("test_timeout: 0", "test_timeout", "> 0"),
    ("max_tokens: 0", "max_tokens", ">= 1"),
    ("max_seconds: -1", "max_seconds", ">= 0"),
    ("memory_budget_mb: 0", "memory_budget_mb", ">= 1"),
    ("n_threads: 0", "n_threads", ">= 1"),
    ("context_size: 16", "context_size", ">= 256"),
    ("idle_unload_s: -.inf", "idle_unload_s", "finite"),
    ("temperature: -0.5", "temperature", ">= 0"),
    ("review:\n  max_seconds: -2", "review.max_seconds", ">= 0"),
    ("review:\n  triage: .nan", "review.triage", "finite"),
    ("openai:\n  timeout: 0", "openai.timeout", "> 0"),
]


@pytest.fixture
def repo(make_repo):
    return make_repo({"m1.py": "def add(a, b):\n    return a + b\n", "pkg/util.py": "X = 1\n"})


@pytest.mark.parametrize("text, field, words", BAD_VALUES)
def test_out_of_range_in_a_config_file(text, field, words, tmp_path):
    (tmp_path / ".codey.yml").write_text("coder: x\n" + text + "\n")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, environ={})
    line = 2 if "." not in field else 3
    assert (err.value.file, err.value.line, err.value.field) == (str(tmp_path / ".codey.yml"), line, field)
    assert words in err.value.message and err.value.hint


def test_a_file_with_a_bad_number_is_exit_2_from_the_cli(repo, codey):
    (repo / ".codey.yml").write_text("coder: x\nattempts: 0\n")
    result = codey(repo, "review")
    assert result.returncode == 2, result.stderr
    assert f"{repo / '.codey.yml'}:2: attempts: expected integer >= 1, got 0" in result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "name, value, words",
    [
        ("CODEY_ATTEMPTS", "0", ">= 1"),
        ("CODEY_CANDIDATES", "-3", ">= 1"),
        ("CODEY_TEST_TIMEOUT", "nan", "finite"),
        ("CODEY_TEST_TIMEOUT", "inf", "finite"),
        ("CODEY_MAX_TOKENS", "0", ">= 1"),
        ("CODEY_REVIEW_MAX_SECONDS", "-1", ">= 0"),
        ("CODEY_MEMORY_BUDGET_MB", "-100", ">= 1"),
    ],
)
def test_out_of_range_in_an_environment_variable_names_it(name, value, words):
    with pytest.raises(ConfigError) as err:
        load_config(None, environ={name: value})
    assert err.value.field == name and words in err.value.message


@pytest.mark.parametrize(
    "args, field",
    [
        (("review", "--max-seconds", "-1"), "review.max_seconds"),
        (("review", "--max-seconds", "nan"), "review.max_seconds"),
        (("fix", "bug in m1.py", "--max-seconds", "-5", "--yes"), "max_seconds"),
    ],
)
def test_out_of_range_flag_is_exit_2(args, field, repo, codey):
    result = codey(repo, *args)
    assert result.returncode == 2, result.stderr
    assert f"command line: {field}: expected" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "body, line, field, words",
    [
        ("budget:\n  task_minutes: .nan\n", 3, "budget.task_minutes", "expected a finite number, got nan"),
        ("budget:\n  total_minutes: .inf\n", 3, "budget.total_minutes", "expected a finite number, got inf"),
        ("config:\n  test_timeout: -1\n", 3, "config.test_timeout", "> 0"),
        ("config:\n  candidates: 0\n", 3, "config.candidates", ">= 1"),
    ],
)
def test_out_of_range_in_a_recipe(body, line, field, words, repo, codey):
    (repo / "r.yml").write_text("name: x\n" + body + "tasks:\n  - fix: bug in m1.py\n")
    result = codey(repo, "run", "r.yml", "--dry-run")
    assert result.returncode == 2, result.stderr
    assert f"r.yml:{line}: {field}:" in result.stderr and words in result.stderr


# --- a recipe's files: -------------------------------------------------------------------------


def _recipe(repo, files_yaml: str, kind: str = "fix", text: str = "the bug") -> None:
    (repo / "r.yml").write_text(f"name: x\ntasks:\n  - {kind}: {text}\n    files: {files_yaml}\n")


def test_recipe_naming_a_missing_file_is_refused_with_the_closest_paths(repo, codey):
    _recipe(repo, "[m1.py, pkg/utils.py]")
    for args in (("run", "r.yml", "--dry-run"), ("recipes", "check", "r.yml")):
        result = codey(repo, *args)
        assert result.returncode == 2, result.stderr
        assert "r.yml:4: tasks[0].files[1]: no such file 'pkg/utils.py'" in result.stderr
        assert "Did you mean pkg/util.py?" in result.stderr
    assert not (repo / ".git" / "codey" / "runs").exists()


def test_recipe_file_named_from_another_folder_suggests_its_real_place(repo, codey):
    _recipe(repo, "[util.py]")
    result = codey(repo, "recipes", "check", "r.yml")
    assert result.returncode == 2 and "pkg/util.py" in result.stderr


def test_an_edit_may_name_the_file_it_creates(repo, codey):
    _recipe(repo, "[pkg/new_module.py]", kind="edit", text="create pkg/new_module.py with a helper")
    result = codey(repo, "recipes", "check", "r.yml")
    assert result.returncode == 0, result.stderr
    _recipe(repo, "[pkg/new_modul.py]", kind="edit", text="add a helper")
    assert codey(repo, "recipes", "check", "r.yml").returncode == 2


@pytest.mark.parametrize(
    "entry, words",
    [
        ("../outside.py", "leads outside the repository"),
        ("/etc/passwd", "absolute path"),
        ("~/secrets.py", "absolute path"),
        (".git/config", "inside .git"),
        ("pkg/../../outside.py", "leads outside the repository"),
        ("out_link.py", "leads outside the repository (through a symlink"),
        ("dir_link/outside.py", "leads outside the repository (through a symlink"),
        ("git_link", "inside .git"),
    ],
)
def test_recipe_files_outside_the_repository_are_refused(entry, words, repo, codey, tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_text("SECRET = 'do not read me'\n")
    os.symlink(outside, repo / "out_link.py")
    os.symlink(tmp_path, repo / "dir_link")
    os.symlink(".git/config", repo / "git_link")
    for kind in ("fix", "review"):
        _recipe(repo, f"['{entry}']", kind=kind)
        result = codey(repo, "run", "r.yml", "--dry-run")
        assert result.returncode == 2, result.stderr
        assert "r.yml:4: tasks[0].files[0]:" in result.stderr and words in result.stderr, result.stderr
        assert "do not read me" not in result.stdout + result.stderr


def test_review_task_files_may_be_folders_and_globs(repo, codey):
    _recipe(repo, "[pkg, 'pkg/*.py', m1.py]", kind="review", text="the night's commits")
    result = codey(repo, "recipes", "check", "r.yml")
    assert result.returncode == 0, result.stderr


def test_a_symlink_inside_the_repository_is_fine(repo, codey):
    os.symlink("m1.py", repo / "alias.py")
    git(repo, "add", "alias.py")
    _recipe(repo, "[alias.py]")
    assert codey(repo, "recipes", "check", "r.yml").returncode == 0
