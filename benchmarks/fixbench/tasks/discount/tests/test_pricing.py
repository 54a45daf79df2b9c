import pytest

from pricing import apply_discount, checkout_total, with_tax


def test_no_discount():
    assert apply_discount(80.0, 0) == 80.0


def test_ten_percent_off():
    assert apply_discount(80.0, 10) == 72.0


def test_free():
    assert apply_discount(80.0, 100) == 0.0


def test_bad_percent():
    with pytest.raises(ValueError):
        apply_discount(10.0, 150)


def test_tax():
    assert with_tax(10.0) == 12.0


def test_checkout_total_with_discount():
    assert checkout_total([30.0, 20.0], percent=50) == 30.0
