"""Which definitions a request is about: BM25 (SQLite's FTS5) over each definition's words (its
name's, weighted up, its class's, its docstring's, its string literals' and its identifiers'), the query being the request's
words, the failure messages' and the names the failing tests call; a definition a failing test
calls by name scores more."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from codey_git.symbols.definitions import Definition
from codey_git.symbols.index import SymbolIndex
from codey_git.symbols.words import identifier_words, text_words

CALLED_BONUS = 2.0  # added to the score of a definition a failing test calls
_MESSAGE = re.compile(r"^E\s+(.*)$", re.M)  # pytest's lines of the exception and assertion


@dataclass(frozen=True)
class Hit:
    definition: Definition
    score: float
    called: bool  # a failing test calls it by name

    @property
    def path(self) -> str:
        return self.definition.path

    @property
    def line(self) -> int:
        return self.definition.line


def _test_definition(index: SymbolIndex, node_id: str) -> Definition | None:
    path, _, rest = node_id.partition("::")
    qualname = ".".join(part.split("[")[0] for part in rest.split("::"))
    return next((d for d in index.in_file(path) if d.qualname == qualname), None)


def tested_calls(index: SymbolIndex, node_ids: Iterable[str]) -> set[str]:
    """The names the failing tests call, and those their own file's helpers that they call call."""
    calls: set[str] = set()
    for node_id in node_ids:
        test = _test_definition(index, node_id)
        if test is None:
            continue
        calls.update(test.calls)
        helpers = {d.name: d for d in index.in_file(test.path) if d.kind == "function"}
        for name in test.calls:
            if name in helpers and helpers[name] is not test:
                calls.update(helpers[name].calls)
    return calls


def resolve(calls: set[str], definitions: list[Definition]) -> set[Definition]:
    """The definitions the calls name: ``f(...)`` a function or class ``f``; ``x.m(...)`` a method
    ``m`` of a class that is itself called."""
    plain = {c for c in calls if not c.startswith(".")}
    classes = {d.name for d in definitions if d.kind == "class" and d.name in plain}
    methods = {c[1:] for c in calls if c.startswith(".")} | ({"__init__"} if classes else set())
    found: set[Definition] = set()
    for d in definitions:
        if d.kind != "method" and d.name in plain:
            found.add(d)
        elif d.kind == "method" and d.name in methods and d.qualname.split(".")[-2] in classes:
            found.add(d)
    return found


def called_definitions(index: SymbolIndex, calls: set[str], keep: Callable[[str], bool]) -> list[Definition]:
    """The definitions of the files ``keep`` accepts that ``resolve`` may pick for ``calls``: those
    named as called, and the ``__init__`` methods in the files of the called classes (only there:
    a method's class is in its own file)."""
    named = [d for d in index.named({c.lstrip(".") for c in calls}) if keep(d.path)] if calls else []
    plain = {c for c in calls if not c.startswith(".")}
    classes = {d.path for d in named if d.kind == "class" and d.name in plain}
    return named + [d for d in index.named(["__init__"], classes) if keep(d.path)] if classes else named


def query(request: str, messages: str, calls: set[str]) -> list[str]:
    words = text_words(request) + [w for m in _MESSAGE.findall(messages) for w in text_words(m)]
    return words + [w for c in sorted(calls) for w in identifier_words(c.lstrip("."))]


def rank(
    index: SymbolIndex,
    request: str,
    failing: Iterable[str] = (),
    messages: str = "",
    keep: Callable[[str], bool] = lambda path: True,
) -> list[Hit]:
    """The definitions of the files ``keep`` accepts that match, best first (score above 0)."""
    calls = tested_calls(index, failing)
    words = query(request, messages, calls)
    if not words and not calls:
        return []
    scores = {d: s for d, s in index.search(words) if keep(d.path)}
    called = resolve(calls, called_definitions(index, calls, keep))
    for d in called:
        scores[d] = scores.get(d, 0.0) + CALLED_BONUS
    hits = [Hit(d, s, d in called) for d, s in scores.items() if s > 0]
    return sorted(hits, key=lambda h: (-h.score, h.path, h.definition.start))
