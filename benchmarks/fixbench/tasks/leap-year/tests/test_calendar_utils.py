from calendar_utils import day_of_year, days_in_month, is_leap_year


def test_ordinary_years():
    assert not is_leap_year(2023)
    assert not is_leap_year(1900)


def test_leap_years():
    assert is_leap_year(2024)
    assert is_leap_year(2000)


def test_february():
    assert days_in_month(2024, 2) == 29
    assert days_in_month(2023, 2) == 28


def test_day_of_year():
    assert day_of_year(2023, 3, 1) == 60
    assert day_of_year(2024, 3, 1) == 61
