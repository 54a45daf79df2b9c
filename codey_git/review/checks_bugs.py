"""Checks for code that computes the wrong thing or fails (see ``patterns``): a collection changed
while it is iterated, a dict iterated as pairs, a loop whose condition nothing changes, an index
loop that stops one short, naive and aware datetimes mixed, a closure kept past its loop, a default
computed once. (``is`` against a literal and a mutable default are ruff's: F632, B006.)"""

from __future__ import annotations

import ast
from typing import Iterator, cast

from codey_git.review.checks_ast import (
    Module,
    Result,
    call_of,
    dict_names,
    dotted,
    keyword,
    method,
    name_assigns,
    reads,
    receiver,
    targets,
    walk_all,
)

# appending to a list while iterating it is a known work-list idiom (the loop sees the new items)
_MUTATORS = {"remove", "pop", "insert", "clear", "popitem", "discard", "add", "update"}
_EXITS = (ast.Break, ast.Return, ast.Raise, ast.Yield, ast.YieldFrom, ast.Await)
_DICTS = ("dict", "defaultdict", "collections.defaultdict", "OrderedDict", "collections.OrderedDict")


def _dict_attributes(m: Module) -> set[str]:
    """``self.x`` attributes the module sets to a new dict (``self.x = {}``, ``self.x: Dict[...] = {}``)."""
    found: set[str] = set()
    for n in ast.walk(m.tree):
        if isinstance(n, (ast.Assign, ast.AnnAssign)) and (
            isinstance(n.value, (ast.Dict, ast.DictComp)) or call_of(n.value, *_DICTS)
        ):
            found.update(dotted(t) for t in targets(n) if isinstance(t, ast.Attribute) and dotted(t).startswith("self."))
    return found


def _iterated(m: Module, loop: ast.For, dict_attributes: set[str]) -> str:
    """What ``for ... in seq``, ``enumerate(seq)`` or ``seq.items()`` walks over ("" for anything else)."""
    source = loop.iter
    if call_of(source, "enumerate") and source.args:
        source = source.args[0]
    if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) and not source.args and _view(source):
        # a dict's view: changing the dict while it is walked raises. Only for what is known to be
        # a dict: other classes' keys() may return a list (email.message.Message, mailbox.Mailbox)
        owner = source.func.value
        known = dotted(owner) in dict_attributes or (isinstance(owner, ast.Name) and owner.id in dict_names(m.function_of(loop)))
        source = owner if known else source
    return dotted(source) if isinstance(source, (ast.Name, ast.Attribute)) else ""


def _view(node: ast.AST) -> bool:
    return method(node) in ("items", "keys", "values")


def _leaves_after(m: Module, node: ast.AST) -> bool:
    """Whether the loop is left right after ``node``'s statement (``xs.remove(x); break``)."""
    stmt = m.statement_of(node)
    if isinstance(stmt, (ast.Return, ast.Raise)):
        return True
    block = m.block_of(stmt)
    rest = block[block.index(stmt) + 1 :] if stmt in block else []
    return bool(rest) and isinstance(rest[0], (ast.Break, ast.Return, ast.Raise))


def check_changed_while_iterated(m: Module) -> Iterator[Result]:
    dict_attributes = _dict_attributes(m)
    for loop in m.of(ast.For):
        seq = _iterated(m, loop, dict_attributes)
        if not seq:
            continue
        inside = list(walk_all(loop.body))
        if any(isinstance(n, (ast.Name, ast.Attribute)) and isinstance(n.ctx, ast.Store) and dotted(n) == seq for n in inside):
            continue  # rebound inside the loop: what is changed may be a new object
        for node in inside:
            mutated = (method(node) in _MUTATORS and receiver(node) == seq) or (
                isinstance(node, ast.Delete)
                and any(isinstance(t, ast.Subscript) and dotted(t.value) == seq for t in node.targets)
            )
            if mutated and not _leaves_after(m, node):
                changed = cast("ast.Call | ast.Delete", node)  # mutated: one of the two
                message = (
                    f"{seq} is changed (line {changed.lineno}) while this loop iterates over it, so items are "
                    f"skipped or the loop fails here; iterate over a copy or build a new one"
                )
                # a dict (or its view) raises at the loop's line, where the copy to walk goes; a list
                # silently skips items, and the change is what to look at
                lines = [loop.lineno, changed.lineno] if _view(loop.iter) else [changed.lineno, loop.lineno]
                yield lines, "high", "bug", message
                break


def check_dict_iterated_as_pairs(m: Module) -> Iterator[Result]:
    for loop in m.of(ast.For):
        pairs = isinstance(loop.target, ast.Tuple) and len(loop.target.elts) == 2
        if pairs and isinstance(loop.iter, ast.Name) and loop.iter.id in dict_names(m.function_of(loop)):
            yield [loop.lineno], "high", "bug", f"iterating {loop.iter.id} gives its keys, not pairs; use {loop.iter.id}.items()"


def _local_names(func: ast.AST) -> set[str]:
    names = {a.arg for a in ast.walk(func) if isinstance(a, ast.arg)}
    return names | {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}


def _touches(body: list[ast.stmt], names: set[str], local: set[str]) -> bool:
    """Whether anything in ``body`` can change what ``names`` hold or leave the loop."""
    for node in walk_all(body):
        if isinstance(node, _EXITS) or isinstance(node, (ast.Global, ast.Nonlocal)):
            return True
        if isinstance(node, ast.Name) and node.id in names and not isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, ast.Call) and (receiver(node) in names or not names <= local):
            return True  # a call may change what it is called on, or a global
    return False


def check_condition_never_changes(m: Module) -> Iterator[Result]:
    for loop in m.of(ast.While):
        if isinstance(loop.test, ast.Constant):
            continue
        names = {n.id for n in ast.walk(loop.test) if isinstance(n, ast.Name)}  # compared: numbers, strings
        if not names or any(isinstance(n, (ast.Call, ast.Attribute, ast.Subscript, ast.Await)) for n in ast.walk(loop.test)):
            continue
        func = m.function_of(loop)
        if isinstance(func, ast.Module):
            continue  # module-level names can be changed by any function it calls
        if any(isinstance(n, ast.Name) and not isinstance(m.parent.get(n), ast.Compare) for n in ast.walk(loop.test)):
            continue  # `while queue:` tests a container, which an alias (pop = queue.pop) can empty
        if not _touches(loop.body, names, _local_names(func)):
            body_lines = sorted({n.lineno for n in walk_all(loop.body) if hasattr(n, "lineno")})
            message = f"nothing in the loop changes {', '.join(sorted(names))}: once it is entered it never ends"
            yield [loop.lineno, *body_lines], "high", "bug", message


def check_index_loop_stops_short(m: Module) -> Iterator[Result]:
    for loop in m.of(ast.For):
        bound = loop.iter.args[0] if call_of(loop.iter, "range") and len(loop.iter.args) == 1 else None
        if not (isinstance(loop.target, ast.Name) and isinstance(bound, ast.BinOp) and isinstance(bound.op, ast.Sub)):
            continue
        if not (
            isinstance(bound.right, ast.Constant) and bound.right.value == 1 and call_of(bound.left, "len") and bound.left.args
        ):
            continue
        seq, index = ast.unparse(bound.left.args[0]), loop.target.id
        subscripts = [n for n in walk_all(loop.body) if isinstance(n, ast.Subscript) and ast.unparse(n.value) == seq]
        if subscripts and all(isinstance(n.slice, ast.Name) and n.slice.id == index for n in subscripts):
            message = f"range(len({seq}) - 1) stops before the last item of {seq}; use range(len({seq}))"
            yield [loop.lineno], "high", "bug", message


def check_naive_and_aware_datetimes(m: Module) -> Iterator[Result]:
    aware = any(dotted(n).endswith(("timezone.utc", "UTC", "ZoneInfo", "tzutc")) for n in ast.walk(m.tree))
    for call in m.calls():
        name = dotted(call.func)
        naive = name.endswith(("datetime.utcnow", "datetime.utcfromtimestamp")) or (
            name.endswith(("datetime.now", "datetime.today")) and not call.args and keyword(call, "tz") is None
        )
        if aware and naive:
            message = (
                f"{name}() is a naive datetime, and this module uses aware ones: comparing them raises "
                f"TypeError; use datetime.now(timezone.utc)"
            )
            yield [call.lineno], "high", "bug", message


_STORES = {"append", "add", "insert", "appendleft", "connect", "register", "submit", "put"}


def _free_loop_names(func: ast.Lambda | ast.FunctionDef, loop_names: set[str]) -> set[str]:
    """Loop variables ``func`` reads without binding them (a default ``i=i`` binds)."""
    bound = {a.arg for a in ast.walk(func.args) if isinstance(a, ast.arg)}
    body = list(walk_all(func.body if isinstance(func.body, list) else [func.body]))
    bound |= {n.id for n in body if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    return {n.id for n in reads(body) if n.id in loop_names - bound}


def _kept_for_later(m: Module, func: ast.Lambda | ast.FunctionDef, loop: ast.For) -> bool:
    """Whether the function made in ``loop`` is stored or handed on to run after this iteration."""
    uses: list[ast.AST] = [func] if isinstance(func, ast.Lambda) else [n for n in reads(walk_all(loop.body)) if n.id == func.name]
    for use in uses:
        parent = m.parent.get(use)
        if isinstance(parent, ast.keyword) and parent.arg in ("target", "callback", "command"):
            return True
        if isinstance(parent, ast.Call) and use in parent.args and method(parent) in _STORES:
            return True
        if isinstance(parent, ast.Assign) and any(isinstance(t, (ast.Subscript, ast.Attribute)) for t in parent.targets):
            return True
    return False


def check_late_binding_closure(m: Module) -> Iterator[Result]:
    for loop in m.of(ast.For):
        loop_names = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
        for func in (n for n in walk_all(loop.body) if isinstance(n, (ast.Lambda, ast.FunctionDef))):
            late = _free_loop_names(func, loop_names)
            if late and _kept_for_later(m, func, loop):
                name = sorted(late)[0]
                message = (
                    f"the function made here reads {name} when it runs, after the loop has moved on, so "
                    f"every one sees the last {name}; bind it now with a default ({name}={name})"
                )
                yield [func.lineno], "high", "bug", message


_ONCE = tuple(
    "datetime.now datetime.utcnow datetime.today date.today time.time time.monotonic uuid.uuid4 uuid.uuid1 uuid4 uuid1".split()
)


def check_call_in_default(m: Module) -> Iterator[Result]:
    for func in m.functions():
        for default in [*func.args.defaults, *(d for d in func.args.kw_defaults if d is not None)]:
            name = dotted(default.func) if isinstance(default, ast.Call) else ""
            if name and (name in _ONCE or name.endswith(tuple("." + n for n in _ONCE))):
                message = (
                    f"the default {ast.unparse(default)} of {func.name}() is computed once, when the function "
                    f"is defined, so every call gets that same value; default to None and compute it inside"
                )
                yield [default.lineno, func.lineno], "high", "bug", message


def _in_place(call: ast.AST | None) -> tuple[str, str] | None:
    """(what, what to use instead) for a call that changes its object and returns None."""
    if not isinstance(call, ast.Call):
        return None
    if dotted(call.func) == "random.shuffle":
        return "random.shuffle()", "random.sample(x, len(x))"
    if method(call) == "sort" and not call.args:
        return "list.sort()", "sorted(...)"  # not reverse(): graphs and other types return a reversed copy
    return None


def check_in_place_result_used(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        found = _in_place(node.value if isinstance(node, (ast.Assign, ast.AnnAssign, ast.Return)) else None)
        if found:
            what, instead = found
            message = f"{what} works in place and returns None, so None is what is kept here; use {instead}"
            yield [cast(ast.stmt, node).lineno], "high", "bug", message  # found: an assignment or a return


_RESULT_METHODS = set("strip lstrip rstrip lower upper title casefold capitalize split splitlines copy keys values items".split())
# str's tests, and os.path's: names that other classes rarely use for a property (unlike is_file, exists)
_PREDICATES = set("isdigit isalpha isalnum isnumeric isdecimal isspace islower isupper istitle startswith endswith".split())
_PATH_TESTS = {"os.path.exists", "os.path.isfile", "os.path.isdir", "os.path.isabs", "os.path.islink"}


def _tests(m: Module) -> Iterator[ast.AST]:
    for node in ast.walk(m.tree):
        if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
            yield node.test
        elif isinstance(node, ast.BoolOp):
            yield from node.values
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node.operand


def check_method_not_called(m: Module) -> Iterator[Result]:
    for node, name in name_assigns(ast.walk(m.tree)):
        if isinstance(node.value, ast.Attribute) and node.value.attr in _RESULT_METHODS and dotted(node.value.value) == name:
            expr = ast.unparse(node.value)
            yield [node.lineno], "high", "bug", f"{expr} is the method itself, not its result: call it, {expr}()"
    for test in _tests(m):
        if isinstance(test, ast.Attribute) and (test.attr in _PREDICATES or dotted(test) in _PATH_TESTS):
            expr = ast.unparse(test)
            message = f"{expr} is a method, so this test is always true: call it, {expr}(...)"
            yield [test.lineno], "high", "bug", message


# A line that does not do what it reads as: an annotation written for an assignment (`self.x: 1`) and
# `raise "text"` or `raise f"..."` (ruff's B016 misses the f-string). The other flake8-bugbear typos
# are ruff's (``ruffcheck``).
def check_annotation_for_assignment(m: Module) -> Iterator[Result]:
    for node in m.of(ast.AnnAssign):
        if (
            node.value is None
            and isinstance(node.target, (ast.Attribute, ast.Subscript))
            and isinstance(node.annotation, ast.Constant)
            and isinstance(node.annotation.value, (int, float, bool))
        ):  # `self.x: 1`; `int | None` is a type
            target = ast.unparse(node.target)
            message = f"`{target}: {ast.unparse(node.annotation)}` only annotates {target} and assigns nothing; `=` was meant"
            yield [node.lineno], "high", "bug", message


def check_raise_literal(m: Module) -> Iterator[Result]:
    for node in m.of(ast.Raise):
        if isinstance(node.exc, (ast.Constant, ast.JoinedStr)):
            message = "raising a string or number is a TypeError in Python 3; raise an exception, e.g. raise ValueError(...)"
            yield [node.lineno], "high", "bug", message
