"""Compare release version strings."""


def parse_version(text):
    """'v1.4.2' -> (1, 4, 2); missing parts count as 0: '2' -> (2, 0, 0)."""
    numbers = [int(part) for part in text.strip().lstrip("v").split(".")]
    while len(numbers) < 2:
        numbers.append(1)
    return tuple(numbers)


def is_newer(candidate, current):
    return parse_version(candidate) > parse_version(current)
