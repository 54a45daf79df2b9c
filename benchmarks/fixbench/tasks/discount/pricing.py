"""Price calculations for the checkout page."""

TAX_RATE = 0.2


def apply_discount(price, percent):
    """Price after taking `percent` percent off."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be between 0 and 100")
    return round(price * (1 + percent / 100), 2)


def with_tax(price):
    return round(price * (1 + TAX_RATE), 2)


def checkout_total(prices, percent=0):
    subtotal = sum(prices)
    return with_tax(apply_discount(subtotal, percent))
