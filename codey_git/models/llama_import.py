"""Importing llama-cpp-python: with codey's OpenMP settings in place first, and a ModelError, not a
traceback, when it is missing or broken. Its own module, so that the runtime and speculative
decoding both use it without importing each other."""

from __future__ import annotations

import os
from types import ModuleType

from codey_git.errors import ModelError

INSTALL_HINT = (
    "Install it with `pip install llama-cpp-python==0.3.36` (it compiles llama.cpp), "
    "or use another backend: `backend: openai` with a local server."
)


GOMP_SPINCOUNT = "1000"


def import_llama() -> ModuleType:
    """The llama_cpp module, or a ModelError saying it is missing or broken."""
    # llama.cpp's OpenMP workers spin while waiting, by default ~300k times; on a machine whose cores
    # are also busy (editor, tests, other agents) that made 2 threads ~7x slower than 1. Not
    # spinning at all (OMP_WAIT_POLICY=PASSIVE) costs a quiet machine ~25% of generation speed,
    # since a token is many short steps. A short spin keeps most of both
    # (benchmarks/speed/wait_policy.py). libgomp reads it when it loads, so it is set before the
    # import, unless the user chose a policy.
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ.setdefault("GOMP_SPINCOUNT", GOMP_SPINCOUNT)
    try:
        import llama_cpp
    except ImportError as exc:
        raise ModelError(f"llama-cpp-python is not installed or cannot be imported ({exc})", INSTALL_HINT) from None
    except Exception as exc:  # noqa: BLE001 - a broken shared library raises OSError or worse
        raise ModelError(f"llama-cpp-python failed to import: {type(exc).__name__}: {exc}", INSTALL_HINT) from None
    return llama_cpp
