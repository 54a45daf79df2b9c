"""Read the metadata header of a GGUF file without loading it.

Used to reject a file that is not GGUF before llama.cpp sees it, and to learn the numbers the
memory estimate needs (layers, KV heads, head size, vocabulary, trained context) and the chat
template. Arrays are skipped, except that their length is kept (the vocabulary size).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = b"GGUF"
# value type id -> struct format of a scalar (8: string, 9: array are handled apart)
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
_MAX_STRING = 64 * 1024 * 1024  # a chat template is a few KB; anything huge means corruption


class GGUFError(ValueError):
    """The file is not a readable GGUF file (wrong magic, truncated or corrupt header)."""


@dataclass
class GGUFInfo:
    version: int
    tensor_count: int
    metadata: dict[str, Any] = field(default_factory=dict)  # scalars and strings; arrays as {"array_len": n}

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", ""))

    def arch_value(self, key: str, default: Any = None) -> Any:
        return self.metadata.get(f"{self.architecture}.{key}", default)

    @property
    def context_length(self) -> int | None:
        value: int | None = self.arch_value("context_length")
        return value

    @property
    def n_layer(self) -> int | None:
        value: int | None = self.arch_value("block_count")
        return value

    @property
    def n_kv_heads(self) -> int | None:
        value: int | None = self.arch_value("attention.head_count_kv") or self.arch_value("attention.head_count")
        return value

    @property
    def head_dim(self) -> int | None:
        explicit: int | None = self.arch_value("attention.key_length")
        if explicit:
            return explicit
        embd, heads = self.arch_value("embedding_length"), self.arch_value("attention.head_count")
        return embd // heads if embd and heads else None

    @property
    def n_vocab(self) -> int | None:
        tokens = self.metadata.get("tokenizer.ggml.tokens")
        return tokens.get("array_len") if isinstance(tokens, dict) else None

    @property
    def chat_template(self) -> str | None:
        return self.metadata.get("tokenizer.chat_template")


def _read(fh: BinaryIO, n: int) -> bytes:
    data = fh.read(n)
    if len(data) != n:
        raise GGUFError("file ends inside the metadata header (truncated)")
    return data


def _unpack(fh: BinaryIO, fmt: str) -> Any:
    return struct.unpack(fmt, _read(fh, struct.calcsize(fmt)))[0]


def _string(fh: BinaryIO) -> str:
    length = _unpack(fh, "<Q")
    if length > _MAX_STRING:
        raise GGUFError(f"metadata string of {length} bytes (corrupt header)")
    return _read(fh, length).decode("utf-8", errors="replace")


def _value(fh: BinaryIO, vtype: int) -> Any:
    if vtype in _SCALARS:
        return _unpack(fh, _SCALARS[vtype])
    if vtype == _STRING:
        return _string(fh)
    if vtype == _ARRAY:
        item_type, count = _unpack(fh, "<I"), _unpack(fh, "<Q")
        if item_type in _SCALARS:
            fh.seek(struct.calcsize(_SCALARS[item_type]) * count, 1)
        elif item_type == _STRING:
            for _ in range(count):
                fh.seek(_unpack(fh, "<Q"), 1)
        else:
            for _ in range(count):
                _value(fh, item_type)
        return {"array_len": count}
    raise GGUFError(f"unknown metadata value type {vtype} (corrupt header)")


def read_gguf(path: str | Path) -> GGUFInfo:
    """Parse the header of ``path``. Raises GGUFError when it is not a valid GGUF header."""
    with open(path, "rb", buffering=1024 * 1024) as fh:
        if fh.read(4) != MAGIC:
            raise GGUFError("not a GGUF file (wrong magic bytes)")
        version = _unpack(fh, "<I")
        if version not in (2, 3):
            raise GGUFError(f"unsupported GGUF version {version}")
        tensor_count, kv_count = _unpack(fh, "<Q"), _unpack(fh, "<Q")
        if kv_count > 100_000 or tensor_count > 1_000_000:
            raise GGUFError("implausible header counts (corrupt header)")
        info = GGUFInfo(version=version, tensor_count=tensor_count)
        for _ in range(kv_count):
            key = _string(fh)
            info.metadata[key] = _value(fh, _unpack(fh, "<I"))
        return info
