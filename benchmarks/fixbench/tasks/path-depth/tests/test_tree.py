from tree import depth, name, parent


def test_depth():
    assert depth("/a/b") == 2
    assert depth("/a/b/") == 2
    assert depth("/") == 0


def test_parent():
    assert parent("/docs/guide/intro") == "/docs/guide"
    assert parent("/docs/") == "/"


def test_name():
    assert name("/docs/guide/") == "guide"
