from wordcount import most_common, word_counts


def test_counts():
    assert word_counts("The cat saw the dog.") == {"the": 2, "cat": 1, "saw": 1, "dog": 1}


def test_no_words():
    assert word_counts("") == {}


def test_most_common():
    assert most_common("b a b a c") == "a"
    assert most_common("") is None
