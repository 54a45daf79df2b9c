"""Money is kept in integer cents."""


def format_cents(cents):
    """1234 -> '$12.34'"""
    dollars, rest = divmod(cents, 100)
    return f"${dollars}.{rest}"


def parse_amount(text):
    """'$12.34' -> 1234"""
    dollars, _, cents = text.lstrip("$").partition(".")
    return int(dollars) * 100 + int(cents or 0)
