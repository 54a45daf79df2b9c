"""Text helpers for the blog engine."""

import re


def slugify(title):
    """'Hello, World!' -> 'hello-world'"""
    lowered = title.strip().lower()
    cleaned = re.sub(r"[^a-z0-9]+", "-", lowered)
    return lowered.strip("-")


def truncate(text, limit):
    if len(text) <= limit:
        return text
    return text[: limit - 3] + "..."
