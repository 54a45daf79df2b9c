"""Where codey keeps things outside repositories. Tests redirect all of it with CODEY_HOME."""

from __future__ import annotations

import os
from pathlib import Path


def codey_home() -> Path:
    """Cache dir: models, stats, review cache. $CODEY_HOME, else $XDG_CACHE_HOME/codey."""
    if os.environ.get("CODEY_HOME"):
        return Path(os.environ["CODEY_HOME"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg).expanduser() / "codey"


def models_dir() -> Path:
    """Where model files live: $CODEY_MODELS_DIR (share one download between homes), else
    $CODEY_HOME/models."""
    if os.environ.get("CODEY_MODELS_DIR"):
        return Path(os.environ["CODEY_MODELS_DIR"]).expanduser()
    return codey_home() / "models"


def user_config_path() -> Path:
    """$XDG_CONFIG_HOME/codey/config.yml; with only CODEY_HOME set, $CODEY_HOME/config.yml."""
    if os.environ.get("XDG_CONFIG_HOME"):
        return Path(os.environ["XDG_CONFIG_HOME"]).expanduser() / "codey" / "config.yml"
    if os.environ.get("CODEY_HOME"):
        return Path(os.environ["CODEY_HOME"]).expanduser() / "config.yml"
    return Path.home() / ".config" / "codey" / "config.yml"
