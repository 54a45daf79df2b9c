import pytest

from rpn import evaluate
from stack import EmptyStack, Stack


def test_push_pop():
    s = Stack()
    s.push(1)
    s.push(2)
    assert s.pop() == 2
    assert len(s) == 1


def test_peek_sees_the_top():
    s = Stack()
    s.push("a")
    s.push("b")
    assert s.peek() == "b"
    assert len(s) == 2


def test_empty():
    with pytest.raises(EmptyStack):
        Stack().peek()


def test_rpn():
    assert evaluate("3 4 + 2 *") == 14
    assert evaluate("1 2 3") == 3
