"""Models on a runner: nobody is there to answer "fetch it now?", so a missing model is fetched
up front (the composite action caches the models folder, so a board pulls it once), and one that
cannot be had stops the job before any work (exit 2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codey_git.config import Config
    from codey_git.models.base import ModelProvider
    from codey_git.progress import Progress


def ensure_model_named(config: Config, name: str, progress: Progress | None) -> None:
    """Fetch and verify ``name`` now when the local backend will need it; ModelError (exit 2) when
    it cannot be had."""
    if config.backend != "llama_cpp":
        return  # a server (openai) or canned answers (scripted): nothing to fetch here
    from codey_git.models.ensure import ensure_model
    from codey_git.models.registry import Registry

    ensure_model(Registry(config), name, yes=True, progress=progress)


def headless_provider(config: Config, progress: Progress | None) -> ModelProvider:
    """The configured backend, told that the answer to every question is yes."""
    from codey_git.models.backends import make_provider

    provider = make_provider(config, progress)
    for flag in ("yes", "assume_yes"):
        if hasattr(provider, flag):
            setattr(provider, flag, True)
    return provider
