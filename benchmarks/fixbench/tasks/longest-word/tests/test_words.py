from words import longest_word, word_lengths


def test_longest_word():
    assert longest_word("a quick brown fox") == "quick"


def test_first_wins_a_tie():
    assert longest_word("cat dog") == "cat"


def test_empty_sentence():
    assert longest_word("") == ""
    assert longest_word("   ") == ""


def test_word_lengths():
    assert word_lengths("hi there") == [2, 5]
