"""Progress reporting for long-running jobs."""


def percent(done, total):
    """Share of work done, 0-100; a job with nothing to do is 100% done."""
    return round(100 * done / total, 1)


def bar(done, total, width=10):
    filled = int(width * percent(done, total) / 100)
    return "[" + "#" * filled + "." * (width - filled) + "]"
