"""The small protocol the engine talks to. Backends implement ``Model`` and ``ModelProvider``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Protocol, Sequence, runtime_checkable

from codey_git.errors import CodeyError

# Why a call is made. Backends may use it (the scripted backend selects responses by it);
# the engine uses it to decide what happens when no answer comes.
PURPOSES = ("route", "plan", "edit", "line_fix", "review", "commit_message", "explain", "rank")

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": str}
TokenCallback = Callable[[str], None]


class OutOfTime(Exception):
    """Raised by ``stop_when_late``'s callback: the generation ran past its deadline."""


def stop_when_late(deadline: float | None, clock: Callable[[], float]) -> TokenCallback:
    """An ``on_token`` callback that stops the generation (``OutOfTime``) once ``clock()`` passes
    ``deadline``; one that never stops when ``deadline`` is None."""

    def check(_token: str) -> None:
        if deadline is not None and clock() > deadline:
            raise OutOfTime("the model ran past its time budget")

    return check


@dataclass
class CallStats:
    model: str
    purpose: str
    load_ms: float = 0.0
    prompt_tokens: int = 0
    prompt_tokens_evaluated: int = 0  # after KV-cache prefix reuse
    prefill_tok_s: float = 0.0
    generated_tokens: int = 0
    gen_tok_s: float = 0.0
    wall_ms: float = 0.0
    peak_rss_mb: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Completion:
    text: str
    stats: CallStats
    finish_reason: str = "stop"  # "stop" | "length"


class NoResponse(CodeyError):
    """The model gave no answer for this call (scripted backend ran out).

    Callers with a non-model path (plan, commit_message, route) fall back to it; an edit or
    review call treats it as a failed attempt.
    """


@runtime_checkable
class Model(Protocol):
    name: str  # catalog name, e.g. "qwen2.5-coder-1.5b"
    identity: str  # stable identity for caches: file sha256, script content hash, server+model
    context_size: int  # tokens

    def count_tokens(self, text: str) -> int: ...

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
        on_token: TokenCallback | None = None,
    ) -> Completion: ...


@runtime_checkable
class ModelProvider(Protocol):
    """Hands out models by role ("coder", "router", "reviewer"), loading them on demand."""

    def get(self, role: str) -> Model: ...

    def stats(self) -> list[CallStats]: ...

    def close(self) -> None: ...


@dataclass
class StatsLog:
    """Collects CallStats of every call made through a provider, for --json and `stats`."""

    calls: list[CallStats] = field(default_factory=list)

    def add(self, stats: CallStats) -> None:
        self.calls.append(stats)

    def totals(self) -> dict[str, Any]:
        return {
            "calls": len(self.calls),
            "prompt_tokens": sum(c.prompt_tokens for c in self.calls),
            "prompt_tokens_evaluated": sum(c.prompt_tokens_evaluated for c in self.calls),
            "generated_tokens": sum(c.generated_tokens for c in self.calls),
            "load_ms": round(sum(c.load_ms for c in self.calls), 1),
            "peak_rss_mb": round(max((c.peak_rss_mb for c in self.calls), default=0.0), 1),
        }
