import pytest

from account import Account, InsufficientFunds


def test_deposit_and_withdraw():
    acct = Account("kim", 100)
    acct.deposit(50)
    acct.withdraw(30)
    assert acct.balance == 120
    assert acct.history == [("deposit", 50), ("withdraw", 30)]


def test_withdraw_everything():
    acct = Account("kim", 80)
    acct.withdraw(80)
    assert acct.balance == 0


def test_overdraw():
    acct = Account("kim", 10)
    with pytest.raises(InsufficientFunds):
        acct.withdraw(11)
    assert acct.balance == 10
