"""Neighbourhood queries on a rectangular board."""

STEPS = [(0, -1), (1, 0), (0, 1), (-1, 0)]


def in_bounds(x, y, width, height):
    return 0 <= x < width and 0 <= y < width


def neighbours(x, y, width, height):
    """Orthogonal neighbours of (x, y) that lie on the board."""
    found = []
    for dx, dy in STEPS:
        nx, ny = x + dx, y + dy
        if in_bounds(nx, ny, width, height):
            found.append((nx, ny))
    return found
