"""Spectrum-based fault localization: the line the failing tests run and the passing tests do not
is the one the prompt points at (engine/suspects.py, the pytest plugin's line coverage)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from codey_git.edits.treefs import TreeFS
from codey_git.engine import context as ctx
from codey_git.engine import suspects as sfl
from codey_git.engine.codeview import build_messages
from codey_git.testrun import run_tests

# a package whose failing test goes through report.summary -> stats.mean -> stats.clean,
# stats.total, fmt.number and stats.spread; the broken line is in a branch only that test reaches
FILLER = "".join(f"\n\ndef unused_{i}(values):\n    return [v * {i} for v in values]\n" for i in range(30))
STATS = f'''def clean(values):
    return [v for v in values if v is not None]


def total(values):
    s = 0
    for v in values:
        s += v
    return s


def mean(values):
    values = clean(values)
    if not values:
        return 0.0
    return total(values) / len(values)


def spread(values):
    values = clean(values)
    if len(values) < 2:
        return 0.0
    lo, hi = min(values), max(values)
    if lo < 0:
        return hi + lo
    return hi - lo
{FILLER}'''
BUG_LINE = STATS.splitlines().index("        return hi + lo") + 1
PACKAGE = {
    "pkg/__init__.py": "",
    "pkg/stats.py": STATS,
    "pkg/fmt.py": "def number(x):\n    return f'{x:.1f}'\n",
    "pkg/report.py": (
        "from pkg.fmt import number\nfrom pkg.stats import mean, spread\n\n\n"
        "def summary(values):\n    parts = [f'mean={number(mean(values))}']\n"
        "    if len(values) > 1:\n        parts.append(f'spread={number(spread(values))}')\n"
        "    return ' '.join(parts)\n"
    ),
    "tests/test_report.py": (
        "from pkg.report import summary\n\n\n"
        "def test_one():\n    assert summary([4]) == 'mean=4.0'\n\n\n"
        "def test_none():\n    assert summary([]) == 'mean=0.0'\n\n\n"
        "def test_positive():\n    assert summary([1, 3]) == 'mean=2.0 spread=2.0'\n\n\n"
        "def test_negative():\n    assert summary([-1, 3, None]) == 'mean=1.0 spread=4.0'\n"
    ),
}
FIXED_SPREAD = """Bug: a negative low value is added instead of subtracted.
```python
def spread(values):
    values = clean(values)
    if len(values) < 2:
        return 0.0
    lo, hi = min(values), max(values)
    if lo < 0:
        return hi - lo
    return hi - lo
```
"""
NOTE = f"most suspicious first): pkg/stats.py line {BUG_LINE}: `return hi + lo`"


class _Model:
    name = "fake"
    context_size = 8192

    def count_tokens(self, text: str) -> int:
        return len(text) // 4


class _Tree:
    def __init__(self, path: Path):
        self.path = path

    def read(self, rel: str) -> str | None:
        return TreeFS(self.path).read(rel)


def test_ochiai_and_its_tie_breaks():
    assert sfl.ochiai(2, 0, 2) == 1.0
    assert math.isclose(sfl.ochiai(1, 1, 2), 1 / math.sqrt(2 * 2))
    assert sfl.ochiai(0, 3, 2) == 0.0
    lines = {"t::fail": {"m.py": [1, 2, 3, 4]}, "t::ok1": {"m.py": [1, 2]}, "t::ok2": {"m.py": [1]}}
    ranked = sfl.rank(lines, {"t::fail"}, {"t::ok1", "t::ok2"})
    assert [(s.line, s.passed) for s in ranked] == [(3, 0), (4, 0), (2, 1), (1, 2)]
    # equal spectra: the traceback's deepest frame first
    ranked = sfl.rank(lines, {"t::fail"}, {"t::ok1", "t::ok2"}, frames=[("m.py", 4), ("m.py", 2)])
    assert [s.line for s in ranked][:2] == [4, 3]
    assert sfl.rank(lines, set(), {"t::ok1"}) == []
    assert [s.path for s in sfl.rank(lines, {"t::fail"}, set(), keep=lambda p: p != "m.py")] == []


def test_the_plugin_records_each_tests_lines_of_project_code_only(make_repo):
    root = make_repo(PACKAGE)
    run = run_tests("python -m pytest", root, 120, lines=True)
    assert run.failed == {"tests/test_report.py::test_negative"}
    negative = run.lines["tests/test_report.py::test_negative"]
    assert BUG_LINE in negative["pkg/stats.py"] and "pkg/report.py" in negative
    assert not any(f.startswith("tests/") for cov in run.lines.values() for f in cov)
    assert BUG_LINE not in run.lines["tests/test_report.py::test_positive"]["pkg/stats.py"]
    assert not run_tests("python -m pytest", root, 120).lines  # only when asked


def test_the_broken_line_ranks_first_and_becomes_the_focus(make_repo):
    root = make_repo(PACKAGE)
    baseline = run_tests("python -m pytest", root, 120)
    focus = ctx.localize(baseline, root, ctx.parse_request("summary is wrong for negative numbers", root))
    assert (focus.suspects[0].path, focus.suspects[0].line) == ("pkg/stats.py", BUG_LINE)
    assert focus.files[0] == "pkg/stats.py" and focus.lines["pkg/stats.py"][0] == BUG_LINE
    # a request that names a line keeps it, and no tests run again for it
    named = ctx.localize(baseline, root, ctx.parse_request("bug in pkg/fmt.py line 2", root))
    assert named.suspects == [] and named.lines == {"pkg/fmt.py": [2]}


def test_the_prompt_marks_the_suspect_line_and_shows_its_function(make_repo):
    root = make_repo(PACKAGE)
    baseline = run_tests("python -m pytest", root, 120)
    request = "Fix the failing test tests/test_report.py::test_negative"
    focus = ctx.parse_request(request, root)
    only = ctx.requested_failures(request, baseline, focus)
    focus = ctx.localize(baseline, root, focus, only=only)
    sections = ctx.failing_sections(baseline, focus, root, only=only)
    messages, symbol, shown = build_messages(
        _Model(),
        request,
        "fix",
        focus,
        sections,
        "function",
        _Tree(root),
        new_files=[],
        allow_test_edits=False,
        feedback=None,
        max_tokens=512,
    )
    prompt = "\n".join(m["content"] for m in messages)
    assert NOTE in prompt
    assert "def spread(values):" in prompt and "def unused_7" not in prompt  # its window, not the file
    assert symbol == "spread" and shown[0] == "pkg/stats.py"


def test_fix_is_pointed_at_the_suspect_line(make_repo, write_script, codey):
    root = make_repo(PACKAGE)
    # answered only when the prompt names the broken line as the most suspicious one
    write_script({"edit": [{"when": NOTE, "text": FIXED_SPREAD}]})

    out = codey(root, "fix", "the spread in the summary is wrong when a value is negative", "--json")

    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert json.loads(out.stdout)["status"] == "landed"
    assert "return hi + lo" not in (root / "pkg" / "stats.py").read_text()


def test_when_many_lines_tie_the_note_names_their_function_not_three_arbitrary_lines():
    from codey_git.engine.codeview import _line_notes

    files = {"pkg/stats.py": STATS}
    tied = [sfl.Suspect("pkg/stats.py", n, 1.0, 1, 0) for n in (20, 21, 22, 23)]
    focus = ctx.Focus(files=["pkg/stats.py"], lines={"pkg/stats.py": [20]}, suspects=tied[:3], suspects_tied=4)
    assert sfl.rank({"t::f": {"pkg/stats.py": [20, 21, 22, 23]}}, {"t::f"}, set())[0].evidence == (1.0, False, 0)
    notes = _line_notes(focus, files)
    assert notes[0] == (
        "Code most run by the failing tests and least by the passing ones (4 lines tie): `spread` (pkg/stats.py lines 19-26)"
    )
    few = ctx.Focus(files=["pkg/stats.py"], lines={"pkg/stats.py": [25]}, suspects=tied[:1], suspects_tied=1, suspects_noted=1)
    assert _line_notes(few, files) == [
        "Lines most run by the failing tests and least by the passing ones "
        "(most suspicious first): pkg/stats.py line 20: `values = clean(values)`",
        "Line 25 of pkg/stats.py is: `return hi + lo`",
    ]  # a traceback line


def test_among_tied_lines_the_traceback_line_is_the_one_named(tmp_path):
    from codey_git.engine.codeview import _line_notes

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "stats.py").write_text(STATS)
    lines = {"t::f": {"pkg/stats.py": [20, 21, 22, 23, 24, 25]}, "t::ok": {"pkg/stats.py": [1, 2]}}
    ranked = sfl.rank(lines, {"t::f"}, {"t::ok"}, frames=[("pkg/stats.py", BUG_LINE)])
    assert ranked[0].line == BUG_LINE and ranked[0].on_trace
    focus = ctx.Focus()
    ctx._add_suspects(focus, ranked, tmp_path)
    assert focus.suspects_noted == 1 and focus.suspects_tied == 1
    assert _line_notes(focus, {"pkg/stats.py": STATS})[0].endswith(f"pkg/stats.py line {BUG_LINE}: `return hi + lo`")


def test_under_coverage_py_each_tests_lines_come_from_its_dynamic_context(make_repo):
    import pytest

    pytest.importorskip("coverage")  # not installed with codey; the realbench project parse runs pytest-cov
    files = dict(PACKAGE)
    files["tests/conftest.py"] = (
        "import coverage\n\n_cov = coverage.Coverage(source=['pkg'])\n\n\n"
        "def pytest_configure(config):\n    _cov.start()\n\n\n"
        "def pytest_unconfigure(config):\n    _cov.stop()\n"
    )
    root = make_repo(files)
    run = run_tests("python -m pytest", root, 120, lines=True)
    assert BUG_LINE in run.lines["tests/test_report.py::test_negative"]["pkg/stats.py"]
    assert BUG_LINE not in run.lines["tests/test_report.py::test_positive"]["pkg/stats.py"]


def test_among_tied_lines_one_sharing_words_with_the_request_and_failure_comes_first():
    source = "def f(values):\n    lo = min(values)\n    hi = max(values)\n    return hi - lo\n"
    lines = {"t::f": {"m.py": [2, 3, 4]}}
    plain = sfl.rank(lines, {"t::f"}, set(), read=lambda p: source)
    assert [s.line for s in plain] == [2, 3, 4]
    hinted = sfl.rank(lines, {"t::f"}, set(), words={"max", "wrong"}, read=lambda p: source)
    assert [s.line for s in hinted] == [3, 2, 4]


def test_pick_takes_each_functions_best_line_and_names_only_lines_set_apart():
    ranked = [
        sfl.Suspect("m.py", 10, 1.0, 1, 0, True),
        sfl.Suspect("m.py", 11, 1.0, 1, 0),
        sfl.Suspect("m.py", 12, 1.0, 1, 0),
        sfl.Suspect("m.py", 13, 1.0, 1, 0),
        sfl.Suspect("m.py", 30, 0.5, 1, 3),
    ]
    picked = sfl.pick(ranked, lambda s: s.line // 20, functions=3, lines=3)
    assert [s.line for s in picked.focus] == [10, 30]  # two functions: lines 0-19 and 20-39
    assert [s.line for s in picked.shown] == [10, 11, 12, 30]
    assert (picked.tied, picked.noted) == (1, 1)  # the traceback line; the next three tie with each other
    assert sfl.pick([], lambda s: s.line).shown == []
