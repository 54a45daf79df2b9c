"""The tests a fix request names by node id, checked against the baseline run.

"Fix the failing test tests/test_calc.py::test_clamp_abov" names a test the suite does not have,
and "... ::test_add" one that passes: either way the request is not about the tests that fail,
and fixing those instead would land an edit nobody asked for. ``check_named_tests`` stops such a
request before any change, with the closest node ids that exist or the ones that fail.
"""

from __future__ import annotations

import difflib
import re

from codey_git.errors import UsageError
from codey_git.testrun import TestRun

# a pytest node id as a request writes it: a .py path, then ::names, maybe [parameters]
_NODE_ID = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.py(?:::[\w.]+)+(?:\[[^\]\s]*\])?)")


def named_tests(text: str) -> list[str]:
    """The node ids ``text`` names, in order (a trailing ``.`` or ``:`` of the sentence dropped)."""
    return list(dict.fromkeys(m.group(1).rstrip(".:") for m in _NODE_ID.finditer(text)))


def _runs(named: str, collected: set[str]) -> list[str]:
    """The collected tests ``named`` stands for: itself, its parametrized cases, or a class's tests."""
    return [nid for nid in collected if nid == named or nid.startswith((named + "[", named + "::"))]


def check_named_tests(text: str, run: TestRun) -> None:
    """Raise UsageError when the request names a node id the baseline did not collect, or only
    tests that passed there. Nothing is checked when the run has no node ids (not pytest)."""
    collected = run.collected
    if not collected:
        return
    failing = sorted(run.failed)
    unknown, passing = [], []
    for named in named_tests(text):
        runs = _runs(named, collected)
        if not runs:
            unknown.append(named)
        elif not set(runs) & run.failed:
            passing.append(named)
    if unknown:
        near = difflib.get_close_matches(unknown[0], sorted(collected), n=3, cutoff=0.6)
        raise UsageError(
            "the request names a test the suite does not have: "
            + ", ".join(unknown)
            + (f" (closest: {', '.join(near)})" if near else ""),
            "Check the node id (pytest --collect-only -q lists them); codey works on the committed HEAD. Nothing was changed.",
        )
    if passing:
        shown = ", ".join(failing[:3]) + (f" and {len(failing) - 3} more" if len(failing) > 3 else "")
        raise UsageError(
            f"the request names a test that passes at baseline: {', '.join(passing)}; the failing tests are {shown}",
            "Name a failing test, or describe the bug without a test id. Nothing was changed.",
        )
