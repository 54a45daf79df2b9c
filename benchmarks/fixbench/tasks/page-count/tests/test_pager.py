import pytest

from pager import get_page, page_count


def test_exact_pages():
    assert page_count(20, 10) == 2


def test_partial_last_page_counts():
    assert page_count(25, 10) == 3
    assert page_count(1, 10) == 1


def test_no_items_no_pages():
    assert page_count(0, 10) == 0


def test_last_page_holds_the_rest():
    page = get_page(list(range(25)), 3)
    assert page.items == [20, 21, 22, 23, 24]
    assert page.total_pages == 3


def test_page_out_of_range():
    with pytest.raises(IndexError):
        get_page(list(range(5)), 2)
