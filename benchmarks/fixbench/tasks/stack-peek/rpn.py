"""Evaluate expressions in reverse Polish notation."""

from stack import Stack

OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}


def evaluate(expression):
    stack = Stack()
    for token in expression.split():
        if token in OPS:
            right, left = stack.pop(), stack.pop()
            stack.push(OPS[token](left, right))
        else:
            stack.push(int(token))
    return stack.peek()
