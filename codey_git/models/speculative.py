"""Draft-model speculative decoding for llama-cpp-python's ``Llama.generate``.

A small model with the same tokenizer (qwen2.5-coder-0.5b for the 1.5B) proposes ``k`` tokens
greedily; the target evaluates them in one batch and keeps the longest run its own sampler agrees
with, so greedy output is the target's own (up to batch-size rounding in llama.cpp's kernels).

Two costs of llama-cpp-python's stock path are avoided: a ``draft_model`` passed to ``Llama()``
switches on ``logits_all``, which computes the output layer for every prompt token and copies all of
them (n_tokens x n_vocab floats) into ``Llama.scores``. ``lean_eval`` asks llama.cpp for every
token's logits only in the short verify batches and never copies them; ``Llama.sample(idx=...)``
reads them from llama.cpp directly.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from codey_git.models.llama_import import import_llama

import_llama()  # codey's OpenMP settings must be in place before llama.cpp's library loads
from llama_cpp.llama_speculative import LlamaDraftModel  # noqa: E402


DRAFT_TOKENS = 4  # proposals per step; 3, 4 and 6 measured alike on rewrites (docs/benchmarks.md)


class GreedyDraft(LlamaDraftModel):
    """Proposes up to ``k`` tokens with its own ``Llama``, whose KV cache persists across calls:
    each call evaluates only the tokens past the prefix it shares with the previous one."""

    def __init__(self, llm, k: int):
        self.llm = llm
        self.k = k
        self.proposed = 0  # tokens proposed so far, for acceptance-rate accounting

    def __call__(self, input_ids: np.ndarray, /, **kwargs) -> np.ndarray:
        ids = input_ids.tolist()
        n = min(self.k, self.llm.n_ctx() - len(ids) - 1)
        drafted: list[int] = []
        if n > 0:
            # Llama.generate trims the KV cache to the shared prefix and evaluates the rest
            for token in self.llm.generate(ids, temp=0.0, top_k=1, top_p=1.0, min_p=0.0, repeat_penalty=1.0):
                drafted.append(token)
                if len(drafted) >= n or self.llm.token_eos() == token:
                    break
        self.proposed += len(drafted)
        return np.array(drafted, dtype=np.intc)


def lean_eval(llm, verify_max: int):
    """``Llama.eval`` without the ``logits_all`` costs: logits for every token only in batches of at
    most ``verify_max`` tokens (draft verification), just the last token's for a prompt; none copied
    into ``llm.scores``. Needs a Llama built with ``logits_all=False`` (no ``scores`` rows to fill)."""

    def evaluate(tokens: Sequence[int]) -> None:
        llm._ctx.kv_cache_seq_rm(-1, llm.n_tokens, -1)
        every = len(tokens) <= verify_max
        for i in range(0, len(tokens), llm.n_batch):
            batch = tokens[i : i + llm.n_batch]
            llm._batch.set_batch(batch=batch, n_past=llm.n_tokens, logits_all=every)
            llm._ctx.decode(llm._batch)
            llm.input_ids[llm.n_tokens : llm.n_tokens + len(batch)] = batch
            llm.n_tokens += len(batch)
            llm._requires_eval = False

    return evaluate


def attach_draft(llm, draft_llm, k: int) -> GreedyDraft:
    """Make ``llm.generate`` speculate with ``draft_llm`` proposing ``k`` tokens a step."""
    draft = GreedyDraft(draft_llm, k)
    llm.eval = lean_eval(llm, verify_max=k + 1)
    llm.draft_model = draft
    return draft
