"""The review benchmark's cases are usable: each bug line is one the staged diff touches."""

from conftest import git

from benchmarks.review.cases import load_cases
from codey_git.review.diffsource import staged_diff


def test_cases_cover_bugs_and_harmless_changes():
    cases = load_cases()
    assert len(cases) >= 30
    assert sum(c.is_bug for c in cases) >= 15 and sum(not c.is_bug for c in cases) >= 10


def test_every_bug_line_is_touched_by_its_diff(make_repo):
    for case in [c for c in load_cases() if c.is_bug]:
        root = make_repo({case.file: case.before}, name=case.name)
        (root / case.file).write_text(case.after)
        git(root, "add", "-A")
        touched = staged_diff(root).touched()[case.file]
        assert case.bug_lines & touched, case.name


def test_no_bug_case_is_hidden_by_the_harmless_rules(make_repo):
    from codey_git.review.harmless import harmless_reason

    for case in [c for c in load_cases() if c.is_bug]:
        root = make_repo({case.file: case.before}, name=case.name)
        (root / case.file).write_text(case.after)
        git(root, "add", "-A")
        [file] = staged_diff(root).files
        buggy = [h for h in file.hunks if case.bug_lines & set(h.touched_lines())]
        assert buggy and all(harmless_reason(h, file) is None for h in buggy), case.name


def test_summary_separates_case_sets_and_finding_sources():
    from benchmarks.review.__main__ import by_set_and_source

    rows = [
        {"case": "bug01_x", "kind": "bug", "bug_lines": [3], "found": [(3, "high", "code_from_text")]},
        {"case": "hbug02_y", "kind": "bug", "bug_lines": [5], "found": [(5, "medium", None), (2, "high", None)]},
        {"case": "fok01_z", "kind": "harmless", "bug_lines": [], "found": [(4, "high", None)]},
        {"case": "fbug01_w", "kind": "bug", "bug_lines": [7], "found": [(7, "low", None)]},
        {"case": "gbug03_v", "kind": "bug", "bug_lines": [2], "found": [(1, "high", None)]},
    ]
    summary = by_set_and_source(rows)
    assert summary["tuning"]["checks"]["hits"] == 1 and summary["tuning"]["model"]["hits"] == 0
    assert summary["held-out"]["all"] == {"hits": 1, "bugs": 1, "alarms": 0, "harmless": 0}
    assert summary["fresh"]["model"] == {"hits": 0, "bugs": 1, "alarms": 1, "harmless": 1}  # low does not count
    assert "shipped" not in summary["fresh"]
    assert summary["unseen"]["all"] == {"hits": 0, "bugs": 1, "alarms": 0, "harmless": 0}  # wrong line
    shipped = by_set_and_source(rows, cap="medium")
    assert shipped["fresh"]["shipped"]["alarms"] == 0  # the model's high is shown as medium: not blocking
    assert shipped["held-out"]["shipped"]["hits"] == 1  # a medium on the bug line still counts
    assert shipped["tuning"]["shipped"]["hits"] == 1  # checks are not capped


def test_rescore_replaces_check_findings_and_keeps_the_models(tmp_path):
    from benchmarks.review.rescore import rescore_rows

    rows = [
        {
            "case": "fbug05_del_during_enumerate",
            "kind": "bug",
            "bug_lines": [4],
            "found": [[2, "low", None], [9, "high", "a_check_since_removed"]],
        },
        {"case": "no_such_case", "kind": "bug", "bug_lines": [1], "found": []},
    ]
    [row] = rescore_rows(rows, tmp_path)
    assert row["found"] == [(2, "low", None), (4, "high", "changed_while_iterated")]
