"""A small sample project with something for every shipped recipe to do: a failing test, public
functions without docstrings or type hints, TODO comments, an unused import and function."""

INVENTORY = '''\
import json
import os


def parse_line(line):
    # TODO: allow comments after the quantity
    name, qty = line.split(",")
    return name.strip(), int(qty)


def load(text):
    items = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, qty = parse_line(line)
        items[name] = items.get(name, 0) + qty
    return items


def restock(items, name, qty):
    if qty < 0:
        raise ValueError("qty must be positive")
    items[name] = items.get(name, 0) + qty
    return items


def total(items):
    count = 0
    for qty in items.values():
        count += qty
    return count


def to_json(items):
    return json.dumps(items, sort_keys=True)


def legacy_format(items):
    return ";".join(f"{k}={v}" for k, v in items.items())
'''

PRICING = '''\
def price_with_tax(price, rate=0.2):
    return round(price * (1 + rate), 2)


def bulk_discount(price, qty):
    # FIXME: discounts should not stack past 30%
    discount = 0.0
    if qty >= 10:
        discount += 0.1
    if qty >= 100:
        discount += 0.25
    return round(price * qty * (1 - discount), 2)
'''

TESTS = '''\
from inventory import load, restock, to_json, total
from pricing import bulk_discount, price_with_tax


def test_load_sums_duplicates():
    assert load("apple, 2\\npear, 1\\napple, 3\\n") == {"apple": 5, "pear": 1}


def test_restock():
    assert restock({"apple": 1}, "apple", 2) == {"apple": 3}


def test_total():
    assert total({"apple": 2, "pear": 3}) == 5


def test_to_json():
    assert to_json({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'


def test_prices():
    assert price_with_tax(10) == 12.0
    assert bulk_discount(1, 10) == 9.0
'''

FILES = {"inventory.py": INVENTORY, "pricing.py": PRICING, "tests/test_inventory.py": TESTS}
# fix-failing-tests gets a copy with a real bug; the other recipes start from passing tests
BUGGY = {**FILES, "inventory.py": INVENTORY.replace("    return count\n", "    return count - 1\n")}
