from geometry import midpoint
from route import longest_leg, route_length


def test_straight_route():
    assert route_length([(0, 0), (3, 0), (3, 4)]) == 7


def test_diagonal_leg():
    assert route_length([(0, 0), (3, 4)]) == 5


def test_longest_leg():
    assert longest_leg([(0, 0), (0, 2), (6, 10)]) == ((0, 2), (6, 10))


def test_midpoint():
    assert midpoint((0, 0), (4, 2)) == (2, 1)
