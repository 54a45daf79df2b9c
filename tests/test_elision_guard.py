"""What codey leaves out of the code it shows is marked ("# ... (lines 5-12 not shown)", a
shortened docstring's "(docstring: N more lines not shown ...)"). A model that copies such a marker
into its answer must not get it written into the user's file in place of the lines it stands for,
whatever the edit format: the edit is refused with feedback, and nothing changes."""

from __future__ import annotations

import pytest

from codey_git.edits import EditRejected, parse_and_apply

SOURCE = (
    "def shout(text):\n"
    '    """Return TEXT in upper case.\n'
    "\n"
    "    Line one of a long explanation.\n"
    "    Line two of a long explanation.\n"
    "    Line three of a long explanation.\n"
    '    """\n'
    "    return text.lower()\n"
)


def _apply(answer: str):
    return parse_and_apply(answer, {"textfmt.py": SOURCE}.get, focus_file="textfmt.py")


@pytest.mark.parametrize(
    "answer",
    [
        # the lines format: a whole definition over the numbered view, its gap line copied
        "Bug: lower\nLines 1-8:\n```python\ndef shout(text):\n"
        '    """Return TEXT in upper case.\n'
        "# ... (lines 3-6 not shown: docstring, keep it as is)\n"
        '    """\n    return text.upper()\n```\n',
        # a whole-file answer with the excerpt's gap marker in it
        "textfmt.py\n```python\n# ... (lines 1-0 not shown)\ndef shout(text):\n"
        "    # ... (lines not shown)\n    return text.upper()\n```\n",
        # search/replace writing the marker as the new text
        "textfmt.py\n<<<<<<< SEARCH\n    return text.lower()\n=======\n"
        "    # ... (lines 3-6 not shown)\n    return text.upper()\n>>>>>>> REPLACE\n",
    ],
    ids=["lines", "whole_file", "search_replace"],
)
def test_a_copied_not_shown_marker_is_refused_and_nothing_changes(answer):
    with pytest.raises(EditRejected) as info:
        _apply(answer)
    assert "not shown" in info.value.feedback


def test_a_marker_the_file_already_has_is_not_a_copy():
    source = SOURCE + "\n# ... (lines not shown) is what codey writes\n"
    answer = "textfmt.py\n<<<<<<< SEARCH\n    return text.lower()\n=======\n    return text.upper()\n>>>>>>> REPLACE\n"
    result = parse_and_apply(answer, {"textfmt.py": source}.get, focus_file="textfmt.py")
    assert "return text.upper()" in result.changes["textfmt.py"]
