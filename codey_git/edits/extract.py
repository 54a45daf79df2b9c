"""Find the pieces of a model answer that may be edits: fenced blocks, raw diffs, file names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from .errors import UnsafeEdit
from .safety import check_path
from .udiff import looks_like_diff, with_hunk_header

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
_TOKEN = re.compile(r"[\w\-./\\~]+")
_EXTENSION = re.compile(r"\.[A-Za-z][\w]{0,9}$")
_DECORATION = re.compile(r"^(?:#+|//|\*+|>|-|<!--|\s)*(?:(?:file(?:name)?|path)\s*:)?\s*", re.IGNORECASE)
_HEADER = re.compile(r"^\s*(?:#|//|--|;|<!--|/\*)\s*(?:file(?:name)?|path)\s*:\s*(\S+)", re.IGNORECASE)
_NOT_PATHS = {"e.g", "i.e", "etc", "vs"}
_DIFF_LINE = (
    "+",
    "-",
    " ",
    "@@",
    "\\",
    "diff ",
    "index ",
    "new file",
    "deleted file",
    "similarity",
    "rename ",
    "old mode",
    "new mode",
)

Exists = Callable[[str], bool]


@dataclass
class Block:
    """A fenced code block and what names its file, if anything."""

    lang: str
    lines: list[str]
    path: str | None  # file name from the info string, a header line, or the line above
    header: str | None = None  # a "# file: x.py" first line removed from ``lines``
    mentioned: bool = False  # ``path`` is only an existing file mentioned in the prose above

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n" if self.lines else ""


def fences(lines: list[str]) -> Iterator[tuple[int, int, re.Match[str]]]:
    """(opening line, closing line, the opening's match) of each fenced block; a block never
    closed ends at ``len(lines)``."""
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence, _info = opening.groups()
        end = i + 1
        while end < len(lines) and not _closes(lines[end], fence, indent):
            end += 1
        yield i, end, opening
        i = end + 1


def split_answer(text: str, exists: Exists) -> tuple[list[Block], list[list[str]]]:
    """Fenced blocks, and the runs of prose lines between them."""
    lines = text.split("\n")
    blocks: list[Block] = []
    prose: list[list[str]] = [[]]
    after = 0
    for start, end, opening in fences(lines):
        prose[-1].extend(lines[after:start])
        indent, _fence, info = opening.groups()
        body = [line[len(indent) :] if line.startswith(indent) else line for line in lines[start + 1 : end]]
        blocks.append(_block(info.strip(), body, prose[-1], exists))
        prose.append([])
        after = end + 1
    prose[-1].extend(lines[after:])
    return blocks, [run for run in prose if run]


def _closes(line: str, fence: str, indent: str) -> bool:
    match = _FENCE.match(line)
    return bool(
        match
        and match.group(2)[0] == fence[0]
        and len(match.group(2)) >= len(fence)
        and not match.group(3).strip()
        and len(match.group(1)) <= len(indent)
    )


def _block(info: str, body: list[str], prose_before: list[str], exists: Exists) -> Block:
    words = [w for w in re.split(r"[\s:=\"'{}]+", info) if w]
    lang = words[0].lower() if words else ""
    path = next((w for w in words if _is_pathlike(w)), None)
    if path and lang == path.lower():
        lang = path.rsplit(".", 1)[-1].lower()
    header = None
    if body:
        named = _HEADER.match(body[0]) or _bare_comment_path(body[0], exists)
        if named:
            path = path or named.group(1).rstrip("-*/> ")
            header, body = body[0], body[1:]
    mentioned = False
    if path is None:
        nearby = [line for line in prose_before[-3:] if line.strip()]
        if nearby:
            path = path_from_line(nearby[-1], exists)
            mentioned = path is not None and not _is_bare_path(nearby[-1])
    return Block(lang, body, path, header, mentioned)


def _bare_comment_path(line: str, exists: Exists) -> re.Match[str] | None:
    match = re.match(r"^\s*(?:#|//)\s*([\w\-./]+)\s*$", line)
    return match if match and _is_pathlike(match.group(1)) and exists(match.group(1)) else None


def path_from_line(line: str, exists: Exists) -> str | None:
    """A file named by a prose line: the whole line when it is just a path, else an existing file."""
    if _is_bare_path(line):
        return _bare(line)  # "calc.py:", "**src/x.py**", "# file: x.py": explicit, checked by the caller
    for found in _TOKEN.findall(line):
        token: str = found.rstrip(".")
        if _is_pathlike(token) and exists(token):
            return token
    return None


def _bare(line: str) -> str:
    return _DECORATION.sub("", line.strip()).strip().strip("`*_:'\"").strip()


def _is_bare_path(line: str) -> bool:
    bare = _bare(line)
    return bool(bare) and " " not in bare and _is_pathlike(bare)


def _is_pathlike(token: str) -> bool:
    if token.lower() in _NOT_PATHS or token.replace(".", "").isdigit():
        return False
    return bool(_EXTENSION.search(token)) or ("/" in token.strip("/") and any(c.isalpha() for c in token))


def safe_exists(read: Callable[[str], str | None]) -> Exists:
    """An ``exists`` check that never reads a path that is unsafe to read."""

    def exists(token: str) -> bool:
        try:
            return read(check_path(token)) is not None
        except UnsafeEdit:  # an unsafe or unreadable mention in prose is just not a file name
            return False

    return exists


def raw_diffs(prose: list[list[str]]) -> list[str]:
    """Unified diffs written outside any fence."""
    found = []
    for run in prose:
        if not looks_like_diff(run):
            continue
        start = next(i for i, line in enumerate(run) if line.startswith(("@@", "diff --git ", "--- ")))
        end = start
        for i in range(start, len(run)):
            if run[i].startswith(_DIFF_LINE):
                end = i + 1
            elif run[i].strip():
                break
        found.append("\n".join(run[start:end]) + "\n")
    return found


def diff_blocks(blocks: list[Block]) -> list[tuple[str, str | None]]:
    """(diff text, file named near the block) for each fenced diff."""
    found = []
    for block in blocks:
        if block.lang in ("diff", "patch", "udiff"):
            found.append(("\n".join(with_hunk_header(block.lines)) + "\n", block.path))
        elif looks_like_diff(block.lines):
            found.append((block.text, block.path))
    return found
