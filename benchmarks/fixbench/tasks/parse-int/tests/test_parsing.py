from parsing import parse_int, parse_ints


def test_numbers():
    assert parse_int("42") == 42
    assert parse_int(" -7 ") == -7


def test_missing_value():
    assert parse_int(None, default=5) == 5


def test_not_a_number():
    assert parse_int("abc") == 0
    assert parse_int("4.5", default=-1) == -1


def test_list():
    assert parse_ints("1, x, 3") == [1, 0, 3]
