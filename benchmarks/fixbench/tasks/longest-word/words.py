"""Word statistics for the writing assistant."""


def longest_word(sentence):
    """The longest word (the first one on ties); '' for a sentence without words."""
    words = sentence.split()
    best = words[0]
    for word in words[1:]:
        if len(word) > len(best):
            best = word
    return best


def word_lengths(sentence):
    return [len(word) for word in sentence.split()]
