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

SMOL = REAL_MODELS_DIR / REAL_SMOLLM2
UNSURE = ["anything uncommitted?", "dark mode for the settings page", "purpose of the Registry class?",
          "steps to get rid of the global state"]


@pytest.fixture
def router_model():
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    if not SMOL.is_file():
        pytest.skip(f"SmolLM2 not found at {SMOL}")
    config_path = paths.user_config_path()
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(yaml.safe_dump({"models": {"smol-router": {"path": str(SMOL), "sha256": SMOLLM2_SHA}},
                                           "router": "smol-router", "n_threads": 2, "context_size": 2048}))
    from codey_git.models.llama_cpp import LlamaCppProvider

    provider = LlamaCppProvider(load_config(None))
    yield provider.get("router")
    provider.close()


@pytest.mark.real_model
def test_real_router_output_is_always_a_known_label(router_model):
    calls = []
    for text in UNSURE:
        completion = router_model.chat(messages_for(text), purpose="route", max_tokens=MAX_TOKENS,
                                       temperature=0.0, json_schema=SCHEMA)
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
