"""Layered, schema-validated configuration."""

from codey_git.config.loader import Config, load_config

__all__ = ["Config", "load_config"]
