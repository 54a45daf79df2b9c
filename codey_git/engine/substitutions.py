"""Substitutions on a suspect line: no model, only the tests.

After the one-token changes (``token_fixes``), the slips they cannot undo because the right token
is not a fixed alternative but one the code around uses: a wrong variable (``other`` for
``self``), a wrong attribute (``self.username`` for ``self.password``), a wrong key or string
constant, a wrong number, the first item for the last (``[0]`` for ``[-1]``), an index or bound
one off (``n`` for ``n + 1``), a name passed by position where the function called has a
parameter of that name elsewhere (``f(a, evaluate_result)`` -> ``f(a, evaluate_result=evaluate_result)``). Each replacement comes from the enclosing function (attributes of
``self`` from its class), or a sibling function of the module (``_padright`` for ``_padboth``),
nearest use first, a few per token; a variant is kept only when the file
still compiles, and the step judges it like any edit.
"""

from __future__ import annotations

import ast
import os
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field

from codey_git.engine.token_fixes import TokenFix, is_keyword, line_tokens, line_variants

MAX_PER_LINE = 16  # substitutions tried per line at most
PER_TOKEN = 3  # replacements tried for one token, nearest use first
LONGEST_STRING = 40  # string literals longer than this are text, not keys
# the built-in exceptions tried in an `except` or `raise` after the module's own
BUILTIN_EXCEPTIONS = "ValueError TypeError KeyError IndexError LookupError AttributeError OSError Exception".split()
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


@dataclass
class Pools:
    """What the code around a line uses, nearest to the line first."""

    names: list[str] = field(default_factory=list)  # parameters and locals of the enclosing function
    attributes: dict[tuple[str, bool], list[str]] = field(default_factory=dict)  # (receiver, called) -> names
    strings: list[str] = field(default_factory=list)  # string literals as written, one per value
    numbers: list[str] = field(default_factory=list)  # integer literals as written
    # the line's call arguments (columns in the line without its indentation) and what the same
    # argument of other calls to the same function is, nearest call first
    arguments: list[tuple[int, int, list[str]]] = field(default_factory=list)
    # the line's last positional arguments named like a parameter at another position of the
    # function called (columns in the line without its indentation, the name)
    keywords: list[tuple[int, int, str]] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)  # the module's own functions, in file order
    exceptions: list[str] = field(default_factory=list)  # caught or raised in the module, then built-in ones


class _Segments:
    """The source text of one-line nodes, from the file split once (``ast.get_source_segment``
    splits the whole file at every call: seconds on a 2,000-line module)."""

    def __init__(self, source: str) -> None:
        self.lines = [raw.encode("utf-8") for raw in source.split("\n")]

    def __call__(self, node: ast.expr) -> str | None:
        if node.lineno != node.end_lineno or node.end_col_offset is None or not 1 <= node.lineno <= len(self.lines):
            return None
        return self.lines[node.lineno - 1][node.col_offset : node.end_col_offset].decode("utf-8", "replace")


def _nearest(found: dict[str, int], line: int) -> list[str]:
    """Nearest use first, but those used only on the line itself last: the line's own literals
    swapped among themselves are seldom the slip."""
    return sorted(found, key=lambda k: (found[k] == line, abs(found[k] - line), k))


def _note(found: dict[str, int], key: str, at: int, line: int) -> None:
    """Keep the use of ``key`` nearest to ``line``, a use on another line before one on it."""
    if key not in found or (found[key] == line) > (at == line) or (at != line and abs(at - line) < abs(found[key] - line)):
        found[key] = at


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``scope``'s body that belong to its own scope: not those of a nested function,
    lambda or class (their name is the scope's), nor a comprehension's loop variables."""
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, _SCOPES):
            continue
        if isinstance(node, ast.comprehension):
            todo.extend([node.iter, *node.ifs])
            continue
        todo.extend(ast.iter_child_nodes(node))


_Def = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _innermost(tree: ast.AST, line: int, kinds: tuple[type[_Def], ...]) -> _Def | None:
    best: _Def | None = None
    for node in ast.walk(tree):
        if isinstance(node, kinds) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if best is None or node.lineno >= best.lineno:
                best = node
    return best


def _docstrings(scope: ast.AST) -> set[int]:
    return {
        id(node.body[0].value)
        for node in ast.walk(scope)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def pools(source: str, line: int) -> Pools:
    """The names, attributes and literals of the function that holds ``line`` (attributes of
    ``self``/``cls`` from the whole class); empty outside a function or when the file does not
    parse."""
    try:
        tree = ast.parse(source.removeprefix("\ufeff"))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return Pools()
    segment = _Segments(source.removeprefix("\ufeff"))
    exceptions = _exceptions(tree, line)
    function = _innermost(tree, line, (ast.FunctionDef, ast.AsyncFunctionDef))
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return Pools(exceptions=exceptions)
    names: dict[str, int] = {}
    a = function.args
    for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
        if arg is not None:
            _note(names, arg.arg, arg.lineno, line)
    strings: dict[str, int] = {}
    numbers: dict[str, int] = {}
    written: dict[str, str] = {}
    skip = _docstrings(function) | {id(v) for n in ast.walk(function) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in _own_nodes(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            _note(names, node.id, node.lineno, line)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            _note(names, node.name, node.lineno, line)
        elif isinstance(node, ast.Constant) and id(node) not in skip and node.lineno == node.end_lineno:
            text = segment(node)
            if text is None:
                continue
            if isinstance(node.value, str) and len(node.value) <= LONGEST_STRING and "\n" not in node.value:
                if repr(node.value) not in written:
                    written[repr(node.value)] = text
                _note(strings, written[repr(node.value)], node.lineno, line)
            elif type(node.value) is int:
                _note(numbers, text, node.lineno, line)
    owner = _innermost(tree, line, (ast.ClassDef,))
    attributes: dict[tuple[str, bool], dict[str, int]] = {}
    called = {id(n.func) for n in ast.walk(owner or function) if isinstance(n, ast.Call)}
    for scope in ([owner] if owner is not None else []) + [function]:
        for node in ast.walk(scope):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                receiver = node.value.id
                if (receiver in ("self", "cls")) != (scope is owner):
                    continue  # self's attributes from the class, the others' from the function
                _note(attributes.setdefault((receiver, id(node) in called), {}), node.attr, node.lineno, line)
    return Pools(
        functions=[n.name for n in getattr(tree, "body", []) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))],
        arguments=_sibling_arguments(tree, segment, line),
        keywords=_keyword_arguments(tree, segment, line),
        names=_nearest(names, line),
        attributes={key: _nearest(found, line) for key, found in attributes.items()},
        strings=_nearest(strings, line),
        numbers=_nearest(numbers, line),
        exceptions=exceptions,
    )


def _exceptions(tree: ast.AST, line: int) -> list[str]:
    """The exception classes the module catches or raises by name, nearest to ``line`` first,
    then the usual built-in ones (``except TypeError`` where the code raises ``ValueError``)."""
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        elif isinstance(node, ast.Raise) and node.exc is not None:
            types = [node.exc.func if isinstance(node.exc, ast.Call) else node.exc]
        else:
            continue
        for kind in types:
            if isinstance(kind, ast.Name) and kind.id.lstrip("_")[:1].isupper():  # a class, not `raise caught`
                _note(found, kind.id, kind.lineno, line)
    return list(dict.fromkeys(_nearest(found, line) + BUILTIN_EXCEPTIONS))


def _callee(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f".{f.attr}" if isinstance(f, ast.Attribute) else None


def _arguments(call: ast.Call) -> Iterator[tuple[int | str, ast.expr]]:
    """A call's simple arguments (a name or a literal), by position or keyword."""
    for k, arg in enumerate(call.args):
        if isinstance(arg, (ast.Name, ast.Constant)):
            yield k, arg
    for kw in call.keywords:
        if kw.arg is not None and isinstance(kw.value, (ast.Name, ast.Constant)):
            yield kw.arg, kw.value


def _columns(raw: bytes, indent: int, node: ast.expr) -> tuple[int, int]:
    """Where ``node`` is in its line without the line's indentation, in characters (the AST
    counts bytes)."""
    start = len(raw[indent : node.col_offset].decode("utf-8", "replace"))
    return start, len(raw[indent : node.end_col_offset].decode("utf-8", "replace"))


def _sibling_arguments(tree: ast.AST, segment: _Segments, line: int) -> list[tuple[int, int, list[str]]]:
    """For each simple argument of a call on ``line``: the same argument of the other calls to the
    same function in the file, nearest first (``int_convert(16)`` where a sibling branch has
    ``int_convert(8)``)."""
    calls: dict[str, list[ast.Call]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (key := _callee(node)) is not None:
            calls.setdefault(key, []).append(node)
    raw = segment.lines[line - 1] if 1 <= line <= len(segment.lines) else b""
    indent = len(raw) - len(raw.lstrip())
    found = []
    for group in calls.values():
        for call in group:
            if call.lineno != line or call.end_lineno != line:
                continue
            for where, arg in _arguments(call):
                own = segment(arg)
                others: dict[str, int] = {}
                for sibling in group:
                    for there, value in _arguments(sibling):
                        text = segment(value)
                        if there == where and sibling is not call and text and text != own and "\n" not in text:
                            _note(others, text, sibling.lineno, line)
                if others and arg.end_col_offset is not None:
                    found.append((*_columns(raw, indent, arg), _nearest(others, line)))
    return sorted(found)


def _signatures(tree: ast.AST) -> dict[str, list[list[str]]]:
    """The parameter names of the module's functions by name, and of its methods by ``.name``
    (without ``self``/``cls``): positional ones in order, then keyword-only ones."""
    found: dict[str, list[list[str]]] = {}
    for owner in ast.walk(tree):
        if not isinstance(owner, (ast.Module, ast.ClassDef)):
            continue
        for node in owner.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                a = node.args
                names = [arg.arg for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]]
                method = isinstance(owner, ast.ClassDef)
                static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)
                key = f".{node.name}" if method else node.name
                found.setdefault(key, []).append(names[1:] if method and not static else names)
    return found


def _keyword_arguments(tree: ast.AST, segment: _Segments, line: int) -> list[tuple[int, int, str]]:
    """The last positional argument of a call on ``line`` that is a bare name, where that name is
    a parameter of the function called at another position (``findall(s, pos, endpos,
    evaluate_result)`` where the fourth parameter is ``extra_types``): it belongs by keyword."""
    signatures = _signatures(tree)
    raw = segment.lines[line - 1] if 1 <= line <= len(segment.lines) else b""
    indent = len(raw) - len(raw.lstrip())
    found = []
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and call.lineno == line == call.end_lineno and call.args):
            continue
        key = _callee(call)
        last, at = call.args[-1], len(call.args) - 1
        if key not in signatures or not isinstance(last, ast.Name) or last.end_col_offset is None:
            continue
        if any(kw.arg == last.id for kw in call.keywords):
            continue
        params = signatures[key]
        if any(last.id in names for names in params) and not any(at < len(names) and names[at] == last.id for names in params):
            found.append((*_columns(raw, indent, last), last.id))
    return sorted(found)


def _plain_string(text: str) -> bool:
    """A one-line string literal with no prefix that changes what it is (``f``, ``b``)."""
    prefix = text[: len(text) - len(text.lstrip("rRuUbBfF"))].lower()
    body = text[len(prefix) :]
    return "f" not in prefix and "b" not in prefix and not body.startswith(("'''", '"""'))


def substitutions(code: str, around: Pools) -> Iterator[tuple[str, str]]:
    """Variants of a line of code (without its indentation) that replace one name, attribute or
    literal by one the code around uses, or move an index or bound one up or down; each with a
    note of what changed. None is checked for syntax here."""
    tokens = line_tokens(code)
    seen: set[str] = {code}
    locals_ = set(around.names)
    # the likelier slips first: an index or bound, an attribute, a key, a number, then a variable
    buckets: dict[int, list[tuple[int, int, str, str]]] = {rank: [] for rank in range(6)}
    for i, tok in enumerate(tokens):
        s, (_, a), (_, b) = tok.string, tok.start, tok.end
        before = tokens[i - 1].string if i > 0 else ""
        after = tokens[i + 1].string if i + 1 < len(tokens) else ""
        if tok.type == tokenize.NUMBER and s == "0" and before == "[" and after == "]":
            buckets[0].append((a, b, "-1", "the last item for the first"))
        elif tok.type == tokenize.OP and s == "-" and before == "[" and after == "1" and i + 2 < len(tokens):
            if tokens[i + 2].string == "]":
                buckets[0].append((a, tokens[i + 1].end[1], "0", "the first item for the last"))
        bound = _bound(tokens, i) if tok.type == tokenize.NAME and not is_keyword(tok) and before != "." else None
        if bound is not None:
            buckets[bound] += [(a, b, f"{s} + 1", "one up"), (a, b, f"{s} - 1", "one down")]
        if tok.type == tokenize.NAME and before == "." and i > 1 and tokens[i - 2].type == tokenize.NAME:
            pool = around.attributes.get((tokens[i - 2].string, after == "("), [])
            for other in [n for n in pool if n != s][:PER_TOKEN]:
                buckets[1].append((a, b, other, f"an attribute the same {_where(tokens[i - 2].string)} uses"))
        elif tok.type == tokenize.NAME and _caught_or_raised(tokens, i):
            on_line = {t.string for t in tokens}
            for other in [n for n in around.exceptions if n not in on_line][:PER_TOKEN]:
                buckets[1].append(
                    (
                        a,
                        b,
                        other,
                        "an exception the module catches or raises"
                        if other not in BUILTIN_EXCEPTIONS
                        else "a built-in exception",
                    )
                )
        elif tok.type == tokenize.NAME and before != "." and after == "(" and s in around.functions:
            for other in siblings(s, around.functions)[:PER_TOKEN]:
                buckets[1].append((a, b, other, "a sibling function of the module"))
        elif tok.type == tokenize.NAME and s in locals_ - {"self", "cls"} and before != "." and after not in ("=", "("):
            for other in [n for n in around.names if n != s][:PER_TOKEN]:
                buckets[5].append((a, b, other, "a name of the same function"))
        elif tok.type == tokenize.STRING and _plain_string(s):
            for other in [t for t in around.strings if t != s and _plain_string(t)][:PER_TOKEN]:
                buckets[3].append((a, b, other, "a string the same function uses"))
        elif tok.type == tokenize.NUMBER and s.isdigit():
            near = {str(int(s) - 1), str(int(s) + 1), s}  # one up and down are token changes already
            if before in ("/", "//", "%"):
                near.add("0")
            for other in [n for n in around.numbers if n not in near][:PER_TOKEN]:
                buckets[4].append((a, b, other, "a number the same function uses"))
    for a, b, name in around.keywords:
        buckets[1].append((a, b, f"{name}={name}", "the parameter of that name is not at this position"))
    for a, b, others in around.arguments:
        for other in others[:PER_TOKEN]:
            buckets[1].append((a, b, other, "as other calls of the same function have it"))
    for rank in sorted(buckets):
        for a, b, new, why in buckets[rank]:
            changed = code[:a] + new + code[b:]
            if changed not in seen:
                seen.add(changed)
                yield changed, f"`{code[a:b]}` -> `{new}` ({why})"


def siblings(name: str, functions: list[str]) -> list[str]:
    """The module's functions whose names share a stem with ``name`` (``_padboth`` for
    ``_padright``: the same first three letters, or the same last four), most letters shared
    first."""

    def shared(other: str) -> int:
        a, b = name.lstrip("_"), other.lstrip("_")
        head = len(os.path.commonprefix([a, b]))
        tail = len(os.path.commonprefix([a[::-1], b[::-1]]))
        return head if head >= 3 else tail if tail >= 4 else 0

    found = [f for f in dict.fromkeys(functions) if f != name and shared(f)]
    return sorted(found, key=lambda f: -shared(f))


def _caught_or_raised(tokens: list[tokenize.TokenInfo], i: int) -> bool:
    """The name at ``i`` is an exception class the line catches (``except A:``, ``except (A, B)
    as e:``) or raises (``raise A``, ``raise A(...)``), written as a plain name."""
    head = tokens[0].string
    if is_keyword(tokens[i]) or head not in ("except", "raise") or "as" in (t.string for t in tokens[:i]):
        return False
    before, after = tokens[i - 1].string, tokens[i + 1].string if i + 1 < len(tokens) else ""
    if head == "raise":
        return i == 1 and after in ("", "(", "from")
    return before in ("except", "(", ",") and after in (":", ",", ")", "as")


def _where(receiver: str) -> str:
    return "class" if receiver in ("self", "cls") else "function"


def _bound(tokens: list[tokenize.TokenInfo], i: int) -> int | None:
    """Where an off-by-one lives: 2 when the name at ``i`` is a whole index or slice bound
    (``[n]``, ``[:n]``) or a whole argument of ``range``, 4 (less likely) when it is a whole
    argument of another call; None otherwise."""
    before = tokens[i - 1].string if i > 0 else ""
    after = tokens[i + 1].string if i + 1 < len(tokens) else ""
    if before in ("[", ":") and after in ("]", ":"):
        return 2
    if before in ("(", ",") and after in (")", ","):
        depth = 0
        for j in range(i - 1, -1, -1):  # the bracket this argument belongs to
            t = tokens[j].string
            if t in (")", "]", "}"):
                depth += 1
            elif t in ("(", "[", "{"):
                if depth == 0:
                    callee = tokens[j - 1] if j > 0 else None
                    if t != "(" or callee is None or callee.type != tokenize.NAME or is_keyword(callee):
                        return None
                    return 2 if callee.string == "range" else 4
                depth -= 1
    return None


def substitution_fixes(path: str, line: int, text: str, limit: int = MAX_PER_LINE) -> Iterator[TokenFix]:
    """Substitutions on ``line`` of ``path`` (1-based) that leave a file that compiles, at most
    ``limit``."""
    around = pools(text, line)
    yield from line_variants(path, line, text, lambda code: substitutions(code, around), limit)
