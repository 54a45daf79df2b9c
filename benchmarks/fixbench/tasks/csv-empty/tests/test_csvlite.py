from csvlite import read_rows
from summary import column_totals

DOC = "a, b\n1, 2\n3, 4\n"


def test_rows():
    assert read_rows(DOC) == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]


def test_blank_lines_are_skipped():
    assert read_rows("a\n1\n\n2\n") == [{"a": "1"}, {"a": "2"}]


def test_empty_document():
    assert read_rows("") == []


def test_totals():
    assert column_totals(DOC) == {"a": 4.0, "b": 6.0}
    assert column_totals("") == {}
