"""Load config in layers, later wins: defaults < user < repo < CODEY_* env < flags.

Files are parsed with their line numbers so that a wrong type is reported as
``file:line: field: expected ...``. Unknown keys are warnings, never errors.
"""

from __future__ import annotations

import copy
import math
import os
from pathlib import Path
from typing import Any, Iterable

from codey_git.config.schema import SCHEMA, Field, default_values
from codey_git.errors import ConfigError
from codey_git.paths import user_config_path
from codey_git.yamlfile import load_yaml_mapping, parse_yaml_with_lines


class Config:
    """Resolved configuration. ``cfg.coder``, ``cfg.review["fail_on"]``, ``cfg.get("review.fail_on")``."""

    def __init__(self, values: dict, warnings: list[str], sources: dict[str, str]):
        self._values = values
        self.warnings = warnings
        self.sources = sources

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self._values
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def as_dict(self) -> dict:
        return copy.deepcopy(self._values)

    def with_overrides(self, overrides: dict) -> "Config":
        values = self.as_dict()
        sources = dict(self.sources)
        _merge_layer(values, overrides, "command line", {}, [], sources)
        return Config(values, list(self.warnings), sources)


def _type_ok(spec: Field, value: Any) -> bool:
    if value is None:
        return spec.nullable
    allowed = spec.type if isinstance(spec.type, tuple) else (spec.type,)
    if isinstance(value, bool) and bool not in allowed:
        return False
    return isinstance(value, allowed)


def _type_name(spec: Field) -> str:
    allowed = spec.type if isinstance(spec.type, tuple) else (spec.type,)
    names = {int: "integer", float: "number", str: "string", bool: "true/false", list: "list", dict: "mapping"}
    text = " or ".join(names.get(t, t.__name__) for t in allowed)
    if float in allowed:
        text = "number"
    if spec.choices:
        text = "one of " + _choice_text(spec)
    if spec.range_text():
        text += " " + spec.range_text()
    return text + (" (or null)" if spec.nullable else "")


def _choice_text(spec: Field) -> str:
    return ", ".join(str(c).lower() if isinstance(c, bool) else str(c) for c in spec.choices or ())


def _hint(spec: Field, field: str) -> str:
    return f"{field}: {spec.doc} Every key is documented in .codey.yml.example."


def _in_range(spec: Field, value: Any) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return True
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if spec.minimum is None:
        return True
    return value > spec.minimum if spec.above else value >= spec.minimum


def _check(spec: Field, value: Any, field: str, source: str, line: int | None) -> None:
    """Type, choice and range of one value; a ConfigError naming source, line and field if wrong.
    Every layer goes through here: files, CODEY_* variables, command-line flags, recipes."""
    if not _type_ok(spec, value):
        raise ConfigError(f"expected {_type_name(spec)}, got {value!r}", file=source, line=line, field=field,
                          hint=_hint(spec, field))
    if spec.choices and value is not None and value not in spec.choices:
        raise ConfigError(f"expected one of {_choice_text(spec)}, got {value!r}",
                          file=source, line=line, field=field, hint=_hint(spec, field))
    if not _in_range(spec, value):
        finite = isinstance(value, int) or math.isfinite(value)
        raise ConfigError(f"expected {_type_name(spec) if finite else 'a finite number'}, got {value!r}",
                          file=source, line=line, field=field, hint=_hint(spec, field))


def _merge_layer(values: dict, layer: dict, source: str, lines: dict[str, int],
                 warnings: list[str], sources: dict[str, str]) -> None:
    for key, value in layer.items():
        spec = SCHEMA.get(key)
        line = lines.get(key)
        where = f"{source}:{line}" if line else source
        if spec is None:
            warnings.append(f"{where}: unknown key {key!r} ignored")
            continue
        if isinstance(spec, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"expected a mapping, got {value!r}", file=source, line=line, field=key)
            for sub, subval in value.items():
                subspec = spec.get(sub)
                subline = lines.get(f"{key}.{sub}")
                if subspec is None:
                    w = f"{source}:{subline}" if subline else source
                    warnings.append(f"{w}: unknown key {key}.{sub!r} ignored")
                    continue
                _check(subspec, subval, f"{key}.{sub}", source, subline)
                values[key][sub] = subval
                sources[f"{key}.{sub}"] = source
        else:
            _check(spec, value, key, source, line)
            values[key] = value
            sources[key] = source


def _coerce_env(spec: Field, raw: str, name: str) -> Any:
    if spec.nullable and raw.strip().lower() in ("", "null", "none"):
        return None
    allowed = spec.type if isinstance(spec.type, tuple) else (spec.type,)
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
    raise ConfigError(f"expected {_type_name(spec)}, got {raw!r}", file="environment", field=name,
                      hint=_hint(spec, name))


def _env_value(spec: Field, raw: str, name: str) -> Any:
    value = _coerce_env(spec, raw, name)
    _check(spec, value, name, "environment", None)  # the error names the variable, not the key
    return value


def env_layer(environ: dict[str, str]) -> dict:
    layer: dict = {}
    for key, spec in SCHEMA.items():
        if isinstance(spec, dict):
            for sub, subspec in spec.items():
                name = f"CODEY_{key.upper()}_{sub.upper()}"
                if name in environ:
                    layer.setdefault(key, {})[sub] = _env_value(subspec, environ[name], name)
        else:
            name = f"CODEY_{key.upper()}"
            if name in environ:
                layer[key] = _env_value(spec, environ[name], name)
    return layer


def _read_file(path: Path) -> tuple[dict, dict[str, int]]:
    return load_yaml_mapping(path)


def config_files(repo_root: Path | None) -> Iterable[Path]:
    user = user_config_path()
    if user.is_file():
        yield user
    if repo_root is not None and (repo_root / ".codey.yml").is_file():
        yield repo_root / ".codey.yml"


def load_config(repo_root: Path | None = None, overrides: dict | None = None,
                environ: dict[str, str] | None = None) -> Config:
    environ = dict(os.environ if environ is None else environ)
    values = default_values()
    warnings: list[str] = []
    sources = {key: "default" for key in values}
    for path in config_files(repo_root):
        data, lines = _read_file(path)
        _merge_layer(values, data, str(path), lines, warnings, sources)
    _merge_layer(values, env_layer(environ), "environment", {}, warnings, sources)
    if overrides:
        clean = {k: v for k, v in overrides.items() if v is not None}
        _merge_layer(values, clean, "command line", {}, warnings, sources)
    return Config(values, warnings, sources)
