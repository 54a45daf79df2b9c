"""Pyflakes' findings that are defects, not style: a name that is not defined (NameError when the
line runs), a local read before it is assigned, a format string whose arguments do not match it,
a dict literal that gives one key two values, ``raise NotImplemented``, an assert or ``if`` on a
tuple. A name is not called undefined in a module that makes names at run time (``globals()``,
``exec``, ``setattr`` on a module). Unused names and imports, f-strings
without placeholders and the other style messages are left to linters."""

from __future__ import annotations

import ast
from typing import Iterator

from pyflakes import checker, messages

from codey_git.review.checks_ast import Module, Result


def _arg(message: messages.Message, index: int = 0) -> str:
    args = getattr(message, "message_args", ())
    return str(args[index]) if len(args) > index else ""


def _undefined(message) -> str:
    return (f"`{_arg(message)}` is not defined in this module, so this line raises NameError when it runs: "
            "define or import it, or use the name it was renamed to")


def _undefined_local(message) -> str:
    return (f"`{_arg(message)}` is assigned later in this function, so reading it here raises "
            "UnboundLocalError: assign it first, or declare it global/nonlocal if the outer one is meant")


def _repeated_key(message) -> str:
    return (f"the dict literal gives key {_arg(message)} more than one value and only the last is kept: "
            "remove or rename the duplicate")


def _format(message) -> str:
    text = message.message % message.message_args
    return f"{text}: the string fails or drops values when it is formatted; make the arguments match"


# message class -> (severity, category, user-facing message)
_CHOSEN = {
    messages.UndefinedName: ("high", "bug", _undefined),
    messages.UndefinedLocal: ("high", "bug", _undefined_local),
    messages.MultiValueRepeatedKeyLiteral: ("high", "bug", _repeated_key),
    messages.MultiValueRepeatedKeyVariable: ("high", "bug", _repeated_key),
    messages.RaiseNotImplemented: ("high", "bug", lambda m: "`raise NotImplemented` raises TypeError; "
                                                            "raise NotImplementedError"),
    messages.AssertTuple: ("high", "bug", lambda m: "this assert tests a non-empty tuple, which is always true: "
                                                    "write `assert condition, message` without parentheses"),
    messages.IfTuple: ("high", "bug", lambda m: "this condition is a non-empty tuple, which is always true"),
    messages.DefaultExceptNotLast: ("high", "bug", lambda m: "a bare `except:` that is not last is a SyntaxError"),
    messages.DuplicateArgument: ("high", "bug", lambda m: f"argument `{_arg(m)}` is named twice: a SyntaxError"),
    messages.TwoStarredExpressions: ("high", "bug", lambda m: "two starred targets in one assignment: "
                                                              "a SyntaxError"),
    messages.TooManyExpressionsInStarredAssignment: ("high", "bug", lambda m: "too many targets for the "
                                                                             "starred assignment"),
    messages.ReturnOutsideFunction: ("high", "bug", lambda m: "`return` outside a function is a SyntaxError"),
    messages.YieldOutsideFunction: ("high", "bug", lambda m: "`yield` outside a function is a SyntaxError"),
    messages.ContinueOutsideLoop: ("high", "bug", lambda m: "`continue` outside a loop is a SyntaxError"),
    messages.BreakOutsideLoop: ("high", "bug", lambda m: "`break` outside a loop is a SyntaxError"),
    **{cls: ("high", "bug", _format) for cls in (
        messages.PercentFormatInvalidFormat, messages.PercentFormatMixedPositionalAndNamed,
        messages.PercentFormatUnsupportedFormatCharacter, messages.PercentFormatPositionalCountMismatch,
        messages.PercentFormatExtraNamedArguments, messages.PercentFormatMissingArgument,
        messages.PercentFormatExpectedMapping, messages.PercentFormatExpectedSequence,
        messages.PercentFormatStarRequiresSequence, messages.StringDotFormatExtraPositionalArguments,
        messages.StringDotFormatExtraNamedArguments, messages.StringDotFormatMissingArgument,
        messages.StringDotFormatMixingAutomatic, messages.StringDotFormatInvalidFormat)},
}


# names that exist without a definition in the module: Python 2 builtins behind a version test,
# gettext's `_`, what IPython, notebooks on Spark/Databricks, Snakemake and type checkers inject,
# Windows-only builtins
_INJECTED = {"unicode", "basestring", "long", "xrange", "raw_input", "unichr", "file", "buffer", "cmp",
             "execfile", "reload", "_", "get_ipython", "display", "reveal_type", "reveal_locals",
             "WindowsError", "__IPYTHON__", "spark", "sc", "dbutils", "snakemake"}
# calls that define names pyflakes cannot see
_DYNAMIC = {"globals", "vars", "locals", "exec", "execfile", "setattr", "__import__"}


def _defines_names_dynamically(m: Module) -> bool:
    """``globals()``, ``exec``, ``setattr`` on a module, or an enum's ``_convert_`` (which puts its
    members into the module, as ``ssl`` and ``signal`` do)."""
    for call in m.calls():
        if isinstance(call.func, ast.Attribute) and call.func.attr == "_convert_":
            return True
        if isinstance(call.func, ast.Name) and call.func.id in _DYNAMIC and \
                (call.func.id != "setattr" or _sets_module_attribute(call)):
            return True
    return False


def _sets_module_attribute(call: ast.Call) -> bool:
    """``setattr(sys.modules[...], ...)``, ``setattr(builtins, ...)``: a name made for other code."""
    target = call.args[0] if call.args else None
    return isinstance(target, ast.Subscript) or (isinstance(target, ast.Name) and target.id in
                                                 {"builtins", "__builtins__", "module", "mod"})


def _messages(m: Module) -> list[messages.Message]:
    """Pyflakes' messages for the module, run once for both checks here."""
    if m.pyflakes_messages is None:
        m.pyflakes_messages = checker.Checker(m.tree, filename="<review>", withDoctest=False).messages
    return m.pyflakes_messages


def check_pyflakes(m: Module) -> Iterator[Result]:
    dynamic = None
    for message in _messages(m):
        chosen = _CHOSEN.get(type(message))
        if chosen is None:
            continue
        if isinstance(message, messages.UndefinedName):
            if dynamic is None:
                dynamic = _defines_names_dynamically(m)
            if dynamic or _arg(message) in _INJECTED:
                continue
        severity, category, text = chosen
        yield [message.lineno], severity, category, text(message)


def _assignment(m: Module, name: str, line: int) -> ast.Assign | None:
    return next((n for n in ast.walk(m.tree) if isinstance(n, ast.Assign) and n.lineno == line
                 and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)), None)


def _reads_instead(m: Module, assign: ast.Assign) -> ast.AST | None:
    """A later line of the same function that reads what the unused value was made from (``matrix``
    after ``scaled = cpm(matrix)``): where the new value was probably meant to be used."""
    called = {id(n.func) for n in ast.walk(assign.value) if isinstance(n, ast.Call)}
    sources = {n.id for n in ast.walk(assign.value) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
               and id(n) not in called and n.id not in ("self", "cls")}
    later = [n for n in m.own_nodes(m.function_of(assign)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
             and n.id in sources and n.lineno > (assign.end_lineno or assign.lineno)]
    return min(later, key=lambda n: n.lineno, default=None)


def check_value_never_used(m: Module) -> Iterator[Result]:
    """A value computed into a local name that nothing reads (pyflakes' F841, in flake8's default
    set): often the wrong name is used below. Medium: some are left over on purpose."""
    for message in _messages(m):
        if not isinstance(message, messages.UnusedVariable) or _arg(message).startswith("_"):
            continue
        assign = _assignment(m, _arg(message), message.lineno)
        if assign is None or not isinstance(assign.value, (ast.Call, ast.BinOp, ast.ListComp, ast.DictComp,
                                                            ast.SetComp, ast.Subscript, ast.Attribute)):
            continue
        name = _arg(message)
        instead = _reads_instead(m, assign)
        if instead is not None:
            message_text = (f"`{name}` is computed on line {assign.lineno} but never used, while line "
                            f"{instead.lineno} reads `{instead.id}`, which it was made from: was `{name}` meant there?")
            yield [instead.lineno, assign.lineno], "medium", "bug", message_text
        else:
            yield [assign.lineno], "medium", "bug", (f"`{name}` is computed here but never used: the result is "
                                                     "lost, or another line uses the wrong name")
