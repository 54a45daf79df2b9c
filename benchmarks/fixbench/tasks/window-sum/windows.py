"""Sliding-window sums for the traffic dashboard."""


def window_sum(values, size):
    """Sum of each run of `size` consecutive values, in order."""
    if size <= 0:
        raise ValueError("size must be positive")
    sums = []
    for start in range(len(values) - size):
        sums.append(sum(values[start:start + size - 1]))
    return sums


def busiest(values, size):
    sums = window_sum(values, size)
    return sums.index(max(sums)) if sums else None
