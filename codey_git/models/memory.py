"""What a model costs in RAM, what the machine offers, and how many threads to use.

Need = weights (mmapped file, all pages touched during inference) + f16 KV cache for the
context + compute buffers (dominated by the logits of one batch: n_vocab x n_batch floats) + a
fixed allowance for the runtime. The manager records the measured RSS growth next to it.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from codey_git.models.catalog import KVShape, ModelEntry
from codey_git.models.gguf import read_gguf

MB = 2**20
DEFAULT_MAX_CONTEXT = 8192
N_BATCH = 512
FIXED_OVERHEAD = 48 * MB
BUDGET_FRACTION = 0.70


@dataclass(frozen=True)
class Need:
    weights: int
    kv: int
    compute: int
    n_ctx: int
    declared: int | None = None  # the entry's own `ram_mb`, which wins over the estimate

    @property
    def total(self) -> int:
        return self.declared or (self.weights + self.kv + self.compute)

    def plus(self, other: "Need") -> "Need":
        """Two models loaded together (a model and its draft model)."""
        declared = self.total + other.total if (self.declared or other.declared) else None
        return Need(self.weights + other.weights, self.kv + other.kv, self.compute + other.compute, self.n_ctx, declared)

    def to_dict(self) -> dict[str, Any]:
        return {
            "weights_mb": round(self.weights / MB),
            "kv_mb": round(self.kv / MB),
            "compute_mb": round(self.compute / MB),
            "total_mb": round(self.total / MB),
            "n_ctx": self.n_ctx,
        }


def model_shape(entry: ModelEntry, path: Path) -> tuple[KVShape | None, int | None]:
    """(KV shape, trained context): from the catalog, else from the GGUF header."""
    if entry.kv is not None and entry.context_length:
        return entry.kv, entry.context_length
    meta = read_gguf(path)
    shape = None
    if meta.n_layer and meta.n_kv_heads and meta.head_dim:
        shape = KVShape(meta.n_layer, meta.n_kv_heads, meta.head_dim, meta.n_vocab or 32000)
    return entry.kv or shape, entry.context_length or meta.context_length


def context_for(entry: ModelEntry, path: Path, configured: int | None) -> int:
    if configured:
        return configured
    _, trained = model_shape(entry, path)
    return min(trained or DEFAULT_MAX_CONTEXT, DEFAULT_MAX_CONTEXT)


def estimate_need(entry: ModelEntry, path: Path, n_ctx: int | None = None) -> Need:
    shape, trained = model_shape(entry, path)
    n_ctx = n_ctx or min(trained or DEFAULT_MAX_CONTEXT, DEFAULT_MAX_CONTEXT)
    weights = path.stat().st_size if path.is_file() else (entry.size or 0)
    kv = shape.kv_bytes(n_ctx) if shape else 0
    compute = (shape.n_vocab * N_BATCH * 4 if shape else 64 * MB) + FIXED_OVERHEAD
    return Need(weights, kv, compute, n_ctx, entry.ram_mb * MB if entry.ram_mb else None)


def default_budget_bytes(configured_mb: int | None) -> int:
    if configured_mb:
        return configured_mb * MB
    return int(psutil.virtual_memory().available * BUDGET_FRACTION)


def thread_count(configured: int | None) -> int:
    return configured or psutil.cpu_count(logical=False) or os.cpu_count() or 1


def rss_bytes() -> int:
    return psutil.Process().memory_info().rss


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KB
