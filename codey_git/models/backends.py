"""The backend plugin seam. A backend is a callable ``(config, progress) -> ModelProvider``.

Built-ins are named here; third-party backends register under the ``codey_git.backends``
entry-point group and are selected with ``backend: NAME`` like the built-ins.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Callable

from codey_git.errors import ConfigError
from codey_git.models.base import ModelProvider

if TYPE_CHECKING:
    from codey_git.config import Config
    from codey_git.progress import Progress

BUILTIN = {
    "scripted": "codey_git.models.scripted:ScriptedProvider",
    "llama_cpp": "codey_git.models.llama_cpp:LlamaCppProvider",
    "openai": "codey_git.models.openai_compat:OpenAIProvider",
}


def _load(spec: str) -> Callable[..., Any]:
    module, _, attr = spec.partition(":")
    factory: Callable[..., Any] = getattr(importlib.import_module(module), attr)
    return factory


def available_backends() -> dict[str, str]:
    found = dict(BUILTIN)
    for ep in entry_points(group="codey_git.backends"):
        found.setdefault(ep.name, ep.value)
    return found


def make_provider(config: Config, progress: Progress | None = None) -> ModelProvider:
    name = config.backend
    backends = available_backends()
    if name not in backends:
        raise ConfigError(f"unknown backend {name!r} (known: {', '.join(sorted(backends))})", field="backend")
    factory = _load(backends[name])
    provider: ModelProvider = factory(config, progress)
    return provider
