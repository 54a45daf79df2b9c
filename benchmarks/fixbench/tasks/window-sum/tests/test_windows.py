import pytest

from windows import busiest, window_sum


def test_pairs():
    assert window_sum([1, 2, 3, 4], 2) == [3, 5, 7]


def test_whole_list():
    assert window_sum([1, 2, 3], 3) == [6]


def test_too_short():
    assert window_sum([1, 2], 3) == []


def test_bad_size():
    with pytest.raises(ValueError):
        window_sum([1], 0)


def test_busiest():
    assert busiest([5, 1, 1, 9, 9], 2) == 3
