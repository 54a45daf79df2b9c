"""A LIFO stack used by the expression evaluator."""


class EmptyStack(Exception):
    pass


class Stack:
    def __init__(self):
        self._items = []

    def push(self, item):
        self._items.append(item)

    def pop(self):
        if not self._items:
            raise EmptyStack("pop from an empty stack")
        return self._items.pop()

    def peek(self):
        if not self._items:
            raise EmptyStack("peek at an empty stack")
        return self._items[0]

    def __len__(self):
        return len(self._items)
