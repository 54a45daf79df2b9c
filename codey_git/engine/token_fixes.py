"""One-token fixes of the suspect lines: no model, only the tests.

Most one-line regressions in real projects are one token off: a comparison one step off (``<``
for ``<=``), a condition that lost or gained its ``not``, ``and`` for ``or``, a literal one off, a
sibling method (``keys`` for ``values``, ``lstrip`` for ``rstrip``), two arguments swapped,
``break`` for ``continue``. The 1.5B coder seldom writes such a line back changed by just that
token; the tests can try each variant for a second or two of their time and no tokens.

A variant is kept only when the file still compiles. The step judges each one like any other edit
(the failing tests first, then the whole suite, and the gate's workaround check), so a variant
that merely silences the named test is refused like a model's.
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from codey_git.engine.degenerate import degenerate_on

MAX_PER_LINE = 16  # variants tried per line at most, in the order below
MOST_SWAPPED = 4  # calls and `%` tuples of up to this many values have two neighbours swapped
SMALL = 10  # integer literals up to this are tried one up and one down (an index, a count, a bound)

# one step off, the other way, and the complement (`a > b` -> `a <= b`, which reads better than `not a > b`)
_COMPARE = {
    "<": ("<=", ">", ">="),
    "<=": ("<", ">=", ">"),
    ">": (">=", "<", "<="),
    ">=": (">", "<=", "<"),
    "==": ("!=",),
    "!=": ("==",),
}
_NEGATES_ITSELF = set(_COMPARE) | {"is", "in"}  # a lone comparison's negation is a variant of its own
_ARITH = {"+": ("-",), "-": ("+",), "+=": ("-=", "="), "-=": ("+=",), "//": ("/",), "/": ("//",), "*": ("/",)}
_NAMES = {
    "and": ("or",),
    "or": ("and",),
    "True": ("False",),
    "False": ("True",),
    "break": ("continue",),
    "continue": ("break",),
    "min": ("max",),
    "max": ("min",),
    "any": ("all",),
    "all": ("any",),
}
# methods a slip confuses with a sibling of the same type
_SIBLINGS = [
    ("keys", "values", "items"),
    ("strip", "lstrip", "rstrip"),
    ("lower", "upper"),
    ("find", "rfind"),
    ("index", "rindex"),
    ("split", "rsplit"),
    ("startswith", "endswith"),
    ("append", "extend"),
    ("ljust", "rjust"),
    ("removeprefix", "removesuffix"),
]
_METHODS = {name: tuple(n for n in group if n != name) for group in _SIBLINGS for name in group}
# a call or attribute named for one side (`bisect_right`, `_pad_left`) for the other side's sibling
_SIDES = dict(
    pair
    for a, b in [
        ("left", "right"),
        ("lower", "upper"),
        ("first", "last"),
        ("start", "end"),
        ("before", "after"),
        ("prefix", "suffix"),
        ("head", "tail"),
    ]
    for pair in ((a, b), (b, a))
)
_OPERAND_END = {tokenize.NAME, tokenize.NUMBER, tokenize.STRING}
_BINDS_TIGHTER = {"*", "/", "//", "%", "**", "@", ".", "[", "("}  # after `n - 1`: dropping `- 1` would regroup
_SAME_EITHER_WAY = {"min", "max"}  # calls whose two arguments swapped give the same value


def is_keyword(tok: tokenize.TokenInfo) -> bool:
    """A keyword that is not a value (``return``, ``assert``, ``except``; not ``True``)."""
    return tok.type == tokenize.NAME and keyword.iskeyword(tok.string) and tok.string not in ("True", "False", "None")


@dataclass(frozen=True)
class TokenFix:
    path: str
    line: int
    old: str  # the line as it is
    new: str  # the line with one token changed
    text: str  # the file with the line replaced
    change: str  # what changed, for the progress line and the record ("`<` -> `<=`")


def line_tokens(code: str) -> list[tokenize.TokenInfo]:
    """The line's tokens, as far as they go: a line of a longer bracket or statement stops the
    tokenizer at its end, after the tokens it holds."""
    found: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code + "\n").readline):
            if tok.start[0] > 1:
                break
            found.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return [t for t in found if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT, tokenize.INDENT)]


def _binary(tokens: list[tokenize.TokenInfo], i: int) -> bool:
    """The operator at ``i`` has an operand on its left (``a - 1``, not ``-1`` or ``x = -y``)."""
    if i == 0:
        return False
    before = tokens[i - 1]
    if is_keyword(before):
        return False
    return before.type in _OPERAND_END or before.string in (")", "]", "}")


def _whole_index(tokens: list[tokenize.TokenInfo], i: int) -> bool:
    """The number at ``i`` is a whole subscript, ``[0]`` or ``[-1]``."""
    start = i - 2 if i > 0 and tokens[i - 1].string == "-" else i - 1
    after = tokens[i + 1].string if i + 1 < len(tokens) else ""
    if start < 1 or tokens[start].string != "[" or after != "]":
        return False
    owner = tokens[start - 1]  # a subscript's value ends there: `rows[0]`, `f()[0]`, `m[k][0]`
    return (owner.type == tokenize.NAME and not is_keyword(owner)) or owner.string in (")", "]")


def _condition_end(tokens: list[tokenize.TokenInfo], start: int, inline: bool) -> int | None:
    """Index of the token that ends the condition starting at ``start``: the ``:`` of an
    ``if``/``elif``/``while`` statement, the ``else`` of a conditional expression, the closing
    bracket of a comprehension's filter; None when it is not on this line."""
    depth = 0
    for j in range(start, len(tokens)):
        s = tokens[j].string
        if s in "([{" and tokens[j].type == tokenize.OP:
            depth += 1
        elif s in ")]}" and tokens[j].type == tokenize.OP:
            if depth == 0:
                return j
            depth -= 1
        elif depth == 0 and inline and tokens[j].type == tokenize.NAME and s in ("else", "for", "async"):
            return j  # a conditional expression's `else`, a comprehension's next `for`
        elif depth == 0 and not inline and s == ":":
            return j
    return None


def _depth_zero(tokens: list[tokenize.TokenInfo]) -> set[str]:
    """The operators and keywords of ``tokens`` outside any bracket."""
    depth, found = 0, set()
    for tok in tokens:
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        elif depth == 0 and tok.type in (tokenize.OP, tokenize.NAME):
            found.add(tok.string)
    return found


def _plain_target(tokens: list[tokenize.TokenInfo]) -> bool:
    """``tokens`` are one assignment target: a name, an attribute or an item (``n``, ``self.n``,
    ``counts[key]``), not a tuple, an annotated name or a keyword's."""
    if not tokens or tokens[0].type != tokenize.NAME or is_keyword(tokens[0]):
        return False
    opened = sum(t.string in "([{" for t in tokens if t.type == tokenize.OP)
    if opened != sum(t.string in ")]}" for t in tokens if t.type == tokenize.OP):
        return False  # `f(x=1`: a keyword argument
    return _depth_zero(tokens) <= {t.string for t in tokens if t.type == tokenize.NAME} | {"."}


def _step(value: list[tokenize.TokenInfo]) -> bool:
    """``value`` is what a counter or a total steps by: one small number (not 0) or one name."""
    if len(value) != 1:
        return False
    tok = value[0]
    if tok.type == tokenize.NUMBER:
        return re.fullmatch(r"\d{1,2}", tok.string) is not None and 1 <= int(tok.string) <= SMALL
    return tok.type == tokenize.NAME and not keyword.iskeyword(tok.string)


def _call_arguments(tokens: list[tokenize.TokenInfo], opening: int) -> list[tuple[int, int]] | None:
    """The (start, end) columns of each argument of the call whose ``(`` is at ``opening``, when
    the call closes on this line; None otherwise."""
    depth, args, first = 0, [], tokens[opening].end[1]
    for j in range(opening, len(tokens)):
        s, kind = tokens[j].string, tokens[j].type
        if kind == tokenize.OP and s in "([{":
            depth += 1
        elif kind == tokenize.OP and s in ")]}":
            depth -= 1
            if depth == 0:
                args.append((first, tokens[j].start[1]))
                return args
        elif depth == 1 and kind == tokenize.OP and s == ",":
            args.append((first, tokens[j].start[1]))
            first = tokens[j].end[1]
    return None


_FSTRING = re.compile(r"""(?i)[rbu]*f[rbu]*('''|\"\"\"|'|")""")


def fstring_fields(s: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the expression of each replacement field of ``s``, an f-string token's
    text: Python 3.11 and before tokenize an f-string whole, so the tokens of its expressions are
    not seen otherwise. A field's conversion and format spec (and the fields nested in the spec)
    are not part of the expression; ``{{``, ``}}`` and (unless raw) ``\\N{NAME}`` are text."""
    m = _FSTRING.match(s)
    if m is None:
        return
    raw = "r" in s[: m.start(1)].lower()
    i, end = m.end(), len(s) - len(m.group(1))
    while i < end:
        if s[i] == "\\" and not raw:  # an escape: `\\N{...}` names a character, it is no field
            i = s.index("}", i) + 1 if s[i + 1 : i + 3] == "N{" and "}" in s[i:end] else i + 2
        elif s[i] in "{}" and s[i + 1 : i + 2] == s[i]:  # `{{` and `}}` are text
            i += 2
        elif s[i] == "{":
            j = _field_end(s, i + 1, end, expression=True)
            yield i + 1, j
            i = _field_end(s, j, end, expression=False) + 1
        else:
            i += 1


def _field_end(s: str, i: int, end: int, *, expression: bool) -> int:
    """Where a replacement field's expression ends (``expression``: at its `!`, `:` or `}`), or the
    whole field (at its `}`), from ``i``; brackets, braces and quoted strings inside are skipped."""
    depth = 0
    while i < end:
        c = s[i]
        if c in "'\"":  # a string inside the expression: quoted with the other quote, it holds no field end
            close = s.find(c, i + 1, end)
            i = end if close < 0 else close + 1
            continue
        if depth == 0 and (c == "}" or (expression and (c == ":" or (c == "!" and s[i + 1 : i + 2] != "=")))):
            return i
        depth += (c in "([{") - (c in ")]}")
        i += 1
    return end


def variants(code: str) -> Iterator[tuple[str, str]]:
    """One-token variants of a line of code (without its indentation), each with a note of what
    changed; the same variant is not given twice, and none is checked for syntax here."""
    tokens = line_tokens(code)
    seen: set[str] = {code}

    def swap(start: int, end: int, new: str) -> tuple[str, str] | None:
        changed = code[:start] + new + code[end:]
        if changed in seen:
            return None
        seen.add(changed)
        old = code[start:end].strip() or code[start:end]
        return changed, f"`{old}` -> `{new.strip()}`" if new.strip() else f"`{old}` removed"

    def found() -> Iterator[tuple[str, str] | None]:
        for i, tok in enumerate(tokens):
            s, (_, a), (_, b) = tok.string, tok.start, tok.end
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if tok.type == tokenize.NAME and s in ("if", "elif", "while"):
                inline = s == "if" and i > 0
                end = _condition_end(tokens, i + 1, inline)
                if end is None or end == i + 1:
                    continue
                if tokens[i + 1].string == "not":  # drop the `not`
                    yield swap(tokens[i + 1].start[1], tokens[i + 2].start[1], "")
                    continue
                first, last = tokens[i + 1].start[1], tokens[end - 1].end[1]
                condition = code[first:last]
                part = tokens[i + 1 : end]
                top = {
                    t.string
                    for k, t in enumerate(part)
                    if t.type == tokenize.NAME
                    # the `not` of `not in` and `is not` belongs to the comparison
                    and not (
                        t.string == "not"
                        and ((k + 1 < len(part) and part[k + 1].string == "in") or (k > 0 and part[k - 1].string == "is"))
                    )
                }
                if len(_depth_zero(tokens[i + 1 : end]) & _NEGATES_ITSELF) == 1 and not top & {
                    "and",
                    "or",
                    "not",
                    "if",
                    "lambda",
                }:
                    continue  # `if a < b` -> `if a >= b` is given at the `<`; `x is None` -> `is not`
                wrapped = f"not ({condition})" if top & {"and", "or", "if", "lambda"} else f"not {condition}"
                yield swap(first, last, wrapped)
            elif tok.type == tokenize.NAME and s == "not" and nxt is not None and nxt.string != "in":
                if i > 0 and tokens[i - 1].string == "is":
                    yield swap(tokens[i - 1].end[1], b, "")  # `is not` -> `is`
                elif i == 0 or tokens[i - 1].string not in ("if", "elif", "while"):
                    yield swap(a, nxt.start[1], "")  # `not x` -> `x` (after `if`: above)
            elif tok.type == tokenize.NAME and s == "in" and i > 0 and tokens[i - 1].string == "not":
                yield swap(tokens[i - 1].start[1], b, "in")
            elif tok.type == tokenize.NAME and s == "in":
                yield swap(a, b, "not in")
            elif tok.type == tokenize.NAME and s == "is" and (nxt is None or nxt.string != "not"):
                yield swap(a, b, "is not")
            elif tok.type == tokenize.OP and s in _COMPARE:
                for new in _COMPARE[s]:
                    yield swap(a, b, new)
            elif (
                tok.type == tokenize.NAME
                and s in _NAMES
                and not (i > 0 and tokens[i - 1].string == ".")
                and not (nxt is not None and nxt.string == "=")  # a keyword argument's name
            ):
                for new in _NAMES[s]:
                    yield swap(a, b, new)
            elif tok.type == tokenize.NAME and s in _METHODS and i > 0 and tokens[i - 1].string == ".":
                for new in _METHODS[s]:
                    yield swap(a, b, new)
            elif (
                tok.type == tokenize.NAME
                and ((i > 0 and tokens[i - 1].string == ".") or (nxt is not None and nxt.string == "("))
                and any(word in _SIDES for word in s.split("_"))
            ):
                words = s.split("_")
                for k, word in enumerate(words):
                    if word in _SIDES:
                        yield swap(a, b, "_".join(words[:k] + [_SIDES[word]] + words[k + 1 :]))
            elif tok.type == tokenize.NUMBER and re.fullmatch(r"\d{1,2}", s) and int(s) <= SMALL:
                value = int(s)
                before = tokens[i - 1] if i > 0 else None
                if _whole_index(tokens, i):  # the first item for the last, and back, before one off
                    if value == 0:
                        yield swap(a, b, "-1")
                    elif value == 1 and tokens[i - 1].string == "-":
                        yield swap(tokens[i - 1].start[1], b, "0")
                # a negative literal is changed with its sign, so the note reads `-1` -> `-2`
                signed = before is not None and before.string == "-" and not _binary(tokens, i - 1)
                start, sign = (tokens[i - 1].start[1], "-") if signed else (a, "")
                if value == 1 and before is not None and before.string in ("+", "-") and _binary(tokens, i - 1):
                    if nxt is None or nxt.string not in _BINDS_TIGHTER:  # `n - 1 * k` is no `n * k`
                        yield swap(tokens[i - 2].end[1], b, "")  # `n - 1` -> `n`
                elif value > 1 or (value == 1 and not signed):
                    yield swap(start, b, f"{sign}{value - 1}")  # not `-1` -> `-0`
                yield swap(start, b, f"{sign}{value + 1}")
            elif tok.type == tokenize.OP and s in _ARITH and _binary(tokens, i):
                for new in _ARITH[s]:
                    yield swap(a, b, new)
            elif tok.type == tokenize.STRING and tok.start[0] == tok.end[0]:
                for start, end in fstring_fields(s):
                    inner = s[start:end].strip()
                    at = a + start + len(s[start:end]) - len(s[start:end].lstrip())
                    for changed, note in variants(inner):
                        whole = code[:at] + changed + code[at + len(inner) :]
                        if whole not in seen:
                            seen.add(whole)
                            yield whole, note
        for i, tok in enumerate(tokens):  # two neighbouring arguments, or values of a `%` format, swapped
            callee = tokens[i - 1] if i > 0 else None
            if tok.string != "(" or callee is None or callee.string in _SAME_EITHER_WAY:
                continue
            if callee.string != "%" and (callee.type != tokenize.NAME or is_keyword(callee)):
                continue
            args = _call_arguments(tokens, i)
            if not args or not 2 <= len(args) <= MOST_SWAPPED or tokens[0].string in ("def", "async", "class"):
                continue
            what = "values" if callee.string == "%" else "arguments"
            for (a1, b1), (a2, b2) in zip(args, args[1:]):
                one, two = code[a1:b1].strip(), code[a2:b2].strip()
                if not one or not two or any("=" in x.split("(")[0] or x.startswith("*") for x in (one, two)):
                    continue
                if {one, two} & {"self", "cls"}:
                    continue  # the receiver passed on stays first
                changed = code[:a1] + code[a1:b1].replace(one, two, 1) + "," + code[a2:b2].replace(two, one, 1) + code[b2:]
                if changed not in seen:
                    seen.add(changed)
                    yield changed, f"{what} `{one}` and `{two}` swapped"
        for i, tok in enumerate(tokens):  # last: `count = 1` for `count += 1`, a counter that stops at one
            if tok.string == "=" and _plain_target(tokens[:i]) and _step(tokens[i + 1 :]):
                yield swap(tok.start[1], tok.end[1], "+=")

    for variant in found():
        if variant is not None:
            yield variant


def _compiles(text: str) -> bool:
    """The file compiles: it parses, and no keyword argument or parameter is repeated."""
    try:
        compile(text.removeprefix("\ufeff"), "<candidate>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def line_variants(
    path: str, line: int, text: str, make: Callable[[str], Iterator[tuple[str, str]]], limit: int
) -> Iterator[TokenFix]:
    """The variants ``make`` gives of ``line`` of ``path`` (1-based, as the tracer numbers lines)
    that leave a file that compiles and add no degenerate code to the line (``x == 1 and x``), at
    most ``limit``; the line keeps its indentation and its line
    ending."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return
    raw = lines[line - 1]
    ending = "\r" if raw.endswith("\r") else ""
    old = raw.removesuffix("\r")
    indent = old[: len(old) - len(old.lstrip())]
    given = 0
    already = degenerate_on(text, line)  # what the line had before is not the variant's doing
    for code, change in make(old.strip()):
        if given >= limit:
            return
        new = indent + code + old[len(old.rstrip()) :]
        changed = "\n".join(lines[: line - 1] + [new + ending] + lines[line:])
        if not _compiles(changed) or degenerate_on(changed, line) - already:
            continue
        given += 1
        yield TokenFix(path, line, old, new, changed, change)


def token_fixes(path: str, line: int, text: str, limit: int = MAX_PER_LINE) -> Iterator[TokenFix]:
    """One-token variants of ``line`` of ``path`` that leave a file that compiles, at most ``limit``."""
    yield from line_variants(path, line, text, variants, limit)
