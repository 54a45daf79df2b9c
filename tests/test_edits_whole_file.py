"""Code blocks holding a complete file."""

from codey_git.edits import parse_and_apply

CALC = "import operator\n\n\ndef add(a, b):\n    return a - b\n\n\ndef sub(a, b):\n    return a - b\n"
NEW_CALC = "import operator\n\n\ndef add(a, b):\n    return operator.add(a, b)\n\n\ndef sub(a, b):\n    return a - b\n"


def apply(answer, files, **kwargs):
    return parse_and_apply(answer, files.get, **kwargs)


def test_complete_file_after_its_name_replaces_the_file():
    result = apply(f"calc.py\n```python\n{NEW_CALC}```\n", {"calc.py": CALC})
    assert result.format == "whole_file"
    assert result.changes == {"calc.py": NEW_CALC}


def test_file_header_comment_inside_the_block_names_the_file():
    result = apply(f"```python\n# file: calc.py\n{NEW_CALC}```", {"calc.py": CALC})
    assert result.changes == {"calc.py": NEW_CALC}


def test_whole_file_keeps_crlf_and_missing_final_newline():
    old = CALC.replace("\n", "\r\n").rstrip("\r\n")
    result = apply(f"calc.py\n```python\n{NEW_CALC}```\n", {"calc.py": old})
    assert result.changes["calc.py"] == NEW_CALC.replace("\n", "\r\n").rstrip("\r\n")


def test_block_missing_module_statements_is_a_function_edit_not_a_whole_file():
    block = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
    result = apply(f"calc.py\n```python\n{block}```\n", {"calc.py": CALC})
    assert result.format == "function"
    assert result.changes["calc.py"].startswith("import operator\n")


def test_new_file_is_created_from_a_named_block():
    result = apply("Create `notes.md`:\n\nnotes.md\n```markdown\n# Notes\n\nhello\n```", {})
    assert result.changes == {"notes.md": "# Notes\n\nhello\n"}
    assert result.format == "whole_file"


def test_non_python_whole_file_needs_most_of_the_file():
    config = "".join(f"key{i} = {i}\n" for i in range(10))
    full = config.replace("key3 = 3", "key3 = 30")
    assert apply(f"settings.ini\n```ini\n{full}```", {"settings.ini": config}).changes["settings.ini"] == full


def test_a_class_written_without_some_of_its_methods_is_not_the_whole_file():
    # a file that is one class: an answer re-typing the class but leaving out a method it did not
    # change used to replace the file, deleting that method
    source = "class Box:\n    def size(self):\n        return 0\n\n    def empty(self):\n        return True\n"
    answer = "```python\nclass Box:\n    def size(self):\n        return 1\n```\n"
    result = apply(answer, {"box.py": source}, focus_file="box.py")
    assert result.format == "function"
    assert result.changes["box.py"] == source.replace("return 0", "return 1")
