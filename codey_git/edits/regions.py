"""Where Python definitions sit in a source file, found with ``ast`` (decorators included)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

DEF_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class Definition:
    qualname: str  # "median", "Stack.push"
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    start: int  # 0-based first line, decorators included
    body_start: int  # 0-based line of the def/class keyword
    end: int  # 0-based, exclusive

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def is_class(self) -> bool:
        return isinstance(self.node, ast.ClassDef)

    @property
    def is_method(self) -> bool:
        return "." in self.qualname


def parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def definitions(tree: ast.Module) -> list[Definition]:
    """Module-level definitions and everything defined directly in classes, in file order."""
    found: list[Definition] = []

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, DEF_TYPES):
                found.append(span(node, prefix + node.name))
                if isinstance(node, ast.ClassDef):
                    visit(node.body, prefix + node.name + ".")

    visit(tree.body, "")
    return found


def span(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, qualname: str) -> Definition:
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return Definition(qualname, node, first - 1, node.lineno - 1, node.end_lineno or node.lineno)  # set by ast.parse


def members(definition: Definition) -> list[Definition]:
    """The definitions directly inside a class."""
    assert isinstance(definition.node, ast.ClassDef)
    prefix = definition.qualname + "."
    return [span(n, prefix + n.name) for n in definition.node.body if isinstance(n, DEF_TYPES)]


def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def reindent(lines: list[str], old_indent: str, new_indent: str) -> list[str]:
    """Move a block of lines from one indentation level to another (blank lines stay blank)."""
    out = []
    for line in lines:
        if not line.strip():
            out.append("")
        elif line.startswith(old_indent):
            out.append(new_indent + line[len(old_indent) :])
        else:
            out.append(new_indent + line.lstrip())
    return out
