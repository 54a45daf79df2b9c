"""The one schema machinery for every YAML file codey reads: `.codey.yml`, recipes, scripted answers.

A ``Field`` declares one key: its type, default, meaning, choices and range. A ``Checker`` checks
parsed YAML (``codey_git.yamlfile``, which remembers the line of every value) against fields, and
every mistake is one error type, ``ConfigError``, worded the same for every file:

    .codey.yml:3: attempts: expected integer >= 1, got 0
    r.yml:3: budget.task_minutes: expected a finite number, got nan
    script.yml:4: responses.edit[0]: expected string or mapping, got 3

Numbers are always finite: ``.inf`` and ``.nan`` are refused wherever a number is expected.
"""

from __future__ import annotations

import builtins
import math
from dataclasses import dataclass
from typing import Any, Literal, Mapping, NoReturn, TypeAlias

from codey_git.errors import ConfigError

TYPE_NAMES: dict[type, str] = {int: "integer", float: "number", str: "string", bool: "true/false", list: "list", dict: "mapping"}


@dataclass(frozen=True)
class Field:
    type: builtins.type | tuple[builtins.type, ...]  # int, float, str, bool, list, dict, or a tuple of the allowed ones
    default: Any
    doc: str
    choices: tuple[Any, ...] | None = None
    nullable: bool = False
    minimum: float | None = None  # numbers: the smallest value allowed (any number must be finite)
    above: bool = False  # the value must be greater than ``minimum``, not equal to it
    required: bool = False  # a key that a mapping must have
    items: builtins.type | None = None  # lists: the type of every element

    @property
    def types(self) -> tuple[builtins.type, ...]:
        return self.type if isinstance(self.type, tuple) else (self.type,)

    @property
    def is_number(self) -> bool:
        return float in self.types

    def range_text(self) -> str:
        """``>= 1``, ``> 0``, or "" for a field without a range."""
        if self.minimum is None:
            return ""
        return f"{'>' if self.above else '>='} {self.minimum:g}"

    def choice_text(self) -> str:
        return ", ".join(str(c).lower() if isinstance(c, bool) else str(c) for c in self.choices or ())

    def type_name(self) -> str:
        """What the field expects, in words: ``integer >= 1``, ``one of windows, whole``, ``number (or null)``."""
        text = "number" if self.is_number else " or ".join(TYPE_NAMES.get(t, t.__name__) for t in self.types)
        if self.choices:
            text = "one of " + self.choice_text()
        if self.range_text():
            text += " " + self.range_text()
        return text + (" (or null)" if self.nullable else "")

    def type_ok(self, value: Any) -> bool:
        if value is None:
            return self.nullable
        if isinstance(value, bool) and bool not in self.types:
            return False
        return isinstance(value, self.types)

    def in_range(self, value: Any) -> bool:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return True
        if isinstance(value, float) and not math.isfinite(value):
            return False
        if self.minimum is None:
            return True
        return value > self.minimum if self.above else value >= self.minimum

    def convert(self, value: Any) -> Any:
        """The value as the settings hold it: a number field holds a float."""
        if self.is_number and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value


Spec: TypeAlias = "Field | Mapping[str, Any]"  # a field, or a section: a mapping of names to specs


def hint_for(spec: Field, field: str, documented: str = "") -> str:
    return f"{field}: {spec.doc}" + (f" {documented}" if documented else "")


def check_value(
    spec: Field, value: Any, field: str, source: str | None = None, line: int | None = None, documented: str = ""
) -> None:
    """Type, choice and range of one value (not a list's items); a ConfigError naming source, line
    and field if wrong."""
    if not spec.type_ok(value):
        wrong = f"expected {spec.type_name()}, got {value!r}"
    elif spec.choices and value is not None and value not in spec.choices:
        wrong = f"expected one of {spec.choice_text()}, got {value!r}"
    elif not spec.in_range(value):
        finite = isinstance(value, int) or math.isfinite(value)
        wrong = f"expected {spec.type_name() if finite else 'a finite number'}, got {value!r}"
    else:
        return
    raise ConfigError(wrong, file=source, line=line, field=field, hint=hint_for(spec, field, documented))


class Checker:
    """Checks one parsed document (or one layer of settings) against fields.

    ``source`` is the file (or "environment", "command line"); ``lines`` maps a dotted path such as
    ``tasks[0].files[1]`` to its line. A key that is missing is reported at its parent's line, else
    at ``top_line`` (1 for a file, none for a layer that is not a file). ``documented`` ends every
    hint about a field: where its keys are documented."""

    def __init__(
        self, source: str | None, lines: Mapping[str, int] | None = None, *, top_line: int | None = 1, documented: str = ""
    ):
        self.source = source
        self.lines: Mapping[str, int] = lines or {}
        self.top_line = top_line
        self.documented = documented

    def line(self, path: str) -> int | None:
        """The line of ``path``, else of its nearest parent that has one, else ``top_line``."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.top_line

    def where(self, path: str) -> str:
        """``file:line`` of ``path`` (for a warning)."""
        line = self.lines.get(path)
        return f"{self.source}:{line}" if line else str(self.source)

    def fail(self, message: str, path: str, hint: str | None = None) -> NoReturn:
        raise ConfigError(message, file=self.source, line=self.line(path), field=path or None, hint=hint)

    def value(self, value: Any, spec: Field, path: str) -> None:
        check_value(spec, value, path, self.source, self.line(path), self.documented)
        if spec.items is not None and isinstance(value, list):
            item = Field(spec.items, None, spec.doc)
            for i, element in enumerate(value):
                check_value(item, element, f"{path}[{i}]", self.source, self.line(f"{path}[{i}]"), self.documented)

    def mapping(
        self,
        data: Any,
        specs: Mapping[str, Spec],
        path: str = "",
        *,
        unknown: Literal["error", "warn", "ignore"] = "error",
        warnings: list[str] | None = None,
    ) -> dict[str, Any]:
        """Check a mapping key by key; a spec that is itself a mapping is a section, checked the same
        way. Unknown keys are an error, a warning (appended to ``warnings``) or ignored."""
        if not isinstance(data, dict):
            self.fail(f"expected mapping, got {data!r}", path)
        for key, value in data.items():
            child = f"{path}.{key}" if path else str(key)
            spec = specs.get(key)
            if spec is None:
                if unknown == "error":
                    self.fail(f"unknown field {key!r}", child, f"Known fields: {', '.join(specs)}.")
                if unknown == "warn" and warnings is not None:
                    warnings.append(f"{self.where(child)}: unknown key {path + '.' if path else ''}{key!r} ignored")
            elif isinstance(spec, Field):
                self.value(value, spec, child)
            else:
                self.mapping(value, spec, child, unknown=unknown, warnings=warnings)
        for key, spec in specs.items():
            if isinstance(spec, Field) and spec.required and key not in data:
                self.fail("missing required field", f"{path}.{key}" if path else key)
        return data
