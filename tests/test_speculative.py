"""Draft-model speculative decoding with a real model: SmolLM2 drafting for itself (same
tokenizer, so every proposal is checked by the real verify path)."""

from __future__ import annotations

import importlib.util

import pytest
from models_helpers import REAL_MODELS_DIR, REAL_SMOLLM2

SMOL = REAL_MODELS_DIR / REAL_SMOLLM2
pytestmark = pytest.mark.real_model


@pytest.fixture(scope="module")
def llamas():
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed")
    if not SMOL.is_file():
        pytest.skip(f"SmolLM2 not found at {SMOL}")
    from codey_git.models.llama_runtime import new_llama

    target = new_llama(SMOL, n_ctx=512, n_threads=2)
    draft = new_llama(SMOL, n_ctx=512, n_threads=2)
    yield target, draft
    target.close()
    draft.close()


def greedy(llm, prompt: str, n: int) -> list[int]:
    out = []
    for token in llm.generate(llm.tokenize(prompt.encode()), temp=0.0, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.0):
        if token == llm.token_eos():
            break
        out.append(token)
        if len(out) == n:
            break
    return out


def logit_gap(llm, tokens: list[int]) -> float:
    """How far apart the target's two best next-token logits are after ``tokens``."""
    import llama_cpp
    import numpy as np

    llm.reset()
    llm.eval(tokens)
    logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1), shape=(llm.n_vocab(),))
    second, first = np.sort(logits)[-2:]
    return float(first - second)


PROMPT = "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n"


def test_speculative_output_is_the_target_greedy_output_with_fewer_target_steps(llamas):
    from codey_git.models.speculative import attach_draft

    target, draft_llm = llamas
    target.reset()
    plain = greedy(target, PROMPT, 40)
    target.reset()
    steps = []
    draft = attach_draft(target, draft_llm, k=4)
    inner = target.eval
    target.eval = lambda tokens: (steps.append(len(tokens)), inner(tokens))
    try:
        speculative = greedy(target, PROMPT, 40)
    finally:
        target.draft_model = None
        target.__dict__.pop("eval", None)
    differs = next((i for i, (a, b) in enumerate(zip(speculative, plain)) if a != b), None)
    if differs is not None:
        # llama.cpp's kernels round a batch of tokens slightly differently from one token; only
        # where the target's two best tokens are that close may the outputs part
        assert logit_gap(target, target.tokenize(PROMPT.encode()) + plain[:differs]) < 0.2
    assert len(speculative) == len(plain)
    assert draft.proposed > 0
    # the draft is the same model, so proposals are accepted: far fewer target evaluations than tokens
    assert len(steps) - 1 < len(plain) // 2
    assert max(steps[1:]) <= 5  # verify batches: the last token plus k=4 proposals


def test_draft_keeps_its_cache_and_evaluates_only_past_the_shared_prefix(llamas):
    import numpy as np

    from codey_git.models.speculative import GreedyDraft

    _, draft_llm = llamas
    draft_llm.reset()
    evaluated = []
    inner = draft_llm.eval
    draft_llm.eval = lambda tokens: (evaluated.append(len(tokens)), inner(tokens))
    try:
        draft = GreedyDraft(draft_llm, k=3)
        ids = draft_llm.tokenize(PROMPT.encode())
        first = draft(np.array(ids, dtype=np.intc))
        evaluated.clear()
        # the target accepted the first two proposals and chose its own third token
        second = draft(np.array(ids + list(first[:2]) + [int(first[2]) + 1], dtype=np.intc))
    finally:
        draft_llm.__dict__.pop("eval", None)
    assert len(first) == 3 and len(second) == 3
    assert evaluated[0] <= 2  # not the whole prompt again: only the tokens past the shared prefix


@pytest.fixture
def provider_with(monkeypatch, tmp_path):
    """LlamaCppProvider over SmolLM2 entered under several names; ``draft`` sets draft_model."""
    if importlib.util.find_spec("llama_cpp") is None or not SMOL.is_file():
        pytest.skip("needs llama-cpp-python and SmolLM2")
    import yaml

    from codey_git import paths
    from codey_git.config import load_config
    from codey_git.models.llama_cpp import LlamaCppProvider

    made = []

    def make(draft: str | None):
        entry = {"path": str(SMOL)}
        config = {
            "models": {"smol-router": entry, "smol-coder": entry, "smol-draft": entry},
            "router": "smol-router",
            "coder": "smol-coder",
            "reviewer": "smol-coder",
            "draft_model": draft,
            "context_size": 512,
            "n_threads": 2,
            "idle_unload_s": 0,
        }
        path = paths.user_config_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(config))
        provider = LlamaCppProvider(load_config(None))
        made.append(provider)
        return provider

    yield make
    for provider in made:
        provider.close()


MESSAGES = [{"role": "user", "content": "Write a Python function that returns the sum of a list."}]


def test_draft_model_config_gives_the_coder_the_same_answer_and_counts_its_memory(provider_with):
    plain = provider_with(None)
    coder = plain.get("coder")
    expected = coder.chat(MESSAGES, purpose="edit", max_tokens=24).text
    alone = coder.need.total
    plain.close()

    drafted = provider_with("smol-draft")
    coder = drafted.get("coder")
    assert coder.need.total == 2 * alone  # the draft model is loaded beside it, within the budget
    answer = coder.chat(MESSAGES, purpose="edit", max_tokens=24)
    assert answer.stats.generated_tokens == 24
    with coder._use() as (runtime, _):
        assert runtime.draft_llm is not None
    assert answer.text == expected
    assert drafted.get("router").draft is None  # the router never drafts (other tokenizers)
