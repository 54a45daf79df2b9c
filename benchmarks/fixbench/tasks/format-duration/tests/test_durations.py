from durations import format_duration, parse_duration


def test_mixed():
    assert format_duration(3725) == "1h 2m 5s"


def test_round_hours():
    assert format_duration(7200) == "2h"


def test_zero():
    assert format_duration(0) == "0s"


def test_round_trip():
    for seconds in (0, 59, 61, 3600, 3725):
        assert parse_duration(format_duration(seconds)) == seconds
