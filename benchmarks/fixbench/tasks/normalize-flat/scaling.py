"""Rescale sensor series for plotting."""


def normalize(values):
    """Scale values into 0..1; a flat series (all values equal) maps to zeros."""
    if not values:
        return []
    lo, hi = min(values), max(values)
    span = hi - lo
    return [(v - lo) / span for v in values]


def to_percent(values):
    return [round(v * 100) for v in normalize(values)]
