"""Triage before findings: a model that can score next tokens is first scored per hunk (would its
answer hold a finding?); only the hunks it flags cost a findings call, and that call must name at
least one finding."""

import json
import math

from conftest import git, write_files

from codey_git.config import load_config
from codey_git.models.backends import make_provider
from codey_git.review.cache import ReviewCache
from codey_git.review.diffsource import staged_diff
from codey_git.review.engine import review_diff
from codey_git.review.findings import review_schema
from codey_git.review.triage import NOTHING, OPENING, REPORT

BEFORE = "".join(f"v{i} = {i}\n" for i in range(40))


class ScoringModel:
    """The scripted reviewer plus ``next_token_logprobs``: a first finding is likely for a hunk whose
    prompt contains one of ``suspicious``. Records the prompts it scored and the messages it was asked."""

    def __init__(self, model, suspicious, fail=False):
        self.model, self.suspicious, self.fail = model, suspicious, fail
        self.name, self.identity, self.context_size = model.name, model.identity, model.context_size
        self.count_tokens = model.count_tokens
        self.scored, self.asked = [], []

    def next_token_logprobs(self, prompt, candidates, *, purpose="route"):
        if self.fail:
            raise RuntimeError("no logits")
        self.scored.append(prompt)
        assert prompt.endswith(OPENING) and set(candidates) == {REPORT, NOTHING}
        yes = 0.9 if any(s in prompt for s in self.suspicious) else 0.1
        return {REPORT: math.log(yes), NOTHING: math.log(1 - yes)}

    def chat(self, messages, **kwargs):
        self.asked.append((messages, kwargs["json_schema"]))
        return self.model.chat(messages, **kwargs)


def stage_three_hunks(root):
    text = BEFORE.replace("v2 = 2", "v2 = -2").replace("v20 = 20", "v20 = v19 / 0").replace("v38 = 38", "v38 = -38")
    write_files(root, {"m.py": text})
    git(root, "add", "-A")
    return staged_diff(root)


def scoring_reviewer(root, suspicious, fail=False):
    provider = make_provider(load_config(root))
    return provider, ScoringModel(provider.get("reviewer"), suspicious, fail)


def test_only_the_flagged_hunk_is_asked_for_findings(make_repo, write_script):
    root = make_repo({"m.py": BEFORE})
    write_script(
        {
            "review": [
                json.dumps(
                    {
                        "findings": [
                            {"file": "m.py", "line": 21, "severity": "high", "category": "bug", "message": "division by zero"}
                        ]
                    }
                )
            ]
        }
    )
    provider, model = scoring_reviewer(root, ["v19 / 0"])
    outcome = review_diff(stage_three_hunks(root), model, triage_threshold=0.0)
    assert len(model.scored) == 3 and all(p.count("File: m.py") == 1 for p in model.scored)  # one hunk each
    assert len(model.asked) == 1  # the two clean hunks cost no findings call
    messages, schema = model.asked[0]
    assert "v19 / 0" in messages[1]["content"]
    assert schema["properties"]["findings"]["minItems"] == 1  # flagged: say where, not whether
    assert [(f.line, f.severity, f.message) for f in outcome.findings] == [(21, "high", "division by zero")]
    assert (outcome.units, outcome.reviewed, outcome.triaged_clean, outcome.complete) == (3, 3, 2, True)
    assert [round(s, 2) for *_, s in outcome.triage_scores] == [-2.2, 2.2, -2.2]


def test_triage_verdicts_are_cached_with_the_findings(make_repo, write_script):
    root = make_repo({"m.py": BEFORE})
    write_script(
        {
            "review": [
                json.dumps(
                    {
                        "findings": [
                            {"file": "m.py", "line": 21, "severity": "high", "category": "bug", "message": "division by zero"}
                        ]
                    }
                )
            ]
        }
    )
    _, model = scoring_reviewer(root, ["v19 / 0"])
    cache = ReviewCache()
    review_diff(stage_three_hunks(root), model, cache=cache, triage_threshold=0.0)
    again = review_diff(stage_three_hunks(root), model, cache=cache, triage_threshold=0.0)
    assert (len(model.scored), len(model.asked)) == (3, 1)  # nothing scored or asked the second time
    assert again.cached == 3 and [f.line for f in again.findings] == [21]
    # another threshold is another verdict: not served from this cache
    other = review_diff(stage_three_hunks(root), model, cache=cache, triage_threshold=5.0)
    assert other.cached == 0 and other.findings == [] and other.triaged_clean == 3


def test_a_model_that_cannot_score_gets_every_hunk_in_a_plain_call(make_repo, write_script):
    root = make_repo({"m.py": BEFORE})
    write_script({"review": ['{"findings": []}']})
    _, model = scoring_reviewer(root, [], fail=True)
    outcome = review_diff(stage_three_hunks(root), model, triage_threshold=0.0)
    assert len(model.asked) == 1 and outcome.triaged_clean == 0 and outcome.complete
    messages, schema = model.asked[0]
    assert "minItems" not in schema["properties"]["findings"]


def test_no_triage_when_switched_off(make_repo, write_script):
    root = make_repo({"m.py": BEFORE})
    write_script({"review": ['{"findings": []}']})
    _, model = scoring_reviewer(root, ["v19 / 0"])
    outcome = review_diff(stage_three_hunks(root), model, triage_threshold=None)
    assert model.scored == [] and len(model.asked) == 1 and outcome.reviewed == 3


def test_the_budget_also_bounds_triage(make_repo, write_script):
    root = make_repo({"m.py": BEFORE})
    write_script({"review": []})

    class Clock:
        now = 0.0

        def __call__(self):
            return self.now

    clock = Clock()
    _, model = scoring_reviewer(root, [])
    score = model.next_token_logprobs

    def slow_score(*args, **kwargs):
        clock.now += 20
        return score(*args, **kwargs)

    model.next_token_logprobs = slow_score
    outcome = review_diff(stage_three_hunks(root), model, max_seconds=30, clock=clock, triage_threshold=0.0)
    assert outcome.triaged_clean == 2 and [u.start for u in outcome.unreviewed] == [37]
    assert "time budget" in outcome.unreviewed[0].reason


def test_schema_at_least_one_needs_a_line_to_name():
    assert review_schema(["m.py"], [3], at_least_one=True)["properties"]["findings"]["minItems"] == 1
    assert "minItems" not in review_schema(["m.py"], [], at_least_one=True)["properties"]["findings"]


class GuidingModel(ScoringModel):
    """A scoring model that can also continue a prompt: the findings answer is then written field
    by field. It prefers line 21, "high", "bug", and writes the given free texts."""

    def __init__(self, model, suspicious, texts):
        super().__init__(model, suspicious)
        self.texts = list(texts)
        self.completed = []

    def next_token_logprobs(self, prompt, candidates, *, purpose="route"):
        if prompt.endswith(OPENING):
            return super().next_token_logprobs(prompt, candidates, purpose=purpose)
        liked = {"2", "1", ",", "high", "bug"}
        return {c: (0.0 if c in liked else -5.0) for c in candidates}

    def complete(self, prompt, *, purpose, max_tokens=64, stop=(), on_token=None):
        self.completed.append(prompt)
        text = self.texts.pop(0)
        for piece in text:
            on_token(piece)
        raise AssertionError("the string was never closed")


def test_a_guided_answer_is_written_field_by_field_with_the_schema_values(make_repo, write_script):
    root = make_repo({"m.py": BEFORE})
    write_script({"review": []})  # no generated answer is needed
    provider = make_provider(load_config(root))
    model = GuidingModel(provider.get("reviewer"), ["v19 / 0"], ['divides by \\"zero\\"", "suggestion', 'v20 = v20 / 1"}]}'])
    outcome = review_diff(stage_three_hunks(root), model, triage_threshold=0.0)
    assert model.asked == []  # no schema-constrained generation at all
    [finding] = outcome.findings
    assert (finding.line, finding.severity, finding.category, finding.message) == (21, "high", "bug", 'divides by "zero"')
    assert finding.suggestion and "+v20 = v20 / 1" in finding.suggestion  # the corrected line, as a diff
    assert model.completed[0].endswith('"category": "bug", "message": "')
    assert '"line": 21, "severity": "high"' in model.completed[1]


def test_test_files_are_not_reviewed_when_their_findings_could_not_block(make_repo, write_script):
    root = make_repo({"m.py": BEFORE, "tests/test_m.py": "def test_v():\n    assert True\n"})
    write_script({"review": ['{"findings": []}'] * 3})
    provider = make_provider(load_config(root))
    model = provider.get("reviewer")
    write_files(root, {"tests/test_m.py": "def test_v():\n    assert 1 == 1\n"})
    diff = stage_three_hunks(root)
    hook = review_diff(diff, model, fail_on="high")  # a test-file finding is capped at medium
    assert hook.units == 3 and hook.complete and len(provider.stats()) == 1
    assert [path for path, _ in hook.skipped] == ["tests/test_m.py"]
    strict = review_diff(diff, model, fail_on="medium")
    assert strict.units == 4 and strict.skipped == [] and len(provider.stats()) == 3
