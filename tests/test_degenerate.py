"""No-model variants never add degenerate code to their line (#21): a value compared with itself,
the same two sides of an operator, a self-assignment, a condition repeating an earlier operand.
A suite can pass such code, but it is never the fix a developer meant."""

import textwrap

import pytest

from codey_git.engine.degenerate import degenerate_on
from codey_git.engine.substitutions import substitution_fixes
from codey_git.engine.token_fixes import token_fixes


@pytest.mark.parametrize(
    "code",
    [
        "ok = a == a",
        "ok = 0 < n < n",
        "d = x - x",
        "d = self.w // self.w",
        "x = x",
        "self.size = self.size",
        "total -= total",
        "ok = n == 1 and n",
        "ok = a or b or a",
        "ok = x.y and x",
    ],
)
def test_degenerate_code_is_seen(code):
    assert degenerate_on(code + "\n", 1)


@pytest.mark.parametrize(
    "code",
    ["ok = x and x.y", "d = x + x", "x = y", "ok = a < b <= c", "n = n + 1", "ok = f(n) and n > 1", "total += total"],
)
def test_ordinary_code_is_not(code):
    assert not degenerate_on(code + "\n", 1)


def test_only_the_line_counts_and_a_file_that_does_not_parse_has_none():
    text = "a = 1\nb = a - a\n"
    assert degenerate_on(text, 2) and not degenerate_on(text, 1)
    assert degenerate_on("b = a - a\nif (:\n", 1) == set()


FILESIZE = textwrap.dedent(
    """
    def naturalsize(value, gnu=False):
        abs_bytes = abs(float(value))
        if abs_bytes == 1 and gnu:
            return "1 Byte"
        return f"{int(value)}B" if gnu else f"{int(value)} Bytes"
    """
)


def test_a_substitution_that_drops_a_condition_by_repeating_a_name_is_not_tried():
    tried = [fix.new.strip() for fix in substitution_fixes("size.py", 4, FILESIZE)]
    assert "if abs_bytes == 1 and abs_bytes:" not in tried
    assert "if abs_bytes == 1 and value:" in tried  # another name is still a candidate


def test_a_degenerate_line_as_it_was_does_not_stop_its_variants():
    source = "def f(a, b):\n    return a - a + b\n"
    assert [fix.new.strip() for fix in token_fixes("f.py", 2, source)][:2] == ["return a + a + b", "return a - a - b"]
