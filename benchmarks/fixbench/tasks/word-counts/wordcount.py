"""Word frequencies for the text statistics page."""

from collections import Counter


def word_counts(text):
    """{word: count}, ignoring case and trailing punctuation."""
    counts = Counter(word.strip(".,!?").lower() for word in text.split())
    return list(counts)


def most_common(text):
    counts = word_counts(text)
    if not counts:
        return None
    return max(sorted(counts), key=lambda word: counts[word])
