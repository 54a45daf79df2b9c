"""Code blocks holding whole definitions: replaced by name, found with ast."""

import textwrap

import pytest

from codey_git.edits import AmbiguousMatch, HunkMismatch, parse_and_apply

SHAPES = textwrap.dedent('''\
    """Shapes."""
    import math

    SCALE = 2


    @cache
    @trace(level=1)
    def area(r):
        return math.pi * r


    class Stack:
        def __init__(self):
            self.items = []

        def push(self, x):
            self.items.insert(0, x)

        def pop(self):
            return self.items.pop()


    def perimeter(r):
        return 2 * math.pi * r
    ''')


def apply(answer, files=None, **kwargs):
    files = files if files is not None else {"shapes.py": SHAPES}
    return parse_and_apply(answer, files.get, **kwargs)


def python(code, before="Here is the corrected code:"):
    return f"{before}\n\n```python\n{textwrap.dedent(code)}```\n\nThis fixes it."


def test_function_replaced_by_name_in_focus_file():
    result = apply(python("def perimeter(r):\n    return 2 * math.pi * r * SCALE\n"), focus_file="shapes.py")
    assert result.format == "function"
    text = result.changes["shapes.py"]
    assert text.endswith("def perimeter(r):\n    return 2 * math.pi * r * SCALE\n")
    assert text.count("def perimeter") == 1
    assert text.startswith('"""Shapes."""\nimport math\n')


def test_file_named_on_the_line_before_the_block():
    for before in ("shapes.py:", "# file: shapes.py", "In `shapes.py`, change perimeter:"):
        result = apply(python("def perimeter(r):\n    return 0\n", before=before))
        assert result.changes["shapes.py"].endswith("def perimeter(r):\n    return 0\n"), before


def test_decorated_function_replaced_with_its_decorators():
    result = apply(python("@cache\ndef area(r):\n    return math.pi * r * r\n"), focus_file="shapes.py")
    text = result.changes["shapes.py"]
    assert "\n\n@cache\ndef area(r):\n    return math.pi * r * r\n\n\nclass Stack" in text
    assert "@trace" not in text


def test_undecorated_block_keeps_the_original_decorators():
    result = apply(python("def area(r):\n    return math.pi * r * r\n"), focus_file="shapes.py")
    assert "@cache\n@trace(level=1)\ndef area(r):\n    return math.pi * r * r\n" in result.changes["shapes.py"]
    assert "kept the decorators of area" in result.notes


def test_method_block_keeps_class_indentation():
    method = "    def push(self, x):\n        self.items.append(x)\n"
    result = apply(python(method), focus_file="shapes.py", focus_symbol="Stack.push")
    text = result.changes["shapes.py"]
    assert "    def push(self, x):\n        self.items.append(x)\n\n    def pop(self):" in text


def test_partial_class_merges_methods_and_adds_new_ones():
    code = """\
        class Stack:
            def push(self, x):
                self.items.append(x)

            def peek(self):
                return self.items[-1]
        """
    text = apply(python(code), focus_file="shapes.py").changes["shapes.py"]
    assert "    def __init__(self):\n        self.items = []\n" in text
    assert "        self.items.append(x)\n" in text
    assert "    def pop(self):\n        return self.items.pop()\n\n    def peek(self):\n" in text


def test_new_helper_is_added_after_the_replaced_function_with_its_import():
    code = """\
        import functools

        def perimeter(r):
            return _twice(math.pi * r)

        def _twice(x):
            return 2 * x
        """
    result = apply(python(code), focus_file="shapes.py")
    text = result.changes["shapes.py"]
    assert "import math\nimport functools\n" in text
    assert text.endswith("    return _twice(math.pi * r)\n\n\ndef _twice(x):\n    return 2 * x\n")


def test_unknown_function_is_appended_only_to_the_focus_file():
    code = "def circumference(d):\n    return math.pi * d\n"
    text = apply(python(code), focus_file="shapes.py").changes["shapes.py"]
    assert text.endswith("    return 2 * math.pi * r\n\n\ndef circumference(d):\n    return math.pi * d\n")
    with pytest.raises(HunkMismatch) as caught:
        apply(python(code, before="shapes.py:"))
    assert "has no definition of that name" in caught.value.feedback


def test_unknown_function_is_refused_when_another_was_asked_for():
    with pytest.raises(HunkMismatch) as caught:
        apply(python("def area_fixed(r):\n    return 1\n"), focus_file="shapes.py", focus_symbol="area")
    assert "area_fixed" in caught.value.reason


def test_same_method_name_in_two_classes_needs_the_focus_symbol():
    files = {"m.py": "class A:\n    def run(self):\n        return 1\n\n\nclass B:\n    def run(self):\n        return 2\n"}
    block = python("    def run(self):\n        return 3\n")
    with pytest.raises(AmbiguousMatch):
        apply(block, files, focus_file="m.py")
    text = apply(block, files, focus_file="m.py", focus_symbol="B.run").changes["m.py"]
    assert text.endswith("class B:\n    def run(self):\n        return 3\n")


def test_example_usage_blocks_are_ignored():
    answer = python("def perimeter(r):\n    return 0\n") + "\nUsage:\n\n```python\nprint(perimeter(2))\n```\n"
    result = apply(answer, focus_file="shapes.py")
    assert result.changes["shapes.py"].endswith("def perimeter(r):\n    return 0\n")


def test_test_file_mentioned_in_prose_does_not_capture_the_block():
    files = {"shapes.py": SHAPES, "tests/test_shapes.py": "def test_perimeter():\n    assert perimeter(1) > 6\n"}
    answer = python("def perimeter(r):\n    return 0\n", before="This makes tests/test_shapes.py pass:")
    result = apply(answer, files, focus_file="shapes.py")
    assert list(result.changes) == ["shapes.py"]


def test_echoed_test_function_after_the_fix_is_left_out():
    answer = python("def perimeter(r):\n    return 0\n\n\ndef test_perimeter():\n    assert perimeter(1) == 0\n")
    result = apply(answer, focus_file="shapes.py", focus_symbol="perimeter")
    text = result.changes["shapes.py"]
    assert text.endswith("def perimeter(r):\n    return 0\n")
    assert "test_perimeter" not in text
    assert any("ignored test_perimeter" in note for note in result.notes)


def test_a_block_of_only_test_functions_is_not_an_edit():
    with pytest.raises(HunkMismatch):
        apply(python("def test_perimeter():\n    assert perimeter(1) == 0\n"), focus_file="shapes.py", focus_symbol="perimeter")


def test_same_method_name_in_two_classes_is_told_apart_by_its_parameters_or_the_text_it_retypes():
    # realbench parse-07: Parser.evaluate_result(self, m) and Match.evaluate_result(self)
    files = {
        "m.py": "class Parser:\n    def evaluate(self, m):\n        return m.group(1)\n\n\n"
        "class Match:\n    def evaluate(self):\n        return self.parser.evaluate(self.match)\n"
    }
    text = apply(python("    def evaluate(self, m):\n        return m.group(2)\n"), files, focus_file="m.py").changes["m.py"]
    assert "return m.group(2)" in text and "return self.parser.evaluate(self.match)" in text
    files = {
        "m.py": "class A:\n    def run(self):\n        total = sum(self.items)\n        return total / len(self.items)\n\n\n"
        "class B:\n    def run(self):\n        return 'b'\n"
    }
    block = python("    def run(self):\n        total = sum(self.items)\n        return total / max(len(self.items), 1)\n")
    text = apply(block, files, focus_file="m.py").changes["m.py"]
    assert "max(len(self.items), 1)" in text and "return 'b'" in text
