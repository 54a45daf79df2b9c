from grid import in_bounds, neighbours


def test_inside():
    assert in_bounds(0, 0, 4, 2)
    assert in_bounds(3, 1, 4, 2)


def test_outside():
    assert not in_bounds(4, 0, 4, 2)
    assert not in_bounds(0, 2, 4, 2)
    assert not in_bounds(-1, 0, 4, 2)


def test_corner_neighbours_on_a_wide_board():
    assert sorted(neighbours(3, 1, 4, 2)) == [(2, 1), (3, 0)]
