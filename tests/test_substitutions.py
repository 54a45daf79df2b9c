"""Substitutions (#21): after the one-token changes, a fix tests replacements of one name,
attribute or literal of a suspect line by one the code around uses, and an index or bound one off
(no model), before it asks the coder for corrected lines."""

import json
import textwrap

from conftest import git
from codey_git.engine.substitutions import pools, substitution_fixes, substitutions

URL = '''\
class URL:
    def __init__(self, username, password):
        self.username = username
        self.password = password

    def authority(self, with_password=True):
        parts = []
        if self.username:
            parts.append(self.username)
            if with_password and self.password:
                parts.append(":" + self.username)
        return "".join(parts)
'''


def changes(source: str, line: int) -> list[str]:
    return [fix.new.strip() for fix in substitution_fixes("x.py", line, source)]


def test_the_attribute_self_uses_elsewhere_in_the_class_comes_first():
    tried = changes(URL, 11)
    assert tried[0] == 'parts.append(":" + self.password)'
    assert 'parts.append("" + self.username)' in tried  # a string of the same function
    assert all("parts.username" not in t for t in tried[:2])


def test_self_is_never_replaced_but_may_replace_another_receiver():
    source = textwrap.dedent(
        """
        class Spec:
            def __iadd__(self, other):
                if isinstance(other, Spec):
                    self.patterns += other.patterns
                return self
        """
    )
    tried = [fix.change for fix in substitution_fixes("x.py", 5, source)]
    assert "`other` -> `self` (a name of the same function)" in tried
    assert not any(c.startswith("`self` ->") for c in tried)


def test_the_first_item_for_the_last_and_an_index_one_off():
    source = textwrap.dedent(
        """
        def gaps(xs):
            out = []
            for i in range(1, len(xs)):
                out.append(xs[i] - xs[0])
            return out[-1]
        """
    )
    assert changes(source, 5)[:3] == [
        "out.append(xs[i] - xs[-1])",
        "out.append(xs[i + 1] - xs[0])",
        "out.append(xs[i - 1] - xs[0])",
    ]
    assert changes(source, 6)[0] == "return out[0]"


def test_a_bound_moves_one_up_or_down_before_another_calls_argument_does():
    source = "def f(n, xs):\n    for i in range(n):\n        print(n, xs[n], key=n)\n    return xs\n"
    assert changes(source, 2)[:2] == ["for i in range(n + 1):", "for i in range(n - 1):"]
    tried = changes(source, 3)
    assert tried.index("print(n, xs[n + 1], key=n)") < tried.index("print(n + 1, xs[n], key=n)")
    assert "print(n, xs[n], key=n + 1)" not in tried  # a keyword's value is no bound


def test_keys_and_numbers_come_from_the_same_function_only():
    source = textwrap.dedent(
        """
        LIMIT = 1000

        def suffix(n, table):
            if n % 100 in (11, 12, 13):
                return table["th"]
            return table["st"] if n % 10 == 1 else table["nd"]
        """
    )
    around = pools(source, 6)
    assert set(around.strings) == {'"th"', '"st"', '"nd"'}
    assert "1000" not in around.numbers and "100" in around.numbers
    assert 'return table["st"]' in changes(source, 6)
    assert "if n % 10 in (11, 12, 13):" in changes(source, 5)


def test_no_division_by_zero_is_offered_and_comprehension_variables_stay_inside():
    source = "def f(xs, k):\n    total = sum(x for x in xs)\n    return total % 7 + 0\n"
    assert "x" not in pools(source, 3).names
    assert not any("% 0" in t for t in changes(source, 3))


def test_an_argument_as_other_calls_of_the_same_function_have_it():
    source = textwrap.dedent(
        """
        def converter(kind):
            if kind == "x":
                return int_convert(16)
            if kind == "o":
                return int_convert(16)
            return int_convert(base=10)

        def elsewhere():
            return int_convert(2) + int_convert(base=8)
        """
    )
    tried = [fix.change for fix in substitution_fixes("x.py", 6, source)]
    assert tried[0] == "`16` -> `2` (as other calls of the same function have it)"
    assert "`10` -> `8` (as other calls of the same function have it)" in [
        fix.change for fix in substitution_fixes("x.py", 7, source)
    ]


def test_a_sibling_function_of_the_module_for_a_called_name():
    source = textwrap.dedent(
        """
        def _padleft(w, s):
            return s.rjust(w)

        def _padboth(w, s):
            return s.center(w)

        def build(w, s):
            return s

        def header(align, width, h):
            if align == "center":
                return _padleft(width, h)
            return build(width, h)
        """
    )
    assert changes(source, 13)[0] == "return _padboth(width, h)"  # the same stem, `_pad`
    assert not any(c.startswith("return _pad") for c in changes(source, 14))  # `build` shares no stem


def test_outside_a_function_or_in_a_file_that_does_not_parse_nothing_is_offered():
    assert changes("x = y[0]\nz = 'a' + 'b'\n", 1) == ["x = y[-1]"]  # no pools: only the index
    assert changes("x = y[0]\nz = 'a' + 'b'\n", 2) == []
    assert pools("def f(:\n    pass\n", 2).names == []
    assert list(substitutions("f(", pools("", 1))) == []


def test_every_substitution_compiles_and_keeps_indentation_and_line_ending():
    source = URL.replace("\n", "\r\n")
    for fix in substitution_fixes("x.py", 11, source):
        compile(fix.text, "x.py", "exec")
        assert fix.text.split("\n")[10].startswith("                ") and fix.text.split("\n")[10][16] != " "
        assert fix.text.split("\n")[10].endswith("\r")


AUTHORITY = {
    "url.py": URL,
    "tests/test_url.py": """
        from url import URL


        def test_without_password():
            assert URL("ann", None).authority() == "ann"


        def test_with_password():
            assert URL("ann", "s3cret").authority() == "ann:s3cret"
        """,
}
ECHO = "```python\n" + "\n".join(URL.splitlines()[5:]) + "\n```"  # the method back unchanged


def test_a_wrong_attribute_is_fixed_without_the_model_and_the_commit_says_so(make_repo, write_script, codey):
    root = make_repo(AUTHORITY)
    write_script({"edit": [ECHO, ECHO], "line_fix": []})

    out = codey(root, "fix", "Fix the failing test tests/test_url.py::test_with_password", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "landed"
    assert 'parts.append(":" + self.password)' in (root / "url.py").read_text()
    assert result["attempts"][-1]["format"] == "substitution"
    assert "names and literals from the code around url.py line 11" in out.stderr
    message = git(root, "log", "-1", "--format=%B")
    assert (
        "Codey-Edit: substitution `username` -> `password` (an attribute the same class uses), "
        "chosen by the tests (no model wrote it); review it"
    ) in message
    assert git(root, "status", "--porcelain") == ""


def test_on_real_code_every_variant_compiles_and_changes_only_its_line():
    """codey's own step runner, every ninth line: no crash, and each variant is one line changed."""
    import codey_git.engine.steps as steps

    source = open(steps.__file__, encoding="utf-8").read()
    lines = source.split("\n")
    tried = 0
    for line in range(1, len(lines) + 1, 9):
        for fix in substitution_fixes("steps.py", line, source):
            tried += 1
            compile(fix.text, "steps.py", "exec")
            changed = [n for n, (a, b) in enumerate(zip(lines, fix.text.split("\n")), 1) if a != b]
            assert changed == [line] and fix.old == lines[line - 1]
    assert tried > 30


PARSER = textwrap.dedent(
    """
    class ParseError(ValueError):
        pass

    def number(text):
        try:
            return int(text)
        except TypeError:
            raise ParseError(text)

    def flag(text):
        try:
            return {"yes": True, "no": False}[text]
        except KeyError:
            return None
    """
)


def test_a_caught_exception_for_one_the_module_raises_or_catches_then_a_builtin_one():
    tried = changes(PARSER, 8)
    assert tried[:2] == ["except ParseError:", "except KeyError:"]  # the module's own, nearest first
    assert "except ValueError:" in tried  # then the usual built-in ones
    assert "raise ValueError(text)" in changes(PARSER, 9)  # a raised one too
    assert changes("def f(e):\n    return ValueError\n", 2) == []  # only what is caught or raised
    outside = changes("try:\n    pass\nexcept (KeyError, OSError) as e:\n    pass\n", 3)  # no function around
    assert "except (ValueError, OSError) as e:" in outside and "except (KeyError, ValueError) as e:" in outside


def test_a_raised_variable_is_no_exception_class_to_offer():
    source = "def f(x):\n    try:\n        return g(x)\n    except KeyError as caught:\n        raise caught\n    raise ValueError('bad')\n"
    tried = changes(source, 6)
    assert not any("caught(" in t for t in tried) and "raise KeyError('bad')" in tried


def test_a_positional_argument_named_like_a_parameter_at_another_position_is_passed_by_keyword():
    source = textwrap.dedent(
        """
        class Parser:
            def search(self, text, pos=0, endpos=None, extra_types=None, evaluate_result=True):
                return (text, pos, endpos, extra_types, evaluate_result)

            def findall(self, text, pos=0, endpos=None, evaluate_result=True):
                return [self.search(text, pos, endpos, evaluate_result)]


        def search(fmt, text, pos=0, evaluate_result=True):
            return Parser().search(text, pos, None, None, evaluate_result)
        """
    )
    tried = [fix.change for fix in substitution_fixes("x.py", 7, source)]
    assert (
        tried[0] == "`evaluate_result` -> `evaluate_result=evaluate_result` (the parameter of that name is not at this position)"
    )
    fixed = [fix.new.strip() for fix in substitution_fixes("x.py", 7, source)][0]
    assert fixed == "return [self.search(text, pos, endpos, evaluate_result=evaluate_result)]"
    # at its own position (the fifth, after self), or not the last positional argument: nothing
    assert not any("=evaluate_result" in change for change in (fix.change for fix in substitution_fixes("x.py", 11, source)))
    two = source.replace("self.search(text, pos, endpos, evaluate_result)", "self.search(text, endpos, pos)")
    assert not any("-> `endpos=" in fix.change for fix in substitution_fixes("x.py", 7, two))
    assert "`pos` -> `pos=pos` (the parameter of that name is not at this position)" in [
        fix.change for fix in substitution_fixes("x.py", 7, two)
    ]
