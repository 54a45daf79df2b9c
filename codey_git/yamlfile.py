"""The one way codey reads YAML (config, recipes, scripted answers, YAML in CODEY_* variables).

Every value remembers the line it came from, so that errors name file, line and field. Anything
wrong with a file — bytes that are not UTF-8, a syntax error, a tab used for indenting, a key
that is a list or a mapping, a key given twice, an alias that contains itself, aliases that
expand into millions of values ("billion laughs"), nesting too deep, an unknown ``!!tag``, a top
level that is not a mapping — is a ``ConfigError`` naming the file and line, with a hint. Nothing
else escapes from here, whatever the bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.constructor import SafeConstructor

from codey_git.errors import ConfigError

MAX_BYTES = 16 * 1024 * 1024  # no configuration, recipe or script is this big
MAX_VALUES = 200_000  # values after aliases are expanded: far above any real file
MAX_DEPTH = 100
MERGE_TAG = "tag:yaml.org,2002:merge"
PLAIN_COLLECTIONS = ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")  # nesting of lists and mappings

SYNTAX_HINT = "Fix the YAML near that line: indent with spaces (not tabs), quote text that holds ': ' or '#'."
TAG_HINT = "Remove the `!tag` before the value; codey reads text, numbers, true/false, null, lists and mappings."
DEPTH_HINT = "Flatten the file: codey's files are a few levels deep."
ALIAS_HINT = "Write the values out instead of using anchors (&name) and aliases (*name)."


class _Scalars(SafeConstructor):
    """Turns one scalar node into its Python value (int, float, bool, None, str, date...)."""

    def value(self, node: yaml.ScalarNode) -> Any:
        try:
            return self.construct_object(node, deep=True)
        finally:
            self.constructed_objects.clear()
            self.recursive_objects.clear()


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _Converter:
    def __init__(self, source: str):
        self.source = source
        self.lines: dict[str, int] = {}
        self.scalars = _Scalars()
        self.sizes: dict[int, int] = {}

    def fail(self, message: str, node: yaml.Node | None, hint: str | None = None, field: str | None = None) -> NoReturn:
        raise ConfigError(
            message, file=self.source, line=_line(node) if node is not None else None, field=field or None, hint=hint
        )

    def size(self, node: yaml.Node, stack: set[int], depth: int) -> int:
        """How many values ``node`` stands for once every alias is expanded. Refuses an alias that
        contains itself, nesting deeper than MAX_DEPTH and a total over MAX_VALUES."""
        key = id(node)
        if key in self.sizes:
            return self.sizes[key]
        if key in stack:
            self.fail("an alias refers to a value that contains it (a recursive alias)", node, ALIAS_HINT)
        if depth > MAX_DEPTH:
            self.fail(f"lists and mappings nested more than {MAX_DEPTH} deep", node, DEPTH_HINT)
        total = 1
        if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
            stack.add(key)
            children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
            for child in children:
                total += self.size(child, stack, depth + 1)
                if total > MAX_VALUES:
                    self.fail(
                        f"the document expands to more than {MAX_VALUES:,} values (aliases of aliases: "
                        f"a 'billion laughs' document?)",
                        node,
                        ALIAS_HINT,
                    )
            stack.discard(key)
        self.sizes[key] = total
        return total

    def key(self, node: yaml.Node, path: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            kind = "list" if isinstance(node, yaml.SequenceNode) else "mapping"
            self.fail(
                f"a key must be plain text, not a {kind}",
                node,
                "Write `name: value` with a plain word as the name (a `? ` line starts a complex key).",
                field=path,
            )
        return str(node.value)

    def merge_into(self, out: dict[str, Any], node: yaml.Node, path: str) -> None:
        """``<<: *a`` or ``<<: [*a, *b]``: the keys of those mappings that ``out`` does not have yet."""
        outer, self.lines = self.lines, {}
        try:
            for source in node.value if isinstance(node, yaml.SequenceNode) else [node]:
                value = self.convert(source, path)
                if not isinstance(value, dict):
                    self.fail(
                        "`<<:` merges a mapping (or a list of mappings) into this one", source, ALIAS_HINT, field=path or None
                    )
                for key, item in value.items():
                    if key not in out:
                        out[key] = item
                        prefix = f"{path}.{key}" if path else key
                        outer.update(
                            {k: v for k, v in self.lines.items() if k == prefix or k.startswith((prefix + ".", prefix + "["))}
                        )
        finally:
            self.lines = outer

    def convert(self, node: yaml.Node, path: str) -> Any:
        if not isinstance(node, yaml.ScalarNode) and node.tag not in PLAIN_COLLECTIONS:
            self.fail(f"invalid YAML: the tag {node.tag!r} is not allowed here", node, TAG_HINT, field=path or None)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            merges = []
            for key_node, value_node in node.value:
                if key_node.tag == MERGE_TAG:  # `<<: *defaults`: their keys, unless given here
                    merges.append(value_node)
                    continue
                key = self.key(key_node, path)
                child = f"{path}.{key}" if path else key
                if key in out:
                    self.fail(
                        f"key {key!r} appears twice (first on line {self.lines.get(child, '?')})",
                        key_node,
                        "Keep one of them.",
                        field=child,
                    )
                self.lines[child] = _line(key_node)
                out[key] = self.convert(value_node, child)
            for merge in merges:
                self.merge_into(out, merge, path)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                child = f"{path}[{i}]"
                self.lines[child] = _line(item)
                items.append(self.convert(item, child))
            return items
        if not isinstance(node, yaml.ScalarNode):  # PyYAML composes no other kind of node
            self.fail("invalid YAML: an unknown kind of node", node, TAG_HINT, field=path or None)
        try:
            return self.scalars.value(node)
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            self.fail(f"invalid YAML: {problem}", node, TAG_HINT, field=path or None)
        except (ValueError, TypeError, OverflowError) as exc:  # e.g. a timestamp like 2020-13-45
            self.fail(f"invalid value {node.value!r}: {exc}", node, "Quote it to keep it as text.", field=path or None)


def _syntax_error(exc: yaml.YAMLError, text: str, source: str) -> ConfigError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    position = getattr(exc, "position", None)  # ReaderError: a character YAML does not allow
    if line is None and isinstance(position, int):
        line = text.count("\n", 0, position) + 1
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc).splitlines()[0]
    hint = SYNTAX_HINT
    if "'\\t'" in str(problem) or "\t" in (text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""):
        hint = "YAML indents with spaces, never tabs: replace the tab on that line with spaces."
    elif isinstance(exc, yaml.reader.ReaderError):
        hint = "Remove the control character on that line (the file may not be text)."
    return ConfigError(f"invalid YAML: {problem}", file=source, line=line, hint=hint)


def parse_yaml_with_lines(text: str, source: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML text. Returns (data, {"a.b[0].c": line}). Raises ConfigError on anything wrong."""
    text = text.removeprefix("\ufeff")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text, source) from None
    except RecursionError:
        raise ConfigError(f"lists and mappings nested more than {MAX_DEPTH} deep", file=source, hint=DEPTH_HINT) from None
    if node is None:
        return None, {}
    converter = _Converter(source)
    converter.size(node, set(), 0)
    return converter.convert(node, ""), converter.lines


def decode_yaml_bytes(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at line {line})", file=source, line=line, hint="Save the file as UTF-8."
        ) from None


def read_yaml_bytes(path: Path) -> bytes:
    """The file's bytes, at most MAX_BYTES of them; a file that cannot be read is a ConfigError."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(
            f"cannot read: {exc.strerror or exc}", file=str(path), hint="Check that the file exists and is readable."
        ) from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(
            f"over {MAX_BYTES:,} bytes: too big for a YAML file codey reads",
            file=str(path),
            hint="Point codey at the right file; configuration, recipes and scripts are small.",
        )
    return raw


def load_yaml_with_lines(path: Path) -> tuple[Any, dict[str, int]]:
    """Read and parse a YAML file; every failure, reading included, is a ConfigError."""
    return parse_yaml_with_lines(decode_yaml_bytes(read_yaml_bytes(path), str(path)), str(path))


def as_mapping(
    data: Any, lines: dict[str, int], source: str, what: str = "a mapping of keys to values"
) -> tuple[dict[str, Any], dict[str, int]]:
    """Parsed YAML whose top level must be a mapping (an empty document is an empty mapping)."""
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"the value {data!r}"[:80]
        raise ConfigError(
            f"expected {what} at the top level, got {kind}",
            file=source,
            line=1,
            hint="Write `key: value` lines at the top level, starting at column 1.",
        )
    return data, lines


@dataclass(frozen=True)
class YamlDocument:
    """One YAML file codey read: its top-level mapping, the line of every value ("a.b[0].c"), the
    file's name as errors give it, and its bytes (the scripted backend hashes them)."""

    data: dict[str, Any]
    lines: dict[str, int]
    source: str
    raw: bytes


def load_yaml_document(path: Path, what: str = "a mapping of keys to values") -> YamlDocument:
    """The one way codey loads a YAML file (config, recipe, scripted answers): read at most
    MAX_BYTES, decode UTF-8, parse with lines, require a mapping at the top. Anything wrong is a
    ConfigError naming the file and line; the caller checks the mapping against its fields
    (``codey_git.config.fields``)."""
    source = str(path)
    raw = read_yaml_bytes(path)
    data, lines = as_mapping(*parse_yaml_with_lines(decode_yaml_bytes(raw, source), source), source, what)
    return YamlDocument(data, lines, source, raw)


def load_yaml_mapping(path: Path, what: str = "a mapping of keys to values") -> tuple[dict[str, Any], dict[str, int]]:
    """A YAML file whose top level must be a mapping (an empty file is an empty mapping)."""
    doc = load_yaml_document(path, what)
    return doc.data, doc.lines
