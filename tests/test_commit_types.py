"""Commit types follow the intent (#17 item 4): a fix is `fix`; a requested change is typed by what
it asks for (removing or renaming code is a refactor, docstrings are docs, new behaviour is a
feature), and a model's "fix" for a requested change is never kept as `fix`."""

import pytest

from codey_git.engine.commit import template_subject, typed_for


@pytest.mark.parametrize(
    "request_text, subject",
    [
        (
            "Remove these unused imports from shop.py: os (line 1)",
            "refactor: remove these unused imports from shop.py: os (line 1)",
        ),
        ("rename total to grand_total in shop.py", "refactor: rename total to grand_total in shop.py"),
        ("Add docstrings to the public functions of calc.py", "docs: add docstrings to the public functions of calc.py"),
        ("Add type hints to calc.py", "refactor: add type hints to calc.py"),
        ("add a function stdev(xs) to stats.py", "feat: add a function stdev(xs) to stats.py"),
        ("Write tests for parse_date", "test: write tests for parse_date"),
    ],
)
def test_an_edit_is_typed_by_what_it_asks_for(request_text, subject):
    assert template_subject("edit", request_text) == subject


def test_a_fix_is_always_fix():
    assert template_subject("fix", "Remove the crash in calc.py line 3").startswith("fix: remove the crash")
    assert typed_for("fix", "refactor(calc): tidy") == "fix(calc): tidy"


def test_a_models_fix_for_a_requested_change_takes_the_requests_type():
    assert (
        typed_for("edit", "fix(shop): drop unused imports", "Remove these unused imports")
        == "refactor(shop): drop unused imports"
    )
    assert typed_for("edit", "fix(stats): add stdev", "add a function stdev") == "feat(stats): add stdev"
    assert typed_for("edit", "docs(calc): explain add", "Add docstrings") == "docs(calc): explain add"


@pytest.mark.parametrize(
    "request_text, subject",
    [
        ("URL('a', 'b').authority() gives 'a:a'", "fix: URL('a', 'b').authority() gives 'a:a'"),
        ("HTTPError is swallowed by fetch()", "fix: HTTPError is swallowed by fetch()"),
        ("Bits('10') raises ValueError", "fix: Bits('10') raises ValueError"),
        ("Fix the failing test tests/test_a.py::test_f", "fix: fix the failing test tests/test_a.py::test_f"),
        ("A crash in calc.py", "fix: a crash in calc.py"),
    ],
)
def test_a_subject_keeps_a_name_or_acronym_the_request_starts_with(request_text, subject):
    assert template_subject("fix", request_text) == subject
