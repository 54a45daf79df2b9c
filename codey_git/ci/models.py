"""Models on a runner: nobody is there to answer "fetch it now?", so a missing model is fetched
up front (the composite action caches the models folder, so a board pulls it once), and one that
cannot be had stops the job before any work (exit 2)."""

from __future__ import annotations


def ensure_model_named(config, name: str, progress) -> None:
    """Fetch and verify ``name`` now when the local backend will need it; ModelError (exit 2) when
    it cannot be had."""
    if config.backend != "llama_cpp":
        return  # a server (openai) or canned answers (scripted): nothing to fetch here
    from codey_git.models.ensure import ensure_model
    from codey_git.models.registry import Registry

    ensure_model(Registry(config), name, yes=True, progress=progress)


def headless_provider(config, progress):
    """The configured backend, told that the answer to every question is yes."""
    from codey_git.models.backends import make_provider

    provider = make_provider(config, progress)
    for flag in ("yes", "assume_yes"):
        if hasattr(provider, flag):
            setattr(provider, flag, True)
    return provider
