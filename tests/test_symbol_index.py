"""The symbol index (codey_git/symbols): kept under .git/codey/ by blob oid, reused while no file
changes, brought up to date file by file, rebuilt when its file is damaged, never in the work tree."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from conftest import git

from codey_git.progress import SilentProgress
from codey_git.symbols import index as symbol_index
from codey_git.symbols import search

FILES = {
    "src/shop/__init__.py": "",
    "src/shop/cart.py": '''
        class Cart:
            """A shopping cart."""

            def add(self, item, qty=1):
                if qty <= 0:
                    raise ValueError("quantity must be positive")
                self.items.append((item, qty))

            @property
            def total(self):
                return sum(price * qty for price, qty in self.items)
        ''',
    "src/shop/tax.py": '''
        def vat(amount, rate=0.2):
            """Value added tax on an amount."""
            return round(amount * rate, 2)
        ''',
    "tests/test_cart.py": """
        from shop.cart import Cart


        def test_add():
            Cart().add("pen")
        """,
}


def _store(root: Path) -> Path:
    return root / ".git" / "codey" / "symbols.sqlite3"


def test_index_lives_under_git_codey_and_the_work_tree_stays_clean(make_repo):
    root = make_repo(FILES)

    index = symbol_index.build(root)

    assert _store(root).is_file()
    assert git(root, "status", "--porcelain", "--ignored") == ""
    names = {(d.path, d.qualname, d.kind) for d in index.definitions()}
    assert ("src/shop/cart.py", "Cart.add", "method") in names
    assert ("src/shop/cart.py", "Cart.total", "method") in names
    assert ("src/shop/tax.py", "vat", "function") in names
    add = next(d for d in index.definitions() if d.qualname == "Cart.add")
    assert (add.line, add.end) == (4, 7)
    total = next(d for d in index.definitions() if d.qualname == "Cart.total")
    assert total.start == 9 and total.line == 10  # the decorator's line starts it
    assert "quantity" in add.literals and "positive" in add.literals


def test_second_build_parses_nothing_and_does_not_rewrite_the_index(make_repo):
    root = make_repo(FILES)
    first = symbol_index.build(root)
    stamp = _store(root).stat().st_mtime_ns
    os.utime(_store(root), ns=(stamp - 10_000_000_000, stamp - 10_000_000_000))
    old = _store(root).stat().st_mtime_ns

    second = symbol_index.build(root)

    assert first.parsed == 4
    assert second.parsed == 0
    assert _store(root).stat().st_mtime_ns == old
    assert [d.qualname for d in second.definitions()] == [d.qualname for d in first.definitions()]


def test_a_changed_file_alone_is_indexed_again(make_repo):
    root = make_repo(FILES)
    symbol_index.build(root)
    (root / "src/shop/tax.py").write_text("def vat(amount):\n    return amount\n\n\ndef excise(amount):\n    return amount\n")
    git(root, "commit", "-qam", "excise")

    index = symbol_index.build(root)

    assert index.parsed == 1
    assert {d.qualname for d in index.in_file("src/shop/tax.py")} == {"vat", "excise"}


def test_a_damaged_or_old_index_is_built_again_without_an_error(make_repo):
    root = make_repo(FILES)
    symbol_index.build(root)
    data = _store(root).read_bytes()
    _store(root).write_bytes(data[: len(data) // 3])  # cut short

    assert symbol_index.build(root).parsed == 4
    assert {d.qualname for d in symbol_index.build(root).in_file("src/shop/tax.py")} == {"vat"}

    _store(root).write_bytes(b"not a database at all" * 100)
    assert symbol_index.build(root).parsed == 4

    db = sqlite3.connect(_store(root))
    db.execute("PRAGMA user_version = 999")  # written by another version of codey
    db.commit()
    db.close()
    assert symbol_index.build(root).parsed == 4
    assert symbol_index.build(root).parsed == 0


def test_a_worktree_shares_the_main_repositorys_index(make_repo, tmp_path):
    root = make_repo(FILES)
    symbol_index.build(root)
    git(root, "worktree", "add", "-q", str(tmp_path / "wt"), "-b", "side")

    index = symbol_index.build(tmp_path / "wt")

    assert index.parsed == 0
    assert index.path == _store(root).resolve()
    assert not (tmp_path / "wt" / ".git" / "codey").exists()


def test_building_reports_progress_only_when_there_is_work(make_repo):
    root = make_repo(FILES)
    seen: list[str] = []

    class Recorder(SilentProgress):
        def stage(self, text: str) -> None:
            seen.append(text)

    symbol_index.build(root, Recorder())
    symbol_index.build(root, Recorder())

    assert seen == ["indexing the symbols of 4 Python files"]


def test_request_words_find_the_definition_by_its_literals_and_docstring(make_repo):
    root = make_repo(FILES)
    index = symbol_index.build(root)

    by_message = search.rank(index, "adding 0 pens says 'quantity must be positive'", keep=lambda p: "tests" not in p)
    by_doc = search.rank(index, "the value added tax is rounded wrong", keep=lambda p: "tests" not in p)

    assert by_message[0].definition.qualname == "Cart.add"
    assert by_doc[0].definition.qualname == "vat"


def test_a_failing_tests_calls_resolve_to_the_definitions_they_name(make_repo):
    root = make_repo(FILES)
    index = symbol_index.build(root)

    hits = search.rank(index, "", ["tests/test_cart.py::test_add"], keep=lambda p: "tests" not in p)

    assert {h.definition.qualname for h in hits if h.called} == {"Cart", "Cart.add"}


def test_ranking_is_the_one_before_the_single_query_search(make_repo):
    """Scores and order as the index ranked them when a query read its matches back one by one
    (2026-12-06, before the search became one JOIN that reads no words)."""
    root = make_repo(FILES)
    index = symbol_index.build(root)

    def ranked(request: str, failing: list[str]) -> list[tuple[str, float, bool]]:
        hits = search.rank(index, request, failing, keep=lambda p: "tests" not in p)
        return [(h.definition.qualname, round(h.score, 6), h.called) for h in hits]

    assert ranked("the value added tax is rounded wrong", []) == [("vat", 2.452353, False), ("Cart.add", 0.256931, False)]
    assert ranked("the cart total is wrong after add", ["tests/test_cart.py::test_add"]) == [
        ("Cart.add", 2.454965, True),
        ("Cart", 2.000002, True),
        ("Cart.total", 1.746623, False),
    ]


def test_a_called_class_brings_its_own_init_and_no_other(make_repo):
    files = dict(FILES)
    files["src/shop/order.py"] = "class Order:\n    def __init__(self, cart):\n        self.cart = cart\n"
    files["src/shop/other.py"] = "class Other:\n    def __init__(self):\n        self.x = 1\n"
    files["tests/test_order.py"] = "from shop.order import Order\n\n\ndef test_order():\n    Order(None)\n"
    index = symbol_index.build(make_repo(files))

    hits = search.rank(index, "", ["tests/test_order.py::test_order"], keep=lambda p: "tests" not in p)

    assert {(h.path, h.definition.qualname) for h in hits if h.called} == {
        ("src/shop/order.py", "Order"),
        ("src/shop/order.py", "Order.__init__"),
    }


def test_definitions_read_without_their_words_equal_those_read_with_them(make_repo):
    index = symbol_index.build(make_repo(FILES))

    add = next(d for d in index.in_file("src/shop/cart.py") if d.qualname == "Cart.add")
    found = next(d for d, _score in index.search(["quantity"]))
    named = index.named(["add"])

    assert found == add and named == [add] and hash(found) == hash(add)
    assert found.literals == () and "quantity" in add.literals  # the search reads no words
    assert index.named(["add"], ["src/shop/tax.py"]) == []


def test_a_build_stops_at_its_time_budget_and_the_next_run_goes_on(make_repo):
    # a first run on a large repository indexes what fits in its budget, says so, and leaves the
    # rest to the next run, rather than holding the fix up for minutes
    root = make_repo(FILES)
    said: list[str] = []

    class Recorder(SilentProgress):
        def info(self, text: str) -> None:
            said.append(text)

    partial = symbol_index.build(root, Recorder(), budget_s=0)
    rest = symbol_index.build(root, budget_s=60)

    assert partial.parsed == 0
    assert any("0 of 4 files indexed within 0 s; the next run goes on" in line for line in said)
    assert rest.parsed == 4
    assert symbol_index.build(root).parsed == 0
