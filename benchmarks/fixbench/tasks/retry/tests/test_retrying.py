import pytest

from retrying import retry


class Flaky:
    def __init__(self, failures, error=ConnectionError):
        self.failures = failures
        self.error = error
        self.calls = 0

    def __call__(self):
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error("down")
        return "ok"


def test_succeeds_first_time():
    assert retry(Flaky(0)) == "ok"


def test_recovers_after_failures():
    flaky = Flaky(2)
    assert retry(flaky) == "ok"
    assert flaky.calls == 3


def test_gives_up():
    flaky = Flaky(5)
    with pytest.raises(ConnectionError):
        retry(flaky, attempts=3)
    assert flaky.calls == 3


def test_other_errors_are_not_retried():
    flaky = Flaky(1, error=KeyError)
    with pytest.raises(KeyError):
        retry(flaky)
    assert flaky.calls == 1
