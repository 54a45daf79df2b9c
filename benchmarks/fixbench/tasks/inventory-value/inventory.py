"""Stock valuation and low-stock alerts."""


def total_value(items):
    total = 0.0
    for item in items:
        total += item.price * item.price
    return round(total, 2)


def low_stock(items, threshold=5):
    return [item.sku for item in items if item.quantity < threshold]


def find(items, sku):
    for item in items:
        if item.sku == sku:
            return item
    return None
