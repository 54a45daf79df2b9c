"""Long docstrings are shown to the coder shortened, and put back byte for byte in its answer
(edits/docstrings.py): the model neither reads nor re-types what does not change."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from codey_git.edits import HunkMismatch, parse_and_apply
from codey_git.edits.treefs import TreeFS
from codey_git.engine import context as ctx
from codey_git.engine.codeview import build_messages

from conftest import git

DOC_LINES = [f"    Line {i} of a long explanation, with an example >>> shout('a{i}')." for i in range(1, 10)]
TEXTFMT = (
    "import re\n\n\n"
    "def shout(text):\n"
    '    """Return TEXT in upper case.\n\n' + "\n".join(DOC_LINES) + '\n    """\n'
    "    cleaned = text.strip()\n"
    "    return cleaned.lower()\n\n\n"
    "class Box:\n"
    '    """A box of words.\n\n    It holds words.\n    Many words.\n    All of them.\n    """\n\n'
    "    def size(self, words):\n"
    '        """How many.\n\n        Counts the words\n        given, once each,\n        and no more.\n        """\n'
    "        return len(set(words)) + 1\n\n"
    "    def short(self):\n"
    '        """One line."""\n'
    "        return 1\n"
)
BUG_LINE = TEXTFMT.splitlines().index("    return cleaned.lower()") + 1
MARKER_LINE = '    """Return TEXT in upper case. (docstring: 11 more lines not shown; keep it as is)"""'
TESTS = "from textfmt import Box, shout\n\n\ndef test_shout():\n    assert shout(' hi ') == 'HI'\n\n\ndef test_size():\n    assert Box().size(['a', 'a', 'b']) == 2\n"


def _apply(answer: str, files: dict[str, str] | None = None, **kwargs):
    files = files or {"textfmt.py": TEXTFMT}
    return parse_and_apply(answer, files.get, focus_file="textfmt.py", **kwargs)


def _answer(code: str) -> str:
    return "Bug: lower instead of upper\n\n```python\n" + textwrap.dedent(code).strip("\n") + "\n```\n"


def _changed_lines(result) -> list[str]:
    return [line for line in result.diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_marker_line_copied_back_keeps_the_whole_docstring_and_changes_only_the_fix():
    result = _apply(_answer(f"def shout(text):\n{MARKER_LINE}\n    cleaned = text.strip()\n    return cleaned.upper()\n"))
    assert result.changes["textfmt.py"] == TEXTFMT.replace("cleaned.lower()", "cleaned.upper()")
    assert _changed_lines(result) == ["-    return cleaned.lower()", "+    return cleaned.upper()"]
    assert any("kept the docstring of shout" in note for note in result.notes)


@pytest.mark.parametrize(
    "docstring",
    [
        "",  # left out
        '    """Return TEXT in upper case."""\n',  # only the summary line
        '    """Return TEXT in upper case. (docstring: 11 more lines not shown)"""\n',  # a marker cut short
        '    """Return TEXT in upper case.\n    (docstring: 11 more lines not shown; keep it as is)\n    """\n',
    ],
)
def test_other_shortened_forms_get_the_original_back(docstring):
    code = "def shout(text):\n" + docstring + "    cleaned = text.strip()\n    return cleaned.upper()\n"
    result = _apply(_answer(code))
    assert result.changes["textfmt.py"] == TEXTFMT.replace("cleaned.lower()", "cleaned.upper()")


def test_a_docstring_holding_the_marker_among_other_words_is_the_original():
    code = (
        'def shout(text):\n    """Return TEXT in upper case. (docstring: 11 more lines not shown; keep it as is)\n'
        '    and more."""\n    return text.upper()\n'
    )
    result = _apply(_answer(code))  # the model never saw the hidden lines: it cannot have rewritten them
    assert result.changes["textfmt.py"] == TEXTFMT.replace(
        "    cleaned = text.strip()\n    return cleaned.lower()", "    return text.upper()"
    )


def test_a_docstring_the_model_really_rewrites_is_kept():
    code = (
        'def shout(text):\n    """Shout TEXT: upper case, stripped."""\n    cleaned = text.strip()\n    return cleaned.upper()\n'
    )
    new = _apply(_answer(code)).changes["textfmt.py"]
    assert '"""Shout TEXT: upper case, stripped."""' in new and "Line 3 of a long explanation" not in new


def test_a_full_retyped_docstring_still_applies_as_before():
    original = TEXTFMT.split("def shout")[1].split("\n\n\nclass")[0]
    result = _apply(_answer("def shout" + original.replace("cleaned.lower()", "cleaned.upper()")))
    assert _changed_lines(result) == ["-    return cleaned.lower()", "+    return cleaned.upper()"]


def test_methods_of_a_whole_class_answer_get_their_docstrings_back():
    code = """
    class Box:
        \"\"\"A box of words. (docstring: 5 more lines not shown; keep it as is)\"\"\"

        def size(self, words):
            \"\"\"How many. (docstring: 5 more lines not shown; keep it as is)\"\"\"
            return len(set(words))

        def short(self):
            \"\"\"One line.\"\"\"
            return 1
    """
    result = _apply(_answer(code))
    assert result.changes["textfmt.py"] == TEXTFMT.replace("len(set(words)) + 1", "len(set(words))")


def test_a_method_answer_alone_gets_its_docstring_back():
    code = '    def size(self, words):\n        """How many. (docstring: 5 more lines not shown; keep it as is)"""\n        return len(set(words))\n'
    result = _apply("```python\n" + code + "```\n")
    assert result.changes["textfmt.py"] == TEXTFMT.replace("len(set(words)) + 1", "len(set(words))")


def test_a_marker_that_cannot_be_put_back_is_refused_with_feedback():
    code = f"def yell(text):\n{MARKER_LINE}\n    return text.upper()\n"
    with pytest.raises(HunkMismatch) as info:
        _apply(_answer(code))
    assert "shortened" in info.value.feedback and "Nothing was changed" in info.value.feedback


# --- what the coder is shown -------------------------------------------------------------


class _Model:
    name = "fake"
    context_size = 8192

    def count_tokens(self, text: str) -> int:
        return len(text) // 4


class _Tree:
    def __init__(self, path: Path):
        self.path = path

    def read(self, rel: str) -> str | None:
        return TreeFS(self.path).read(rel)


def _prompt(root: Path, fmt: str, focus: ctx.Focus, sections: dict[str, str] | None = None) -> str:
    messages, _symbol, _shown = build_messages(
        _Model(), "fix it", "fix", focus, sections or {}, fmt, _Tree(root),
        new_files=[], allow_test_edits=False, feedback=None, max_tokens=512,
    )  # fmt: skip
    return "\n".join(m["content"] for m in messages)


def _focus(line: int) -> ctx.Focus:
    focus = ctx.Focus(files=["textfmt.py"])
    focus.add("textfmt.py", line)
    return focus


def test_the_prompt_shows_long_docstrings_shortened_and_says_to_keep_them(make_repo):
    root = make_repo({"textfmt.py": TEXTFMT})
    prompt = _prompt(root, "function", _focus(BUG_LINE))
    assert MARKER_LINE in prompt and "Line 3 of a long explanation" not in prompt
    assert '    """A box of words. (docstring: 5 more lines not shown; keep it as is)"""' in prompt
    assert '"""One line."""' in prompt  # short ones stay
    assert "copy its one line, do not re-type it" in prompt
    assert "    return cleaned.lower()" in prompt


def test_no_rule_sentence_when_nothing_is_shortened(make_repo):
    root = make_repo({"plain.py": "def f(x):\n    return x + 1\n"})
    focus = ctx.Focus(files=["plain.py"])
    focus.add("plain.py", 2)
    assert "shortened docstring" not in _prompt(root, "function", focus)


def test_a_docstring_holding_the_focus_line_or_a_failing_doctest_is_shown_whole(make_repo):
    root = make_repo({"textfmt.py": TEXTFMT})
    inside = TEXTFMT.splitlines().index(DOC_LINES[2]) + 1
    assert DOC_LINES[2] in _prompt(root, "function", _focus(inside))
    doctest = {"textfmt.py::textfmt.shout": "002 >>> shout('a')\nExpected: 'A'\nGot: 'a'"}
    assert DOC_LINES[2] in _prompt(root, "function", _focus(BUG_LINE), doctest)
    traceback = {"tests/test_t.py::test_x": f"textfmt.py:{inside}: in shout\n    boom\nE   ValueError"}
    assert DOC_LINES[2] in _prompt(root, "function", _focus(BUG_LINE), traceback)


def test_other_formats_see_the_whole_docstring(make_repo):
    root = make_repo({"textfmt.py": TEXTFMT})
    for fmt in ("whole_file", "search_replace", "diff"):
        prompt = _prompt(root, fmt, _focus(BUG_LINE))
        assert DOC_LINES[2] in prompt and "not shown; keep it as is" not in prompt, fmt


def test_numbered_lines_keep_the_files_numbers_around_the_gap(make_repo):
    root = make_repo({"textfmt.py": TEXTFMT})
    prompt = _prompt(root, "lines", _focus(BUG_LINE))
    assert DOC_LINES[2] not in prompt
    first = TEXTFMT.splitlines().index('    """Return TEXT in upper case.') + 1
    assert f"{first:>2}|     \"\"\"Return TEXT in upper case." in prompt
    assert f"# ... (lines {first + 1}-{first + 10} not shown: docstring, keep it as is)" in prompt
    assert f"{first + 11:>2}|     \"\"\"" in prompt
    assert f"{BUG_LINE:>2}|     return cleaned.lower()" in prompt


# --- from the outside ------------------------------------------------------------------------


def test_fix_lands_a_one_line_diff_when_the_model_copies_the_marker(make_repo, write_script, codey):
    root = make_repo({"textfmt.py": TEXTFMT, "tests/test_textfmt.py": TESTS.replace("Box().size(['a', 'a', 'b']) == 2", "True")})
    answer = _answer(f"def shout(text):\n{MARKER_LINE}\n    cleaned = text.strip()\n    return cleaned.upper()\n")
    write_script({"edit": [{"when": MARKER_LINE.strip(), "text": answer}], "commit_message": ["fix: shout upper"]})

    out = codey(root, "fix", f"bug in textfmt.py line {BUG_LINE}", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["status"] == "landed"
    assert git(root, "show", "--numstat", "--format=", "HEAD") == "1\t1\ttextfmt.py"
    assert (root / "textfmt.py").read_text() == TEXTFMT.replace("cleaned.lower()", "cleaned.upper()")
