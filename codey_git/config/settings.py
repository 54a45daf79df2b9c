"""Typed, frozen settings declared as dataclasses whose fields carry their schema.

``config/schema.py`` declares every key once, as a typed dataclass field made by ``setting()``
(which holds the key's ``Field``: type, default, meaning, range) or ``section()`` (a nested group,
``review:``). The schema that files are checked against is read back from those declarations, so
the two cannot drift. A settings object is frozen: assigning to it raises, and ``with_overrides``
returns a new one. Every value in it has been checked, and number fields hold floats.

Access patterns: ``cfg.coder``, ``cfg.review.fail_on``, ``cfg.review["fail_on"]``,
``cfg.get("review.fail_on")``, ``cfg.as_dict()``.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Iterable, Iterator, TypeVar

from codey_git.config.fields import Checker, Field, Spec, check_value

CONFIG_DOCUMENTED = "Every key is documented in .codey.yml.example."

_S = TypeVar("_S", bound="SettingsBase")


def setting(
    kind: type | tuple[type, ...],
    default: Any,
    doc: str,
    *,
    choices: tuple[Any, ...] | None = None,
    nullable: bool = False,
    minimum: float | None = None,
    above: bool = False,
) -> Any:
    """One settings key, declared as ``name: T = setting(T, default, "what it does", ...)``."""
    spec = Field(kind, default, doc, choices=choices, nullable=nullable, minimum=minimum, above=above)
    if isinstance(default, (dict, list)):
        return dataclasses.field(default_factory=lambda: copy.deepcopy(default), metadata={"spec": spec})
    return dataclasses.field(default=default, metadata={"spec": spec})


def section(cls: type) -> Any:
    """A nested group of keys (``review:``), declared as ``name: Cls = section(Cls)``."""
    return dataclasses.field(default_factory=cls, metadata={"section": cls})


def schema_of(cls: type) -> dict[str, Spec]:
    """The schema a settings class declares: name -> Field, or name -> {name -> Field} for a section."""
    out: dict[str, Spec] = {}
    for f in dataclasses.fields(cls):
        if "spec" in f.metadata:
            out[f.name] = f.metadata["spec"]
        elif "section" in f.metadata:
            out[f.name] = schema_of(f.metadata["section"])
    return out


def _frozen_value(spec: Field, value: Any, field: str) -> Any:
    check_value(spec, value, field, "settings", None, CONFIG_DOCUMENTED)
    value = spec.convert(value)
    if isinstance(value, dict):
        return MappingProxyType(copy.deepcopy(value))
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, SectionBase):
        return value.as_dict()
    if isinstance(value, Mapping):
        return copy.deepcopy(dict(value))
    return copy.deepcopy(value)


class SectionBase(Mapping[str, Any]):
    """A group of keys (``cfg.review``): attributes, and read-only mapping access (``["fail_on"]``)."""

    def __getitem__(self, key: str) -> Any:
        if key not in self._names():
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]

    @classmethod
    def from_values(cls, values: Mapping[str, Any], path: str) -> "SectionBase":
        known = {f.name: f.metadata["spec"] for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise TypeError(f"unknown setting {path}.{unknown[0]}")
        return cls(
            **{
                k: _frozen_value(spec, _plain(values[k]) if k in values else spec.default, f"{path}.{k}")
                for k, spec in known.items()
            }
        )

    def as_dict(self) -> dict[str, Any]:
        return {name: _plain(getattr(self, name)) for name in self._names()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.as_dict()!r})"


class SettingsBase:
    """The resolved settings, with where each value came from (``sources``) and the warnings met
    while loading them. Built from a mapping of values (``Settings({"attempts": 2})``), from
    keywords (``Settings(attempts=2)``), or by ``load_config``."""

    warnings: tuple[str, ...]
    sources: Mapping[str, str]

    def __init__(
        self,
        values: Mapping[str, Any] | None = None,
        warnings: Iterable[str] = (),
        sources: Mapping[str, str] | None = None,
        **settings: Any,
    ):
        schema = self.schema()
        merged: dict[str, Any] = {}
        for layer in (values or {}, settings):
            for key, value in layer.items():
                spec = schema.get(key)
                if spec is None:
                    raise TypeError(f"unknown setting {key!r}")
                if isinstance(spec, Field):
                    merged[key] = _plain(value)
                else:
                    merged.setdefault(key, {}).update(value.as_dict() if isinstance(value, SectionBase) else value)
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if "spec" in f.metadata:
                value = merged[f.name] if f.name in merged else f.metadata["spec"].default
                object.__setattr__(self, f.name, _frozen_value(f.metadata["spec"], value, f.name))
            elif "section" in f.metadata:
                object.__setattr__(self, f.name, f.metadata["section"].from_values(merged.get(f.name, {}), f.name))
        object.__setattr__(self, "warnings", tuple(warnings))
        object.__setattr__(self, "sources", MappingProxyType(dict(sources or {})))

    @classmethod
    def schema(cls) -> dict[str, Spec]:
        cached = cls.__dict__.get("_schema")
        if cached is None:
            cached = schema_of(cls)
            type.__setattr__(cls, "_schema", cached)
        return cached

    def get(self, dotted: str, default: Any = None) -> Any:
        """``cfg.get("review.fail_on")``: the value at a dotted path, or ``default``."""
        node: Any = self
        for part in dotted.split("."):
            if isinstance(node, SettingsBase) and part in node.schema():
                node = getattr(node, part)
            elif isinstance(node, Mapping) and part in node:
                node = node[part]
            else:
                return default
        return node

    def as_dict(self) -> dict[str, Any]:
        """Every setting as plain dicts and values (a deep copy)."""
        return {name: _plain(getattr(self, name)) for name in self.schema()}

    def with_overrides(self: _S, overrides: Mapping[str, Any]) -> _S:
        """A new settings object with ``overrides`` on top, checked like command-line flags."""
        values = self.as_dict()
        sources = dict(self.sources)
        merge_layer(
            self.schema(), values, overrides, Checker("command line", top_line=None, documented=CONFIG_DOCUMENTED), [], sources
        )
        return type(self)(values, self.warnings, sources)

    def __reduce__(self) -> tuple[Any, ...]:  # copy, deepcopy and pickle rebuild it from plain values
        return (type(self), (self.as_dict(), self.warnings, dict(self.sources)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.as_dict()!r})"


def merge_layer(
    schema: Mapping[str, Spec],
    values: dict[str, Any],
    layer: Mapping[str, Any],
    check: Checker,
    warnings: list[str],
    sources: dict[str, str],
) -> None:
    """Check one layer (a file, the environment, the flags) and put its values over ``values``.
    Unknown keys are warnings; a wrong value is a ConfigError naming the layer, line and field."""
    check.mapping(dict(layer), schema, unknown="warn", warnings=warnings)
    for key, value in layer.items():
        spec = schema.get(key)
        if spec is None:
            continue
        if isinstance(spec, Field):
            values[key] = value
            sources[key] = str(check.source)
            continue
        for sub, subvalue in value.items():
            if sub in spec:
                values[key][sub] = subvalue
                sources[f"{key}.{sub}"] = str(check.source)
