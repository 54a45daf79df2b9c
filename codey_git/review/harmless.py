"""Hunks that keep behaviour, recognised without a model:

- layout (``is_cosmetic``): blank lines, comments and one-line docstrings, re-wrapping (same code
  once whitespace and trailing commas are ignored) and imports merely reordered;
- a Python file whose syntax tree is unchanged once docstrings, signature type hints and
  ``from __future__ import annotations`` are set aside;
- a local rename: the hunk's old and new code are the same token for token except for names that
  map one-to-one, each renamed name is bound in the hunk (assigned, a parameter, a def or class),
  no reference to an old name is left in the file and no new name was in use before;
- added logging only: every added line is a one-line logging call, ``import logging`` or
  ``log = logging.getLogger(...)``, and nothing is removed.

Small models "find" things in exactly these hunks, and skipping them saves their model time.
Each rule errs towards sending a hunk to the model.
"""

from __future__ import annotations

import ast
import keyword
import re

from codey_git.review.diffsource import FileDiff, Hunk

_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|[A-Za-z_]\w*|\d[\w.]*|\S')
_NAME = re.compile(r"[A-Za-z_]\w*$")
_RESERVED = set(keyword.kwlist) | set(
    "true false null nil this self cls super new function return var let const typeof instanceof".split()
)
_LOG_CALL = re.compile(
    r"^\s*(self\.)?_?(log|logger|logging|LOG|LOGGER)\."
    r"(debug|info|warning|warn|error|exception|critical)\(.*\)\s*$"
)
_LOG_SETUP = re.compile(r"^\s*(import logging|(_?log|_?logger|LOG|LOGGER)\s*=\s*logging\.getLogger\(.*\))\s*$")


_COMMENT = re.compile(r'^(#|//|/\*|\*|--)|^("""|\'\'\')(.*)("""|\'\'\')$')
_TRAILING_COMMA = re.compile(r",(?=[)\]}])")


def _code(lines: list[str]) -> list[str]:
    """Non-blank, non-comment lines, indentation kept (in Python it is meaning)."""
    return [l.rstrip() for l in lines if l.strip() and not _COMMENT.match(l.strip())]


def _squashed(lines: list[str]) -> str:
    """The code with layout removed: a statement's indentation counts, the whitespace and line
    breaks inside brackets (where re-wrapping happens) do not."""
    out, depth = [], 0
    for line in lines:
        body = line.strip()
        if depth == 0:
            out.append("\n" + str(len(line) - len(line.lstrip())) + ":")
        out.append(re.sub(r"\s+", "", body))
        depth = max(0, depth + sum(body.count(c) for c in "([{") - sum(body.count(c) for c in ")]}"))
    return _TRAILING_COMMA.sub("", "".join(out))


def is_cosmetic(hunk: Hunk) -> bool:
    """Whether the hunk's old and new sides are the same code once comments, blank lines, layout
    and import order are set aside. Sides are compared whole, so a moved line is not cosmetic."""
    old = _code([l.text for l in hunk.lines if l.origin in " -"])
    new = _code([l.text for l in hunk.lines if l.origin in " +"])
    if _squashed(old) == _squashed(new):
        return True
    changed = [l.strip() for l in _code([l.text for l in hunk.lines if l.origin in "+-"])]
    imports = all(l.startswith(("import ", "from ")) for l in changed)
    return imports and sorted(old) == sorted(new)


def _strip_python(tree: ast.AST) -> str:
    """The tree without docstrings, signature annotations and the annotations future import."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if arg is not None:
                    arg.annotation = None
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            if ast.get_docstring(node, clean=False) is not None:
                node.body = node.body[1:] or [ast.Pass()]
        if isinstance(node, ast.Module):
            node.body = [
                s
                for s in node.body
                if not (
                    isinstance(s, ast.ImportFrom) and s.module == "__future__" and [a.name for a in s.names] == ["annotations"]
                )
            ]
    return ast.dump(tree, include_attributes=False)


def python_same_behaviour(file: FileDiff) -> bool:
    if not file.path.endswith(".py") or not file.old_text:
        return False
    try:
        return _strip_python(ast.parse(file.old_text)) == _strip_python(ast.parse(file.new_text))
    except (SyntaxError, ValueError, RecursionError):
        return False


def _side(hunk: Hunk, origins: str) -> list[str]:
    return [l.text for l in hunk.lines if l.origin in origins and l.text.strip() and not l.text.strip().startswith(("#", "//"))]


def _bound(name: str, lines: list[str]) -> bool:
    word = re.escape(name)
    binding = re.compile(rf"\b(def|class|for|as|import)\s+{word}\b|^\s*{word}\s*(:[^=]+)?[-+*/%|&]?=(?!=)")
    for line in lines:
        if binding.search(line):
            return True
        signature = re.match(r"^\s*(async\s+)?def\s+\w+\s*\((.*)", line)
        if signature and re.search(rf"(^|[,(*]\s*){word}\s*[:=,)]", signature.group(2)):
            return True
    return False


def _names(text: str) -> set[str]:
    """Words of a file that are not attributes (``x.weight`` does not take the name ``weight``)."""
    return set(re.findall(r"(?<![.\w])[A-Za-z_]\w*", text))


def is_local_rename(hunk: Hunk, file: FileDiff) -> bool:
    old_lines, new_lines = _side(hunk, " -"), _side(hunk, " +")
    old = [t for line in old_lines for t in _TOKEN.findall(line)]
    new = [t for line in new_lines for t in _TOKEN.findall(line)]
    if len(old) != len(new) or old == new:
        return False
    forward: dict[str, str] = {}
    backward: dict[str, str] = {}
    for i, (a, b) in enumerate(zip(old, new)):
        attribute = i > 0 and old[i - 1] == "."  # another object's name: must stay as it is
        if a == b and (attribute or a in _RESERVED or not _NAME.match(a)):
            continue
        if attribute or a in _RESERVED or b in _RESERVED or not (_NAME.match(a) and _NAME.match(b)):
            return False
        if forward.setdefault(a, b) != b or backward.setdefault(b, a) != a:
            return False
    renamed = {a: b for a, b in forward.items() if a != b}
    words_old, words_new = _names(file.old_text), _names(file.new_text)
    return all(a not in words_new and b not in words_old and _bound(a, old_lines) for a, b in renamed.items())


def is_logging_only(hunk: Hunk) -> bool:
    added = [l.text for l in hunk.lines if l.origin == "+" and l.text.strip()]
    if not added or any(l.origin == "-" and l.text.strip() for l in hunk.lines):
        return False
    return all(_LOG_CALL.match(t) or _LOG_SETUP.match(t) for t in added)


def harmless_reason(hunk: Hunk, file: FileDiff) -> str | None:
    """Why the hunk cannot introduce a defect, or None when the model has to look."""
    if is_cosmetic(hunk):
        return "layout, comments or import order"
    if python_same_behaviour(file):
        return "docstrings or type hints"
    if is_local_rename(hunk, file):
        return "local rename"
    if is_logging_only(hunk):
        return "logging"
    return None
