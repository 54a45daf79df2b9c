"""The fixbench task set: each task is a small repository with a seeded bug, a `task.yml` saying
what the user asks for, and `fix.patch`, the correct fix (for checking the task, never shown to a
model). This module loads and validates tasks and copies a task's repository out."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

TASKS_DIR = Path(__file__).resolve().parent / "tasks"
CATEGORIES = ("off-by-one", "wrong-operator", "wrong-variable", "edge-case-empty", "edge-case-zero",
              "edge-case-none", "exception-handling", "wrong-return", "two-line", "helper-bug",
              "class-method")
REQUEST_STYLES = ("file-line", "behaviour", "none")
REQUIRED_FIELDS = ("request", "kind", "category", "request_style", "bug", "fix_hint")
# files that describe the task rather than belong to its repository
META_FILES = frozenset({"task.yml", "fix.patch", "scripted.yml"})
IGNORED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".git"})


class TaskError(Exception):
    """A task directory is incomplete or inconsistent."""


@dataclass(frozen=True)
class Task:
    name: str
    path: Path
    request: str
    category: str
    request_style: str
    bug_file: str
    bug_line: int
    bug_lines: tuple[int, ...]
    fix_hint: str

    @property
    def patch_path(self) -> Path:
        return self.path / "fix.patch"

    @property
    def scripted_path(self) -> Path | None:
        path = self.path / "scripted.yml"
        return path if path.is_file() else None


def is_test_path(rel: str) -> bool:
    """True for files a fix must not touch: anything under tests/, test_*.py, *_test.py, conftest.py."""
    parts = Path(rel).parts
    name = parts[-1] if parts else ""
    return ("tests" in parts[:-1] or name.startswith("test_") and name.endswith(".py")
            or name.endswith("_test.py") or name == "conftest.py")


def patch_changes(patch: str) -> dict[str, list[int]]:
    """{file: old-side line numbers a unified diff changes}. A pure insertion counts as the line it
    is inserted before, a deletion or replacement as each removed line."""
    changes: dict[str, list[int]] = {}
    current, src, in_run = None, 0, False
    for line in patch.splitlines():
        if line.startswith("+++ "):
            current = re.sub(r"^[ab]/", "", line[4:].split("\t")[0].strip())
            changes.setdefault(current, [])
        elif line.startswith("--- "):
            continue
        elif line.startswith("@@"):
            match = re.match(r"@@ -(\d+)", line)
            src, in_run = int(match.group(1)) if match else 0, False
        elif current is None:
            continue
        elif line.startswith("-"):
            changes[current].append(src)
            src, in_run = src + 1, True
        elif line.startswith("+"):
            if not in_run:
                changes[current].append(src)
            in_run = True
        elif line.startswith(" ") or line == "":
            src, in_run = src + 1, False
    return {f: sorted(set(lines)) for f, lines in changes.items()}


def load_task(path: Path) -> Task:
    path = Path(path)
    spec_file = path / "task.yml"
    if not spec_file.is_file():
        raise TaskError(f"{path.name}: no task.yml")
    data = yaml.safe_load(spec_file.read_text()) or {}
    missing = [f for f in REQUIRED_FIELDS if not data.get(f)]
    if missing:
        raise TaskError(f"{spec_file}: missing field(s) {', '.join(missing)}")
    if data["kind"] != "fix":
        raise TaskError(f"{spec_file}: kind must be `fix`, not {data['kind']!r}")
    if data["category"] not in CATEGORIES:
        raise TaskError(f"{spec_file}: unknown category {data['category']!r}")
    if data["request_style"] not in REQUEST_STYLES:
        raise TaskError(f"{spec_file}: unknown request_style {data['request_style']!r}")
    bug = data["bug"]
    if not isinstance(bug, dict) or not isinstance(bug.get("file"), str) or not isinstance(bug.get("line"), int):
        raise TaskError(f"{spec_file}: bug must be {{file: PATH, line: N}}")
    lines = tuple(bug.get("lines") or [bug["line"]])
    return Task(name=path.name, path=path, request=str(data["request"]), category=data["category"],
                request_style=data["request_style"], bug_file=bug["file"], bug_line=bug["line"],
                bug_lines=lines, fix_hint=str(data["fix_hint"]))


def consistency_problems(task: Task) -> list[str]:
    """What is wrong between task.yml, the repository and fix.patch (empty when all agree)."""
    problems = []
    source = task.path / task.bug_file
    if not source.is_file():
        return [f"bug file {task.bug_file} does not exist"]
    n_lines = len(source.read_text().splitlines())
    if not 1 <= task.bug_line <= n_lines:
        problems.append(f"bug line {task.bug_line} is outside {task.bug_file} ({n_lines} lines)")
    if not task.patch_path.is_file():
        return problems + ["no fix.patch"]
    changes = patch_changes(task.patch_path.read_text())
    if not changes:
        problems.append("fix.patch changes nothing")
    for rel in changes:
        if is_test_path(rel):
            problems.append(f"fix.patch changes test file {rel}")
    if list(changes) != [task.bug_file] or changes[task.bug_file][:1] != [task.bug_line]:
        problems.append(f"fix.patch changes {changes}, but task.yml says {task.bug_file} line {task.bug_line}")
    elif tuple(changes[task.bug_file]) != task.bug_lines:
        problems.append(f"fix.patch changes lines {changes[task.bug_file]}, task.yml lists {list(task.bug_lines)}")
    if task.request_style == "file-line":
        if Path(task.bug_file).name not in task.request or not re.search(rf"\b{task.bug_line}\b", task.request):
            problems.append(f"file-line request {task.request!r} does not name {task.bug_file} line {task.bug_line}")
    return problems


def load_tasks(names: list[str] | None = None, root: Path = TASKS_DIR) -> list[Task]:
    """All tasks under root, sorted by name, or the named ones (unknown names raise TaskError)."""
    available = sorted(p.name for p in Path(root).iterdir() if (p / "task.yml").is_file())
    if names:
        unknown = [n for n in names if n not in available]
        if unknown:
            raise TaskError(f"unknown task(s): {', '.join(unknown)} (see --list)")
        available = [n for n in available if n in names]
    return [load_task(Path(root) / n) for n in available]


def copy_repo(task: Task, dest: Path, *, pad_modules: bool = False) -> Path:
    """Copy the task's repository (not its task files or caches) to dest, which must not exist.

    With ``pad_modules`` the buggy file gets the unrelated helpers of ``padding.py`` after its own
    lines (see there), so it is as long as a real module."""
    def ignore(directory: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in IGNORED_DIRS or n.endswith(".pyc")}
        if Path(directory).resolve() == task.path.resolve():
            skip |= META_FILES & set(names)
        return skip

    shutil.copytree(task.path, dest, ignore=ignore)
    if pad_modules:
        target = Path(dest) / task.bug_file
        target.write_text(target.read_text(encoding="utf-8").rstrip("\n") + "\n\n\n" + padding_code(),
                          encoding="utf-8")
    return Path(dest)


def padding_code() -> str:
    """padding.py without its module docstring."""
    text = (Path(__file__).parent / "padding.py").read_text(encoding="utf-8")
    return text.split('"""', 2)[2].lstrip("\n")
