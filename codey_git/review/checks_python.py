"""The checks behind ``review.checks`` (see ``patterns``): each takes a parsed module and yields
``(lines, severity, category, message)``, the lines best first. Every check errs towards silence:
a hit is shown to a developer on the commit path, so a check fires only on the exact shape."""

from __future__ import annotations

import ast
import re
from typing import Iterator

Result = tuple[list[int], str, str, str]
_SECRET_NAME = re.compile(r"(passw(or)?d|passwd|secret|api_?key|access_?key|private_?key|auth_?token)$", re.I)
_SECRETISH = re.compile(r"(token|secret|passw|salt|nonce|api_?key|session_?id|reset_?code)|(^|_)otp(_|$)", re.I)
_RANDOM_FUNCS = {"random", "randint", "randrange", "choice", "choices", "sample", "getrandbits", "shuffle"}
_SHELL_CALLS = {("os", "system"), ("os", "popen"), ("subprocess", "getoutput"), ("subprocess", "getstatusoutput")}
_SUBPROCESS = {"run", "call", "check_call", "check_output", "Popen"}
# appending to a list while iterating it is a known work-list idiom (the loop sees the new items)
_MUTATORS = {"remove", "pop", "insert", "clear", "popitem", "discard", "add", "update"}
_EXITS = (ast.Break, ast.Return, ast.Raise, ast.Yield, ast.YieldFrom, ast.Await)


class Module:
    """A parsed module with each node's parent."""

    def __init__(self, tree: ast.Module):
        self.tree = tree
        self.parent: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node

    def calls(self) -> Iterator[ast.Call]:
        return (n for n in ast.walk(self.tree) if isinstance(n, ast.Call))

    def function_of(self, node: ast.AST) -> ast.AST:
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return node
        return self.tree


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def _constant(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) or (
        isinstance(node, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) for e in node.elts))


def _built_string(node: ast.AST) -> bool:
    """An f-string with values, ``"..." % x``, ``"...".format(x)`` or a concatenation with a string."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return isinstance(node.left, (ast.Constant, ast.JoinedStr))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        sides = (node.left, node.right)
        return any(_built_string(s) or (isinstance(s, ast.Constant) and isinstance(s.value, str)) for s in sides) \
            and not all(isinstance(s, ast.Constant) for s in sides)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return isinstance(node.func.value, ast.Constant)
    return False


def _span(node: ast.AST, first: ast.AST | None = None) -> list[int]:
    """The lines ``node`` spans, the line of ``first`` (the part at fault) first."""
    lines = list(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    head = [first.lineno] if first is not None else []
    return head + [n for n in lines if n not in head]


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def check_code_from_text(m: Module) -> Iterator[Result]:
    for call in m.calls():
        name = dotted(call.func)
        first = call.args[0] if call.args else None
        if name in ("eval", "exec") and first is not None and not _constant(first):
            message = (f"{name}() runs text as code: whoever controls the text runs anything; parse the value "
                       f"instead (ast.literal_eval, json)")
            yield _span(call, first), "high", "security", message
        elif name in ("pickle.loads", "pickle.load", "cPickle.loads", "marshal.loads", "dill.loads"):
            # medium: harmless for data the program wrote itself, which the check cannot tell
            message = (f"{name}() can run code hidden in the data; never unpickle input you did not write (use "
                       f"json)")
            yield [call.lineno], "medium", "security", message
        elif name in ("yaml.load", "yaml.load_all"):
            loader = dotted(_keyword(call, "Loader") or (call.args[1] if len(call.args) > 1 else ast.Constant(None)))
            if not loader.endswith(("SafeLoader", "CSafeLoader", "BaseLoader")):
                message = (f"{name}() without SafeLoader can build arbitrary objects from the document; use "
                           f"yaml.safe_load")
                yield [call.lineno], "high", "security", message
        elif name == "yaml.unsafe_load":
            message = ("yaml.unsafe_load() can build arbitrary objects from the document; use yaml.safe_load")
            yield [call.lineno], "high", "security", message


def check_command_or_query_from_values(m: Module) -> Iterator[Result]:
    for call in m.calls():
        name = dotted(call.func)
        first = call.args[0] if call.args else _keyword(call, "args")
        if first is None or _constant(first):
            continue
        parts = tuple(name.rsplit(".", 1)) if "." in name else ("", name)
        shell = _keyword(call, "shell")
        if parts in _SHELL_CALLS or (parts[0] == "subprocess" and parts[1] in _SUBPROCESS
                                     and isinstance(shell, ast.Constant) and shell.value is True):
            message = (f"{name}() runs a shell command built from values: a quote or ; in them runs other "
                       f"commands; pass an argument list without shell=True")
            yield _span(call, first), "high", "security", message
        elif isinstance(call.func, ast.Attribute) and call.func.attr in ("execute", "executemany", "executescript") \
                and _built_string(first):
            message = ("SQL built by formatting values into the string is open to injection; pass the values as "
                       "query parameters")
            yield _span(call, first), "high", "security", message


def check_certificates_off(m: Module) -> Iterator[Result]:
    for call in m.calls():
        verify = _keyword(call, "verify")
        if isinstance(verify, ast.Constant) and verify.value is False:
            message = ("verify=False turns off certificate checks: anyone on the network can read and change "
                       "this traffic")
            yield _span(call, verify), "high", "security", message
        if dotted(call.func).endswith("_create_unverified_context"):
            message = ("an unverified SSL context accepts any certificate; use ssl.create_default_context()")
            yield [call.lineno], "high", "security", message
    for node in ast.walk(m.tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "check_hostname"
                                                for t in node.targets) \
                and isinstance(node.value, ast.Constant) and node.value.value is False:
            yield [node.lineno], "high", "security", "check_hostname = False accepts a certificate for any host"


def _looks_secret(value: ast.AST | None) -> bool:
    if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return False
    text = value.value
    placeholder = re.search(r"\s|\{|\$|<|^(x+|\*+|changeme|example.*|dummy.*|test.*)$", text, re.I)
    return len(text) >= 8 and not placeholder and not re.fullmatch(r"[A-Z0-9_]+", text)  # not an env var's name


def check_hard_coded_secret(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        pairs = []
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            pairs = [(dotted(t).rsplit(".", 1)[-1], node.value) for t in targets]
        elif isinstance(node, ast.Call):
            pairs = [(k.arg or "", k.value) for k in node.keywords]
        elif isinstance(node, ast.Dict):
            pairs = [(k.value, v) for k, v in zip(node.keys, node.values)
                     if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        for name, value in pairs:
            if _SECRET_NAME.search(name) and _looks_secret(value):
                message = (f"a hard-coded {name} is readable by everyone with the code; read it from the "
                           f"environment or a secret store")
                yield [value.lineno], "high", "security", message


def check_random_for_secrets(m: Module) -> Iterator[Result]:
    for call in m.calls():
        name = dotted(call.func)
        if not (name.startswith("random.") and name.split(".", 1)[1] in _RANDOM_FUNCS):
            continue
        owner = m.function_of(call)
        where = getattr(owner, "name", "")
        target = m.parent.get(call)
        while target is not None and not isinstance(target, ast.stmt):  # the statement it is in
            target = m.parent.get(target)
        assigned = " ".join(dotted(t) for t in getattr(target, "targets", []))
        if _SECRETISH.search(where) or _SECRETISH.search(assigned):
            message = (f"{name}() is predictable; use the secrets module for tokens, passwords and keys")
            yield [call.lineno], "high", "security", message


def check_changed_while_iterated(m: Module) -> Iterator[Result]:
    for loop in ast.walk(m.tree):
        if not isinstance(loop, ast.For) or not isinstance(loop.iter, (ast.Name, ast.Attribute)):
            continue
        seq = dotted(loop.iter)
        inside = [n for stmt in loop.body for n in ast.walk(stmt)]
        if any(isinstance(n, (ast.Name, ast.Attribute)) and isinstance(n.ctx, ast.Store) and dotted(n) == seq
               for n in inside):
            continue  # rebound inside the loop: what is changed may be a new object
        for node in inside:
            mutated = (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                       and node.func.attr in _MUTATORS and dotted(node.func.value) == seq) or (
                isinstance(node, ast.Delete) and any(isinstance(t, ast.Subscript) and dotted(t.value) == seq
                                                     for t in node.targets))
            if mutated:
                message = (f"{seq} is changed while the loop iterates over it, so items are skipped or the loop "
                           f"fails; iterate over a copy or build a new one")
                yield [node.lineno, loop.lineno], "high", "bug", message
                break


def check_missing_await(m: Module) -> Iterator[Result]:
    coroutines = {n.name for n in ast.walk(m.tree) if isinstance(n, ast.AsyncFunctionDef)}
    for call in m.calls():
        func = call.func
        name = func.id if isinstance(func, ast.Name) else func.attr if (
            isinstance(func, ast.Attribute) and dotted(func.value) in ("self", "cls")) else None
        if name not in coroutines or not isinstance(m.function_of(call), ast.AsyncFunctionDef):
            continue
        parent = m.parent.get(call)
        if isinstance(parent, (ast.Await, ast.Return, ast.Call, ast.keyword, ast.List, ast.Tuple)):
            continue  # awaited, returned, or handed to create_task, gather and the like
        yield [call.lineno], "high", "bug", f"{name}() is a coroutine called without await: it never runs"


def check_literal_identity(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
            for side in [node.left, *node.comparators]:
                if isinstance(side, ast.Constant) and isinstance(side.value, (str, bytes, int, float)) \
                        and not isinstance(side.value, bool):
                    message = ("`is` compares identity, not value: with a literal it depends on interning; use "
                               "==")
                    yield [node.lineno], "high", "bug", message
                    break
        if isinstance(node, ast.Assert) and isinstance(node.test, ast.Tuple) and node.test.elts:
            yield [node.lineno], "high", "bug", "assert on a tuple is always true; write assert condition, message"


def _dict_names(scope: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign) and (isinstance(node.value, (ast.Dict, ast.DictComp)) or (
                isinstance(node.value, ast.Call) and dotted(node.value.func) in ("dict", "defaultdict",
                                                                                 "collections.defaultdict", "Counter"))):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        if isinstance(node, ast.arg) and node.annotation is not None and \
                re.match(r"(dict|Dict|Mapping|MutableMapping|typing\.Dict)\b", ast.unparse(node.annotation)):
            names.add(node.arg)
    return names


def check_dict_iterated_as_pairs(m: Module) -> Iterator[Result]:
    for loop in ast.walk(m.tree):
        if isinstance(loop, ast.For) and isinstance(loop.target, ast.Tuple) and len(loop.target.elts) == 2 \
                and isinstance(loop.iter, ast.Name) and loop.iter.id in _dict_names(m.function_of(loop)):
            message = (f"iterating {loop.iter.id} gives its keys, not pairs; use {loop.iter.id}.items()")
            yield [loop.lineno], "high", "bug", message


def _local_names(func: ast.AST) -> set[str]:
    names = {a.arg for a in ast.walk(func) if isinstance(a, ast.arg)}
    return names | {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}


def _touches(body: list[ast.stmt], names: set[str], local: set[str]) -> bool:
    """Whether anything in ``body`` can change what ``names`` hold or leave the loop."""
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(node, _EXITS) or isinstance(node, (ast.Global, ast.Nonlocal)):
            return True
        if isinstance(node, ast.Name) and node.id in names and not isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, ast.Call):  # a call may change what it is called on, or a global
            receiver = [node.func.value] if isinstance(node.func, ast.Attribute) else []
            if any(isinstance(u, ast.Name) and u.id in names for u in receiver) or not names <= local:
                return True
    return False


def check_condition_never_changes(m: Module) -> Iterator[Result]:
    for loop in ast.walk(m.tree):
        if not isinstance(loop, ast.While) or isinstance(loop.test, ast.Constant):
            continue
        names = {n.id for n in ast.walk(loop.test) if isinstance(n, ast.Name)}  # compared: numbers, strings
        if not names or any(isinstance(n, (ast.Call, ast.Attribute, ast.Subscript, ast.Await))
                            for n in ast.walk(loop.test)):
            continue
        func = m.function_of(loop)
        if isinstance(func, ast.Module):
            continue  # module-level names can be changed by any function it calls
        if any(isinstance(n, ast.Name) and not isinstance(m.parent.get(n), ast.Compare)
               for n in ast.walk(loop.test)):
            continue  # `while queue:` tests a container, which an alias (pop = queue.pop) can empty
        if not _touches(loop.body, names, _local_names(func)):
            body_lines = sorted({n.lineno for s in loop.body for n in ast.walk(s) if hasattr(n, "lineno")})
            message = (f"nothing in the loop changes {', '.join(sorted(names))}: once it is entered it never ends")
            yield [loop.lineno, *body_lines], "high", "bug", message


def check_index_loop_stops_short(m: Module) -> Iterator[Result]:
    for loop in ast.walk(m.tree):
        if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and isinstance(loop.iter, ast.Call)
                and dotted(loop.iter.func) == "range" and len(loop.iter.args) == 1):
            continue
        bound = loop.iter.args[0]
        if not (isinstance(bound, ast.BinOp) and isinstance(bound.op, ast.Sub) and isinstance(bound.right, ast.Constant)
                and bound.right.value == 1 and isinstance(bound.left, ast.Call) and dotted(bound.left.func) == "len"
                and bound.left.args):
            continue
        seq, index = ast.unparse(bound.left.args[0]), loop.target.id
        subscripts = [n for s in loop.body for n in ast.walk(s) if isinstance(n, ast.Subscript)
                      and ast.unparse(n.value) == seq]
        if subscripts and all(isinstance(n.slice, ast.Name) and n.slice.id == index for n in subscripts):
            message = (f"range(len({seq}) - 1) stops before the last item of {seq}; use range(len({seq}))")
            yield [loop.lineno], "high", "bug", message


def check_mutable_default(m: Module) -> Iterator[Result]:
    for func in ast.walk(m.tree):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for default in [*func.args.defaults, *(d for d in func.args.kw_defaults if d is not None)]:
                if isinstance(default, (ast.List, ast.Dict, ast.Set)) or (
                        isinstance(default, ast.Call) and dotted(default.func) in ("list", "dict", "set")):
                    message = (f"the default {ast.unparse(default)} of {func.name}() is one object shared by "
                               f"every call; default to None and create it inside")
                    yield [func.lineno], "medium", "bug", message


def check_swallowed_exception(m: Module) -> Iterator[Result]:
    for handler in ast.walk(m.tree):
        if not isinstance(handler, ast.ExceptHandler):
            continue
        broad = handler.type is None or dotted(handler.type) in ("Exception", "BaseException")
        silent = all(isinstance(s, (ast.Pass, ast.Continue))
                     or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in handler.body)
        if broad and silent:
            message = ("every error is silently ignored here, so failures go unnoticed; catch the specific "
                       "exception or log it")
            yield [handler.lineno, *(s.lineno for s in handler.body)], "medium", "error handling", message


def check_naive_and_aware_datetimes(m: Module) -> Iterator[Result]:
    aware = any(dotted(n).endswith(("timezone.utc", "UTC", "ZoneInfo", "tzutc")) for n in ast.walk(m.tree)
                if isinstance(n, (ast.Attribute, ast.Name)))
    for call in m.calls():
        name = dotted(call.func)
        naive = name.endswith(("datetime.utcnow", "datetime.utcfromtimestamp")) or (
            name.endswith(("datetime.now", "datetime.today")) and not call.args and _keyword(call, "tz") is None)
        if aware and naive:
            message = (f"{name}() is a naive datetime, and this module uses aware ones: comparing them raises "
                       f"TypeError; use datetime.now(timezone.utc)")
            yield [call.lineno], "high", "bug", message


ALL_CHECKS = [check_code_from_text, check_command_or_query_from_values, check_certificates_off,
              check_hard_coded_secret, check_random_for_secrets, check_changed_while_iterated,
              check_missing_await, check_literal_identity, check_dict_iterated_as_pairs,
              check_condition_never_changes, check_index_loop_stops_short, check_mutable_default,
              check_swallowed_exception, check_naive_and_aware_datetimes]
