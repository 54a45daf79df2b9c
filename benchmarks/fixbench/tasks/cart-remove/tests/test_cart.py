import pytest

from shop.cart import Cart


def test_add_and_total():
    cart = Cart()
    cart.add("apple", 2)
    cart.add("melon")
    assert cart.count() == 3
    assert cart.total_cents() == 400


def test_remove_some():
    cart = Cart()
    cart.add("pear", 3)
    cart.remove("pear")
    assert cart.items == {"pear": 2}


def test_remove_all_drops_the_line():
    cart = Cart()
    cart.add("pear", 2)
    cart.remove("pear", 2)
    assert cart.items == {}
    assert "pear" not in cart.items


def test_remove_missing():
    with pytest.raises(KeyError):
        Cart().remove("apple")
