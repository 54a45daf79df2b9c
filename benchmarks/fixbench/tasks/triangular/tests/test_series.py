from puzzles import square_puzzle, stack_puzzle
from series import is_triangular, squares, triangular


def test_triangular_numbers():
    assert [triangular(n) for n in range(1, 6)] == [1, 3, 6, 10, 15]


def test_triangular_zero():
    assert triangular(0) == 0


def test_squares():
    assert squares(4) == [1, 4, 9, 16]


def test_is_triangular():
    assert is_triangular(10)
    assert not is_triangular(11)


def test_stack_puzzle():
    assert stack_puzzle(4) == "A stack of 4 rows holds 10 cans."


def test_square_puzzle():
    assert square_puzzle(3) == "1, 4, 9, ..."
