"""Checks for standard-library calls whose meaning is easy to misread (see ``patterns``): ``strip``
given a suffix, ``bool()`` of text, an end of file tested against None, a generator used twice, a
shallow copy whose nested values are then changed in place, and milliseconds given where seconds
are taken."""

from __future__ import annotations

import ast
import re
from typing import Iterator, cast

from codey_git.review.checks_ast import (
    Module,
    Result,
    call_of,
    dotted,
    keyword,
    known_value,
    last_name,
    method,
    name_assigns,
    none_test,
    reads,
    receiver,
    targets,
)

# method: (where it cuts, what to use instead, an example of it cutting too much)
_STRIPS = {
    "strip": ("both ends", "removeprefix()/removesuffix()", '"data.csv".strip(".csv") is "data" but "scores.csv" becomes "ore"'),
    "lstrip": (
        "the start",
        "removeprefix()",
        '"www.python.org".lstrip("www.") is "python.org" but "www.web.dev" becomes "eb.dev"',
    ),
    "rstrip": ("the end", "removesuffix()", '"data.csv".rstrip(".csv") is "data" but "docs.csv" becomes "do"'),
}
_AFFIX_NAME = re.compile(r"(suffix|prefix|ext|extension)$", re.I)


def _looks_like_affix(text: str) -> bool:
    """A multi-character argument to strip that reads as text to cut off rather than a set of
    characters: one with a letter or digit and a repeated character (bugbear B005), or a file
    extension."""
    if len(text) < 2 or not any(c.isalnum() for c in text):
        return False  # "%%" or "|{} " is a set of punctuation to trim
    return len(set(text)) < len(text) or re.fullmatch(r"\.[A-Za-z][A-Za-z0-9]*", text) is not None


def check_strip_with_affix(m: Module) -> Iterator[Result]:
    for call in m.calls():
        if method(call) not in _STRIPS or len(call.args) != 1:
            continue
        arg = call.args[0]
        value = arg if isinstance(arg, ast.Constant) else known_value(m, arg)
        text = value.value if isinstance(value, ast.Constant) else None
        if isinstance(text, bytes):
            text = text.decode("latin-1")
        named = _AFFIX_NAME.search(dotted(arg) or "") is not None
        if (isinstance(text, str) and _looks_like_affix(text)) or (
            named and text is None and value is None and not isinstance(arg, ast.Constant)
        ):
            shown = repr(text) if isinstance(text, str) else ast.unparse(arg)
            where, instead, example = _STRIPS[method(call)]
            message = (
                f"{method(call)}({shown}) removes any of those characters from {where}, not that text as "
                f"a whole, so it can cut more ({example}); use {instead}"
            )
            yield [call.lineno], "high", "bug", message


# a request's query string, form or cookies. Not the environment ("set to anything means on" is a
# convention there: bool(os.environ.get("PYTHONASYNCIODEBUG")) in asyncio) nor headers (present or
# not: bool(headers.get("Retry-After")) in urllib3)
_TEXT_SOURCES = re.compile(r"(^|\.)(request|req)\.(args|params|query|query_params|form|GET|POST|cookies|values)$")


def _text_source(node: ast.AST) -> bool:
    """A value that arrives as text from a request."""
    if isinstance(node, ast.Call):
        return method(node) == "get" and _TEXT_SOURCES.search(receiver(node)) is not None
    return isinstance(node, ast.Subscript) and _TEXT_SOURCES.search(dotted(node.value)) is not None


def check_bool_of_text(m: Module) -> Iterator[Result]:
    for call in m.calls():
        if call_of(call, "bool") and len(call.args) == 1 and _text_source(call.args[0]):
            message = (
                "bool() of a string is True for every non-empty string, \"false\", \"0\" and \"no\" "
                "included; compare the text with the accepted words (value.lower() in (\"1\", \"true\", "
                "\"yes\"))"
            )
            yield [call.lineno], "high", "bug", message


# a file's or socket's read; not readline (several line readers of their own return None at the
# end) nor recv (multiprocessing's Connection.recv returns any object, None included)
_READS = {"read", "read1"}


def check_end_of_file_as_none(m: Module) -> Iterator[Result]:
    for scope in [m.tree, *m.functions()]:
        nodes = m.own_nodes(scope)
        read_into = {
            t.id
            for n in nodes
            if isinstance(n, ast.Assign) and method(n.value) in _READS
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        in_loop = {id(x) for loop in nodes if isinstance(loop, ast.While) for x in ast.walk(loop)}
        # a stream that may be non-blocking returns None for "nothing yet" and b"" at the end: a
        # function that tests both (pyasn1) knows that
        read_into -= {
            n.operand.id
            for n in nodes
            if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not) and isinstance(n.operand, ast.Name)
        }
        for node in nodes:
            if none_test(node) and id(node) in in_loop and isinstance(node.left, ast.Name) and node.left.id in read_into:
                message = (
                    f"read() returns an empty string at the end of the data, never None, so this test never "
                    f"ends the loop; test `if not {node.left.id}`"
                )
                yield [node.lineno], "high", "bug", message


_LAZY = ("map", "filter", "zip")
_CONSUMERS = {"list", "tuple", "set", "frozenset", "sorted", "sum", "min", "max", "any", "all", "dict", "len"}
_BRANCHES = (ast.If, ast.IfExp, ast.Try)


def _consumes(m: Module, name: ast.Name) -> bool:
    parent = m.parent.get(name)
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is name:
        return True
    if isinstance(parent, ast.Call) and parent.args and parent.args[0] is name:
        return call_of(parent, *_CONSUMERS) or method(parent) == "join"
    return False


def _field_of(parent: ast.AST, child: ast.AST) -> str:
    return next(
        (name for name, value in ast.iter_fields(parent) if value is child or (isinstance(value, list) and child in value)), ""
    )


def _exclusive(m: Module, a: ast.AST, b: ast.AST) -> bool:
    """Whether ``a`` and ``b`` sit in different branches of one if/try, or ``a`` leaves the function."""
    ancestors_b, node = {}, b
    while node in m.parent:
        ancestors_b[m.parent[node]] = node
        node = m.parent[node]
    node = a
    while node in m.parent:
        parent = m.parent[node]
        if isinstance(node, ast.Return):
            return True
        if parent in ancestors_b:
            if not isinstance(parent, _BRANCHES):
                return False
            fields = {_field_of(parent, node), _field_of(parent, ancestors_b[parent])}
            if len(fields) < 2 or "test" in fields:
                return False  # the same branch, or the test and what it guards
            return not isinstance(parent, ast.Try) or not ("finalbody" in fields or fields == {"body", "orelse"})
        node = parent
    return False


def _generator_functions(m: Module) -> set[str]:
    """Module-level functions whose result is a one-pass iterator: they yield, or return a generator
    expression or map/filter/zip."""
    names = set()
    for func in m.tree.body:
        if isinstance(func, ast.FunctionDef):
            nodes = m.own_nodes(func)
            if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in nodes) or any(
                isinstance(n, ast.Return) and _one_pass(n.value, set()) for n in nodes
            ):
                names.add(func.name)
    return names


def _one_pass(value: ast.AST | None, generators: set[str]) -> bool:
    return isinstance(value, ast.GeneratorExp) or call_of(value, *_LAZY, *generators)


def check_generator_used_twice(m: Module) -> Iterator[Result]:
    generators = _generator_functions(m)
    for scope in m.functions():
        nodes = m.own_nodes(scope)
        for assign, name in name_assigns(nodes):
            value = assign.value
            if not _one_pass(value, generators):
                continue
            stores = [n for n in nodes if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
            if len(stores) > 1:
                continue
            inside = {id(n) for n in ast.walk(value)}  # (x for x in xs) may read an older xs
            uses = [n for n in reads(nodes) if n.id == name and id(n) not in inside and _consumes(m, n)]
            if len(uses) >= 2 and not _exclusive(m, uses[0], uses[1]):
                message = (
                    f"{name} is a one-pass iterator: the first use reads it to the end, so the second "
                    f"(line {uses[1].lineno}) sees nothing; make it a list"
                )
                yield [assign.lineno, uses[1].lineno], "high", "bug", message


_NESTED_MUTATORS = {"append", "extend", "update", "add", "insert", "setdefault", "pop", "remove", "clear", "popitem", "discard"}


def _nested_constants(m: Module) -> set[str]:
    """Module-level dicts that hold dicts, lists or sets (a parameter may hold anything)."""
    names: set[str] = set()
    for node in m.tree.body:
        if (
            isinstance(node, (ast.Assign, ast.AnnAssign))
            and isinstance(node.value, ast.Dict)
            and any(isinstance(v, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp)) for v in node.value.values)
        ):
            names.update(t.id for t in targets(node) if isinstance(t, ast.Name))
    return names


def _shallow_copy_of(node: ast.AST, constants: set[str]) -> str | None:
    if call_of(node, "dict", "copy.copy") and len(node.args) == 1 and dotted(node.args[0]) in constants:
        return dotted(node.args[0])
    if isinstance(node, ast.Call) and method(node) == "copy" and not node.args and receiver(node) in constants:
        return receiver(node)
    if isinstance(node, ast.Dict):
        return next((dotted(v) for k, v in zip(node.keys, node.values) if k is None and dotted(v) in constants), None)
    return None


def _changes_nested(node: ast.AST, copy: str) -> bool:
    """``copy[k][j] = ...``, ``copy[k].append(...)`` or ``copy.setdefault(k, {}).update(...)``."""

    def inner(target: ast.AST) -> bool:
        return (isinstance(target, ast.Subscript) and dotted(target.value) == copy) or (
            method(target) in ("setdefault", "get") and receiver(target) == copy
        )

    if isinstance(node, (ast.Assign, ast.AugAssign)):
        return any(isinstance(t, (ast.Subscript, ast.Attribute)) and inner(t.value) for t in targets(node))
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _NESTED_MUTATORS
        and inner(node.func.value)
    )


def check_shallow_copy_changed(m: Module) -> Iterator[Result]:
    constants = _nested_constants(m)
    for scope in m.functions():
        nodes = m.own_nodes(scope)
        params = {a.arg for a in [*scope.args.posonlyargs, *scope.args.args, *scope.args.kwonlyargs]} - {"self", "cls"}
        sources = constants | params
        for assign, copy in name_assigns(nodes):
            source = _shallow_copy_of(assign.value, sources)
            # an assignment or a call (_changes_nested): a statement or an expression, with its line
            change = next((cast("ast.stmt | ast.expr", n) for n in nodes if source and _changes_nested(n, copy)), None)
            if change is not None:
                harm = f"the caller's {source}" if source in params else f"{source} for every later call"
                message = (
                    f"{copy} is a shallow copy of {source}: its nested values are still {source}'s, so "
                    f"changing them in place (line {change.lineno}) changes {harm}; use "
                    f"copy.deepcopy({source})"
                )
                yield [assign.lineno, change.lineno], "high", "bug", message


_MILLIS = re.compile(r"(^|_)(ms|msec|msecs|millis|millisec|milliseconds)$", re.I)
_TAKES_SECONDS = ("time.sleep", "asyncio.sleep", "sleep", "socket.setdefaulttimeout")
# calls whose timeout= is in seconds: requests and httpx, subprocess, sockets, urllib, threads,
# queues, futures and asyncio (not every library: Playwright's is in milliseconds)
_SECONDS_TIMEOUT = set(
    "get post put patch delete head request run call check_call check_output communicate wait create_connection "
    "urlopen join acquire result wait_for".split()
)
_SECONDS_MODULES = ("requests", "httpx", "subprocess", "socket", "urllib", "asyncio", "threading", "queue")


def _millis(node: ast.AST) -> str:
    name = dotted(node).rsplit(".", 1)[-1]
    return name if name and _MILLIS.search(name) else ""


def check_milliseconds_as_seconds(m: Module) -> Iterator[Result]:
    for call in m.calls():
        name = dotted(call.func)
        given = []
        if call.args and (name in _TAKES_SECONDS or method(call) == "settimeout"):
            given.append((call.args[0], name or method(call)))  # no name: an attribute call
        timeout = keyword(call, "timeout")
        last = last_name(call)
        if timeout is not None and (
            name.startswith(_SECONDS_MODULES) or (last in _SECONDS_TIMEOUT and not name.startswith(("page.", "self.page.")))
        ):
            given.append((timeout, f"{name or last}(timeout=...)"))
        for value, what in given:
            millis = _millis(value)
            if millis:
                message = (
                    f"{millis} holds milliseconds, and {what} takes seconds, so the wait is 1000 times "
                    f"longer; pass {millis} / 1000"
                )
                yield [call.lineno], "high", "bug", message
