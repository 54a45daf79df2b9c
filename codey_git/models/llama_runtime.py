"""One loaded GGUF model (a ``llama_cpp.Llama``) and the token loop that generates with it.

Kept apart from the provider so the loop is easy to read and to benchmark against plain
llama-cpp-python. ``generate`` uses ``Llama.generate``, which reuses the KV cache for the longest
prefix shared with the previous call; an eval meter on the Llama object records how many prompt
tokens were really evaluated and how long it took.
"""

from __future__ import annotations

import codecs
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from codey_git.errors import ModelError
from codey_git.models.catalog import CHATML_TEMPLATE
from codey_git.models.ensure import ReadyModel
from codey_git.models.lazy_grammar import lazy_grammar
from codey_git.models.llama_import import GOMP_SPINCOUNT, INSTALL_HINT, import_llama  # noqa: F401 - re-exported
from codey_git.models.memory import N_BATCH
from codey_git.models.verify import fix_hint


class EvalMeter:
    """Wraps ``Llama.eval`` to record (tokens, seconds) of every evaluation. ``between``, when set,
    is for the next evaluation only (a prompt): its tokens are evaluated a batch at a time with
    ``between()`` called before each batch, so a caller can stop (by raising) while a long prompt is
    read; what was read before stays in the KV cache for the next call's prefix reuse."""

    def __init__(self, llm):
        self._eval = llm.eval
        self._batch = llm.n_batch
        self.calls: list[tuple[int, float]] = []
        self.between: Callable[[], None] | None = None
        llm.eval = self

    def __call__(self, tokens: Sequence[int]) -> None:
        start = time.perf_counter()
        between, self.between = self.between, None
        try:
            if between is None:
                self._eval(tokens)
                return
            for i in range(0, len(tokens), self._batch):
                between()
                self._eval(tokens[i : i + self._batch])
        finally:
            self.calls.append((len(tokens), time.perf_counter() - start))


class Runtime:
    """A loaded model: Llama object, its chat formatter, and the eval meter."""

    def __init__(self, llm, formatter, ready: ReadyModel, draft_llm=None):
        self.llm = llm
        self.formatter = formatter
        self.ready = ready
        self.draft_llm = draft_llm  # proposes tokens for llm (speculative decoding), or None
        self.meter = EvalMeter(llm)
        self.n_ctx = llm.n_ctx()
        self.bos_text = llm._model.token_get_text(llm.token_bos()) if llm.token_bos() >= 0 else ""
        self.is_eog = _eog_check(llm)

    def tokenize(self, text: str, *, special: bool = False) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=special)

    def prompt_tokens(self, messages) -> list[int]:
        prompt = self.formatter(messages=[dict(m) for m in messages]).prompt
        add_bos = not (self.bos_text and prompt.startswith(self.bos_text))
        return self.llm.tokenize(prompt.encode("utf-8"), add_bos=add_bos, special=True)

    def close(self) -> None:
        self.llm.close()
        if self.draft_llm is not None:
            self.draft_llm.close()


def _eog_check(llm) -> Callable[[int], bool]:
    import llama_cpp

    vocab = llm._model.vocab
    return lambda token: bool(llama_cpp.llama_vocab_is_eog(vocab, token))


def cpu_has_amx() -> bool:
    try:
        return "amx_int8" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


_PARAMS_LOCK = threading.Lock()


def new_llama(path: Path, *, n_ctx: int, n_threads: int):
    """``llama_cpp.Llama`` with codey's settings.

    On CPUs that advertise AMX, llama.cpp's AMX weight buffers crash in ``ggml_backend_amx_mul_mat``
    (seen with llama-cpp-python 0.3.36 in a Sapphire Rapids VM), so there the extra buffer types are
    switched off (``use_extra_bufts``, which Llama() does not expose) and the plain CPU kernels run.
    """
    llama_cpp = import_llama()
    kwargs = dict(
        model_path=str(path),
        n_ctx=n_ctx,
        n_batch=N_BATCH,
        n_threads=n_threads,
        n_threads_batch=n_threads,
        use_mmap=True,
        verbose=False,
    )
    if not cpu_has_amx():
        return llama_cpp.Llama(**kwargs)
    lib = llama_cpp.llama_cpp
    with _PARAMS_LOCK:
        defaults = lib.llama_model_default_params

        def without_extra_buffers():
            params = defaults()
            params.use_extra_bufts = False
            return params

        lib.llama_model_default_params = without_extra_buffers
        try:
            return llama_cpp.Llama(**kwargs)
        finally:
            lib.llama_model_default_params = defaults


def _load_llama(ready: ReadyModel, n_ctx: int, n_threads: int):
    try:
        return new_llama(ready.path, n_ctx=n_ctx, n_threads=n_threads)
    except (ValueError, RuntimeError, OSError) as exc:
        raise ModelError(
            f"model {ready.entry.name}: llama.cpp could not load {ready.path} ({exc}); the file is "
            "corrupt, truncated, or an architecture this llama-cpp-python does not support",
            fix_hint(ready.entry),
        ) from None


def _attach_draft(llm, ready: ReadyModel, draft: ReadyModel, n_ctx: int, n_threads: int):
    from codey_git.models.speculative import DRAFT_TOKENS, attach_draft

    draft_llm = _load_llama(draft, n_ctx, n_threads)
    sizes = draft_llm.n_vocab(), llm.n_vocab()
    if sizes[0] != sizes[1]:
        draft_llm.close()
        llm.close()
        raise ModelError(
            f"draft_model {draft.entry.name} has a {sizes[0]}-token vocabulary and "
            f"{ready.entry.name} {sizes[1]}: a draft model must share the model's tokenizer",
            "Set draft_model to a smaller model of the same family (qwen2.5-coder-0.5b for the "
            "qwen2.5-coder models), or to null.",
        )
    attach_draft(llm, draft_llm, DRAFT_TOKENS)
    return draft_llm


def load_runtime(ready: ReadyModel, n_ctx: int, n_threads: int | None, draft: ReadyModel | None = None) -> Runtime:
    import_llama()
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    from codey_git.models.memory import thread_count

    threads = thread_count(n_threads)
    llm = _load_llama(ready, n_ctx, threads)
    draft_llm = _attach_draft(llm, ready, draft, n_ctx, threads) if draft is not None else None
    template = CHATML_TEMPLATE
    if ready.entry.chat_format == "gguf":
        template = llm.metadata.get("tokenizer.chat_template") or CHATML_TEMPLATE
    eos = llm._model.token_get_text(llm.token_eos()) if llm.token_eos() >= 0 else ""
    bos = llm._model.token_get_text(llm.token_bos()) if llm.token_bos() >= 0 else ""
    return Runtime(llm, Jinja2ChatFormatter(template, eos_token=eos, bos_token=bos), ready, draft_llm)


def next_token_logprobs(runtime: Runtime, tokens: list[int], candidates: dict[str, int]) -> tuple[dict[str, float], int]:
    """(log-probability of each candidate token id as the token after ``tokens``, tokens evaluated).

    Like ``generate`` it keeps the KV cache for the longest prefix shared with the previous call, so
    a fixed prompt prefix is evaluated once and later calls pay only for what differs."""
    llm = runtime.llm
    keep = _keep_cached(llm, tokens, len(tokens) - 1)  # at least one token is evaluated: its logits are read
    llm.eval(tokens[keep:])
    logprobs = _log_softmax(llm._ctx.get_logits(), llm.n_vocab())
    return {name: float(logprobs[i]) for name, i in candidates.items()}, len(tokens) - keep


def _keep_cached(llm, tokens: Sequence[int], limit: int) -> int:
    """Keep what the KV cache holds of ``tokens``' start (at most ``limit`` tokens), drop the rest
    of it, and return how many were kept."""
    cached = llm.input_ids[: llm.n_tokens].tolist()
    keep, limit = 0, min(len(cached), limit)
    while keep < limit and cached[keep] == tokens[keep]:
        keep += 1
    llm.n_tokens = keep
    return keep


def _log_softmax(pointer, n_vocab: int):
    """The log-probabilities of one row of logits (a ctypes pointer to ``n_vocab`` floats)."""
    import numpy as np

    logits = np.ctypeslib.as_array(pointer, shape=(n_vocab,)).astype(np.float64)
    top = logits.max()
    return logits - (top + float(np.log(np.exp(logits - top).sum())))


def continuation_logprobs(runtime: Runtime, texts: Sequence[str]) -> tuple[list[float], int]:
    """(log-probability of each text's own tokens after the tokens all the texts share, tokens
    evaluated). The texts are tokenized whole; their shared start is evaluated once (what the KV
    cache holds of it is kept, as ``generate`` keeps a prompt's prefix), then each text's own
    tokens in one pass that keeps the logits of every position. A text with no token of its own
    scores 0."""
    import llama_cpp

    llm = runtime.llm
    full = [runtime.tokenize(t) for t in texts]
    if not full:
        return [], 0
    if max(map(len, full)) > runtime.n_ctx:
        raise ModelError(f"a text to score is longer than the {runtime.n_ctx}-token context")
    shared = min(map(len, full), default=0)
    for tokens in full:
        shared = next((i for i, (a, b) in enumerate(zip(tokens[:shared], full[0])) if a != b), shared)
    at = max(shared - 1, 0)  # the last shared token is evaluated with each text: its logits score the text's first
    keep = _keep_cached(llm, full[0], at)
    if at > keep:
        llm.eval(full[0][keep:at])
    evaluated, scores = at - keep, []
    for tokens in full:
        rest = tokens[at:]
        llm._ctx.kv_cache_seq_rm(-1, at, -1)
        llm.n_tokens = at  # what the cache holds now, should a decode fail
        total = 0.0
        for i in range(0, len(rest), llm.n_batch):
            batch = rest[i : i + llm.n_batch]
            llm._batch.set_batch(batch=batch, n_past=at + i, logits_all=True)
            try:
                llm._ctx.decode(llm._batch)
            except RuntimeError as exc:
                raise ModelError(f"scoring a text failed: {exc}") from None
            for j, token in enumerate(rest[i + 1 : i + 1 + len(batch)]):  # row j predicts the token after batch[j]
                total += float(_log_softmax(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, j), llm.n_vocab())[token])
        llm.input_ids[at : at + len(rest)] = rest
        llm.n_tokens = at + len(rest)
        evaluated += len(rest)
        scores.append(total)
    return scores, evaluated


@dataclass
class GenResult:
    text: str
    finish_reason: str  # "stop" | "length"
    generated: int
    evaluated: int  # prompt tokens evaluated (the rest came from the KV cache)
    prefill_s: float
    decode_s: float


class _StopScanner:
    """Accumulates text, cuts it at the first stop string, and releases only text that cannot
    be the start of a stop string."""

    def __init__(self, stop: Sequence[str], on_token: Callable[[str], None] | None):
        self.stop = [s for s in stop if s]
        self.hold = max((len(s) for s in self.stop), default=1) - 1
        self.on_token = on_token
        self.text = ""
        self.sent = 0

    def add(self, piece: str) -> bool:
        """Add text; True when a stop string was reached."""
        scan_from = max(0, len(self.text) - self.hold)
        self.text += piece
        for s in self.stop:
            at = self.text.find(s, scan_from)
            if at != -1:
                self.text = self.text[:at]
                return True
        self._send(len(self.text) - self.hold)
        return False

    def _send(self, upto: int) -> None:
        if self.on_token is not None and upto > self.sent:
            self.on_token(self.text[self.sent : upto])
            self.sent = upto

    def finish(self) -> str:
        self._send(len(self.text))
        return self.text


def generate(
    runtime: Runtime,
    tokens: list[int],
    *,
    max_tokens: int,
    temperature: float,
    seed: int | None,
    stop: Sequence[str],
    grammar,
    on_token,
) -> GenResult:
    llm = runtime.llm
    import llama_cpp

    # an explicit seed repeats a sample; without one each call draws fresh (llama.cpp's default seed)
    llm.set_seed(seed if seed is not None else llama_cpp.LLAMA_DEFAULT_SEED)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    scanner = _StopScanner(stop, on_token)
    runtime.meter.calls.clear()
    # while the prompt is read, on_token("") comes before each batch: a deadline check can stop it
    runtime.meter.between = (lambda: on_token("")) if on_token is not None else None
    finish, generated, hit_stop = "length", 0, False
    start = time.perf_counter()
    # greedy: the grammar is asked about each chosen token, not the whole vocabulary (the same
    # answer, faster). Sampled: llama-cpp-python's own grammar sampling, whose draws the fix rate
    # was measured with; the lazy check draws differently (fixbench lost 2 of 33 to other draws)
    lazy = grammar if temperature == 0 else None
    try:
        with lazy_grammar(llm, lazy):
            for token in llm.generate(
                tokens,
                temp=temperature,
                top_k=40,
                top_p=0.95,
                min_p=0.05,
                repeat_penalty=1.0,
                grammar=None if lazy is not None else grammar,
            ):
                if runtime.is_eog(token):
                    finish = "stop"
                    break
                generated += 1
                hit_stop = scanner.add(decoder.decode(llm.detokenize([token])))
                if hit_stop:
                    finish = "stop"
                    break
                if generated >= max_tokens:
                    break
    finally:
        runtime.meter.between = None  # set for this prompt only
    if not hit_stop:
        scanner.add(decoder.decode(b"", final=True))
    total = time.perf_counter() - start
    calls = runtime.meter.calls
    evaluated, prefill_s = calls[0] if calls else (0, 0.0)
    return GenResult(scanner.finish(), finish, generated, evaluated, prefill_s, max(total - prefill_s, 0.0))


def restore_prefix(runtime: Runtime, tokens: list[int], path: Path) -> str:
    """Put the KV state after ``tokens`` into the context: already there, read from ``path`` (saved
    by an earlier process for exactly these tokens and this context size), or evaluated and then
    saved there. A fixed prompt prefix (a review's instructions) is then read once per machine,
    not once per process. Returns "kept", "loaded" or "evaluated"; a state that cannot be read or
    written only costs the evaluation."""
    import ctypes

    import llama_cpp
    import numpy as np

    llm = runtime.llm
    n = len(tokens)
    if llm.n_tokens >= n and llm.input_ids[:n].tolist() == tokens:
        return "kept"
    header = np.array([n, *tokens], dtype=np.int32).tobytes()
    try:
        data = path.read_bytes()
        if data[: len(header)] == header:
            state = data[len(header) :]
            buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
            if llama_cpp.llama_state_set_data(llm._ctx.ctx, buffer, len(state)) == len(state):
                llm.input_ids[:n] = tokens
                llm.n_tokens = n
                return "loaded"
    except OSError:
        pass
    llm.n_tokens = 0
    llm.eval(tokens)
    try:
        size = llama_cpp.llama_state_get_size(llm._ctx.ctx)
        buffer = (ctypes.c_uint8 * int(size))()
        written = llama_cpp.llama_state_get_data(llm._ctx.ctx, buffer, size)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(header + bytes(buffer)[: int(written)])
        os.replace(tmp, path)
    except OSError:
        pass
    return "evaluated"
