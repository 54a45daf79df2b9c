"""The machine as a board's owner needs to know it: OS, CPU (architecture, cores, the fast cores of
a big.LITTLE chip, instruction-set features), RAM, disk, the versions codey runs on, and what
llama.cpp was built for.

llama.cpp's own report comes from a child process: a build for a CPU this one is not (an AVX-512
wheel on an older x86, an armv8.2 build on a Pi 4) dies with SIGILL, and that must become a
finding here, not a crash of the doctor.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

from codey_git import proc
from codey_git.versions import version_lines

MB = 2**20
LLAMA_PROBE = """
import json, llama_cpp
info = llama_cpp.llama_print_system_info()
gpu = getattr(llama_cpp, "llama_supports_gpu_offload", None)
print(json.dumps({"version": getattr(llama_cpp, "__version__", None),
                  "info": info.decode("utf-8", "replace") if isinstance(info, bytes) else str(info),
                  "gpu_offload": bool(gpu()) if gpu else None}))
"""
# llama.cpp's feature names -> the Linux /proc/cpuinfo flag a CPU must have to run that code
CPU_FLAG = {
    "SSE3": "pni",
    "SSSE3": "ssse3",
    "AVX": "avx",
    "AVX2": "avx2",
    "F16C": "f16c",
    "FMA": "fma",
    "BMI2": "bmi2",
    "AVX_VNNI": "avx_vnni",
    "AVX512": "avx512f",
    "AVX512_VBMI": "avx512vbmi",
    "AVX512_VNNI": "avx512_vnni",
    "AVX512_BF16": "avx512_bf16",
    "AMX_INT8": "amx_int8",
    "NEON": "asimd",
    "DOTPROD": "asimddp",
    "SVE": "sve",
    "MATMUL_INT8": "i8mm",
    "FP16_VA": "asimdhp",
    "SME": "sme",
}


@dataclass
class LlamaInfo:
    installed: bool
    version: str | None = None
    features: list[str] = field(default_factory=list)  # built in and switched on ("AVX2", "NEON", ...)
    raw: str = ""
    gpu_offload: bool | None = None
    error: str | None = None  # why the probe failed (not installed, SIGILL, ...)


@dataclass
class SystemFacts:
    os: str
    arch: str
    cpu: str
    cores: int  # physical
    threads: int  # logical
    fast_cores: int  # cores at the highest max frequency (all of them on a homogeneous CPU)
    cpu_flags: list[str] | None  # None where /proc/cpuinfo cannot be read
    ram_mb: int
    free_ram_mb: int
    models_dir: str
    disk_free_mb: int | None
    versions: dict[str, str]
    git: str | None
    compilers: dict[str, str | None]
    llama: LlamaInfo

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("cpu_flags")  # long; the features that matter are in llama.features
        return data


def os_name() -> str:
    try:
        pretty = platform.freedesktop_os_release().get("PRETTY_NAME")
    except OSError:
        pretty = None
    return pretty or f"{platform.system()} {platform.release()}"


def _cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def cpu_model(info: str) -> str:
    for key in ("model name", "Hardware", "Model", "cpu model"):
        match = re.search(rf"^{key}\s*:\s*(.+)$", info, re.M)
        if match:
            return match.group(1).strip()
    part = re.search(r"^CPU part\s*:\s*(\S+)", info, re.M)  # ARM: no name, only the part number
    return f"ARM CPU part {part.group(1)}" if part else (platform.processor() or platform.machine())


def cpu_flags(info: str, machine: str | None = None) -> list[str] | None:
    """The CPU's instruction set features from /proc/cpuinfo: x86 lists them as ``flags``, ARM as
    ``Features``. None when this machine's kind is not there: under qemu-user (docker's
    ``--platform linux/arm64`` on an x86 host) the file is the host's, whose flags say nothing of
    the emulated CPU."""
    machine = (machine or platform.machine()).lower()
    key = (
        "flags"
        if machine in ("x86_64", "amd64", "i386", "i686")
        else "Features"
        if machine.startswith(("aarch64", "arm"))
        else None
    )
    if key is None:
        return None
    match = re.search(rf"^{key}\s*:\s*(.*)$", info, re.M)
    return sorted(set(match.group(1).split())) if match else None


def fast_cores(cpu_root: Path = Path("/sys/devices/system/cpu")) -> int | None:
    """How many cores reach (nearly) the highest maximum frequency: the big cores of a big.LITTLE
    chip (RK3588: 4 of 8), where llama.cpp is fastest with one thread per big core."""
    speeds = []
    for path in cpu_root.glob("cpu[0-9]*/cpufreq/cpuinfo_max_freq"):
        try:
            speeds.append(int(path.read_text().strip()))
        except (OSError, ValueError):
            continue
    return sum(1 for speed in speeds if speed >= 0.8 * max(speeds)) if speeds else None


def disk_free_mb(path: Path) -> int | None:
    """Free space on the file system ``path`` is (or will be) on: its nearest existing parent."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            try:
                return shutil.disk_usage(candidate).free // MB
            except OSError:
                return None
    return None


def parse_system_info(text: str) -> list[str]:
    """``AVX2 = 1 | NEON = 1 | ...`` -> ["AVX2", "NEON"] (features switched on)."""
    return [name for name, on in re.findall(r"([A-Z][A-Z0-9_]*) = (\d+)", text) if on != "0"]


def llama_info() -> LlamaInfo:
    try:
        out = proc.run([sys.executable, "-c", LLAMA_PROBE], timeout=120)
    except Exception as exc:  # noqa: BLE001 - no interpreter to run: say so, do not crash
        return LlamaInfo(False, error=f"cannot run {sys.executable}: {exc}")
    if out.returncode == -4 or out.returncode == 132:  # SIGILL: built for instructions this CPU lacks
        return LlamaInfo(
            True,
            error="llama-cpp-python dies with SIGILL (illegal instruction): it was built for a CPU with features this one lacks",
        )
    if not out.ok:
        last = (out.stderr.strip().splitlines() or [f"exit {out.returncode}"])[-1]
        installed = "No module named 'llama_cpp'" not in out.stderr
        return LlamaInfo(installed, error=last if installed else "llama-cpp-python is not installed")
    try:
        data = json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return LlamaInfo(True, error=f"unexpected answer from llama_cpp: {out.stdout[:200]!r}")
    return LlamaInfo(
        True, data.get("version"), parse_system_info(data.get("info", "")), data.get("info", "").strip(), data.get("gpu_offload")
    )


def _versions() -> dict[str, str]:
    """``git codey --version``'s lines as name -> version."""
    out = {}
    for line in version_lines():
        match = re.match(r"(.+?) (\d\S*|not installed)(.*)$", line)
        if match:
            out[match.group(1)] = (match.group(2) + match.group(3)).strip()
    return out


def _git_version() -> str | None:
    try:
        out = proc.run(["git", "--version"], timeout=30)
    except Exception:  # noqa: BLE001 - git is missing: reported as a finding
        return None
    return out.stdout.strip().removeprefix("git version ") if out.ok else None


def gather(models_dir: Path) -> SystemFacts:
    info = _cpuinfo()
    memory = psutil.virtual_memory()
    cores = psutil.cpu_count(logical=False) or os.cpu_count() or 1
    return SystemFacts(
        os=os_name(),
        arch=platform.machine(),
        cpu=cpu_model(info),
        cores=cores,
        threads=psutil.cpu_count() or cores,
        fast_cores=fast_cores() or cores,
        cpu_flags=cpu_flags(info),
        ram_mb=memory.total // MB,
        free_ram_mb=memory.available // MB,
        models_dir=str(models_dir),
        disk_free_mb=disk_free_mb(models_dir),
        versions=_versions(),
        git=_git_version(),
        compilers={name: shutil.which(name) for name in ("cc", "gcc", "clang", "cmake")},
        llama=llama_info(),
    )
