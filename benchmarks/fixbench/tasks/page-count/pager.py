"""Split result lists into pages for the web UI."""

from dataclasses import dataclass


@dataclass
class Page:
    number: int
    items: list
    total_pages: int


def page_count(total_items, per_page):
    if per_page <= 0:
        raise ValueError("per_page must be positive")
    return total_items // per_page


def get_page(items, number, per_page=10):
    pages = page_count(len(items), per_page)
    if number < 1 or number > max(pages, 1):
        raise IndexError(f"page {number} is out of range")
    start = (number - 1) * per_page
    return Page(number, items[start:start + per_page], pages)
