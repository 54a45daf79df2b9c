"""pytest plugin for realbench: every test's node id and outcome, as pytest itself saw them.

Loaded with ``-p realbench_report`` (this directory on PYTHONPATH); writes JSON to the file named
by ``$REALBENCH_REPORT`` at the end of the session:

    {"outcomes": {nodeid: "passed|failed|error|skipped|xfailed|xpassed"},
     "failures": {nodeid: {"message": crash message, "source": the failing line, "text": --tb text}},
     "collect_errors": {nodeid: text}}

A test reported more than once (subtests, a teardown error after a pass) keeps its worst outcome.
"""

import json
import os

_RANK = {"skipped": 0, "xfailed": 1, "passed": 2, "xpassed": 3, "failed": 4, "error": 5}
_data = {"outcomes": {}, "failures": {}, "collect_errors": {}}
TEXT_CHARS = 6000


def _set(nodeid, outcome):
    old = _data["outcomes"].get(nodeid)
    if old is None or _RANK[outcome] > _RANK[old]:
        _data["outcomes"][nodeid] = outcome


def _failure(report):
    text = getattr(report, "longreprtext", "") or str(report.longrepr or "")
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    message = getattr(crash, "message", "") or (text.strip().splitlines() or [""])[-1]
    source = ""
    for line in text.splitlines():
        if line.startswith(">"):  # the line pytest points at in the test's own frame
            source = line[1:].strip()
            break
    return {"message": message[:2000], "source": source[:500], "text": text[-TEXT_CHARS:]}


def pytest_collectreport(report):
    if report.failed:
        _data["collect_errors"][report.nodeid or "<session>"] = str(report.longrepr)[-TEXT_CHARS:]


def pytest_runtest_logreport(report):
    nodeid = report.nodeid
    if hasattr(report, "wasxfail"):
        _set(nodeid, "xfailed" if report.skipped else "xpassed")
        return
    if report.when == "call":
        outcome = report.outcome
    elif report.failed:
        outcome = "error"
    elif report.skipped:
        outcome = "skipped"
    else:
        return
    _set(nodeid, outcome)
    if report.failed and nodeid not in _data["failures"]:
        _data["failures"][nodeid] = _failure(report)


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("REALBENCH_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(_data, handle)
