"""Layered, schema-validated, typed and frozen settings (``Config`` is ``Settings``)."""

from codey_git.config.loader import Config, load_config
from codey_git.config.schema import Settings

__all__ = ["Config", "Settings", "load_config"]
