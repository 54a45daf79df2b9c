"""Replace whole Python definitions with the versions in a code block.

Each ``def``/``class`` in the block replaces the definition of the same name in the file (methods
are found inside their classes and keep the file's indentation). A class in the block that lacks
some of the file's methods is merged member by member instead of replacing the whole class.
Definitions the file does not have are added: next to a replaced one, inside their class, or at
the end of the file when the caller allows appending (the block is clearly new code for the file
the model was asked to edit). Imports the file lacks are added after its last import.
"""

from __future__ import annotations

import ast
import difflib
import textwrap
from dataclasses import dataclass, field
from typing import cast

from codey_git.testpaths import is_test_file

from .docstrings import Docstring, all_docstrings, check_no_marker, restore
from .errors import AmbiguousMatch, HunkMismatch
from .regions import DEF_TYPES, Definition, definitions, indent_of, members, parse, reindent, span
from .text import Doc


@dataclass
class _Plan:
    splices: list[tuple[int, int, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    replaced: list[Definition] = field(default_factory=list)
    pending: list[tuple[list[str], str, Definition | None, str]] = field(default_factory=list)
    docstrings: dict[int, Docstring] = field(default_factory=dict)  # the file's, by first line


def block_definitions(block_text: str) -> ast.Module | None:
    """The block parsed (after dedenting) when it defines at least one function or class."""
    tree = parse(textwrap.dedent(block_text))
    if tree is None or not any(isinstance(n, DEF_TYPES) for n in tree.body):
        return None
    return tree


def shares_definitions(original: str, block_text: str) -> bool:
    """Whether the block defines something (function, class or method) the file already has."""
    tree, file_tree = block_definitions(block_text), parse(original)
    if tree is None or file_tree is None:
        return False
    wanted = {n.name for n in ast.walk(tree) if isinstance(n, DEF_TYPES)}
    return any(d.name in wanted for d in definitions(file_tree))


def replace_definitions(
    original: str, block_text: str, *, label: str, focus_symbol: str | None, may_append: bool
) -> tuple[str, list[str]]:
    source = textwrap.dedent(block_text)
    tree = block_definitions(block_text)
    assert tree is not None, "call block_definitions first"
    file_tree = parse(original)
    if file_tree is None:
        raise HunkMismatch(
            f"{label} does not parse as Python, so its functions cannot be found",
            f"{label} does not parse as Python, so functions cannot be replaced by "
            "name. Send a unified diff instead. Nothing was changed.",
        )
    doc = Doc.from_text(original)
    matcher = _Matcher(definitions(file_tree), focus_symbol, block_text[:1] in " \t", label)
    plan = _Plan(docstrings={d.first: d for d in all_docstrings(original)})
    block_lines = source.split("\n")
    ignored = 0
    for node in tree.body:
        if isinstance(node, DEF_TYPES):
            _place(node, None, block_lines, doc.lines, matcher, plan)
        elif not isinstance(node, (ast.Import, ast.ImportFrom)):
            ignored += 1
    _place_new(plan, doc.lines, label, focus_symbol, may_append, matcher)
    _add_imports(tree, block_lines, file_tree, plan)
    if ignored:
        plan.notes.append(f"ignored {ignored} statement(s) outside definitions in the code block")
    _splice(doc, plan.splices, label)
    check_no_marker(original, doc.to_text(), label)
    return doc.to_text(), plan.notes


class _Matcher:
    def __init__(self, defs: list[Definition], focus_symbol: str | None, indented: bool, label: str):
        self.defs, self.focus, self.indented, self.label = defs, focus_symbol, indented, label

    def find(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
        container: Definition | None,
        segment: list[str] | None = None,
        file_lines: list[str] | None = None,
    ) -> Definition | None:
        """The definition ``node`` replaces. Several of that name: the focus symbol, then the
        kind (method or function), then the parameters and the text the block re-types."""
        pool = members(container) if container else self.defs
        is_class = isinstance(node, ast.ClassDef)
        found = [d for d in pool if d.name == node.name and d.is_class == is_class]
        if len(found) > 1 and self.focus:
            focused = [d for d in found if d.qualname == self.focus or d.qualname.endswith("." + self.focus)]
            found = focused or found
        if len(found) > 1 and container is None:
            found = [d for d in found if d.is_method == self.indented] or found
        if len(found) > 1 and segment is not None:
            found = _closest(found, node, segment, file_lines or [])
        if len(found) > 1:
            names = ", ".join(f"{d.qualname} (line {d.body_start + 1})" for d in found)
            raise AmbiguousMatch(
                f"code block defines {node.name}, which {self.label} defines several times",
                f"Your code block defines `{node.name}`, but {self.label} has several: {names}. "
                "Send the enclosing class too, or a unified diff. Nothing was changed.",
            )
        return found[0] if found else None

    def has(self, symbol: str) -> bool:
        return any(d.qualname == symbol or d.qualname.endswith("." + symbol) for d in self.defs)


def _parameters(node: ast.AST) -> list[str] | None:
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    a = node.args
    return [p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]] + [
        f"*{a.vararg.arg}" if a.vararg else "",
        f"**{a.kwarg.arg}" if a.kwarg else "",
    ]


def _closest(found: list[Definition], node: ast.AST, segment: list[str], file_lines: list[str]) -> list[Definition]:
    """Of several definitions of one name, the one the block rewrites: the only one with the
    block's parameters, else the one whose text the block re-types clearly more closely than any
    other (a ratio ahead by 0.15). Otherwise all of them: the match stays ambiguous."""
    wanted = _parameters(node)
    same = [d for d in found if wanted is not None and _parameters(d.node) == wanted]
    if len(same) == 1:
        return same
    pool = same or found
    block = "\n".join(line.strip() for line in segment)
    scored = sorted(
        (
            (
                difflib.SequenceMatcher(
                    None, block, "\n".join(line.strip() for line in file_lines[d.body_start : d.end])
                ).ratio(),
                i,
            )
            for i, d in enumerate(pool)
        ),
        reverse=True,
    )
    if len(scored) > 1 and scored[0][0] >= 0.5 and scored[0][0] - scored[1][0] >= 0.15:
        return [pool[scored[0][1]]]
    return pool


def _place(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
    container: Definition | None,
    block_lines: list[str],
    file_lines: list[str],
    matcher: _Matcher,
    plan: _Plan,
) -> None:
    new = span(node, node.name)
    segment = block_lines[new.start : new.end]
    segment_indent = indent_of(block_lines[new.body_start])
    target = matcher.find(node, container, segment, file_lines)
    if target is None:
        plan.pending.append((segment, segment_indent, container, node.name))
        return
    if isinstance(node, ast.ClassDef) and not _covers(node, target):
        for member in node.body:
            if isinstance(member, DEF_TYPES):
                _place(member, target, block_lines, file_lines, matcher, plan)
        return
    start = target.start
    if not node.decorator_list and target.start < target.body_start:
        start = target.body_start
        plan.notes.append(f"kept the decorators of {target.qualname}")
    lines = reindent(segment, segment_indent, indent_of(file_lines[target.body_start]))
    lines, kept = restore(lines, node, new.start + 1, target.node, file_lines, plan.docstrings)
    plan.notes += kept
    plan.splices.append((start, target.end, lines))
    plan.replaced.append(target)
    plan.notes.append(f"replaced {target.qualname} (lines {start + 1}-{target.end})")


def _covers(node: ast.ClassDef, target: Definition) -> bool:
    mine = {n.name for n in node.body if isinstance(n, DEF_TYPES)}
    return {m.name for m in members(target)} <= mine


def _place_new(
    plan: _Plan, file_lines: list[str], label: str, focus_symbol: str | None, may_append: bool, matcher: _Matcher
) -> None:
    for segment, segment_indent, container, name in plan.pending:
        if name.startswith("test") and plan.replaced and not is_test_file(label):
            # small models often echo the failing test after the fix: it does not belong here
            plan.notes.append(f"ignored {name}: a test function, and {label} is not a test module")
            continue
        if container is not None:
            inner = members(container)
            indent = indent_of(file_lines[inner[0].body_start]) if inner else indent_of(file_lines[container.body_start]) + "    "
            plan.splices.append((container.end, container.end, [""] + reindent(segment, segment_indent, indent)))
            plan.notes.append(f"added {container.qualname}.{name}")
            continue
        top = [d for d in plan.replaced if not d.is_method]
        if top:
            at = max(d.end for d in top)
            plan.notes.append(f"added {name} after {max(top, key=lambda d: d.end).qualname}")
        elif may_append and not (focus_symbol and matcher.has(focus_symbol)):
            at = len(file_lines)
            plan.notes.append(f"appended new definition {name} to the end of {label}")
        else:
            existing = ", ".join(d.qualname for d in matcher.defs) or "none"
            raise HunkMismatch(
                f"code block defines {name}, which {label} does not have",
                f"Your code block defines `{name}`, but {label} has no definition of that name "
                f"(it has: {existing}). Write the complete corrected definition under its existing "
                "name, or send a unified diff. Nothing was changed.",
            )
        plan.splices.append((at, at, ["", ""] + reindent(segment, segment_indent, "")))


def _add_imports(tree: ast.Module, block_lines: list[str], file_tree: ast.Module, plan: _Plan) -> None:
    have = {ast.dump(n) for n in file_tree.body if isinstance(n, (ast.Import, ast.ImportFrom))}
    wanted = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)) and ast.dump(n) not in have]
    if not wanted:
        return
    existing = [n for n in file_tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    if existing:
        at = existing[-1].end_lineno
    elif (
        file_tree.body
        and isinstance(file_tree.body[0], ast.Expr)
        and isinstance(getattr(file_tree.body[0], "value", None), ast.Constant)
    ):
        at = file_tree.body[0].end_lineno  # after the module docstring
    else:
        at = 0
    lines = [line for n in wanted for line in block_lines[n.lineno - 1 : n.end_lineno]]
    at = cast(int, at)  # an end_lineno: ast.parse always sets it
    plan.splices.append((at, at, lines))
    plan.notes.append(f"added {len(wanted)} import line(s)")


def _splice(doc: Doc, splices: list[tuple[int, int, list[str]]], label: str) -> None:
    ordered = sorted(enumerate(splices), key=lambda item: (item[1][0], item[0]))
    for (_, a), (_, b) in zip(ordered, ordered[1:]):
        if b[0] < a[1]:
            raise HunkMismatch(
                f"code block for {label} changes the same definition twice",
                f"Your code block for {label} defines the same function or class "
                "twice. Send each definition once. Nothing was changed.",
            )
    for _, (start, end, lines) in reversed(ordered):
        doc.replace(start, end, lines)
