from station import Reading, describe
from units import celsius_to_fahrenheit, fahrenheit_to_celsius, kmh_to_ms


def test_freezing_and_boiling():
    assert celsius_to_fahrenheit(0) == 32
    assert celsius_to_fahrenheit(100) == 212


def test_back_to_celsius():
    assert fahrenheit_to_celsius(212) == 100


def test_wind():
    assert kmh_to_ms(36) == 10


def test_describe():
    assert describe(Reading(20, 18)) == "20.0C / 68.0F, wind 5.0 m/s"
