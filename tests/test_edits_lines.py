"""Line edits ("lines" format): `Lines A-B:` and the code that replaces them."""

import pytest

from codey_git.edits import EmptyEdit, HunkMismatch, NoEditFound, parse_and_apply
from codey_git.engine.codeview import excerpt

SRC = "def sign(x):\n    if x > 0:\n        return 1\n    return -1\n\n\ndef double(x):\n    return x + x\n"


def apply(answer, files=None, focus="m.py"):
    return parse_and_apply(answer, (files or {"m.py": SRC}).get, focus_file=focus)


def block(head, code):
    return f"{head}\n```python\n{code}```"


def test_one_line_replaced_by_its_number():
    result = apply(block("Line 3:", "        return 0\n"))
    assert result.format == "lines"
    assert result.changes["m.py"] == SRC.replace("        return 1\n", "        return 0\n")


def test_range_may_grow_or_shrink_and_numbers_refer_to_the_file_as_shown():
    answer = (
        block("Lines 2-3:", "    if x == 0:\n        return 0\n    if x > 0:\n        return 1\n")
        + "\n"
        + block("Line 8:", "    return 2 * x\n")
    )
    text = apply(answer).changes["m.py"]
    assert text.startswith("def sign(x):\n    if x == 0:\n        return 0\n    if x > 0:\n        return 1\n")
    assert text.endswith("def double(x):\n    return 2 * x\n")


def test_off_by_one_number_is_moved_to_the_line_the_code_matches():
    result = apply(block("Line 2:", "        return +1\n"))
    assert result.changes["m.py"] == SRC.replace("        return 1\n", "        return +1\n")
    assert any("moved by 1" in note for note in result.notes)


def test_repeated_neighbour_line_is_kept_once_so_lines_can_be_inserted():
    text = apply(block("Line 2:", "    if x is None:\n        return 0\n    if x > 0:\n")).changes["m.py"]
    assert text.startswith("def sign(x):\n    if x is None:\n        return 0\n    if x > 0:\n        return 1\n")
    assert text.count("if x > 0:") == 1


def test_misindented_code_and_copied_numbers_are_repaired():
    flush = apply(block("Line 4:", "return 0\n")).changes["m.py"]
    assert "\n    return 0\n" in flush
    deeper = apply(block("Line 4:", "        if x == 0:\n            return 0\n        return -1\n")).changes["m.py"]
    assert "        return 1\n    if x == 0:\n        return 0\n    return -1\n" in deeper
    numbered = apply(block("Lines 2-3:", "2|     if x >= 0:\n3|         return 1\n")).changes["m.py"]
    assert numbered == SRC.replace("if x > 0", "if x >= 0")


def test_empty_block_deletes_the_lines():
    assert apply(block("Lines 2-3:", "")).changes["m.py"].startswith("def sign(x):\n    return -1\n")


def test_lines_outside_the_file_or_overlapping_change_nothing():
    with pytest.raises(HunkMismatch, match="outside m.py"):
        apply(block("Line 30:", "x = 1\n"))
    with pytest.raises(HunkMismatch, match="overlap"):
        apply(block("Lines 2-3:", "    pass\n") + "\n" + block("Line 3:", "        pass\n"))


def test_file_named_in_the_header_wins_over_the_focus_file():
    files = {"m.py": SRC, "pkg/util.py": "def one():\n    return 2\n"}
    result = apply(block("Line 2 in pkg/util.py:", "    return 1\n"), files)
    assert list(result.changes) == ["pkg/util.py"]
    with pytest.raises(NoEditFound):
        apply(block("Line 2:", "    return 1\n"), files, focus=None)


def test_numbered_listing_keeps_real_line_numbers_in_excerpts():
    assert excerpt(SRC, numbered=True).splitlines()[:2] == ["1| def sign(x):", "2|     if x > 0:"]
    window = excerpt(SRC, [(7, 8)], numbered=True).splitlines()
    assert window == ["# ... (lines 1-6 not shown)", "7| def double(x):", "8|     return x + x"]
    assert excerpt(SRC, [(7, 8)]).splitlines()[1:] == ["def double(x):", "    return x + x"]


def test_a_complete_function_replaces_that_function_whatever_the_numbers_say():
    result = apply(block("Lines 1-2:", "def double(x):\n    return 2 * x\n"))
    assert result.changes["m.py"] == SRC.replace("return x + x", "return 2 * x")
    assert any("whole of `double`" in note for note in result.notes)
    # a lone signature line is not a complete definition: it replaces just its line
    signature = apply(block("Line 7:", "def double(x, times=2):\n")).changes["m.py"]
    assert "def double(x, times=2):\n    return x + x\n" in signature


def test_a_complete_function_at_the_right_numbers_gets_no_repair_note():
    # the span is (start, end, name): comparing it whole with (start, end) was always unequal
    result = apply(block("Lines 7-8:", "def double(x):\n    return 2 * x\n"))
    assert result.changes["m.py"] == SRC.replace("return x + x", "return 2 * x")
    assert not any("whole of" in note for note in result.notes)


# --- a long docstring is shown shortened in the numbered view: its hidden lines are not the model's to drop
DOCSRC = (
    "def scale(x):\n"
    '    """Scale X.\n\n' + "".join(f"    Detail {i} of how it scales, with care.\n" for i in range(1, 9)) + '    """\n'
    "    return x * 3\n"
)
LAST = DOCSRC.count("\n")  # the line `return x * 3`


def test_a_range_over_a_shortened_docstring_that_drops_its_lines_is_refused():
    # the view showed line 2 (`"""Scale X.`), a gap, line 12 (`"""`): the model re-typed what it saw
    answer = block(f"Lines 1-{LAST}:", 'def scale(x):\n    """Scale X.\n    """\n    return x * 2\n')
    with pytest.raises(HunkMismatch) as info:
        apply(answer, {"m.py": DOCSRC})
    assert "docstring" in info.value.reason
    assert "Nothing was changed" in info.value.feedback


def test_a_range_that_keeps_the_docstring_lines_applies():
    body = DOCSRC.replace("x * 3", "x * 2")
    result = apply(block(f"Lines 1-{LAST}:", body), {"m.py": DOCSRC})
    assert result.changes["m.py"] == body


def test_a_line_edit_beside_a_long_docstring_applies():
    result = apply(block(f"Line {LAST}:", "    return x * 2\n"), {"m.py": DOCSRC})
    assert result.changes["m.py"] == DOCSRC.replace("x * 3", "x * 2")


# --- a file indented with tabs (pathspec is): a line edit keeps them
TABSRC = "def f(pattern, end):\n\tj = 0\n\tif True:\n\t\tif j <= end and pattern[j] == ']':\n\t\t\treturn 1\n\treturn 0\n"


@pytest.mark.parametrize("indent", ["", "        ", "\t\t"])
def test_a_line_edit_in_a_tab_indented_file_keeps_its_tabs(indent):
    result = apply(block("Line 4:", f"{indent}if j < end and pattern[j] == ']':\n"), {"m.py": TABSRC})
    assert result.changes["m.py"] == TABSRC.replace("j <= end", "j < end")


def test_nested_lines_written_with_spaces_become_tabs_in_a_tab_indented_file():
    code = "if j < end and pattern[j] == ']':\n    return 2\n"
    result = apply(block("Lines 4-5:", code), {"m.py": TABSRC})
    assert result.changes["m.py"] == TABSRC.replace("j <= end", "j < end").replace("return 1", "return 2")


def test_a_line_echoed_without_its_tabs_changes_nothing():
    with pytest.raises(EmptyEdit):
        apply(block("Line 4:", "if j <= end and pattern[j] == ']':\n"), {"m.py": TABSRC})
