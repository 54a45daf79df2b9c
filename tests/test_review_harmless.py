"""Hunks that keep behaviour are recognised without a model; look-alikes that change it are not."""

import json

import jsonschema

from conftest import git, write_files

from codey_git.config import load_config
from codey_git.models.backends import make_provider
from codey_git.review.diffsource import staged_diff
from codey_git.review.engine import review_diff
from codey_git.review.findings import review_schema
from codey_git.review.harmless import harmless_reason

ORDER = (
    "def order_weight(order):\n    w = 0\n    for line in order.lines:\n"
    "        w += line.product.weight * line.quantity\n    return w\n"
)


def _staged(make_repo, before, after, name="repo", path="m.py"):
    root = make_repo({path: before}, name=name)
    write_files(root, {path: after})
    git(root, "add", "-A")
    return root, staged_diff(root)


def _reasons(make_repo, before, after, name="repo"):
    _, diff = _staged(make_repo, before, after, name)
    [file] = diff.files
    return [harmless_reason(h, file) for h in file.hunks]


def test_local_rename_is_harmless(make_repo):
    assert _reasons(make_repo, ORDER, ORDER.replace("w ", "weight ").replace("return w", "return weight")) == ["local rename"]


def test_renames_that_change_behaviour_go_to_the_model(make_repo):
    # the new name was already a variable: the loop now adds onto something else
    taken = ORDER.replace("    w = 0\n", "    w = 0\n    total = 1\n")
    assert _reasons(make_repo, taken, taken.replace("w +=", "total +="), "a") == [None]
    # a different function called, not a local name renamed
    calls = "def top(xs):\n    return max(xs)\n"
    assert _reasons(make_repo, calls, calls.replace("max", "min"), "b") == [None]
    # another object's attribute
    assert _reasons(make_repo, ORDER, ORDER.replace(".weight", ".mass"), "c") == [None]
    # an old reference left behind
    half = ORDER.replace("    w = 0", "    weight = 0").replace("w +=", "weight +=")
    assert _reasons(make_repo, ORDER, half, "d") == [None]
    # a keyword swapped
    cond = "def both(a, b):\n    return a and b\n"
    assert _reasons(make_repo, cond, cond.replace("and", "or"), "e") == [None]


def test_docstrings_and_type_hints_are_harmless_but_a_changed_default_is_not(make_repo):
    code = "def slug(title, n=60):\n    return title.lower()[:n]\n"
    hinted = (
        '"""Slugs."""\nfrom __future__ import annotations\n\n\ndef slug(title: str, n: int = 60) -> str:\n'
        '    """The slug of a title."""\n    return title.lower()[:n]\n'
    )
    assert set(_reasons(make_repo, code, hinted, "a")) == {"docstrings or type hints"}
    assert None in _reasons(make_repo, code, hinted.replace("= 60", "= 50"), "b")


def test_added_logging_is_harmless_but_not_when_code_changes_with_it(make_repo):
    code = "def sync(src, dst):\n    n = 0\n    for k in src:\n        dst[k] = src[k]\n        n += 1\n    return n\n"
    logged = code.replace("        n += 1\n", "        n += 1\n        log.debug(\"copied %s\", k)\n")
    assert _reasons(make_repo, code, logged, "a") == ["logging"]
    assert _reasons(make_repo, code, logged.replace("n += 1", "n += 2"), "b") == [None]


def test_harmless_hunks_never_reach_the_model(make_repo, write_script):
    write_script(
        {
            "review": [
                json.dumps(
                    {"findings": [{"file": "m.py", "line": 2, "severity": "high", "category": "bug", "message": "invented"}]}
                )
            ]
        }
    )
    root, diff = _staged(make_repo, ORDER, ORDER.replace("w ", "weight ").replace("return w", "return weight"))
    provider = make_provider(load_config(root))
    outcome = review_diff(diff, provider.get("reviewer"))
    assert outcome.findings == [] and outcome.harmless == 1 and outcome.complete
    assert provider.stats() == []


def test_schema_only_admits_touched_lines_and_short_messages():
    schema = review_schema(["m.py"], [4, 2, 4])
    ok = {"findings": [{"file": "m.py", "line": 2, "severity": "high", "category": "bug", "message": "x"}]}
    jsonschema.validate(ok, schema)
    for bad in ({"line": 3}, {"file": "other.py"}, {"message": "word " * 40}, {"extra": 1}):
        item = {**ok["findings"][0], **bad}
        try:
            jsonschema.validate({"findings": [item]}, schema)
        except jsonschema.ValidationError:
            continue
        raise AssertionError(f"schema accepted {bad}")
    # a hunk that only removes the file's last lines leaves no line to name: nothing can be reported
    jsonschema.validate({"findings": []}, review_schema(["m.py"], []))
    try:
        jsonschema.validate(ok, review_schema(["m.py"], []))
    except jsonschema.ValidationError:
        return
    raise AssertionError("schema without lines accepted a finding")


def test_style_remarks_never_block(make_repo, write_script):
    write_script(
        {
            "review": [
                json.dumps(
                    {
                        "findings": [
                            {"file": "m.py", "line": 2, "severity": "critical", "category": "style", "message": "name it better"},
                            {"file": "m.py", "line": 2, "severity": "high", "category": "bug", "message": "wrong sum"},
                        ]
                    }
                )
            ]
        }
    )
    root, diff = _staged(make_repo, "a = 1\nb = 2\n", "a = 1\nb = 3\n")
    outcome = review_diff(diff, make_provider(load_config(root)).get("reviewer"))
    assert sorted((f.category, f.severity) for f in outcome.findings) == [("bug", "high"), ("style", "low")]
    assert [f.message for f in outcome.blocking("high")] == ["wrong sum"]
