"""Parsing what a reviewer model answers: constrained JSON normally, raw text from scripts."""

from codey_git.review.findings import at_or_above, parse_model_findings
from codey_git.review.suggestions import suggestion_diff


def test_parses_schema_shaped_answer():
    found = parse_model_findings(
        '{"findings": [{"file": "a.py", "line": 3, "severity": "high", '
        '"category": "bug", "message": "off by one", "suggestion": "x = 1"}]}'
    )
    assert [(f.file, f.line, f.severity, f.category, f.message, f.suggestion) for f in found] == [
        ("a.py", 3, "high", "bug", "off by one", "x = 1")
    ]


def test_tolerates_fences_prose_and_near_miss_values():
    text = (
        'Here is my review:\n```json\n{"findings": [{"file": "a.py", "line": "L7", "severity": "Warning", '
        '"category": "error_handling", "message": "swallowed exception"}]}\n```\nDone.'
    )
    [finding] = parse_model_findings(text)
    assert (finding.line, finding.severity, finding.category) == (7, "medium", "error handling")


def test_drops_items_it_cannot_use_and_never_raises():
    assert parse_model_findings("no JSON here") == []
    assert parse_model_findings('{"findings": "none"}') == []
    text = '{"findings": [{"line": 2, "severity": "high"}, {"file": "a.py", "line": 4, "severity": "urgent", "message": "m"}, 7]}'
    assert parse_model_findings(text) == []


def test_unknown_category_defaults_to_bug():
    [finding] = parse_model_findings(
        '{"findings": [{"file": "a.py", "line": 1, "severity": "low", "category": "vibes", "message": "m"}]}'
    )
    assert finding.category == "bug"


def test_severity_threshold_order():
    assert at_or_above("critical", "high") and at_or_above("high", "high")
    assert not at_or_above("medium", "high") and at_or_above("info", "info")


def test_suggested_line_becomes_a_diff_that_keeps_indentation():
    text = "def f(x):\n    return x + 1\n"
    diff = suggestion_diff("m.py", text, 2, "return x")
    assert diff.startswith("--- a/m.py\n+++ b/m.py\n")
    assert "-    return x + 1\n+    return x\n" in diff


def test_advice_in_the_code_field_is_not_offered_as_a_fix():
    text = 'import subprocess\n\n\ndef show(ref):\n    return subprocess.run(f"git show {ref}", shell=True)\n'
    advice = "Change the function to use subprocess.run with shell=False to avoid shell injection."
    assert suggestion_diff("tools.py", text, 5, advice) is None
    assert suggestion_diff("tools.js", "function f(x) {\n  return eval(x);\n}\n", 2, "Use JSON.parse instead of eval") is None
    assert suggestion_diff("tools.py", text, 5, "shell injection via ref") is None  # would not parse
    fixed = suggestion_diff("tools.py", text, 5, 'return subprocess.run(["git", "show", ref])')
    assert '+    return subprocess.run(["git", "show", ref])' in fixed
    assert suggestion_diff("notes.txt", "a\nb\n", 2, "c") is not None  # not Python: only advice is refused


def test_model_written_diff_gets_headers_and_no_op_suggestion_is_dropped():
    diff = suggestion_diff("m.py", "a\nb\n", 2, "@@ -1,2 +1,2 @@\n a\n-b\n+c")
    assert diff == "--- a/m.py\n+++ b/m.py\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
    assert suggestion_diff("m.py", "a\n    b\n", 2, "b") is None
    assert suggestion_diff("m.py", "a\nb\n", 9, "c") is None


def test_severity_is_capped_for_style_remarks_and_test_files():
    from codey_git.review.findings import calibrated

    assert calibrated("critical", "style") == "low"
    assert calibrated("high", "bug", "tests/test_money.py") == "medium"
    assert calibrated("high", "bug", "src/app.test.js") == "medium"
    assert calibrated("critical", "security", "app/contest.py") == "critical"  # not a test file
    assert calibrated("low", "bug", "tests/test_money.py") == "low"
