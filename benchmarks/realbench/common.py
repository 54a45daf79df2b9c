"""What fetch.py, mutate.py and run.py share: the projects, the cache, git, and running a suite.

A project's repository lives in the cache (``$CODEY_BENCH_CACHE``, default
``~/.cache/codey-bench``), never in this checkout: ``repos/<name>`` holds one commit (the sdist as
published) and ``repos/<name>/.venv`` the interpreter with pytest and the project's test
dependencies (not the project itself). A suite run reports every test's node id and outcome
through a small pytest plugin (``plugin/realbench_report.py``), not by reading terminal text.
"""

from __future__ import annotations

import ast
import configparser
import doctest
import fnmatch
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from codey_git.proc import run

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: any change to pyproject.toml then counts as a pytest change
    tomllib = None

HERE = Path(__file__).resolve().parent
PROJECTS_FILE = HERE / "projects.yml"
TASKS_FILE = HERE / "tasks.yml"
RESULTS_DIR = HERE / "results"
PLUGIN_DIR = HERE / "plugin"
IDENTITY = {
    "GIT_AUTHOR_NAME": "Realbench Maintainer", "GIT_AUTHOR_EMAIL": "maintainer@example.invalid",
    "GIT_COMMITTER_NAME": "Realbench Maintainer", "GIT_COMMITTER_EMAIL": "maintainer@example.invalid",
}
# fixed dates, so a project's commits (and so every task's base) have the same ids on every machine
PRISTINE_DATE = "2026-11-30T09:00:00+00:00"
MUTATION_DATE = "2026-12-01T16:20:00+00:00"
MUTATION_MESSAGE = "Small cleanups"
EXCLUDE_LINES = (".venv/", "__pycache__/", ".pytest_cache/", ".coverage", ".hypothesis/")
TEST_DIR_NAMES = frozenset({"tests", "test", "testing"})
PYTEST_CONFIG_FILES = frozenset({"pytest.ini", ".pytest.ini", "tox.ini"})


def cache_dir() -> Path:
    return Path(os.environ.get("CODEY_BENCH_CACHE") or Path.home() / ".cache" / "codey-bench").expanduser()


@dataclass
class Project:
    name: str
    version: str = ""
    sdist: str = ""
    url: str = ""
    sha256: str = ""
    src_layout: bool = False
    library: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    test_command: str = "python -m pytest"
    test_deps: list[str] = field(default_factory=list)
    why: str = ""
    # where the pristine repository is; default: the cache (a test may point elsewhere)
    root: Path | None = None
    # the interpreter for the suite; default: root/.venv/bin/python
    python: str | None = None

    @property
    def repo(self) -> Path:
        return Path(self.root) if self.root else cache_dir() / "repos" / self.name

    @property
    def venv(self) -> Path:
        return self.repo / ".venv"

    @property
    def interpreter(self) -> str:
        return self.python or str(self.venv / "bin" / "python")

    def library_files(self, root: Path | None = None) -> list[str]:
        """Library modules mutate.py may change, relative to the repository root, sorted."""
        root = Path(root or self.repo)
        files: set[str] = set()
        for entry in self.library:
            path = root / entry
            found = [path] if path.is_file() else sorted(path.rglob("*.py"))
            for p in found:
                rel = p.relative_to(root).as_posix()
                if is_test_path(rel) or any(fnmatch.fnmatch(rel, pat) for pat in self.exclude):
                    continue
                if ".venv" in Path(rel).parts or "__pycache__" in Path(rel).parts:
                    continue
                files.add(rel)
        return sorted(files)


def load_projects(path: Path = PROJECTS_FILE, names: list[str] | None = None) -> list[Project]:
    data = yaml.safe_load(Path(path).read_text()) or {}
    projects = []
    for name, spec in (data.get("projects") or {}).items():
        known = {k: v for k, v in (spec or {}).items() if k in Project.__dataclass_fields__}
        projects.append(Project(name=name, **known))
    if names:
        unknown = sorted(set(names) - {p.name for p in projects})
        if unknown:
            raise SystemExit(f"realbench: unknown project(s): {', '.join(unknown)}")
        projects = [p for p in projects if p.name in names]
    return projects


def load_tasks(path: Path = TASKS_FILE) -> list[dict]:
    if not Path(path).is_file():
        return []
    data = yaml.safe_load(Path(path).read_text()) or {}
    return list(data.get("tasks") or [])


# --- paths a fix may not touch -------------------------------------------------------------

def is_test_path(rel: str) -> bool:
    """Test code and data: anything under a tests/test dir, test_*.py, *_test.py, conftest.py."""
    parts = Path(rel).parts
    name = parts[-1] if parts else ""
    return (any(p in TEST_DIR_NAMES for p in parts[:-1]) or (name.startswith("test_") and name.endswith(".py"))
            or name.endswith("_test.py") or name == "conftest.py")


def pytest_settings(rel: str, text: str | None) -> object:
    """The part of a file that configures pytest (None when it has none or does not exist)."""
    if text is None:
        return None
    name = Path(rel).name
    if name in PYTEST_CONFIG_FILES:
        return text
    try:
        if name == "pyproject.toml":
            return (tomllib.loads(text).get("tool") or {}).get("pytest") if tomllib else text
        if name == "setup.cfg":
            parser = configparser.ConfigParser(interpolation=None)
            parser.read_string(text)
            return {s: dict(parser[s]) for s in parser.sections() if s in ("tool:pytest", "pytest")} or None
    except (ValueError, configparser.Error):
        return text  # a file that no longer parses changed how pytest is configured
    return None


# --- git --------------------------------------------------------------------------------------

def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without codey/pytest/virtualenv settings, with a fixed git identity."""
    drop = ("CODEY_", "PYTEST_", "REALBENCH_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)
           and k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "COVERAGE_PROCESS_START")}
    env.update(IDENTITY)
    env.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    env.update(extra or {})
    return env


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = run(["git", *args], cwd=cwd, env=clean_env(env), timeout=120)
    if not result.ok:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}: {result.stderr.strip()}")
    return result.stdout.strip()


def write_exclude(repo: Path) -> None:
    """What a user's .gitignore would hold, kept out of the history: .venv/ above all."""
    info = Path(repo) / ".git" / "info"
    info.mkdir(parents=True, exist_ok=True)
    path = info / "exclude"
    have = path.read_text().splitlines() if path.is_file() else []
    path.write_text("\n".join(have + [line for line in EXCLUDE_LINES if line not in have]) + "\n")


def commit_all(repo: Path, message: str, date: str, *, force: bool = False) -> str:
    git(repo, "add", "-A", *(["--force"] if force else []))
    git(repo, "commit", "-q", "--no-verify", "-m", message,
        env={"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})
    return git(repo, "rev-parse", "HEAD")


def init_repo(repo: Path, message: str) -> str:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", IDENTITY["GIT_AUTHOR_NAME"])
    git(repo, "config", "user.email", IDENTITY["GIT_AUTHOR_EMAIL"])
    write_exclude(repo)
    # everything the sdist holds, even what its own .gitignore lists (humanize ships a generated
    # _version.py and compiled .mo catalogs that its .gitignore names)
    return commit_all(repo, message, PRISTINE_DATE, force=True)


def clone(source: Path, dest: Path, ref: str | None = None) -> Path:
    """A fresh clone with no remote (what a user's own repository looks like), at ref if given."""
    git(Path(dest).parent, "clone", "-q", "--no-hardlinks", str(source), str(dest))
    git(dest, "remote", "remove", "origin")
    git(dest, "config", "user.name", IDENTITY["GIT_AUTHOR_NAME"])
    git(dest, "config", "user.email", IDENTITY["GIT_AUTHOR_EMAIL"])
    if ref:
        git(dest, "checkout", "-q", "--detach", ref)
    write_exclude(dest)
    return Path(dest)


def changed_files(repo: Path, old: str, new: str) -> list[str]:
    out = git(repo, "diff", "--name-only", "--no-renames", old, new)
    return [line for line in out.splitlines() if line]


def file_at(repo: Path, ref: str, rel: str) -> str | None:
    result = run(["git", "show", f"{ref}:{rel}"], cwd=repo, env=clean_env(), timeout=60)
    return result.stdout if result.ok else None


def doctest_examples(rel: str, text: str | None) -> list[tuple[str, str]]:
    """The doctest examples (source, expected output) a file holds: in a module's docstrings, or
    anywhere in a text file (README.rst collected with --doctest-glob)."""
    if text is None:
        return []
    parser = doctest.DocTestParser()
    chunks = [text]
    if rel.endswith(".py"):
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return [("<does not parse>", "")]
        chunks = [ast.get_docstring(node, clean=False) or "" for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))]
    try:
        return [(ex.source, ex.want) for chunk in chunks for ex in parser.get_examples(chunk)]
    except ValueError:  # a malformed example: compare the raw text instead
        return [(chunk, "") for chunk in chunks if ">>>" in chunk]


def forbidden_changes(repo: Path, old: str, new: str) -> dict[str, list[str]]:
    """Test files, pytest configuration and doctest examples that differ between two commits.
    A library module is not a test file, but the doctests in it are tests (humanize and parse
    collect them): a fix may change the code around them, not the examples."""
    tests, config, doctests = [], [], []
    for rel in changed_files(repo, old, new):
        if is_test_path(rel):
            tests.append(rel)
            continue
        before, after = file_at(repo, old, rel), file_at(repo, new, rel)
        if Path(rel).name in PYTEST_CONFIG_FILES | {"pyproject.toml", "setup.cfg"}:
            if pytest_settings(rel, before) != pytest_settings(rel, after):
                config.append(rel)
        elif Path(rel).suffix in (".py", ".rst", ".txt", ".md"):
            if doctest_examples(rel, before) != doctest_examples(rel, after):
                doctests.append(rel)
    return {"test_files": tests, "pytest_config": config, "doctests": doctests}


def copy_venv(source: Path, dest_repo: Path) -> None:
    """The project's .venv into another checkout (symlinks kept; nothing in it names the repo)."""
    shutil.copytree(source, Path(dest_repo) / ".venv", symlinks=True)


# --- suites ---------------------------------------------------------------------------------

@dataclass
class SuiteRun:
    returncode: int
    seconds: float
    timed_out: bool = False
    outcomes: dict[str, str] = field(default_factory=dict)  # node id -> passed/failed/error/skipped/...
    failures: dict[str, dict] = field(default_factory=dict)  # node id -> {message, source, text}
    collect_errors: dict[str, str] = field(default_factory=dict)
    output_tail: str = ""

    @property
    def passed(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def failed(self) -> list[str]:
        return sorted(n for n, o in self.outcomes.items() if o in ("failed", "error", "xpassed"))

    @property
    def summary(self) -> str:
        if self.timed_out:
            return "timed out"
        counts: dict[str, int] = {}
        for outcome in self.outcomes.values():
            counts[outcome] = counts.get(outcome, 0) + 1
        parts = [f"{counts[k]} {k}" for k in ("passed", "failed", "error", "skipped", "xfailed", "xpassed") if counts.get(k)]
        if self.collect_errors:
            parts.append(f"{len(self.collect_errors)} collection errors")
        return ", ".join(parts) or f"exit {self.returncode}"

    def to_dict(self) -> dict:
        return {"returncode": self.returncode, "seconds": round(self.seconds, 2), "timed_out": self.timed_out,
                "summary": self.summary, "failed": self.failed, "collect_errors": sorted(self.collect_errors)}


def suite_env(project: Project, cwd: Path, extra_path: list[str] = ()) -> dict[str, str]:
    paths = list(extra_path)
    if project.src_layout:
        paths.append(str(Path(cwd) / "src"))
    env = clean_env()
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def run_suite(project: Project, cwd: Path, *, timeout: float = 300, python: str | None = None,
              report: bool = True) -> SuiteRun:
    """The project's whole suite in cwd with its interpreter, each test's outcome from pytest itself."""
    argv = (project.test_command or "python -m pytest").split()
    if argv[0] in ("python", "python3"):
        argv[0] = python or project.interpreter
    argv += ["-p", "no:cacheprovider"]
    out = None
    extra_path = []
    if report:
        handle, name = tempfile.mkstemp(prefix="realbench-report-", suffix=".json")
        os.close(handle)
        out = Path(name)
        argv += ["-p", "realbench_report"]
        extra_path.append(str(PLUGIN_DIR))
    env = suite_env(project, cwd, extra_path)
    if out:
        env["REALBENCH_REPORT"] = str(out)
    start = time.monotonic()
    result = run(argv, cwd=cwd, env=env, timeout=timeout)
    seconds = time.monotonic() - start
    suite = SuiteRun(result.returncode, seconds, result.timed_out, output_tail=result.output[-3000:])
    if out:
        try:
            data = json.loads(out.read_text() or "{}")
        except (OSError, ValueError):
            data = {}
        finally:
            out.unlink(missing_ok=True)
        suite.outcomes = data.get("outcomes") or {}
        suite.failures = data.get("failures") or {}
        suite.collect_errors = data.get("collect_errors") or {}
    return suite


def python_version(python: str) -> str:
    result = run([python, "-c", "import platform; print(platform.python_version())"], timeout=60)
    return result.stdout.strip()


def dump_yaml(data, path: Path, header: str = "") -> None:
    class Dumper(yaml.SafeDumper):
        pass

    def str_presenter(dumper, value):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, str_presenter)
    text = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110)
    Path(path).write_text(header + text, encoding="utf-8")


def interpreter_for_venvs() -> str:
    """The Python that project venvs are made from: this one's base installation."""
    base = Path(sys.base_prefix) / "bin"
    for name in (f"python{sys.version_info.major}.{sys.version_info.minor}", "python3", "python"):
        if (base / name).exists():
            return str(base / name)
    return sys.executable
