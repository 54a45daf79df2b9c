from scaling import normalize, to_percent


def test_normalize():
    assert normalize([2, 4, 6]) == [0.0, 0.5, 1.0]


def test_empty():
    assert normalize([]) == []


def test_flat_series():
    assert normalize([3, 3, 3]) == [0.0, 0.0, 0.0]


def test_to_percent():
    assert to_percent([0, 1, 4]) == [0, 25, 100]
    assert to_percent([7]) == [0]
