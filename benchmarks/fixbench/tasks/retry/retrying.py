"""Retry flaky network calls."""


def retry(func, attempts=3, exceptions=(ConnectionError,)):
    """Call func until it succeeds; after `attempts` failures re-raise the last error.

    Errors not listed in `exceptions` propagate at once.
    """
    last_error = None
    for _ in range(attempts):
        try:
            return func()
        except exceptions as error:
            last_error = error
            raise
    raise last_error
