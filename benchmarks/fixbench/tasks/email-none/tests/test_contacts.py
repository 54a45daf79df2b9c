from contacts import dedupe, normalize_email


def test_normalize():
    assert normalize_email("  Bob@Example.COM ") == "bob@example.com"


def test_no_address():
    assert normalize_email(None) is None


def test_dedupe():
    contacts = [
        {"name": "a", "email": "x@y.z"},
        {"name": "b", "email": "X@Y.Z "},
        {"name": "c", "email": None},
        {"name": "d"},
    ]
    assert [c["name"] for c in dedupe(contacts)] == ["a", "c", "d"]
