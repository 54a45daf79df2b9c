from progress import bar, percent


def test_percent():
    assert percent(1, 4) == 25.0
    assert percent(1, 3) == 33.3


def test_nothing_to_do_is_done():
    assert percent(0, 0) == 100.0


def test_bar():
    assert bar(5, 10) == "[#####.....]"
    assert bar(0, 0, width=4) == "[####]"
