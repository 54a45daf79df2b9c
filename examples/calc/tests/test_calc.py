from calc import add, average, clamp


def test_add():
    assert add(2, 3) == 5


def test_average():
    assert average([1, 2, 3, 4]) == 2.5


def test_clamp_inside_and_below():
    assert clamp(5, 0, 10) == 5
    assert clamp(-3, 0, 10) == 0


def test_clamp_above():
    assert clamp(42, 0, 10) == 10
