"""Lenient parsing of form fields."""


def parse_int(text, default=0):
    """int(text), or `default` when text is missing or not a whole number."""
    try:
        return int(text)
    except TypeError:
        return default


def parse_ints(text):
    """'1, x, 3' -> [1, 0, 3]"""
    return [parse_int(part.strip()) for part in text.split(",")]
