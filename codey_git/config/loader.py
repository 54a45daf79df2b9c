"""Load config in layers, later wins: defaults < user < repo < CODEY_* env < flags.

Files are parsed with their line numbers so that a wrong type is reported as
``file:line: field: expected ...``. Unknown keys are warnings, never errors.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from codey_git.config.fields import Checker, Field, check_value, hint_for
from codey_git.config.schema import SCHEMA, Settings, default_values
from codey_git.config.settings import CONFIG_DOCUMENTED, merge_layer
from codey_git.errors import ConfigError
from codey_git.paths import user_config_path
from codey_git.yamlfile import load_yaml_document, parse_yaml_with_lines


Config = Settings  # the name the rest of the package knows the settings by


def _check(spec: Field, value: Any, field: str, source: str | None, line: int | None) -> None:
    """Type, choice and range of one settings value (``fields.check_value`` with the config hint).
    Every layer goes through here: files, CODEY_* variables, command-line flags, recipes."""
    check_value(spec, value, field, source, line, CONFIG_DOCUMENTED)


def _type_name(spec: Field) -> str:
    return spec.type_name()


def _hint(spec: Field, field: str) -> str:
    return hint_for(spec, field, CONFIG_DOCUMENTED)


def _merge_layer(
    values: dict[str, Any],
    layer: dict[str, Any],
    source: str,
    lines: dict[str, int],
    warnings: list[str],
    sources: dict[str, str],
) -> None:
    check = Checker(source, lines, top_line=None, documented=CONFIG_DOCUMENTED)
    merge_layer(SCHEMA, values, layer, check, warnings, sources)


def _coerce_env(spec: Field, raw: str, name: str) -> Any:
    if spec.nullable and raw.strip().lower() in ("", "null", "none"):
        return None
    allowed = spec.types
    if bool in allowed:
        low = raw.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
    if int in allowed:
        try:
            return int(raw)
        except ValueError:
            pass
    if float in allowed:
        try:
            return float(raw)
        except ValueError:
            pass
    if dict in allowed or list in allowed:
        try:
            return parse_yaml_with_lines(raw, name)[0]
        except ConfigError:
            if str not in allowed:
                raise
    if str in allowed:
        _check(spec, raw, name, "environment", None)  # a wrong choice names the variable too
        return raw
    raise ConfigError(f"expected {_type_name(spec)}, got {raw!r}", file="environment", field=name, hint=_hint(spec, name))


def _env_value(spec: Field, raw: str, name: str) -> Any:
    value = _coerce_env(spec, raw, name)
    _check(spec, value, name, "environment", None)  # the error names the variable, not the key
    return value


def env_layer(environ: dict[str, str]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    for key, spec in SCHEMA.items():
        if not isinstance(spec, Field):
            for sub, subspec in spec.items():
                name = f"CODEY_{key.upper()}_{sub.upper()}"
                if name in environ:
                    layer.setdefault(key, {})[sub] = _env_value(subspec, environ[name], name)
        else:
            name = f"CODEY_{key.upper()}"
            if name in environ:
                layer[key] = _env_value(spec, environ[name], name)
    return layer


def config_files(repo_root: Path | None) -> Iterable[Path]:
    user = user_config_path()
    if user.is_file():
        yield user
    if repo_root is not None and (repo_root / ".codey.yml").is_file():
        yield repo_root / ".codey.yml"


def load_config(
    repo_root: Path | None = None, overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    environ = dict(os.environ if environ is None else environ)
    values = default_values()
    warnings: list[str] = []
    sources = {key: "default" for key in values}
    for path in config_files(repo_root):
        doc = load_yaml_document(path)
        _merge_layer(values, doc.data, doc.source, doc.lines, warnings, sources)
    _merge_layer(values, env_layer(environ), "environment", {}, warnings, sources)
    if overrides:
        clean = {k: v for k, v in overrides.items() if v is not None}
        _merge_layer(values, clean, "command line", {}, warnings, sources)
    return Settings(values, warnings, sources)
