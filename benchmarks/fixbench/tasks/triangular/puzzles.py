"""Puzzle text built from number series."""

from series import squares, triangular


def stack_puzzle(rows):
    return f"A stack of {rows} rows holds {triangular(rows)} cans."


def square_puzzle(n):
    return ", ".join(str(s) for s in squares(n)) + ", ..."
