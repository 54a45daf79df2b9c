from tags import format_tags, parse_tags


def test_parse():
    assert parse_tags("Web, python ,web") == ["python", "web"]


def test_parse_empty():
    assert parse_tags(" , ") == []


def test_format():
    assert format_tags(["a", "b"]) == "#a, #b"
