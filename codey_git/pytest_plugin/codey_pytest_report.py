"""pytest plugin loaded by codey (``-p codey_pytest_report``): every test by its node id, with its
outcome, written as JSON lines to the file named by $CODEY_PYTEST_REPORT.

Only the outermost pytest session of a run reports: a test suite that runs pytest again (pytester,
a subprocess) inherits $CODEY_PYTEST_REPORT_TAKEN and stays quiet. Kept free of codey imports: it
runs in the project's interpreter, where codey may not be installed.
"""

import json
import os

_out = None


def _write(record):
    if _out is not None:
        _out.write(json.dumps(record) + "\n")
        _out.flush()


def pytest_configure(config):
    global _out
    path = os.environ.get("CODEY_PYTEST_REPORT")
    if not path or os.environ.get("CODEY_PYTEST_REPORT_TAKEN") or hasattr(config, "workerinput"):
        return
    os.environ["CODEY_PYTEST_REPORT_TAKEN"] = "1"
    _out = open(path, "w", encoding="utf-8")


def pytest_unconfigure(config):
    global _out
    if _out is not None:
        _out.close()
        _out = None


def pytest_collectreport(report):
    if report.failed:
        _write({"event": "collect_error", "nodeid": report.nodeid, "text": str(report.longrepr)[-4000:]})


def pytest_collection_finish(session):
    _write({"event": "collected", "nodeids": [item.nodeid for item in session.items],
            "doctests": [item.nodeid for item in session.items if type(item).__name__ == "DoctestItem"]})


def pytest_runtest_logreport(report):
    outcome = report.outcome
    if hasattr(report, "wasxfail"):
        outcome = "xfailed" if report.skipped else "xpassed"
    elif report.failed and report.when != "call":
        outcome = "error"
    if report.when != "call" and outcome == "passed":
        return
    record = {"event": "test", "nodeid": report.nodeid, "when": report.when, "outcome": outcome}
    if report.failed:
        record["text"] = str(report.longrepr)[-4000:]
    _write(record)


def pytest_sessionfinish(session, exitstatus):
    _write({"event": "finished", "exitstatus": int(exitstatus)})
