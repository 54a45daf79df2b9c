"""Routing by calibrated label scores: the model decides only when it is sure, a word it prefers
whatever the request says does not win, and scoring errors take the coding path."""

from __future__ import annotations

from codey_git.errors import ModelError
from codey_git.router.router import Router
from codey_git.router.scoring import CONTENT_FREE, LabelScorer, prompt_for

UNSURE = "dark mode for the settings page"  # no rule decides this one


class FakeScorer:
    """A model with ``next_token_logprobs``: a bias toward some words on every prompt, plus
    extra weight for words chosen per request."""

    name = "fake"

    def __init__(
        self, bias: dict[str, float] | None = None, per_request: dict[str, dict[str, float]] | None = None, fail: bool = False
    ):
        self.bias, self.per_request, self.fail = bias or {}, per_request or {}, fail
        self.prompts: list[str] = []

    def next_token_logprobs(self, prompt, candidates, *, purpose="route"):
        if self.fail:
            raise ModelError("llama.cpp fell over")
        self.prompts.append(prompt)
        request = prompt.rsplit("Request: ", 1)[1].split("\n", 1)[0]
        extra = self.per_request.get(request, {})
        return {c: -5.0 + self.bias.get(c.strip(), 0.0) + extra.get(c.strip(), 0.0) for c in candidates}


def test_a_confident_score_decides_the_route():
    model = FakeScorer(per_request={UNSURE: {"plan": 6.0}})
    intent = Router(lambda: model).route(UNSURE)
    assert (intent.label, intent.source) == ("plan", "model")


def test_a_label_the_model_always_prefers_is_calibrated_away():
    # the model says "test" for everything, content-free prompts included: that tells nothing
    model = FakeScorer(bias={"test": 8.0})
    intent = Router(lambda: model).route(UNSURE)
    assert (intent.name, intent.source) == ("edit", "fallback")


def test_an_unsure_model_abstains_and_the_coding_path_decides():
    model = FakeScorer(per_request={UNSURE: {"review": 0.5, "plan": 0.5}})
    scorer = LabelScorer(model)
    label, probability = scorer.best(UNSURE)
    assert label is None and probability < 0.5
    assert Router(lambda: model).route("the totals are stale after an import").name == "edit"


def test_tool_label_takes_its_file_from_the_users_words():
    text = "the notes over in CHANGES.txt"
    model = FakeScorer(per_request={text: {"read": 9.0}})
    intent = Router(lambda: model).route(text)
    assert intent.label == "read file" and intent.params["files"] == ["CHANGES.txt"]


def test_calibration_runs_once_and_every_prompt_shares_one_prefix():
    model = FakeScorer(per_request={UNSURE: {"edit": 6.0}})
    router = Router(lambda: model)
    router.route(UNSURE)
    router.route("logging everywhere please")
    assert len(model.prompts) == len(CONTENT_FREE) + 2
    prefix = prompt_for("")[: -len("Request: \nAction:")]
    assert all(p.startswith(prefix) for p in model.prompts)


def test_a_scoring_error_warns_and_takes_the_coding_path():
    warnings: list[str] = []
    intent = Router(lambda: FakeScorer(fail=True), warn=warnings.append).route(UNSURE)
    assert (intent.name, intent.source) == ("edit", "fallback")
    assert warnings and "fell over" in warnings[0]
