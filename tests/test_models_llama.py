"""The llama.cpp backend with a real model (SmolLM2-135M), and first-use behaviour without one.

Real-model tests read the GGUF from $CODEY_TEST_MODELS_DIR (default: the machine's cache,
~/.cache/codey/models), read-only, entered in the test config by `path` under several names.
"""

from __future__ import annotations

import importlib.util
import json
import shutil

import pytest
import yaml
from models_helpers import REAL_MODELS_DIR, REAL_SMOLLM2, SMOLLM2_SHA

from codey_git import paths
from codey_git.config import load_config
from codey_git.errors import ModelError
from codey_git.models.base import OutOfTime, stop_when_late
from codey_git.models.ensure import ensure_model
from codey_git.models.memory import estimate_need
from codey_git.models.registry import Registry

SMOL = REAL_MODELS_DIR / REAL_SMOLLM2
CTX = 1024


def write_user_config(data: dict) -> None:
    path = paths.user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data))


def test_missing_catalog_model_names_the_pull_command_without_downloading():
    with pytest.raises(ModelError) as info:
        ensure_model(Registry(load_config(None)), "qwen2.5-coder-1.5b", confirm=lambda q: False)
    assert "git codey models pull qwen2.5-coder-1.5b" in info.value.hint
    assert not (paths.models_dir() / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf").exists()


@pytest.fixture
def smol_provider(monkeypatch):
    """A provider whose router and coders are all the real SmolLM2 file, under different names."""
    if importlib.util.find_spec("llama_cpp") is None:  # not imported here: codey sets its env first
        pytest.skip("llama-cpp-python is not installed")
    if not SMOL.is_file():
        pytest.skip(
            f"SmolLM2 not found at {SMOL}: run `git codey models pull smollm2-135m` without "
            "CODEY_HOME set, or point CODEY_TEST_MODELS_DIR at a folder holding it"
        )
    entry = {"path": str(SMOL), "sha256": SMOLLM2_SHA}
    write_user_config(
        {
            "models": {"smol-router": entry, "smol-a": entry, "smol-b": entry},
            "router": "smol-router",
            "coder": "smol-a",
            "reviewer": "smol-b",
            "context_size": CTX,
            "n_threads": 2,
        }
    )
    from codey_git.models.llama_cpp import LlamaCppProvider

    def make(**env):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return LlamaCppProvider(load_config(None))

    return make


SYSTEM = ("You are a careful assistant. Answer in one short sentence. " * 12).strip()


@pytest.mark.real_model
def test_chat_returns_text_and_streams_it(smol_provider):
    provider = smol_provider()
    seen: list[str] = []
    result = provider.get("coder").chat(
        [{"role": "user", "content": "What is the capital of France?"}], purpose="explain", max_tokens=12, on_token=seen.append
    )
    assert result.text.strip() and "".join(seen) == result.text
    assert result.stats.generated_tokens > 0 and result.stats.gen_tok_s > 0
    assert result.stats.prompt_tokens == result.stats.prompt_tokens_evaluated > 0
    assert result.stats.load_ms > 0 and result.stats.peak_rss_mb > 0


@pytest.mark.real_model
def test_json_schema_output_parses(smol_provider):
    schema = {
        "type": "object",
        "properties": {"intent": {"type": "string", "enum": ["fix", "explain", "other"]}, "confidence": {"type": "integer"}},
        "required": ["intent", "confidence"],
    }
    result = (
        smol_provider()
        .get("router")
        .chat(
            [{"role": "user", "content": "Classify: 'fix the bug in calc.py'. Reply in JSON."}],
            purpose="route",
            max_tokens=40,
            json_schema=schema,
        )
    )
    data = json.loads(result.text)
    assert data["intent"] in ("fix", "explain", "other") and isinstance(data["confidence"], int)


@pytest.mark.real_model
def test_grammar_and_stop_strings(smol_provider):
    model = smol_provider().get("coder")
    forced = model.chat(
        [{"role": "user", "content": "Spell it."}], purpose="explain", max_tokens=24, grammar='root ::= "alpha,beta,gamma"'
    )
    assert forced.text == "alpha,beta,gamma"
    cut = model.chat(
        [{"role": "user", "content": "Spell it."}],
        purpose="explain",
        max_tokens=24,
        grammar='root ::= "alpha,beta,gamma"',
        stop=[",b"],
    )
    assert cut.text == "alpha" and cut.finish_reason == "stop"


@pytest.mark.real_model
def test_second_call_with_the_same_prefix_evaluates_only_the_new_part(smol_provider):
    model = smol_provider().get("coder")
    first = model.chat(
        [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "Name a colour."}], purpose="edit", max_tokens=8
    )
    retry = model.chat(
        [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "Name a colour. That was wrong; try another."}],
        purpose="edit",
        max_tokens=8,
        temperature=0.7,
        seed=3,
    )
    assert first.stats.prompt_tokens_evaluated == first.stats.prompt_tokens
    assert retry.stats.prompt_tokens > first.stats.prompt_tokens
    assert retry.stats.prompt_tokens_evaluated < retry.stats.prompt_tokens // 3


LONG_PROMPT = " ".join(f"Line {i}: the quick brown fox jumps over the lazy dog." for i in range(60))


@pytest.mark.real_model
def test_a_call_already_late_stops_before_reading_a_long_prompt(smol_provider):
    """A deadline is kept while a long prompt is read, not only once tokens come out: the prompt is
    read in batches and the callback may stop the call between them (--max-seconds overran by the
    seconds a 5,000-token prompt takes to read)."""
    model = smol_provider().get("coder")
    messages = [{"role": "user", "content": LONG_PROMPT}]
    assert model.count_tokens(LONG_PROMPT) > 700  # more than one batch of 512
    seen: list[str] = []
    with pytest.raises(OutOfTime):
        model.chat(messages, purpose="edit", max_tokens=8, on_token=stop_when_late(0.0, lambda: 1.0))
    heartbeats = []

    def second_batch_is_late(piece: str) -> None:
        heartbeats.append(piece)
        if len(heartbeats) == 2:
            raise OutOfTime("late")

    with pytest.raises(OutOfTime):
        model.chat(messages, purpose="edit", max_tokens=8, on_token=second_batch_is_late)
    assert heartbeats == ["", ""]  # nothing was generated: the call stopped while reading the prompt
    # what was read before the stop is kept: the next call reads only the rest
    done = model.chat(messages, purpose="edit", max_tokens=8, on_token=seen.append)
    assert done.text and "".join(seen) == done.text
    assert 0 < done.stats.prompt_tokens_evaluated <= done.stats.prompt_tokens - 512


@pytest.mark.real_model
def test_count_tokens_uses_the_real_tokenizer(smol_provider):
    model = smol_provider().get("coder")
    one = model.count_tokens("def add(a, b):\n    return a + b\n")
    assert 8 <= one <= 20
    assert model.count_tokens("def add(a, b):\n    return a + b\n" * 4) in range(4 * one - 4, 4 * one + 1)


@pytest.mark.real_model
def test_budget_for_router_plus_one_model_unloads_the_idle_coder(smol_provider):
    reg = Registry(load_config(None))
    need = estimate_need(reg.get("smol-a"), SMOL, CTX).total
    provider = smol_provider(CODEY_MEMORY_BUDGET_MB=str(int(2.5 * need) // 2**20))
    ask = [{"role": "user", "content": "Hi"}]
    provider.get("router").chat(ask, purpose="route", max_tokens=2)
    provider.get("coder").chat(ask, purpose="edit", max_tokens=2)
    provider.get("reviewer").chat(ask, purpose="review", max_tokens=2)
    assert sorted(m["name"] for m in provider.loaded()) == ["smol-b", "smol-router"]
    assert "unload smol-a (to make room for smol-b)" in provider.manager.events
    again = provider.get("coder").chat(ask, purpose="edit", max_tokens=2)
    assert again.stats.load_ms > 0  # loaded again, in place of the reviewer
    assert sorted(m["name"] for m in provider.loaded()) == ["smol-a", "smol-router"]
    provider.close()
    assert provider.loaded() == []


@pytest.mark.real_model
def test_truncated_gguf_is_refused_with_a_clear_error(smol_provider, tmp_path, monkeypatch):
    cut = tmp_path / "cut.gguf"
    with open(SMOL, "rb") as src, open(cut, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
        dst.truncate(SMOL.stat().st_size // 2)
    write_user_config({"models": {"cut": {"path": str(cut)}}, "coder": "cut", "context_size": CTX})
    from codey_git.models.llama_cpp import LlamaCppProvider

    model = LlamaCppProvider(load_config(None)).get("coder")
    with pytest.raises(ModelError, match="could not load") as info:
        model.count_tokens("x")
    assert info.value.exit_code == 2 and "models.cut.path" in info.value.hint


def _greedy_text(model, messages, grammar_text: str, max_tokens: int, *, lazy: bool) -> str:
    """The greedy answer from an empty KV cache (a prompt evaluated in one batch or replayed in
    part gives slightly different logits): through codey's generation (``lazy``), or with
    llama-cpp-python's own grammar sampling, which applies the grammar to the whole vocabulary."""
    import llama_cpp

    from codey_git.models.llama_runtime import generate

    grammar = llama_cpp.LlamaGrammar.from_string(grammar_text, verbose=False)
    with model._use() as (runtime, _):
        tokens = runtime.prompt_tokens(messages)
        runtime.llm.reset()
        if lazy:
            result = generate(
                runtime, tokens, max_tokens=max_tokens, temperature=0.0, seed=0, stop=(), grammar=grammar, on_token=None
            )
            return result.text
        out: list[int] = []
        for token in runtime.llm.generate(
            tokens, temp=0.0, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.0, grammar=grammar
        ):
            if runtime.is_eog(token) or len(out) >= max_tokens:
                break
            out.append(token)
        return runtime.llm.detokenize(out).decode("utf-8", errors="replace")


@pytest.mark.real_model
def test_grammar_checked_lazily_gives_the_same_greedy_answer(smol_provider):
    # the coder's answer grammar: codey asks the grammar about the chosen token only, and draws
    # again from what it allows when it refuses: greedy answers are the same token for token
    from codey_git.engine.answer_shape import FUNCTION_ANSWER

    model = smol_provider().get("coder")
    for question in ("Fix add(a, b), which returns a - b.", "Write is_even(n)."):
        messages = [{"role": "user", "content": question}]
        lazy = _greedy_text(model, messages, FUNCTION_ANSWER, 48, lazy=True)
        assert lazy.startswith("Bug: ")
        assert lazy == _greedy_text(model, messages, FUNCTION_ANSWER, 48, lazy=False)


@pytest.mark.real_model
def test_sampled_answers_keep_to_the_grammar_and_the_model_is_left_as_found(smol_provider):
    import re

    model = smol_provider().get("coder")
    pattern = re.compile(r"(yes|no), because [a-z ]{1,40}\.")
    grammar = 'root ::= ("yes" | "no") ", because " [a-z ]{1,40} "."'
    for seed in (1, 2, 3):
        out = model.chat(
            [{"role": "user", "content": "Is water wet?"}],
            purpose="explain",
            max_tokens=30,
            temperature=1.2,
            seed=seed,
            grammar=grammar,
        )
        assert pattern.fullmatch(out.text), out.text
    free = model.chat([{"role": "user", "content": "Say hello."}], purpose="explain", max_tokens=8)
    assert free.text and not pattern.fullmatch(free.text)  # no grammar left behind on the model


CODE = "def area(width, height):\n    '''The area of a width by height rectangle.'''\n"


@pytest.mark.real_model
def test_text_logprobs_prefers_the_likelier_line_and_leaves_generation_as_it_was(smol_provider):
    """The scores that choose among one-line changes the tests all accept (#21): a line that reads
    like the code around it scores above one that does not, the same texts score the same in any
    order, and a generation afterwards is the one a fresh model gives (the KV cache is left
    consistent)."""
    ask = [{"role": "user", "content": "Name a colour."}]
    fresh = smol_provider().get("coder").chat(ask, purpose="explain", max_tokens=8).text
    model = smol_provider().get("coder")
    texts = [CODE + "    return width * height\n", CODE + "    return width ** (height\n"]
    scores = model.text_logprobs(texts)
    assert scores[0] > scores[1]
    assert model.text_logprobs(list(reversed(texts))) == pytest.approx(list(reversed(scores)), abs=1e-3)
    assert model.chat(ask, purpose="explain", max_tokens=8).text == fresh
    assert model.text_logprobs(texts) == pytest.approx(scores, abs=1e-3)  # and after a generation
    ranked = [c for c in provider_calls(model) if c.purpose == "rank"]
    assert ranked[1].prompt_tokens_evaluated < ranked[0].prompt_tokens_evaluated  # the shared start was kept from the call before
    assert ranked[0].prompt_tokens > ranked[0].prompt_tokens_evaluated  # and read once for both texts


def provider_calls(model):
    return model._provider.stats()
