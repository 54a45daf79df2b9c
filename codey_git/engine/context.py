"""What the model gets to see for a step: named files and lines, the enclosing function, the
failing tests and their tracebacks. Localizes from test failures when nothing is named."""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pygit2

from codey_git.edits import UnsafeEdit, check_path
from codey_git.edits.treefs import TreeFS
from codey_git.engine import suspects as sfl
from codey_git.engine.definitions import enclosing, imported_modules
from codey_git.engine.recent_change import recent_change, requested_base
from codey_git.progress import Progress
from codey_git.symbols import index as symbol_index
from codey_git.symbols import search as symbol_search
from codey_git.testpaths import is_test_file
from codey_git.testrun import TestRun

_FILE = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.(?:py|pyi|txt|cfg|toml|ini|md|json|yml|yaml))(?::(\d+))?\b")
_LINE = re.compile(r"\blines?\s+(\d+)(?:\s*(?:-|to|and)\s*(\d+))?", re.I)
_FRAME = re.compile(r"^((?:[\w.-]+/)*[\w.-]+\.py):(\d+): (?:in (\w+))?", re.M)


@dataclass
class Focus:
    """Files and lines a step is about, most important first."""

    files: list[str] = field(default_factory=list)
    lines: dict[str, list[int]] = field(default_factory=dict)
    symbols: dict[str, str] = field(default_factory=dict)  # file -> enclosing function/class name
    # the lines the failing tests run most and the passing tests least, most suspicious first
    suspects: list[sfl.Suspect] = field(default_factory=list)
    ranked: list[sfl.Suspect] = field(default_factory=list)  # the whole ranking, most suspicious first
    suspects_tied: int = 0  # lines of the whole ranking with the top line's evidence
    suspects_noted: int = 0  # the first lines of ``suspects`` that the evidence tells apart from the rest
    request: str = ""  # the request's text, whose words are a clue
    recent: str = ""  # the change the request says the bug came with, as a note with its diff

    def put_first(self, path: str, line: int) -> None:
        """``line`` of ``path`` ahead of every other focus line."""
        self.files = [path] + [f for f in self.files if f != path]
        self.lines[path] = [line] + [n for n in self.lines.get(path, []) if n != line]

    def add(self, path: str, line: int | None = None) -> None:
        if path not in self.files:
            self.files.append(path)
        if line:
            bucket = self.lines.setdefault(path, [])
            if line not in bucket:
                bucket.append(line)


def parse_request(text: str, root: Path, extra_files: Sequence[str] = ()) -> Focus:
    """Files and lines the user named: "main.py line 42", "in utils.py", "stats.py:17"."""
    focus = Focus(request=text)
    for name in extra_files:
        focus.add(_resolve(name, root) or name)
    for m in _FILE.finditer(text):
        rel = _resolve(m.group(1), root)
        if rel is None:
            continue
        focus.add(rel, int(m.group(2)) if m.group(2) else None)
    for m in _LINE.finditer(text):
        if len(focus.files) >= 1:
            start = int(m.group(1))
            end = int(m.group(2)) if m.group(2) else start
            for line in range(start, min(end, start + 50) + 1):
                focus.add(focus.files[0], line)
    return focus


def _resolve(name: str, root: Path) -> str | None:
    """The repo-relative path a name in the request means; None for anything outside the tree
    (`../x.py`, a symlink that leaves it), so no outside file reaches the prompt."""
    try:
        name = check_path(name)
    except UnsafeEdit:
        return None
    fs = TreeFS(root)
    if fs.is_file(name):
        return name
    # parts relative to root: codey's own worktrees live under .git/codey/, so root may be inside .git
    matches = [
        rel
        for p in root.rglob(Path(name).name)
        if ".git" not in (rel := p.relative_to(root).as_posix()).split("/") and fs.is_file(rel)
    ]
    if len(matches) == 1:
        return matches[0]
    return None


def frames(section: str, root: Path) -> list[tuple[str, int, str | None]]:
    out = []
    for m in _FRAME.finditer(section):
        rel = m.group(1)
        if TreeFS(root).is_file(rel):
            out.append((rel, int(m.group(2)), m.group(3)))
    return out


def requested_failures(text: str, run: TestRun, focus: Focus) -> set[str]:
    """The baseline failures a request is about: node ids it names ("Fix the failing test
    tests/test_a.py::test_f", which also means its parametrized cases), else the failures in test
    files it names ("tests in tests/test_a.py fail"). Empty: the request names none."""
    if not run.failures:
        return set()
    named = {nid for nid in run.failed if nid in text or nid.split("[")[0] in text}
    if named:
        return named
    files = {f for f in focus.files if is_test_file(f)}
    return {nid for nid in run.failed if nid.split("::")[0] in files}


def _failure_texts(run: TestRun, only: set[str] | None = None) -> list[str]:
    if only and run.failures:
        return [run.failures.get(nid, "") for nid in sorted(only)]
    return list((run.failures or run.sections).values())


SUSPECT_FUNCTIONS = 3  # functions whose most suspicious line becomes a focus line
SUSPECT_NOTED = 3  # lines the prompt names as most suspicious
INDEX_FUNCTIONS = 3  # the symbol index's best definitions that become focus lines when nothing else points


def localize(
    run: TestRun,
    root: Path,
    focus: Focus | None = None,
    only: set[str] | None = None,
    *,
    spectrum: bool = True,
    progress: Progress | None = None,
    head: str | None = None,
) -> Focus:
    """Frames in the project's own non-test code from the failing tests' tracebacks (those in
    ``only`` when given); the deepest frame first. When the request names no line (and
    ``spectrum``), the most suspicious lines of the failing tests' coverage (``suspects``) come
    first, lines of equal evidence ordered by the symbol index's score of their function. When
    neither points at a line of the project's code, the index's best definitions for the request's
    words and the failing tests' calls do. Falls back to the modules the failing tests import."""
    focus = focus or Focus()
    trace = traceback_lines(run, root, only)
    hits = symbol_hits(run, root, focus, only, progress) if not focus.lines else []
    ranked: list[sfl.Suspect] = []
    if spectrum and not focus.lines and run.failed:
        if progress is not None:
            progress.stage("locating the bug: the failing tests' files again, with line coverage")
        ranked = suspect_ranking(run, root, only, trace, clues=focus.request)
        _add_suspects(focus, by_index_within_ties(ranked, hits), root)
    for rel, line in trace:
        focus.add(rel, line)
    _add_recent_change(focus, root, ranked, progress, head)
    named = [f for f in focus.files if not is_test_file(f)]
    if not any(focus.lines.get(f) for f in named):
        for hit in [h for h in hits if not named or h.path in named][:INDEX_FUNCTIONS]:
            focus.add(hit.path, hit.line)
    if not any(not is_test_file(f) for f in focus.files):
        # only tests named or on the traceback (a wrong value asserted in the test itself): the code
        # under test is what the failing tests, and any test file the request named, import
        texts = _failure_texts(run, only)
        tests = {f[0] for s in texts for f in frames(s, root) if is_test_file(f[0])}
        tests |= {nid.split("::")[0] for nid in (only or run.failures) if is_test_file(nid.split("::")[0])}
        tests |= {f for f in focus.files if is_test_file(f)}
        for test_file in sorted(tests):
            for module in imported_modules(root / test_file, root):
                if not is_test_file(module):
                    focus.add(module)
    return focus


def _add_recent_change(focus: Focus, root: Path, ranked: list[sfl.Suspect], progress: Progress | None, head: str | None) -> None:
    """The change the request names (``recent_change``, counted from ``head``, the commit the task
    started from): its lines that the failing tests ran come first, and its diff goes into the prompt."""
    base = requested_base(focus.request)
    ran = {(s.path, s.line) for s in ranked}
    change = recent_change(root, base, (lambda p, n: (p, n) in ran) if ran else None, head) if base else None
    if change is None:
        return
    order = {(s.path, s.line): i for i, s in enumerate(ranked)}
    changed = [(h.path, n) for h in change.hunks for n in h.new_lines]
    # the most suspicious changed line first, those no failing test ran last
    for path, line in sorted(changed, key=lambda pl: order.get(pl, len(order)), reverse=True):
        focus.put_first(path, line)
    focus.recent = change.note()
    if progress is not None:
        where = "; ".join(
            f"{h.path} line{'s' if len(h.new_lines) > 1 else ''} {', '.join(map(str, h.new_lines))}" for h in change.hunks
        )
        progress.info(f"{change.label} changed {where}: shown to the model")


def traceback_lines(run: TestRun, root: Path, only: set[str] | None = None) -> list[tuple[str, int]]:
    """(file, line) of the project's non-test frames on the failing tests' tracebacks, each
    traceback's deepest frame first."""
    trace: list[tuple[str, int]] = []
    for section in _failure_texts(run, only):
        own = [f for f in frames(section, root) if not is_test_file(f[0])]
        trace += [(rel, line) for rel, line, _func in reversed(own)]
    return trace


def suspect_ranking(
    run: TestRun, root: Path, only: set[str] | None = None, trace: list[tuple[str, int]] | None = None, clues: str = ""
) -> list[sfl.Suspect]:
    """The project's lines that the failing tests (``only`` when given) ran, most suspicious
    first (``suspects``); runs their test files once with line coverage. ``clues``: more text
    whose words break ties (the request), with the failure texts."""
    fs = TreeFS(root)
    trace = traceback_lines(run, root, only) if trace is None else trace
    words = "\n".join([clues, *_failure_texts(run, only)])
    return sfl.suspects(
        run,
        root,
        set(only or run.failed),
        frames=trace,
        clues=words,
        read=fs.read,
        keep=lambda p: not is_test_file(p) and fs.is_file(p),
    )


def symbol_hits(
    run: TestRun, root: Path, focus: Focus, only: set[str] | None = None, progress: Progress | None = None
) -> list[symbol_search.Hit]:
    """The project's definitions ranked by the symbol index (``.git/codey/symbols.sqlite3``) for
    the request's words, the failure messages and the names the failing tests call; empty when the
    index cannot be read or built (an SQLite without FTS5, a database another process holds locked)."""
    messages = "\n".join(_failure_texts(run, only)) if run.failed else ""
    try:
        index = symbol_index.build(root, progress)
        return symbol_search.rank(index, focus.request, sorted(only or run.failed), messages, keep=lambda p: not is_test_file(p))
    except (OSError, ValueError, pygit2.GitError, sqlite3.Error):
        return []


def by_index_within_ties(ranked: list[sfl.Suspect], hits: list[symbol_search.Hit]) -> list[sfl.Suspect]:
    """``ranked`` with each run of lines of equal evidence ordered by the index's score of the
    innermost definition holding the line (higher first; the ranking's own order otherwise)."""
    spans: dict[str, list[tuple[int, int, float]]] = {}
    for h in hits:
        spans.setdefault(h.path, []).append((h.definition.start, h.definition.end, h.score))

    def score(s: sfl.Suspect) -> float:
        holding = [(end - start, value) for start, end, value in spans.get(s.path, []) if start <= s.line <= end]
        return min(holding)[1] if holding else 0.0

    runs = itertools.groupby(ranked, key=lambda s: s.evidence)  # consecutive: the ranking's own order
    return [s for _evidence, run in runs for s in sorted(run, key=lambda s: -score(s))]


def _add_suspects(focus: Focus, ranked: list[sfl.Suspect], root: Path) -> None:
    """The best line of each of the most suspicious functions, as focus lines, ahead of the
    traceback's; the top lines kept for the prompt's note."""
    fs = TreeFS(root)
    sources: dict[str, str] = {}

    def function_of(s: sfl.Suspect) -> tuple[str, int]:
        found = enclosing(sources.setdefault(s.path, fs.read(s.path) or ""), s.line)
        return (s.path, found[1] if found else s.line)

    picked = sfl.pick(ranked, function_of, functions=SUSPECT_FUNCTIONS, lines=SUSPECT_NOTED)
    for s in picked.focus:
        focus.add(s.path, s.line)
    focus.suspects, focus.suspects_tied, focus.suspects_noted = picked.shown, picked.tied, picked.noted
    focus.ranked = ranked


def related_tests(rel: str, root: Path) -> list[str]:
    stem = Path(rel).stem
    out = []
    for pattern in (f"test_{stem}.py", f"{stem}_test.py"):
        for p in root.rglob(pattern):
            if ".git" not in p.relative_to(root).parts:  # root itself may be a worktree under .git/
                out.append(p.relative_to(root).as_posix())
    return sorted(out)


def failing_sections(run: TestRun, focus: Focus, root: Path, only: set[str] | None = None) -> dict[str, str]:
    """Failure texts that concern the focus files (all of them when none does), keyed by pytest
    node id when pytest reported them (test names repeat across files), else by section title.
    ``only``: the failures the request named, and no others."""
    if only and run.failures:
        return {nid: run.failures.get(nid, "") for nid in sorted(only)}
    every = dict(run.failures) if run.failures else dict(run.sections)
    if not focus.files:
        return every
    mine = {}
    wanted = set(focus.files) | {t for f in focus.files for t in related_tests(f, root)}
    for name, text in every.items():
        if name.split("::")[0] in wanted or any(f[0] in wanted for f in frames(text, root)):
            mine[name] = text
    return mine or every


def target_tests(run: TestRun, sections: dict[str, str]) -> set[str]:
    """Node ids of baseline failures this step must turn green."""
    if run.failures:
        return {nid for nid in sections if nid in run.failed}
    if len(sections) == len(run.sections):
        return set(run.failed)
    names = set(sections)
    return {
        nid
        for nid in run.failed
        if nid.split("::")[-1] in names or nid.split("::")[-1].split("[")[0] in names or ".".join(nid.split("::")[1:]) in names
    }
