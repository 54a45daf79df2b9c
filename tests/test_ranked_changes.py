"""Red-team tests (a helper's pass over the first version) of the ranking of the no-model changes the tests accept (#21), of
``continuation_logprobs``'s KV-cache bookkeeping (on a fake llama.cpp: no model is loaded) and of
the one-token changes inside f-strings."""

from __future__ import annotations

import ctypes
import json
import sys
import types
import zlib

import numpy as np
import pytest

from conftest import git
from codey_git.engine.token_fixes import fstring_fields, line_tokens, variants

REQUEST = "Fix the failing test tests/test_pairs.py::test_first"


def _changes(line: str) -> list[str]:
    return [v for v, _ in variants(line)]


def _compiles(code: str) -> bool:
    try:
        compile(code, "<t>", "exec")
    except SyntaxError:
        return False
    return True


def _literal_text(code: str) -> list[str]:
    """The text outside the replacement fields of each f-string of a line, as Python reads it."""
    import ast

    out = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.JoinedStr):
            out.append("".join(v.value for v in node.values if isinstance(v, ast.Constant)))
    return out


# --- f-string fields --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        # a bracket inside a string inside a field: the scan's depth goes wrong and the literal
        # text after the field is read as the field's expression
        """print(f"{line.split('(')[0]} < {limit}")""",
        """print(f"{x[')']} a < b {y}")""",
        """print(f"{x['}']} < {y}")""",
        """print(f"{'{'} a < b {x}")""",
    ],
)
def test_no_variant_changes_the_literal_text_of_an_f_string(line):
    # the user sees a "one-token change `<` -> `<=`" that rewrote the message text, not code
    bad = [v for v in _changes(line) if _compiles(v) and _literal_text(v) != _literal_text(line)]
    assert bad == []


def test_a_named_unicode_escape_is_not_a_replacement_field():
    # `\N{VARIATION SELECTOR-1}` is read as a field `VARIATION SELECTOR-1`: the variant "`1` -> `2`"
    # compiles and silently swaps the character the string holds
    line = 'mark = f"\\N{VARIATION SELECTOR-1}{x}"'
    assert all(_literal_text(v) == _literal_text(line) for v in _changes(line) if _compiles(v))
    token = [t for t in line_tokens(line) if t.type == 3][0].string
    assert [token[a:b] for a, b in fstring_fields(token)] == ["x"]


def test_an_escaped_backslash_before_n_still_leaves_a_real_field():
    line = 'p = f"\\\\N{a < b}"'  # `\\` then `N`, then the field `{a < b}`
    assert 'p = f"\\\\N{a <= b}"' in _changes(line)


@pytest.mark.parametrize(
    "line, expected",
    [
        ('s = f"{x!r} {a < b}"', 's = f"{x!r} {a <= b}"'),
        ('s = f"{a < b=}"', 's = f"{a <= b=}"'),
        ('s = F"{a < b}"', 's = F"{a <= b}"'),
        ("s = Rf'{a < b}'", "s = Rf'{a <= b}'"),
        ('s = fR"""{a < b}"""', 's = fR"""{a <= b}"""'),
        ('s = f"{d[\'k\'] < 1:>{w}}"', 's = f"{d[\'k\'] <= 1:>{w}}"'),
        ("s = f'{\"x\" if a < b else \"y\"}'", "s = f'{\"x\" if a <= b else \"y\"}'"),
        ('s = f"{{a < b}} {c < d}"', 's = f"{{a < b}} {c <= d}"'),
        ('s = f"{ f\'{a < b}\' }"', 's = f"{ f\'{a <= b}\' }"'),
        ('s = f"{a != b}"', 's = f"{a == b}"'),
    ],
)
def test_odd_f_strings_get_the_change_inside_their_field_and_it_compiles(line, expected):
    changes = _changes(line)
    assert expected in changes
    if "=}" not in line:  # `{a < b=}` prints its expression's text: that text follows the change
        # nothing outside the fields is touched by any variant that compiles
        assert all(_literal_text(v) == _literal_text(line) for v in changes if _compiles(v))


@pytest.mark.parametrize(
    "line",
    [
        'b = b"{a < b}"',
        'b = rb"{a < b}"',
        's = "{a < b}".format(a=1, b=2)',
        's = f""',
        "s = f''''''",
        's = f"{"',
        's = f"}}{{"',
        's = f"{x!r:{w}.{p}}"',
        's = f"""{a < b}',  # unterminated: no string token
    ],
)
def test_strings_that_are_no_f_strings_or_are_broken_give_no_field_changes_and_no_crash(line):
    for v in _changes(line):
        assert "<=" not in v or "<=" in line


# --- ranking, end to end (scripted backend) --------------------------------------------------

PAIRS_PY = """
    def first(pair):
        return pair[-1]
    """


def skipped_unless_first_of_three_is(value):
    """``first`` passes for a pair either way; a second test is skipped unless first((1, 5, 9)) is ``value``."""
    return {
        "pairs.py": PAIRS_PY,
        "tests/test_pairs.py": f"""
            import pytest
            from pairs import first


            def test_first():
                assert first((1, 9)) == 1


            def test_of_three():
                if first((1, 5, 9)) != {value}:
                    pytest.skip("another item of three")
            """,
    }


def test_the_recorded_test_summary_is_the_run_of_the_change_that_landed(make_repo, write_script, codey):
    root = make_repo(skipped_unless_first_of_three_is(5))
    write_script({"edit": [], "line_fix": []})

    out = codey(root, "fix", REQUEST, "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    # pair[0] passes first with a test skipped; pair[-2] passes both: the tests tell them apart
    assert "return pair[-2]" in (root / "pairs.py").read_text()
    landed = result["attempts"][-1]
    message = git(root, "log", "-1", "--format=%B")
    tests_trailer = next(line for line in message.splitlines() if line.startswith("Codey-Tests: "))
    assert tests_trailer == "Codey-Tests: 2 passed"  # pair[-2]'s own run
    assert landed["tests"] == result["tests"] == "2 passed"  # not the run of `-1` -> `0`, which did not land
    assert landed["ranked_by"] is None  # the tests chose, no score was needed
    assert "`-1` -> `-2` lands, not `-1` -> `0`, which passed first: 2 passed against 1 passed, 1 skipped" in out.stderr


def test_the_score_does_not_pick_a_change_under_which_fewer_tests_pass(make_repo, write_script, codey):
    root = make_repo(skipped_unless_first_of_three_is(1))
    write_script({"edit": [], "line_fix": [], "rank": ["return pair[-2]"]})

    out = codey(root, "fix", REQUEST, "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    # pair[0] passes both tests ("2 passed"), pair[-2] with test_of_three skipped: the tests tell
    # them apart, and the model's score (which prefers pair[-2]) does not overrule them
    assert "return pair[0]" in (root / "pairs.py").read_text()


def test_what_the_landed_changes_tests_wrote_is_reported_not_the_first_ones(make_repo, write_script, codey):
    root = make_repo(
        {
            "pairs.py": PAIRS_PY,
            "tests/test_pairs.py": """
                from pairs import first


                def test_first():
                    open(f"seen_{first((1, 5, 9))}.txt", "w").close()
                    assert first((1, 9)) == 1
                """,
        }
    )
    write_script({"edit": [], "line_fix": [], "rank": ["return pair[-2]"]})

    out = codey(root, "fix", REQUEST, "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert "return pair[-2]" in (root / "pairs.py").read_text()
    assert "seen_5.txt" in result["discarded"] and "seen_1.txt" not in result["discarded"]
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "show", "HEAD", "--stat", "--format=").splitlines()[0].strip().startswith("pairs.py")
    assert git(root, "show", "HEAD", "--format=", "--name-only") == "pairs.py"


def test_the_changes_the_tests_also_accept_can_be_told_apart_from_the_one_that_landed(make_repo, write_script, codey):
    root = make_repo(
        {
            "pairs.py": """
                def total(a, b):
                    return a[0] + b[0]
                """,
            "tests/test_pairs.py": """
                from pairs import total


                def test_first():
                    assert total([1, 2], [3, 4]) == 5
                """,
        }
    )
    write_script({"edit": [], "line_fix": []})

    out = codey(root, "fix", REQUEST, "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    landed = json.loads(out.stdout)["attempts"][-1]
    assert landed["also_passing"]
    # also_passing is ['`0` -> `1`', '`0` -> `-1`', '`0` -> `1`', ...] and the commit reads "one-token change `0` -> `-1` ...; the tests also accept `0` -> `-1`":
    # a[-1] landed, b[-1] is the other, and nothing says which is which
    assert landed["answer"] not in landed["also_passing"]
    message = git(root, "log", "-1", "--format=%B")
    assert "the tests also accept `0` -> `-1`" not in message or "`0` -> `-1`, chosen" not in message


def test_a_slip_inside_an_f_string_field_lands_and_the_ranked_choice_is_committed_exactly(make_repo, write_script, codey):
    root = make_repo(
        {
            "humanize.py": """
                def plural(n, word):
                    return f"{n} {word}{'s' if n > 2 else ''}"
                """,
            "tests/test_pairs.py": """
                from humanize import plural


                def test_first():
                    assert plural(1, "file") == "1 file"
                    assert plural(2, "file") == "2 files"
                """,
        }
    )
    # `>` -> `>=` passes first; `2` -> `1` passes too, and the scripted coder reads it as likelier
    write_script({"edit": [], "line_fix": [], "rank": ["return f\"{n} {word}{'s' if n > 1 else ''}\""]})

    out = codey(root, "fix", REQUEST, "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "landed"
    text = (root / "humanize.py").read_text()
    assert "return f\"{n} {word}{'s' if n > 1 else ''}\"" in text
    landed = result["attempts"][-1]
    assert landed["format"] == "token_fix" and landed["answer"] == "`2` -> `1`"
    assert "`>` -> `>=`" in landed["also_passing"] and landed["ranked_by"]
    assert git(root, "show", "HEAD", "--format=", "--", "humanize.py").count("+    return f") == 1
    assert git(root, "status", "--porcelain") == ""


def test_an_empty_rank_answer_scores_all_alike_and_the_first_that_passed_lands(make_repo, write_script, codey):
    root = make_repo(
        {
            "pairs.py": PAIRS_PY,
            "tests/test_pairs.py": """
                from pairs import first


                def test_first():
                    assert first((1, 9)) == 1
                """,
        }
    )
    write_script({"edit": [], "line_fix": [], "rank": [""]})  # an empty answer: every text "holds" it

    out = codey(root, "fix", REQUEST, "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    assert "return pair[0]" in (root / "pairs.py").read_text()


# --- continuation_logprobs on a fake llama.cpp ------------------------------------------------

V = 17


def _logits(seen: tuple[int, ...]) -> list[float]:
    h = zlib.crc32(repr(seen).encode())
    return [((h >> (i % 24)) % 97) / 10.0 for i in range(V)]


class _Ctx:
    """The KV cache as a map position -> token; each row's logits depend on every position the
    model attends to (a missing position reads as -1), as llama.cpp's would."""

    def __init__(self):
        self.kv: dict[int, int] = {}
        self.ctx = object()
        self.rows: list = []
        self.gaps: list[int] = []

    def kv_cache_seq_rm(self, seq, p0, p1):
        for p in [p for p in self.kv if p >= p0 and (p1 < 0 or p < p1)]:
            del self.kv[p]
        return True

    def decode(self, batch):
        self.rows = []
        for tok, pos in zip(batch.tokens, batch.pos):
            if any(p not in self.kv for p in range(pos)):
                self.gaps.append(pos)
            self.kv[pos] = tok
            self.rows.append((ctypes.c_float * V)(*_logits(tuple(self.kv.get(p, -1) for p in range(pos + 1)))))


class _Batch:
    def set_batch(self, batch, n_past, logits_all):
        self.tokens = list(batch)
        self.pos = [n_past + i for i in range(len(batch))]


class _Llama:
    def __init__(self, n_ctx: int, n_batch: int):
        self.n_batch, self._n_ctx = n_batch, n_ctx
        self.input_ids = np.zeros(n_ctx, dtype=np.intc)
        self.n_tokens = 0
        self._ctx, self._batch = _Ctx(), _Batch()

    def n_vocab(self):
        return V

    def eval(self, tokens):  # llama_cpp.Llama.eval, without the scores
        self._ctx.kv_cache_seq_rm(-1, self.n_tokens, -1)
        for i in range(0, len(tokens), self.n_batch):
            b = list(tokens[i : i + self.n_batch])
            self._batch.set_batch(b, self.n_tokens, False)
            self._ctx.decode(self._batch)
            self.input_ids[self.n_tokens : self.n_tokens + len(b)] = b
            self.n_tokens += len(b)

    def consistent(self) -> bool:
        """What input_ids says the KV cache holds is what it holds."""
        return [self._ctx.kv.get(p) for p in range(self.n_tokens)] == self.input_ids[: self.n_tokens].tolist()


class _Runtime:
    def __init__(self, n_ctx=128, n_batch=4):
        self.llm = _Llama(n_ctx, n_batch)
        self.n_ctx = n_ctx

    def tokenize(self, text, special=False):
        return [ord(c) % V for c in text]


def _reference(tokens: list[int], shared: int) -> float:
    total = 0.0
    for p in range(max(shared, 1), len(tokens)):
        row = np.array(_logits(tuple(tokens[:p])), dtype=np.float64)
        top = row.max()
        total += float(row[tokens[p]] - top - np.log(np.exp(row - top).sum()))
    return total


@pytest.fixture
def fake_llama(monkeypatch):
    """A stand-in ``llama_cpp`` module: only ``llama_get_logits_ith`` is used by the scorer."""
    runtimes: list[_Runtime] = []
    mod = types.ModuleType("llama_cpp")

    def get_logits_ith(ctx, j):
        return ctypes.cast(runtimes[-1].llm._ctx.rows[j], ctypes.POINTER(ctypes.c_float))

    mod.llama_get_logits_ith = get_logits_ith
    monkeypatch.setitem(sys.modules, "llama_cpp", mod)

    def make(**kw) -> _Runtime:
        runtimes.append(_Runtime(**kw))
        return runtimes[-1]

    return make


def _shared(tokens: list[list[int]]) -> int:
    n = min(map(len, tokens))
    for i in range(n):
        if len({t[i] for t in tokens}) > 1:
            return i
    return n


TEXTS = ["def f(x):\n    return x[0]\n\n", "def f(x):\n    return x[-2]\n\n", "def f(x):\n    return x[1]\n\n"]


def test_continuation_scores_equal_a_fresh_evaluation_and_leave_the_cache_consistent(fake_llama):
    from codey_git.models.llama_runtime import continuation_logprobs

    rt = fake_llama(n_batch=3)  # each text's own tokens cross batch boundaries
    rt.llm.eval(rt.tokenize("def f(x):\n    other prompt"))  # a warm cache that shares a start
    scores, evaluated = continuation_logprobs(rt, TEXTS)
    tokens = [rt.tokenize(t) for t in TEXTS]
    shared = _shared(tokens)
    assert scores == pytest.approx([_reference(t, shared) for t in tokens], abs=1e-5)
    assert rt.llm.consistent() and rt.llm._ctx.gaps == []
    assert rt.llm.input_ids[: rt.llm.n_tokens].tolist() == tokens[-1]
    again, evaluated_again = continuation_logprobs(rt, TEXTS[::-1])
    assert again == pytest.approx(scores[::-1], abs=1e-5) and evaluated_again < evaluated
    assert rt.llm.consistent() and rt.llm._ctx.gaps == []


def test_continuation_of_texts_one_a_prefix_of_another_and_of_one_text(fake_llama):
    from codey_git.models.llama_runtime import continuation_logprobs

    rt = fake_llama()
    texts = ["abc", "abcdef", "abc"]
    scores, _ = continuation_logprobs(rt, texts)
    assert scores[0] == scores[2] == 0.0
    assert scores[1] == pytest.approx(_reference(rt.tokenize("abcdef"), 3), abs=1e-5)
    assert rt.llm.consistent()
    assert continuation_logprobs(rt, ["only"])[0] == [0.0] and rt.llm.consistent()


def test_continuation_of_no_texts_is_no_scores_not_a_crash(fake_llama):
    from codey_git.models.llama_runtime import continuation_logprobs

    rt = fake_llama()
    # IndexError: `full[0]` is read when no text is given (LlamaCppModel.text_logprobs([]) crashes; the
    # engine never asks with fewer than two)
    assert continuation_logprobs(rt, [])[0] == []
