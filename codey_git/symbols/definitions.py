"""A module's definitions, read from its source: functions, methods (with their class) and classes,
with their line spans and the words BM25 matches against a request."""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field

from codey_git.symbols.words import identifier_words, text_words

MAX_PARSE_BYTES = 1_000_000  # larger modules (generated tables) are not indexed
MAX_LITERAL_CHARS = 200  # of each string literal
MAX_WORDS = 400  # of each field of one definition

# a stored definition: [qualname, kind, start, line, end, doc words, literal words, body words, calls]
Record = list[object]


@dataclass(frozen=True)
class Definition:
    path: str
    qualname: str  # "Class.method", "outer.inner", "function"
    kind: str  # "function", "method" or "class"
    start: int  # first line, decorators included
    line: int  # the def/class line
    end: int
    # its words, left out of equality (the index's queries that rank do not read them):
    doc: tuple[str, ...] = field(compare=False)  # words of the docstring
    literals: tuple[str, ...] = field(compare=False)  # words of the string literals in its own body
    names: tuple[str, ...] = field(compare=False)  # words of the identifiers its own body uses
    calls: tuple[str, ...]  # names it calls: "name" for name(...), ".name" for x.name(...)

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]

    @classmethod
    def from_record(cls, path: str, record: Record) -> "Definition":
        qualname, kind, start, line, end, doc, literals, names, calls = record
        if not (
            isinstance(qualname, str)
            and isinstance(kind, str)
            and isinstance(start, int)
            and isinstance(line, int)
            and isinstance(end, int)
            and isinstance(doc, str)
            and isinstance(literals, str)
            and isinstance(names, str)
            and isinstance(calls, str)
        ):
            raise ValueError("not a definition record")
        return cls(
            path,
            qualname,
            kind,
            start,
            line,
            end,
            tuple(doc.split()),
            tuple(literals.split()),
            tuple(names.split()),
            tuple(calls.split()),
        )


class _Body(ast.NodeVisitor):
    """The words of one definition's own body; nested definitions are records of their own."""

    def __init__(self, docstring: ast.AST | None) -> None:
        self.docstring = docstring
        self.literals: list[str] = []
        self.names: list[str] = []
        self.calls: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        pass  # recorded on its own

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        pass

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        pass

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and node is not self.docstring and len(self.literals) < MAX_WORDS:
            self.literals.extend(text_words(node.value[:MAX_LITERAL_CHARS]))

    def visit_Name(self, node: ast.Name) -> None:
        self.names.append(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.names.append(node.attr)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name):
            self.calls.append(node.func.id)
        elif isinstance(node.func, ast.Attribute):
            self.calls.append("." + node.func.attr)
        self.generic_visit(node)


def _record(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, qualname: str, kind: str) -> Record:
    first = node.body[0] if node.body else None
    docstring = first.value if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) else None
    body = _Body(docstring)
    for child in node.body:
        body.visit(child)
    if not isinstance(node, ast.ClassDef):
        for arg in node.args.args + node.args.kwonlyargs + node.args.posonlyargs:
            body.names.append(arg.arg)
    doc = ast.get_docstring(node) or ""
    names = [w for n in dict.fromkeys(body.names) for w in identifier_words(n)]
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return [
        qualname,
        kind,
        start,
        node.lineno,
        node.end_lineno or node.lineno,
        " ".join(text_words(doc)[:MAX_WORDS]),
        " ".join(body.literals[:MAX_WORDS]),
        " ".join(list(dict.fromkeys(names))[:MAX_WORDS]),
        " ".join(list(dict.fromkeys(body.calls))[:MAX_WORDS]),
    ]


def module_records(source: bytes) -> list[Record]:
    """The definitions of a module, outermost first (empty when it does not parse)."""
    if len(source) > MAX_PARSE_BYTES:
        return []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    out: list[Record] = []

    def walk(body: list[ast.stmt], prefix: str, in_class: bool) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qualname = f"{prefix}{node.name}"
                kind = "class" if isinstance(node, ast.ClassDef) else "method" if in_class else "function"
                out.append(_record(node, qualname, kind))
                walk(node.body, qualname + ".", isinstance(node, ast.ClassDef))
            elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
                # definitions under `if TYPE_CHECKING:`, `try: ... except ImportError:` and the like
                for block in (getattr(node, "body", []), getattr(node, "orelse", []), getattr(node, "finalbody", [])):
                    walk(block, prefix, in_class)
                for handler in getattr(node, "handlers", []):
                    walk(handler.body, prefix, in_class)

    try:
        walk(tree.body, "", False)
    except RecursionError:
        return []
    return out
