"""What the coder is shown, and where a function-style answer is applied."""

import json

from conftest import git

HELPER_REPO = {
    "billing/__init__.py": "",
    "billing/money.py": """
        def format_cents(cents):
            return f"${cents // 100}.{cents % 100}"
        """,
    "billing/invoice.py": """
        from billing.money import format_cents


        def render(total_cents):
            return "TOTAL " + format_cents(total_cents)
        """,
    "tests/test_invoice.py": """
        from billing.invoice import render


        def test_render_pads_cents():
            assert render(1205) == "TOTAL $12.05"
        """,
}

HELPER_FIX = """Bug: format_cents drops the leading zero of the cents.
```python
def format_cents(cents):
    return f"${cents // 100}.{cents % 100:02d}"
```
"""


def test_helper_bug_is_fixed_in_the_module_that_defines_it(make_repo, write_script, codey):
    root = make_repo(HELPER_REPO)
    write_script({"edit": [{"when": "def format_cents(cents):", "text": HELPER_FIX}]})

    out = codey(root, "fix", "invoice amounts like $12.05 are shown as $12.5", "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["status"] == "landed"
    assert ":02d" in (root / "billing" / "money.py").read_text()
    assert git(root, "show", "--stat", "--format=", "HEAD").split("|")[0].strip() == "billing/money.py"


def test_prompt_shows_failing_test_source_and_named_line(make_repo, write_script, codey):
    root = make_repo(
        {
            "calc.py": "def add(a, b):\n    return a - b\n",
            "tests/test_calc.py": "from calc import add\n\n\ndef test_add():\n    total = add(2, 3)\n    assert total == 5\n",
        }
    )
    # answered only if the prompt carries the test body and the named line
    write_script({"edit": [{"when": "total = add(2, 3)", "text": "```python\ndef add(a, b):\n    return a + b\n```\n"}]})
    out = codey(root, "fix", "bug in calc.py line 2", "--json")
    assert json.loads(out.stdout)["status"] == "landed", out.stderr
