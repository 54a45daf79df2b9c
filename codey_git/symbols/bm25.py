"""Okapi BM25 over a fixed set of documents (bags of words)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

K1 = 1.2  # how fast a repeated word stops adding
B = 0.75  # how much a long document is discounted


class BM25:
    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        self.counts = [Counter(doc) for doc in documents]
        self.lengths = [len(doc) for doc in documents]
        self.average = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        self.frequency: Counter[str] = Counter()
        for counts in self.counts:
            self.frequency.update(counts.keys())

    def idf(self, word: str) -> float:
        """Rarer words weigh more; never negative (a word in most documents adds a little)."""
        n, df = len(self.counts), self.frequency.get(word, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def score(self, index: int, query: Sequence[str]) -> float:
        counts, length = self.counts[index], self.lengths[index]
        norm = K1 * (1 - B + B * length / self.average) if self.average else K1
        total = 0.0
        for word in set(query):
            tf = counts.get(word, 0)
            if tf:
                total += self.idf(word) * tf * (K1 + 1) / (tf + norm)
        return total

    def scores(self, query: Sequence[str]) -> list[float]:
        return [self.score(i, query) for i in range(len(self.counts))]
