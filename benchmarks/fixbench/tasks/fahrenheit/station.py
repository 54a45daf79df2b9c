"""Format readings from the roof weather station."""

from dataclasses import dataclass

from units import celsius_to_fahrenheit, kmh_to_ms


@dataclass
class Reading:
    celsius: float
    wind_kmh: float


def describe(reading):
    fahrenheit = celsius_to_fahrenheit(reading.celsius)
    wind = kmh_to_ms(reading.wind_kmh)
    return f"{reading.celsius:.1f}C / {fahrenheit:.1f}F, wind {wind:.1f} m/s"
