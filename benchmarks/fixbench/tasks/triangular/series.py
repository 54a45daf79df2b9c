"""Number series used by the puzzle generator."""


def triangular(n):
    """Sum of the whole numbers 1..n."""
    total = 0
    for k in range(1, n):
        total += k
    return total


def squares(n):
    """The first n squares, starting at 1."""
    return [k * k for k in range(1, n + 1)]


def is_triangular(x):
    n = 0
    while triangular(n) < x:
        n += 1
    return triangular(n) == x
