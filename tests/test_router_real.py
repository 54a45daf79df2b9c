"""The router with the real SmolLM2-135M: its output is always a valid label, and the fixed
few-shot prefix is reused between calls. (Which label it picks is measured in benchmarks/router.)"""

from __future__ import annotations

import json

import pytest
import yaml
from models_helpers import REAL_MODELS_DIR, REAL_SMOLLM2, SMOLLM2_SHA

from codey_git import paths
from codey_git.config import load_config
from codey_git.router.model import LABELS, MAX_TOKENS, SCHEMA, messages_for, parse_label
from codey_git.router.router import Router
from codey_git.router.scoring import CANDIDATES, LabelScorer

SMOL = REAL_MODELS_DIR / REAL_SMOLLM2
UNSURE = [
    "dark mode for the settings page",
    "logging everywhere please",
    "the thing with the parser from monday",
    "a wizard for first-time setup",
]  # no rule decides these


@pytest.fixture
def router_model():
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    if not SMOL.is_file():
        pytest.skip(f"SmolLM2 not found at {SMOL}")
    config_path = paths.user_config_path()
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(
        yaml.safe_dump(
            {
                "models": {"smol-router": {"path": str(SMOL), "sha256": SMOLLM2_SHA}},
                "router": "smol-router",
                "n_threads": 2,
                "context_size": 2048,
            }
        )
    )
    from codey_git.models.llama_cpp import LlamaCppProvider

    provider = LlamaCppProvider(load_config(None))
    yield provider.get("router")
    provider.close()


@pytest.mark.real_model
def test_real_router_output_is_always_a_known_label(router_model):
    calls = []
    for text in UNSURE:
        completion = router_model.chat(
            messages_for(text), purpose="route", max_tokens=MAX_TOKENS, temperature=0.0, json_schema=SCHEMA
        )
        assert json.loads(completion.text)["intent"] in LABELS
        assert parse_label(completion.text) is not None
        calls.append(completion.stats)
    # the few-shot prefix is evaluated once; later calls evaluate only the request
    assert all(c.prompt_tokens_evaluated < c.prompt_tokens / 2 for c in calls[1:])


@pytest.mark.real_model
def test_real_router_routes_unsure_requests_to_a_runnable_intent(router_model):
    router = Router(lambda: router_model)
    for text in UNSURE:
        intent = router.route(text)
        assert intent.source in ("model", "fallback")
        assert intent.name in ("fix", "edit", "plan", "review", "explain", "test", "git", "file")


@pytest.mark.real_model
def test_real_scorer_gives_every_label_a_probability_in_one_cheap_call(router_model):
    scorer = LabelScorer(router_model)
    scorer.baseline()
    probs = scorer.probabilities(UNSURE[0])
    assert len(probs) == len(CANDIDATES) and abs(sum(probs.values()) - 1) < 1e-6
    scorer.probabilities(UNSURE[1])
    last = router_model._provider.stats()[-1]
    # the few-shot prefix stays in the KV cache: only the new request is evaluated
    assert last.purpose == "route" and last.prompt_tokens_evaluated < last.prompt_tokens / 4


@pytest.mark.real_model
def test_real_scorer_is_sure_of_a_request_it_was_shown(router_model):
    label, probability = LabelScorer(router_model).best("who is responsible for line 80 in db.py")
    assert (label, probability >= 0.5) == ("git blame", True)


@pytest.mark.real_model
def test_real_generation_after_scoring_on_the_same_model_is_still_valid(router_model):
    LabelScorer(router_model).probabilities(UNSURE[2])  # leaves a different prompt in the KV cache
    completion = router_model.chat(
        messages_for(UNSURE[3]), purpose="route", max_tokens=MAX_TOKENS, temperature=0.0, json_schema=SCHEMA
    )
    assert parse_label(completion.text) in LABELS
