"""pytest plugin loaded by codey (``-p codey_pytest_report``): every test by its node id, with its
outcome, written as JSON lines to the file named by $CODEY_PYTEST_REPORT.

Only the outermost pytest session of a run reports: a test suite that runs pytest again (pytester,
a subprocess) inherits $CODEY_PYTEST_REPORT_TAKEN and stays quiet. Kept free of codey imports: it
runs in the project's interpreter, where codey may not be installed.

With $CODEY_PYTEST_LINES set to the repository root, each test's line coverage is written too (a
``lines`` record: repo-relative file -> line numbers run during the test's setup, call and
teardown), for the project's own code only: files under that root, outside virtualenvs and test
files. A small ``sys.settrace`` tracer, so coverage.py is not needed. When coverage.py is already
measuring (pytest-cov from the project's settings), its dynamic contexts are used instead: one
context per test, read back when the test ends; under any other tracer (a debugger) nothing is
recorded.
"""

import json
import os
import sys

_out = None
_root = None  # the real path of $CODEY_PYTEST_LINES, with a trailing separator
# type comments, not annotations: this file runs in the project's interpreter, whatever its version
_files = {}  # type: dict[str, str | None]  # code file name -> its repo-relative path, or None when not traced
_seen = None  # type: dict[str, set[int]] | None  # repo-relative path -> set of line numbers, for the running test
_cov = None  # coverage.py's measurement, when it measures this test
_SKIP_DIRS = frozenset(
    {".venv", "venv", "site-packages", "dist-packages", "tests", "test", "testing", ".git", "node_modules", "build"}
)


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
    root = os.environ.get("CODEY_PYTEST_LINES")
    if root:
        global _root
        _root = os.path.join(os.path.realpath(root), "")


def pytest_unconfigure(config):
    global _out
    if _out is not None:
        _out.close()
        _out = None


def pytest_collectreport(report):
    if report.failed:
        _write({"event": "collect_error", "nodeid": report.nodeid, "text": str(report.longrepr)[-4000:]})


def pytest_collection_finish(session):
    _write(
        {
            "event": "collected",
            "nodeids": [item.nodeid for item in session.items],
            "doctests": [item.nodeid for item in session.items if type(item).__name__ == "DoctestItem"],
        }
    )


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


def _traced(filename):
    """The repo-relative path of a code file to trace, or None."""
    try:
        return _files[filename]
    except KeyError:
        pass
    rel = None
    path = os.path.realpath(filename) if filename and not filename.startswith("<") else ""
    if _root is not None and path.startswith(_root) and path.endswith(".py"):
        parts = path[len(_root) :].split(os.sep)
        name = parts[-1]
        if not (
            _SKIP_DIRS.intersection(parts[:-1]) or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
        ):
            rel = "/".join(parts)
    _files[filename] = rel
    return rel


def _on_call(frame, event, arg):
    rel = _traced(frame.f_code.co_filename)
    if rel is None or _seen is None:
        return None
    add = _seen.setdefault(rel, set()).add

    def on_line(frame, event, arg):
        if event == "line":
            add(frame.f_lineno)
        return on_line

    return on_line


def _coverage():
    """coverage.py's running measurement, if any."""
    module = sys.modules.get("coverage")
    try:
        return module.Coverage.current() if module is not None else None
    except Exception:
        return None


def pytest_runtest_logstart(nodeid, location):
    global _seen, _cov
    if _root is None or _out is None:
        return
    if sys.gettrace() is None:
        _seen = {}
        sys.settrace(_on_call)
        return
    cov = _coverage()
    if cov is not None:
        try:
            cov.switch_context(nodeid)
            _cov = cov
        except Exception:
            _cov = None


def _covered(cov, nodeid):
    """The lines coverage.py recorded in the test's context, by repo-relative path."""
    import re

    data = cov.get_data()
    data.set_query_contexts(["^" + re.escape(nodeid) + "$"])
    try:
        found = {}
        for filename in data.measured_files():
            rel = _traced(filename)
            lines = data.lines(filename) if rel else None
            if lines:
                found[rel] = set(lines)
        return found
    finally:
        data.set_query_contexts(None)


def pytest_runtest_logfinish(nodeid, location):
    global _seen, _cov
    if _cov is not None:
        cov, _cov = _cov, None
        try:
            cov.switch_context("")
            _seen = _covered(cov, nodeid)
        except Exception:
            _seen = None
    if _seen is None:
        return
    if sys.gettrace() is _on_call:
        sys.settrace(None)
    seen, _seen = _seen, None
    _write({"event": "lines", "nodeid": nodeid, "lines": {rel: sorted(lines) for rel, lines in seen.items()}})


def pytest_sessionfinish(session, exitstatus):
    _write({"event": "finished", "exitstatus": int(exitstatus)})
