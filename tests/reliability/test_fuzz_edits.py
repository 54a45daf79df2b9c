"""Property-based fuzzing of edit parsing and applying: whatever a model writes (random or cut-off
diffs, SEARCH/REPLACE blocks, function blocks, hostile paths), the edit layer either returns
changes that TreeFS writes inside the tree, or rejects the answer: never another exception, never
a write outside the worktree."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codey_git.edits import EditRejected, parse_and_apply
from codey_git.edits.treefs import TreeFS

PATHS = [
    "calc.py",
    "pkg/mod.py",
    "link.py",
    "up/evil.py",
    "../outside.py",
    "/etc/passwd",
    ".git/hooks/pre-commit",
    "calc.py/inner.py",
    "pkg",
    "sub/x.py",
    "a/../calc.py",
    "new/deep.py",
    "C:\\x.py",
    "~/x.py",
    "tests/test_calc.py",
    "pkg/../../outside.py",
    "./calc.py",
    "calc.py\x00x",
    "sp ace.py",
    "ünï.py",
]
LINES = [
    "def add(a, b):",
    "    return a - b",
    "    return a + b",
    "",
    "import os",
    "class C:",
    "    pass",
    "x = 1",
    "@@ -1,2 +1,2 @@",
    "--- a/calc.py",
    "+++ b/calc.py",
    "<<<<<<< SEARCH",
    "=======",
    ">>>>>>> REPLACE",
    "```",
    "```python",
    "```diff",
    "\\ No newline at end of file",
    "GIT binary patch",
]


def _tree() -> tuple[Path, Path]:
    base = Path(tempfile.mkdtemp(prefix="codey-fuzz-"))
    root, outside = base / "repo", base / "outside"
    (root / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "sub").mkdir()
    outside.mkdir()
    (outside / "outside.py").write_text("SECRET = 1\n")
    (root / "calc.py").write_text("def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n")
    (root / "pkg" / "mod.py").write_text("import os\n\nx = 1\n")
    (root / "tests" / "test_calc.py").write_text("from calc import add\n")
    os.symlink(outside / "outside.py", root / "link.py")
    os.symlink(outside, root / "up")
    return root, outside


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        h.update(path.relative_to(folder).as_posix().encode())
        if path.is_file() and not path.is_symlink():
            h.update(path.read_bytes())
    return h.hexdigest()


def _hunk(draw_lines: list[str], path: str) -> str:
    body = "\n".join(("-", "+", " ")[i % 3] + line for i, line in enumerate(draw_lines))
    return f"--- a/{path}\n+++ b/{path}\n@@ -1,{len(draw_lines)} +1,{len(draw_lines)} @@\n{body}\n"


def _sr(path: str, search: list[str], replace: list[str]) -> str:
    return (
        f"{path}\n```python\n<<<<<<< SEARCH\n"
        + "\n".join(search)
        + "\n=======\n"
        + "\n".join(replace)
        + "\n>>>>>>> REPLACE\n```\n"
    )


def _func(path: str, lines: list[str]) -> str:
    return f"`{path}`:\n```python\ndef add(a, b):\n" + "\n".join("    " + x for x in lines) + "\n```\n"


paths = st.sampled_from(PATHS)
lines = st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=30)), max_size=8)
pieces = st.one_of(
    st.builds(lambda p, ls: "```diff\n" + _hunk(ls, p) + "```\n", paths, lines),
    st.builds(_hunk, lines, paths),
    st.builds(_sr, paths, lines, lines),
    st.builds(_func, paths, lines),
    st.builds(
        lambda p, ls: f"--- /dev/null\n+++ b/{p}\n@@ -0,0 +1,{len(ls)} @@\n" + "".join("+" + x + "\n" for x in ls), paths, lines
    ),
    st.text(max_size=80),
)
answers = st.builds(
    lambda parts, cut: "".join(parts)[: cut or None],
    st.lists(pieces, min_size=1, max_size=4),
    st.integers(min_value=0, max_value=600),
)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(answer=answers, focus=st.one_of(st.none(), st.sampled_from(["calc.py", "pkg/mod.py", "link.py"])))
def test_any_answer_is_applied_inside_the_tree_or_rejected(answer, focus):
    root, outside = _tree()
    try:
        fs = TreeFS(root, submodules={"sub"})
        before_outside = _digest(outside)
        try:
            result = parse_and_apply(answer, fs.read_for_edit, focus_file=focus)
        except EditRejected:
            return
        for rel in result.changes:
            fs.check_writable(rel)  # anything the edit layer accepts must be writable in the tree
        try:
            for rel, text in result.changes.items():
                fs.delete(rel) if text is None else fs.write(rel, text)
        except EditRejected:
            pass
        assert _digest(outside) == before_outside
        for rel in result.changes:
            real = os.path.realpath(root / rel)
            assert real.startswith(os.path.realpath(root) + os.sep), rel
            assert "/.git/" not in real + "/"
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


@settings(max_examples=300, deadline=None)
@given(path=st.one_of(st.sampled_from(PATHS), st.text(max_size=40)), data=st.binary(max_size=64))
def test_treefs_never_writes_outside(path, data):
    root, outside = _tree()
    try:
        before = _digest(outside)
        fs = TreeFS(root, submodules={"sub"})
        for op in (lambda: fs.write(path, data), lambda: fs.delete(path), lambda: fs.read(path)):
            try:
                op()
            except EditRejected:
                pass
        assert _digest(outside) == before
        assert (outside / "outside.py").read_text() == "SECRET = 1\n"
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)
