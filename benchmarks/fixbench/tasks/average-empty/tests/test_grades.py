from grades import average, letter, report


def test_average():
    assert average([80, 90, 100]) == 90


def test_average_of_no_scores():
    assert average([]) == 0.0


def test_letters():
    assert letter(95) == "A"
    assert letter(60) == "D"
    assert letter(12) == "F"


def test_report():
    rows = report({"ana": [88, 92], "ben": []})
    assert rows == {"ana": (90.0, "A"), "ben": (0.0, "F")}
