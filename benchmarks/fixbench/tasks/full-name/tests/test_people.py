from people import full_name, initials


def test_with_middle_name():
    assert full_name("Ada", "Lovelace", "B.") == "Ada B. Lovelace"


def test_without_middle_name():
    assert full_name("Alan", "Turing") == "Alan Turing"


def test_initials():
    assert initials("Grace", "Hopper") == "G.H."
