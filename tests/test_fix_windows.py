"""A long focus file is shown as the definitions a fix can be in, not whole."""

import json

import pytest

from codey_git.engine.windows import window_spans

UNRELATED = "".join(f"def helper_{i}(x):\n    return x * {i} + 1\n\n\n" for i in range(60))
MODULE = (
    "import math\n\nRATE = 3\n\n\n"
    "def _cents(amount):\n    return round(amount * 100)\n\n\n"
    "def total(prices):\n    return sum(_cents(p) for p in prices[1:]) * RATE\n\n\n" + UNRELATED
)


def tokens(text):
    return len(text) // 4


def shown(spans):
    lines = MODULE.splitlines()
    return "\n".join(lines[s - 1] for a, b in spans for s in range(a, b + 1))


def test_the_failing_function_its_callees_and_the_header_are_shown():
    spans = window_spans(tokens, MODULE, [11], set())
    text = shown(spans)
    assert "import math" in text and "RATE = 3" in text
    assert "def total(prices):" in text and "def _cents(amount):" in text
    assert "helper_" not in text


def test_without_a_line_the_functions_the_tests_call_are_shown():
    text = shown(window_spans(tokens, MODULE, [], {"total", "assert", "prices"}))
    assert "def total(prices):" in text and "def _cents(amount):" in text and "helper_" not in text


def test_short_files_and_unknown_targets_are_shown_whole():
    assert window_spans(tokens, MODULE[:300], [11], set()) is None
    assert window_spans(tokens, MODULE, [], {"nothing_here"}) is None
    assert window_spans(tokens, MODULE, [], {f"helper_{i}" for i in range(60)}) is None  # most of the file


WHOLE_FILE_SEEN = "Bug: wrong.\n```python\ndef total(prices):\n    return 0\n```\n"
WINDOW_FIX = (
    "Bug: the first price is skipped.\n```python\ndef total(prices):\n    return sum(_cents(p) for p in prices) * RATE\n```\n"
)


SHOP = {
    "shop.py": MODULE,
    "tests/test_shop.py": "from shop import total\n\n\ndef test_total():\n    assert total([1.0, 2.0]) == 900\n",
}


@pytest.mark.usefixtures("model_first")
def test_fix_in_a_long_module_lands_from_the_windowed_prompt(make_repo, write_script, codey):
    root = make_repo({**SHOP, ".codey.yml": "attempts: 1\ncandidates: 1\n"})
    # the first answer is only given to a prompt that shows the unrelated helpers (the whole file)
    write_script(
        {
            "edit": [{"when": "def helper_59", "text": WHOLE_FILE_SEEN}, {"when": "def _cents(amount):", "text": WINDOW_FIX}],
            "commit_message": ["fix(shop): total counts every price"],
        }
    )

    out = codey(root, "fix", "total skips the first price", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["status"] == "landed"
    text = (root / "shop.py").read_text()
    assert "for p in prices)" in text and text.count("def helper_") == 60


@pytest.mark.usefixtures("model_first")
def test_long_files_whole_shows_the_whole_file(make_repo, write_script, codey):
    root = make_repo({**SHOP, ".codey.yml": "attempts: 1\ncandidates: 1\nlong_files: whole\n"})
    write_script(
        {"edit": [{"when": "def helper_59", "text": WINDOW_FIX}], "commit_message": ["fix(shop): total counts every price"]}
    )

    out = codey(root, "fix", "total skips the first price", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    assert "for p in prices)" in (root / "shop.py").read_text()
