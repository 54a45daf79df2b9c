"""Backend for any OpenAI-compatible chat server (llama.cpp server, vLLM, Ollama, a hosted API).

Settings: ``openai.base_url``, ``openai.api_key_env`` (the name of the environment variable that
holds the key), ``openai.model`` (default: the role's model name), ``openai.timeout``. Responses
are streamed (server-sent events) to ``on_token``; ``json_schema`` goes out as a
``response_format``, ``grammar`` as the llama.cpp server's ``grammar`` field. Only the standard
library is used.

A misbehaving server cannot flood codey: the answer is read in chunks, and past a cap tied to
``max_tokens`` (``answer_caps``: 32 characters of content a token, 4 KiB of stream a token) the
connection is closed and the call ends in ``NoResponse``; only that much ever reaches ``on_token``
(the terminal). An error body is read up to 2 KiB and shown cut to 300 characters.
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request
from typing import Any, Iterator, Sequence

from codey_git.errors import ModelError
from codey_git.models.base import CallStats, Completion, Message, NoResponse, StatsLog
from codey_git.models.memory import peak_rss_mb
from codey_git.models.stats_file import append_call

CHARS_PER_TOKEN = 4  # no tokenizer on this side; the server's usage numbers are recorded instead
MAX_CHARS_PER_TOKEN = 32  # no real token is longer: content past max_tokens times this is a flood
STREAM_BYTES_PER_TOKEN = 4096  # event framing (ids, model names, logprobs) allowed per token
MIN_STREAM_BYTES = 1024 * 1024
READ_CHUNK = 64 * 1024
SHOWN_ERROR_CHARS = 300


class _Flood(Exception):
    """The server sent more than the caps allow."""


def answer_caps(max_tokens: int) -> tuple[int, int]:
    """(most characters of content, most bytes of stream) accepted for an answer of ``max_tokens``."""
    tokens = max(1, int(max_tokens or 1))
    return tokens * MAX_CHARS_PER_TOKEN + 1024, MIN_STREAM_BYTES + tokens * STREAM_BYTES_PER_TOKEN


def _lines(response, max_bytes: int) -> Iterator[bytes]:
    """The stream's lines, read in chunks; raises _Flood past ``max_bytes`` in all (a line that never
    ends included), so no more than that is ever held."""
    read = getattr(response, "read1", None) or response.read
    buffer, total = b"", 0
    while True:
        chunk = read(READ_CHUNK)
        if not chunk:
            if buffer:
                yield buffer
            return
        total += len(chunk)
        if total > max_bytes:
            raise _Flood(f"more than {max_bytes:,} bytes")
        buffer += chunk
        *complete, buffer = buffer.split(b"\n")
        yield from complete


def _sse_events(response, max_bytes: int = MIN_STREAM_BYTES) -> Iterator[object]:  # any JSON value
    for raw in _lines(response, max_bytes):
        line = raw.decode("utf-8", errors="replace").strip()
        if not line.startswith("data:"):
            continue
        payload = line[5:].strip()
        if payload == "[DONE]":
            return
        try:
            yield json.loads(payload)
        except ValueError:
            continue


class OpenAIModel:
    def __init__(self, provider: "OpenAIProvider", name: str):
        self.name = name
        self.identity = f"openai:{provider.base_url}#{name}"
        self.context_size = provider.config.get("context_size") or 8192
        self._provider = provider

    def count_tokens(self, text: str) -> int:
        return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN

    def _body(self, messages, max_tokens, temperature, seed, stop, json_schema, grammar) -> dict[str, Any]:
        body = {
            "model": self.name,
            "messages": [dict(m) for m in messages],
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if seed is not None:
            body["seed"] = seed
        if stop:
            body["stop"] = list(stop)
        if json_schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "response", "schema": json_schema, "strict": True},
            }
        if grammar is not None:
            body["grammar"] = grammar
        return body

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
        body = self._body(messages, max_tokens, temperature, seed, stop, json_schema, grammar)
        start = time.perf_counter()
        first = None
        parts: list[str] = []
        finish = "stop"
        usage: dict[str, Any] = {}
        max_chars, max_bytes = answer_caps(max_tokens)
        chars = 0
        with self._provider.open(body) as response:
            try:
                for event in _sse_events(response, max_bytes):
                    if not isinstance(event, dict):
                        continue
                    usage = event["usage"] if isinstance(event.get("usage"), dict) else usage
                    for choice in event.get("choices") or []:
                        if not isinstance(choice, dict):
                            continue
                        delta = choice.get("delta")
                        piece = delta.get("content") if isinstance(delta, dict) else None
                        piece = piece if isinstance(piece, str) else ""
                        if piece:
                            chars += len(piece)
                            if chars > max_chars:
                                raise _Flood(f"more than {max_chars:,} characters")
                            first = first or time.perf_counter()
                            parts.append(piece)
                            if on_token is not None:
                                on_token(piece)
                        finish = choice.get("finish_reason") or finish
            except _Flood as flood:
                response.close()  # the rest is never read: the server sees the connection go
                raise NoResponse(
                    f"the server at {self._provider.base_url} sent {flood} for an answer of at most "
                    f"{max_tokens} tokens; stopped reading and closed the connection",
                    "The server ignores max_tokens or is misbehaving; check openai.base_url and the server's logs.",
                ) from None
        end = time.perf_counter()
        text = "".join(parts)
        prompt_tokens = usage.get("prompt_tokens") or sum(self.count_tokens(str(m.get("content", ""))) for m in messages)
        generated = usage.get("completion_tokens") or self.count_tokens(text)
        first = first or end
        stats = CallStats(
            model=self.name,
            purpose=purpose,
            prompt_tokens=prompt_tokens,
            prompt_tokens_evaluated=prompt_tokens,
            prefill_tok_s=round(prompt_tokens / (first - start), 1) if first > start else 0.0,
            generated_tokens=generated,
            gen_tok_s=round(generated / (end - first), 1) if end > first else 0.0,
            wall_ms=round((end - start) * 1000, 1),
            peak_rss_mb=round(peak_rss_mb(), 1),
        )
        self._provider.record(stats)
        return Completion(text=text, stats=stats, finish_reason="length" if finish == "length" else "stop")


class OpenAIProvider:
    def __init__(self, config, progress=None, **_ignored):
        self.config = config
        self.progress = progress
        self.base_url = str(config.get("openai.base_url")).rstrip("/")
        self.timeout = float(config.get("openai.timeout") or 600)
        self.key_env = config.get("openai.api_key_env") or ""
        self.log = StatsLog()

    def get(self, role: str) -> OpenAIModel:
        if role not in ("coder", "router", "reviewer"):
            raise ModelError(f"unknown model role {role!r} (known: coder, router, reviewer)")
        return OpenAIModel(self, self.config.get("openai.model") or self.config.get(role))

    def open(self, body: dict[str, Any]):
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        key = os.environ.get(self.key_env) if self.key_env else None
        if key:
            headers["Authorization"] = f"Bearer {key}"
        request = urllib.request.Request(
            f"{self.base_url}/chat/completions", data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            try:
                page = exc.read(2048)  # never the whole of a huge error page
            except OSError:
                page = b""
            finally:
                exc.close()
            detail = page.decode("utf-8", errors="replace").strip()
            detail = detail[:SHOWN_ERROR_CHARS] + ("…" if len(detail) > SHOWN_ERROR_CHARS else "")
            hint = (
                f"Set the API key in ${self.key_env} (openai.api_key_env)."
                if exc.code in (401, 403)
                else "Check openai.base_url and openai.model."
            )
            raise ModelError(f"OpenAI-compatible server at {self.base_url} answered HTTP {exc.code}: {detail}", hint) from None
        except (socket.timeout, TimeoutError):
            raise NoResponse(f"no answer from {self.base_url} within {self.timeout:.0f} s") from None
        except urllib.error.URLError as exc:
            raise ModelError(
                f"cannot reach the OpenAI-compatible server at {self.base_url}: {exc.reason}",
                "Start the server, or set openai.base_url (CODEY_OPENAI_BASE_URL).",
            ) from None

    def record(self, stats: CallStats) -> None:
        self.log.add(stats)
        append_call(stats, backend="openai")

    def stats(self) -> list[CallStats]:
        return list(self.log.calls)

    def close(self) -> None:
        pass
