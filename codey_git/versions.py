"""`git codey --version`: codey's version and those of what it runs on.

Versions are read from installed package metadata, so llama_cpp (hundreds of milliseconds to
import) is never imported; pygit2 is imported for the libgit2 it was built against.
"""

from __future__ import annotations

import platform
from importlib import metadata

import codey_git


def _dist_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def version_lines() -> list[str]:
    try:
        import pygit2

        libgit2 = pygit2.LIBGIT2_VERSION
    except ImportError:
        libgit2 = "not installed"
    return [
        f"git codey {codey_git.__version__}",
        f"llama-cpp-python {_dist_version('llama_cpp_python')}",
        f"pygit2 {_dist_version('pygit2')}",
        f"libgit2 {libgit2}",
        f"Python {platform.python_version()} ({platform.python_implementation()}, {platform.system()})",
    ]


def version_text() -> str:
    return "\n".join(version_lines()) + "\n"
