"""What "a test covers the change" means for `edit` (engine/coverage.py): the changed definitions,
and a test file that imports the module and names them."""

import pytest

from codey_git.engine.coverage import MODULE, changed_names, covers, is_code, module_name

MEAN = "def mean(xs):\n    return sum(xs) / len(xs)\n"


@pytest.mark.parametrize(
    "old,new,names",
    [
        (MEAN, MEAN + "\n\ndef stdev(xs):\n    return 0\n", ["stdev"]),
        (MEAN, "import math\n" + MEAN, [MODULE]),
        (MEAN, 'def mean(xs):\n    """Mean."""\n    # average\n    return sum(xs) / len(xs)\n', []),
        (MEAN, "", []),  # removed: nothing to test
        (None, "DEBUG = False\n", [MODULE]),
        (
            "class A:\n    def f(self):\n        return 1\n",
            "class A:\n    def f(self):\n        return 2\n\n    def g(self):\n        pass\n",
            ["A.f", "A.g"],
        ),
        (MEAN, "def mean(xs:\n", [MODULE]),  # does not parse: the whole module
    ],
)
def test_changed_names(old, new, names):
    assert changed_names(old, new) == names


TEST = "from stats import mean\n\n\ndef test_mean():\n    assert mean([1]) == 1\n"


@pytest.mark.parametrize(
    "source,code,name,expected",
    [
        (TEST, "stats.py", "mean", True),
        (TEST, "stats.py", "stdev", False),  # imports the module, never names the function
        (TEST, "stats.py", MODULE, True),
        (TEST, "other.py", "mean", False),
        (TEST, "src/stats.py", "mean", True),
        ("from pkg import stats\n\n\ndef test_s():\n    assert stats.stdev([1]) == 0\n", "src/pkg/stats.py", "stdev", True),
        ("import pkg.stats as s\n\n\ndef test_s():\n    s.A().method()\n", "pkg/stats.py", "A.method", True),
        ("from ..pkg.stats import f\n", "pkg/stats.py", "f", True),
    ],
)
def test_covers(source, code, name, expected):
    assert covers(source, "tests/test_x.py", code, name) is expected


def test_what_counts_as_code():
    assert is_code("stats.py") and is_code("src/pkg/mod.py")
    assert not is_code("tests/test_stats.py") and not is_code("conftest.py") and not is_code("setup.py")
    assert not is_code("README.md")
    assert module_name("src/pkg/__init__.py") == "pkg" and module_name("a/b.py") == "a.b"
