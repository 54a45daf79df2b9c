"""Unit conversions for weather station readings."""


def celsius_to_fahrenheit(c):
    return c * 9 / 5 - 32


def fahrenheit_to_celsius(f):
    return (f - 32) * 5 / 9


def kmh_to_ms(speed):
    return speed / 3.6
