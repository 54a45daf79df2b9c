from versions import is_newer, parse_version


def test_full_version():
    assert parse_version("v1.4.2") == (1, 4, 2)


def test_short_versions_are_padded_with_zeros():
    assert parse_version("2") == (2, 0, 0)
    assert parse_version("1.4") == (1, 4, 0)


def test_is_newer():
    assert is_newer("1.10", "1.9.9")
    assert not is_newer("1.4", "1.4.0")
