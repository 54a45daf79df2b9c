"""YAML loading that remembers where each key was, for errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from codey_git.errors import ConfigError


def _to_python(node: yaml.Node, path: str, lines: dict[str, int]) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node)) if not isinstance(key_node, yaml.ScalarNode) else key_node.value
            child = f"{path}.{key}" if path else str(key)
            lines[child] = key_node.start_mark.line + 1
            out[key] = _to_python(value_node, child, lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            child = f"{path}[{i}]"
            lines[child] = item.start_mark.line + 1
            items.append(_to_python(item, child, lines))
        return items
    # scalars: let the safe constructor resolve the type (int, bool, null, str...)
    return yaml.safe_load(yaml.serialize(node))


def parse_yaml_with_lines(text: str, source: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML text. Returns (data, {"a.b[0].c": line}). Raises ConfigError on bad YAML."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"invalid YAML: {problem}", file=source, line=line) from None
    if node is None:
        return None, {}
    lines: dict[str, int] = {}
    return _to_python(node, "", lines), lines


def load_yaml_with_lines(path: Path) -> tuple[Any, dict[str, int]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", file=str(path)) from None
    return parse_yaml_with_lines(text, str(path))
