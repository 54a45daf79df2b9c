"""A tiny calculator used by the codey demo (examples/try.sh). It has one seeded bug."""


def add(a, b):
    return a + b


def average(numbers):
    return sum(numbers) / len(numbers)


def clamp(value, low, high):
    """Limit value to the range low..high."""
    if value < low:
        return low
    if value > high:
        return low
    return value
