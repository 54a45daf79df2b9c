"""Person records for the membership list."""


def full_name(first, last, middle=None):
    """'Ada Lovelace', or 'Ada B. Lovelace' when there is a middle name."""
    return " ".join([first, middle, last])


def initials(first, last):
    return f"{first[0]}.{last[0]}."
