"""Reviewing a staged diff with the scripted model: filtering, caching, time budget, model failures."""

import json

from conftest import git, write_files

from codey_git.config import load_config
from codey_git.models.backends import make_provider
from codey_git.review.cache import ReviewCache
from codey_git.review.diffsource import staged_diff
from codey_git.review.engine import review_diff

TWO_FUNCS = (
    "def first(x):\n" + "".join(f"    a{i} = x + {i}\n" for i in range(12)) + "    return a0\n\n\n"
    "def second(y):\n" + "".join(f"    b{i} = y * {i}\n" for i in range(12)) + "    return b0\n"
)


def finding(file, line, severity="high", message="wrong"):
    return json.dumps({"findings": [{"file": file, "line": line, "severity": severity, "category": "bug", "message": message}]})


def reviewer(root):
    provider = make_provider(load_config(root))
    return provider, provider.get("reviewer")


def stage(root, files):
    write_files(root, files)
    git(root, "add", "-A")
    return staged_diff(root)


def test_findings_outside_the_diff_are_dropped(make_repo, write_script):
    root = make_repo({"m.py": "a = 1\nb = 2\nc = 3\n", "other.py": "z = 0\n"})
    write_script(
        {
            "review": [
                json.dumps(
                    {
                        "findings": [
                            {"file": "m.py", "line": 2, "severity": "high", "category": "bug", "message": "real"},
                            {"file": "m.py", "line": 3, "severity": "high", "category": "bug", "message": "untouched line"},
                            {"file": "other.py", "line": 1, "severity": "high", "category": "bug", "message": "file not in diff"},
                            {
                                "file": "./m.py",
                                "line": 2,
                                "severity": "low",
                                "category": "style",
                                "message": "same line, other note",
                            },
                        ]
                    }
                )
            ]
        }
    )
    diff = stage(root, {"m.py": "a = 1\nb = 20\nc = 3\n"})
    _, model = reviewer(root)
    outcome = review_diff(diff, model)
    assert [(f.file, f.line, f.message) for f in outcome.findings] == [("m.py", 2, "real"), ("m.py", 2, "same line, other note")]
    assert outcome.dropped == 2 and outcome.complete
    assert [f.severity for f in outcome.blocking("high")] == ["high"]


def test_second_run_uses_cache_and_only_changed_hunks_are_asked_again(make_repo, write_script):
    """The model's findings only: the built-in checks (which also see these unused values) are off."""
    root = make_repo({"m.py": TWO_FUNCS})
    changed = TWO_FUNCS.replace("a1 = x + 1", "a1 = x - 1").replace("b11 = y * 11", "b11 = y // 11")
    write_script({"review": [{"when": "a1 = x - 1", "text": finding("m.py", 3)}, {"when": "b11", "text": '{"findings": []}'}]})
    provider, model = reviewer(root)
    cache = ReviewCache()
    diff = stage(root, {"m.py": changed})
    first = review_diff(diff, model, cache=cache, checks=False)
    assert (first.units, first.cached, len(provider.stats())) == (2, 0, 1)  # both hunks in one call
    again = review_diff(diff, model, cache=cache, checks=False)
    assert (again.cached, len(provider.stats())) == (2, 1)  # no model call at all
    assert [(f.line, f.message) for f in again.findings] == [(3, "wrong")]
    # an unrelated edit to the second function: only that hunk goes to the model again
    diff = stage(root, {"m.py": changed.replace("b11 = y // 11", "b11 = y % 11")})
    third = review_diff(diff, model, cache=cache, checks=False)
    assert (third.cached, len(provider.stats())) == (1, 2)
    assert [f.line for f in third.findings] == [3]


def test_cached_finding_follows_a_hunk_that_moved(make_repo, write_script):
    root = make_repo({"m.py": TWO_FUNCS})
    write_script({"review": [finding("m.py", 22)]})
    _, model = reviewer(root)
    cache = ReviewCache()
    changed = TWO_FUNCS.replace("b4 = y * 4", "b4 = y * 40")
    first = review_diff(stage(root, {"m.py": changed}), model, cache=cache, checks=False)
    assert [f.line for f in first.findings] == [22]
    git(root, "reset", "-q", "--hard")  # drop it; commit two lines above everything; make it again
    write_files(root, {"m.py": "import os\nimport sys\n" + TWO_FUNCS})
    git(root, "commit", "-qam", "imports")
    moved = review_diff(stage(root, {"m.py": "import os\nimport sys\n" + changed}), model, cache=cache, checks=False)
    assert moved.cached == 1 and [f.line for f in moved.findings] == [24]


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class SlowModel:
    """Wraps a model so that each call takes ``seconds`` on a fake clock."""

    def __init__(self, model, clock, seconds):
        self.model, self.clock, self.seconds = model, clock, seconds
        self.name, self.identity, self.context_size = model.name, model.identity, model.context_size
        self.count_tokens = model.count_tokens

    def chat(self, messages, **kwargs):
        self.clock.now += self.seconds
        return self.model.chat(messages, **kwargs)


def three_hunks(root):
    text = "".join(f"v{i} = {i}\n" for i in range(40))
    return stage(
        root, {"m.py": text.replace("v2 = 2", "v2 = -2").replace("v20 = 20", "v20 = -20").replace("v38 = 38", "v38 = -38")}
    )


def test_hunks_of_one_file_share_a_call_and_findings_go_to_their_hunk(make_repo, write_script):
    root = make_repo({"m.py": "".join(f"v{i} = {i}\n" for i in range(40)), "n.py": "w = 1\n"})
    write_script(
        {
            "review": [
                json.dumps(
                    {
                        "findings": [
                            {"file": "m.py", "line": 21, "severity": "high", "category": "bug", "message": "second hunk"},
                            {"file": "m.py", "line": 39, "severity": "low", "category": "bug", "message": "third hunk"},
                        ]
                    }
                ),
                '{"findings": []}',
            ]
        }
    )
    provider, model = reviewer(root)
    write_files(root, {"n.py": "w = 2\n"})
    cache = ReviewCache()
    outcome = review_diff(three_hunks(root), model, cache=cache)
    assert (outcome.units, len(provider.stats())) == (4, 2)  # m.py's three hunks in one call, n.py in another
    assert [(f.line, f.message) for f in outcome.findings] == [(21, "second hunk"), (39, "third hunk")]
    again = review_diff(three_hunks(root), model, cache=cache)
    assert again.cached == 4 and [f.line for f in again.findings] == [21, 39]


def test_time_budget_reports_the_rest_unreviewed(make_repo, write_script):
    root = make_repo({"m.py": "".join(f"v{i} = {i}\n" for i in range(40))})
    write_script({"review": [finding("m.py", 3)] + ['{"findings": []}'] * 2})
    _, model = reviewer(root)
    clock = Clock()
    outcome = review_diff(
        three_hunks(root), SlowModel(model, clock, 20), max_seconds=30, clock=clock, batch_tokens=1
    )  # one call per hunk
    assert outcome.reviewed == 1 and [f.line for f in outcome.findings] == [3]
    assert [(u.start, "time budget" in u.reason) for u in outcome.unreviewed] == [(19, True), (37, True)]
    assert not outcome.complete


class BrokenModel(SlowModel):
    calls = 0

    def chat(self, messages, **kwargs):
        BrokenModel.calls += 1
        raise RuntimeError("llama crashed")


def test_failing_model_is_not_asked_forever(make_repo, write_script):
    root = make_repo({"m.py": "".join(f"v{i} = {i}\n" for i in range(40))})
    write_script({})
    _, model = reviewer(root)
    outcome = review_diff(three_hunks(root), BrokenModel(model, Clock(), 0), batch_tokens=1)
    assert BrokenModel.calls == 2 and outcome.reviewed == 0
    assert [u.reason.split(":")[0] for u in outcome.unreviewed] == [
        "model error",
        "model error",
        "skipped after repeated model errors",
    ]


def test_running_out_of_scripted_answers_leaves_units_unreviewed(make_repo, write_script):
    root = make_repo({"m.py": "".join(f"v{i} = {i}\n" for i in range(40))})
    write_script({"review": ['{"findings": []}']})
    _, model = reviewer(root)
    outcome = review_diff(three_hunks(root), model, batch_tokens=1)
    assert outcome.reviewed == 1 and len(outcome.unreviewed) == 2
    assert "no answer" in outcome.unreviewed[0].reason


def test_model_findings_are_capped_but_checks_keep_their_severity(make_repo, write_script):
    root = make_repo({"m.py": "def run(expr):\n    return int(expr)\n\n\nLIMIT = 1\n"})
    write_script(
        {
            "review": [
                json.dumps(
                    {
                        "findings": [
                            {
                                "file": "m.py",
                                "line": 2,
                                "severity": "critical",
                                "category": "security",
                                "message": "eval of input",
                            },
                            {"file": "m.py", "line": 5, "severity": "high", "category": "bug", "message": "limit too low"},
                        ]
                    }
                )
            ]
        }
    )
    diff = stage(root, {"m.py": "def run(expr):\n    return eval(expr)\n\n\nLIMIT = 2\n"})
    _, model = reviewer(root)
    outcome = review_diff(diff, model, model_max_severity="medium")
    assert sorted((f.line, f.severity, f.check) for f in outcome.findings) == [
        (2, "high", "code_from_text"),
        (2, "medium", None),
        (5, "medium", None),
    ]
    assert outcome.capped == 2 and [f.check for f in outcome.blocking("high")] == ["code_from_text"]


def test_cap_comes_from_config_else_the_catalog_for_llama_cpp_only(tmp_path):
    from codey_git.review.session import model_max_severity

    assert model_max_severity(load_config(None, environ={})) == "medium"  # the bundled 1.5B, measured
    assert model_max_severity(load_config(None, environ={"CODEY_BACKEND": "scripted"})) is None
    assert model_max_severity(load_config(None, environ={"CODEY_BACKEND": "openai"})) is None
    own = load_config(None, environ={"CODEY_REVIEW_MODEL_MAX_SEVERITY": "critical"})
    assert model_max_severity(own) == "critical"
    (tmp_path / ".codey.yml").write_text("models:\n  mine:\n    path: /models/mine.gguf\nreviewer: mine\n")
    assert model_max_severity(load_config(tmp_path, environ={})) is None
