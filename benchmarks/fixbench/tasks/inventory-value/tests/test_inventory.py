from inventory import find, low_stock, total_value
from models import Item

STOCK = [
    Item("A1", "bolt", 0.5, 100),
    Item("B2", "nut", 0.25, 3),
    Item("C3", "gear", 12.0, 2),
]


def test_total_value():
    assert total_value(STOCK) == 74.75


def test_empty_stock_is_worth_nothing():
    assert total_value([]) == 0.0


def test_low_stock():
    assert low_stock(STOCK) == ["B2", "C3"]


def test_find():
    assert find(STOCK, "C3").name == "gear"
    assert find(STOCK, "Z9") is None
