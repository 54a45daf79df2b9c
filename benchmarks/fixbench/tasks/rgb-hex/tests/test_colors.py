import pytest

from colors import hex_to_rgb, rgb_to_hex


def test_channels_in_order():
    assert rgb_to_hex(1, 2, 3) == "#010203"


def test_white_and_black():
    assert rgb_to_hex(255, 255, 255) == "#ffffff"
    assert rgb_to_hex(0, 0, 0) == "#000000"


def test_out_of_range():
    with pytest.raises(ValueError):
        rgb_to_hex(256, 0, 0)


def test_round_trip():
    assert hex_to_rgb(rgb_to_hex(18, 52, 86)) == (18, 52, 86)
