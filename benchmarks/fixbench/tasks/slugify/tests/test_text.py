from text import slugify, truncate


def test_slug_of_plain_word():
    assert slugify("Python") == "python"


def test_slug_replaces_spaces_and_punctuation():
    assert slugify("Hello, World!") == "hello-world"
    assert slugify("  Ten tips: part 2 ") == "ten-tips-part-2"


def test_truncate():
    assert truncate("abcdefghij", 6) == "abc..."
    assert truncate("short", 10) == "short"
