"""Words of code and of requests, in one form: lowercase parts of identifiers (snake_case and
camelCase split, the whole identifier kept too) and of text."""

from __future__ import annotations

import re

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")

# words of requests and failure texts that say nothing about where the code is
STOP_WORDS = frozenset(
    """a an and are as at be been but by can did do does doesn't for from had has have how i if in into is it
    its no not now of on or please should since so than that the then there these this to was were what when
    where which while with would fix fixed fails fail failing failed failure test tests bug broken error
    wrong instead returns return raises raise last change since get got anymore still expected actual
    self none true false assert assertionerror e def""".split()
)


def identifier_words(name: str) -> list[str]:
    """``parse_HTTPHeader`` -> ["parse", "http", "header", "parse_httpheader"]."""
    parts = [p.lower() for chunk in name.split("_") for p in _PART.findall(chunk)]
    whole = name.strip("_").lower()
    return parts + [whole] if len(parts) > 1 and whole else parts


def text_words(text: str) -> list[str]:
    """The words of free text, identifiers split; stop words and one-letter words left out."""
    out: list[str] = []
    for token in _IDENT.findall(text):
        out.extend(w for w in identifier_words(token) if len(w) > 1 and w not in STOP_WORDS)
    return out
