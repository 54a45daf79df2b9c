"""Degenerate code a no-model variant must not introduce: a comparison of a value with itself, an
operator whose two sides are the same (``x - x``), a value assigned to itself, a condition one of
whose operands repeats an earlier one (``n == 1 and n``).

Such code is a bug of its own kind (linters flag the first ones), never the fix a developer meant,
but a suite can pass it: a substitution that turns ``abs_bytes == 1 and not gnu`` into
``abs_bytes == 1 and abs_bytes`` silently drops the second condition. A variant that adds one to
its line is not tried (``degenerate_on`` before and after).
"""

from __future__ import annotations

import ast

_SAME_SIDES = (ast.Sub, ast.Div, ast.FloorDiv, ast.Mod, ast.BitXor, ast.BitAnd, ast.BitOr)


def _within(part: ast.AST, whole: ast.AST) -> bool:
    dumped = ast.dump(part)
    return any(ast.dump(node) == dumped for node in ast.walk(whole))


def _degenerate(node: ast.AST) -> bool:
    if isinstance(node, ast.Compare):
        sides = [node.left, *node.comparators]
        return any(ast.dump(a) == ast.dump(b) for a, b in zip(sides, sides[1:]))
    if isinstance(node, ast.BinOp) and isinstance(node.op, _SAME_SIDES):
        return ast.dump(node.left) == ast.dump(node.right)
    if isinstance(node, ast.AugAssign) and isinstance(node.op, _SAME_SIDES):
        return ast.dump(node.target).replace("Store()", "Load()") == ast.dump(node.value)
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        return ast.dump(node.targets[0]).replace("Store()", "Load()") == ast.dump(node.value)
    if isinstance(node, ast.BoolOp):
        for k, operand in enumerate(node.values):
            earlier = node.values[:k]
            if any(ast.dump(operand) == ast.dump(e) for e in earlier):
                return True  # `a and b and a`
            if isinstance(operand, (ast.Name, ast.Attribute)) and any(_within(operand, e) for e in earlier):
                return True  # `n == 1 and n`; `x and x.y` (a guard first) is fine
    return False


def degenerate_on(text: str, line: int) -> set[str]:
    """The degenerate code on ``line`` of ``text``, as dumps to compare; empty when the text does
    not parse (the compile check judges that)."""
    try:
        tree = ast.parse(text.removeprefix("\ufeff"))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    found: set[str] = set()
    todo: list[ast.AST] = [tree]
    while todo:  # only down the nodes that span the line: a long file costs its depth, not its size
        node = todo.pop()
        if isinstance(node, (ast.expr, ast.stmt)):
            if not node.lineno <= line <= (node.end_lineno or node.lineno):
                continue
            if _degenerate(node):
                found.add(ast.dump(node))
        todo.extend(ast.iter_child_nodes(node))
    return found
