"""The local backend: GGUF models through llama-cpp-python, loaded on demand within a memory budget.

The prompt is formatted with the model's own chat template and generated with the low-level
token loop, so one ``Llama`` object per model keeps its KV cache between calls: a retry or a
second candidate that shares the prompt prefix only evaluates the new suffix
(``CallStats.prompt_tokens_evaluated`` shows it).
"""

from __future__ import annotations

import importlib.util
import json
import threading
import time
from contextlib import AbstractContextManager
from typing import Any, Sequence

from codey_git.errors import ModelError
from codey_git.models.base import CallStats, Completion, Message, NoResponse, StatsLog
from codey_git.models.ensure import ReadyModel, ask_on_tty, ensure_model
from codey_git.models.llama_runtime import (
    Runtime,
    continuation_logprobs,
    generate,
    import_llama,
    load_runtime,
    next_token_logprobs,
)
from codey_git.models.manager import ModelManager
from codey_git.models.memory import Need, context_for, default_budget_bytes, estimate_need, peak_rss_mb
from codey_git.models.registry import Registry
from codey_git.models.stats_file import append_call


class LlamaCppModel:
    def __init__(self, provider: "LlamaCppProvider", ready: ReadyModel, n_ctx: int, need: Need, draft: ReadyModel | None = None):
        self.name = ready.entry.name
        self.identity = f"gguf:{ready.sha256}"  # greedy output is the model's own with or without a draft
        self.context_size = n_ctx
        self.ready = ready
        self.need = need  # with the draft model's, when there is one
        self.draft = draft
        self.pinned = False  # the router stays resident
        self._provider = provider
        self._lock = threading.Lock()  # one generation at a time per Llama object
        self._grammars: dict[str, object] = {}

    def _use(self) -> AbstractContextManager[tuple[Runtime, float]]:
        """The loaded runtime (and the ms spent loading it now), held while the block runs."""
        provider = self._provider
        detail = (
            " (its declared ram_mb)"
            if self.need.declared
            else f" (weights {self.need.weights / 2**20:,.0f} + KV {self.need.kv / 2**20:,.0f} + compute "
            f"{self.need.compute / 2**20:,.0f} MB at {self.need.n_ctx} tokens of context)"
        )
        if self.draft is not None:
            detail += f", draft_model {self.draft.entry.name} included"
        return provider.manager.use(  # type: ignore[return-value]  # the manager holds what load_runtime made
            self.name,
            self.need.total,
            lambda: load_runtime(self.ready, self.context_size, provider.n_threads, draft=self.draft),
            pinned=self.pinned,
            detail=detail,
        )

    def count_tokens(self, text: str) -> int:
        with self._use() as (runtime, _):
            return len(runtime.tokenize(text))

    def _grammar(self, json_schema: dict[str, Any] | None, grammar: str | None):
        if json_schema is None and grammar is None:
            return None
        source = grammar if grammar is not None else json.dumps(json_schema, sort_keys=True)
        if source not in self._grammars:
            llama_cpp = import_llama()
            try:
                if grammar is not None:
                    self._grammars[source] = llama_cpp.LlamaGrammar.from_string(grammar, verbose=False)
                else:
                    self._grammars[source] = llama_cpp.LlamaGrammar.from_json_schema(source, verbose=False)
            except (ValueError, RuntimeError) as exc:
                raise ModelError(
                    f"invalid {'grammar' if grammar is not None else 'JSON schema'} for {self.name}: {exc}"
                ) from None
        return self._grammars[source]

    def chat(
        self,
        messages: Sequence[Message],
        *,
        purpose: str,
        max_tokens: int = 512,
        temperature: float = 0.0,
        seed: int | None = None,
        stop: Sequence[str] = (),
        json_schema: dict[str, Any] | None = None,
        grammar: str | None = None,
        on_token=None,
    ) -> Completion:
        start = time.perf_counter()
        compiled = self._grammar(json_schema, grammar)
        with self._use() as (runtime, load_ms), self._lock:
            tokens = runtime.prompt_tokens(messages)
            room = runtime.n_ctx - len(tokens)
            if room < 1:
                raise NoResponse(f"{self.name}: prompt has {len(tokens)} tokens, more than the {runtime.n_ctx}-token context")
            result = generate(
                runtime,
                tokens,
                max_tokens=min(max_tokens, room),
                temperature=temperature,
                seed=seed,
                stop=stop,
                grammar=compiled,
                on_token=on_token,
            )
        return self._completion(purpose, load_ms, len(tokens), result, start)

    def complete(self, prompt: str, *, purpose: str, max_tokens: int = 64, stop: Sequence[str] = (), on_token=None) -> Completion:
        """Greedy continuation of a plain-text prompt (special tokens read as such, no chat template
        added): for a caller that writes part of the answer itself, e.g. the fixed keys of a JSON
        answer, and lets the model fill in only the free text. Shares the KV-cache prefix reuse."""
        start = time.perf_counter()
        with self._use() as (runtime, load_ms), self._lock:
            tokens = runtime.tokenize(prompt, special=True)
            room = runtime.n_ctx - len(tokens)
            if room < 1:
                raise NoResponse(f"{self.name}: prompt has {len(tokens)} tokens, more than the {runtime.n_ctx}-token context")
            result = generate(
                runtime,
                tokens,
                max_tokens=min(max_tokens, room),
                temperature=0.0,
                seed=0,
                stop=stop,
                grammar=None,
                on_token=on_token,
            )
        return self._completion(purpose, load_ms, len(tokens), result, start)

    def _completion(self, purpose: str, load_ms: float, prompt_tokens: int, result, start: float) -> Completion:
        """Record one generation's stats with the provider and wrap its text."""
        stats = CallStats(
            model=self.name,
            purpose=purpose,
            load_ms=round(load_ms, 1),
            prompt_tokens=prompt_tokens,
            prompt_tokens_evaluated=result.evaluated,
            prefill_tok_s=round(result.evaluated / result.prefill_s, 1) if result.prefill_s > 0 else 0.0,
            generated_tokens=result.generated,
            gen_tok_s=round(result.generated / result.decode_s, 1) if result.decode_s > 0 else 0.0,
            wall_ms=round((time.perf_counter() - start) * 1000, 1),
            peak_rss_mb=round(peak_rss_mb(), 1),
        )
        self._provider.record(stats)
        return Completion(text=result.text, stats=stats, finish_reason=result.finish_reason)

    def warm_prefix(self, prompt: str) -> str:
        """Have the KV state after ``prompt`` (a fixed instructions prefix, special tokens read as
        such) in the context before the calls that share it: kept from an earlier call, loaded from
        the state an earlier process saved next to the models, or evaluated and saved there.
        Returns which of "kept", "loaded", "evaluated" it was."""
        import hashlib

        from codey_git.models.llama_runtime import restore_prefix
        from codey_git.paths import models_dir

        with self._use() as (runtime, _), self._lock:
            tokens = runtime.tokenize(prompt, special=True)
            key = hashlib.sha256(json.dumps([self.identity, runtime.n_ctx, tokens]).encode()).hexdigest()[:32]
            return restore_prefix(runtime, tokens, models_dir() / "prefix-states" / f"{key}.bin")

    def next_token_logprobs(self, prompt: str, candidates: Sequence[str], *, purpose: str = "route") -> dict[str, float]:
        """Log-probability of each candidate as the continuation of a plain-text prompt (no chat template),
        scored by the candidate's first token: one forward pass, however many candidates. Used by the
        router to score labels instead of generating one."""
        start = time.perf_counter()
        with self._use() as (runtime, load_ms), self._lock:
            firsts = {c: (runtime.tokenize(c) or [-1])[0] for c in candidates}
            if len(set(firsts.values())) < len(firsts) or -1 in firsts.values():
                raise ModelError(f"{self.name}: the candidates {list(candidates)} do not start with distinct tokens")
            tokens = runtime.tokenize(prompt, special=True)
            if len(tokens) >= runtime.n_ctx:
                raise NoResponse(f"{self.name}: prompt has {len(tokens)} tokens, more than the {runtime.n_ctx}-token context")
            scores, evaluated = next_token_logprobs(runtime, tokens, firsts)
        self._record_scoring(purpose, load_ms, len(tokens), evaluated, start)
        return scores

    def text_logprobs(self, texts: Sequence[str], *, purpose: str = "rank") -> list[float]:
        """How likely the model finds each of ``texts`` as plain text (no chat template): the
        log-probability of each text's tokens after the start all of them share. Texts that differ
        in one line score what follows their shared start, so the scores compare like for like."""
        start = time.perf_counter()
        with self._use() as (runtime, load_ms), self._lock:
            scores, evaluated = continuation_logprobs(runtime, texts)
            read = sum(len(runtime.tokenize(t)) for t in texts)  # what a call without the cache would evaluate
        self._record_scoring(purpose, load_ms, read, evaluated, start)
        return scores

    def _record_scoring(self, purpose: str, load_ms: float, prompt_tokens: int, evaluated: int, start: float) -> None:
        """Record a call that read text and generated none."""
        self._provider.record(
            CallStats(
                model=self.name,
                purpose=purpose,
                load_ms=round(load_ms, 1),
                prompt_tokens=prompt_tokens,
                prompt_tokens_evaluated=evaluated,
                wall_ms=round((time.perf_counter() - start) * 1000, 1),
                peak_rss_mb=round(peak_rss_mb(), 1),
            )
        )


class LlamaCppProvider:
    """``ModelProvider`` for local GGUF models. ``yes=True`` pulls a missing model on first use."""

    def __init__(self, config, progress=None, *, yes: bool = False, confirm=ask_on_tty):
        self.config = config
        self.progress = progress
        self.yes = yes
        self.confirm = confirm
        self.registry = Registry(config)
        self.n_threads = config.get("n_threads")
        self.manager = ModelManager(
            default_budget_bytes(config.get("memory_budget_mb")), idle_unload_s=float(config.get("idle_unload_s") or 0)
        )
        self.log = StatsLog()
        self._models: dict[str, LlamaCppModel] = {}
        self._lock = threading.Lock()

    def get(self, role: str) -> LlamaCppModel:
        name = self.registry.name_for_role(role)
        with self._lock:
            model = self._models.get(name)
            if model is None:
                # a missing install is reported before any download; the (slow) import itself
                # waits for the first load, so a fully cached review never pays for it
                if importlib.util.find_spec("llama_cpp") is None:
                    import_llama()
                ready = ensure_model(self.registry, name, yes=self.yes, progress=self.progress, confirm=self.confirm)
                n_ctx = context_for(ready.entry, ready.path, self.config.get("context_size"))
                need = estimate_need(ready.entry, ready.path, n_ctx)
                draft = self._draft_for(role, name)
                if draft is not None:
                    need = need.plus(estimate_need(draft.entry, draft.path, n_ctx))
                model = LlamaCppModel(self, ready, n_ctx, need, draft)
                self._models[name] = model
            if role == "router":
                model.pinned = True
            return model

    def _draft_for(self, role: str, name: str) -> ReadyModel | None:
        """The configured draft_model, for the models that write code (coder, reviewer)."""
        draft_name = self.config.get("draft_model")
        if not draft_name or draft_name == name or role not in ("coder", "reviewer"):
            return None
        return ensure_model(self.registry, draft_name, yes=self.yes, progress=self.progress, confirm=self.confirm)

    def record(self, stats: CallStats) -> None:
        self.log.add(stats)
        append_call(stats, backend="llama_cpp")

    def stats(self) -> list[CallStats]:
        return list(self.log.calls)

    def loaded(self) -> list[dict[str, Any]]:
        return self.manager.loaded()

    def close(self) -> None:
        self.manager.close()
