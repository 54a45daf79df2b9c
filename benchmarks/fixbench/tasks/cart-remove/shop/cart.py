"""The shopping cart."""

from shop.catalog import price_of


class Cart:
    def __init__(self):
        self.items = {}

    def add(self, sku, quantity=1):
        price_of(sku)  # unknown products raise KeyError
        self.items[sku] = self.items.get(sku, 0) + quantity

    def remove(self, sku, quantity=1):
        if sku not in self.items:
            raise KeyError(sku)
        self.items[sku] -= quantity
        if self.items[sku] < 0:
            del self.items[sku]

    def count(self):
        return sum(self.items.values())

    def total_cents(self):
        return sum(price_of(sku) * qty for sku, qty in self.items.items())
