"""Read unified diffs: strictly with ``unidiff`` when the headers are right, leniently otherwise.

Models often write ``@@ ... @@`` or wrong line counts. The lenient reader ends a hunk at the next
header instead of trusting counts; ``unidiff`` is used to confirm the headers, and when it accepts
the diff and reads the same hunks, its reading (which keeps counted trailing blank lines) wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import unidiff
from unidiff.errors import UnidiffParseError

_HUNK_HEADER = re.compile(r"^@@+\s*-(\d+)(?:,\d+)?\s+\+\d+(?:,\d+)?\s*@@")
_TIMESTAMP = re.compile(r"\s+\d{4}-\d\d-\d\d[ T]\d\d:\d\d.*$")
_REMARK = re.compile(r"\s+\((?:original|old|new|fixed|modified|updated|before|after)[^)]*\)$", re.IGNORECASE)
DEV_NULL = "/dev/null"


@dataclass
class Hunk:
    lines: list[tuple[str, str]]  # (" " | "-" | "+", text without newline)
    hint: int | None = None  # old-side start line from the header, 1-based; None if missing

    @property
    def old(self) -> list[str]:
        return [text for tag, text in self.lines if tag != "+"]

    @property
    def new(self) -> list[str]:
        return [text for tag, text in self.lines if tag != "-"]


@dataclass
class FilePatch:
    old_path: str | None  # as written in the header; None means /dev/null (file is created)
    new_path: str | None  # None means /dev/null (file is deleted)
    hunks: list[Hunk] = field(default_factory=list)


def parse_diff(text: str, default_path: str | None = None) -> tuple[list[FilePatch], list[str]]:
    """Return the file patches in ``text`` and notes on any leniency used."""
    patches = _parse_lenient(text, default_path)
    strict = _parse_strict(text)
    if strict is None or not _same_reading(patches, strict):
        if any(p.hunks for p in patches):
            return patches, ["diff hunk headers had missing or wrong line counts; hunks were read without them"]
        return patches, []
    for patch, strict_hunks in zip(patches, strict):
        for hunk, lines in zip(patch.hunks, strict_hunks):
            hunk.lines = lines
    return patches, []


def with_hunk_header(lines: list[str]) -> list[str]:
    """Give a ``@@`` header to a diff block that has +/- lines but none (common from small models)."""
    if any(line.startswith("@@") for line in lines) or not any(line[:1] in "+-" for line in lines if line):
        return lines
    after = 0
    for i in range(len(lines) - 1):
        if lines[i].startswith("--- ") and lines[i + 1].startswith("+++ "):
            after = i + 2
    return lines[:after] + ["@@"] + lines[after:]


def looks_like_diff(lines: list[str]) -> bool:
    for i, line in enumerate(lines):
        if line.startswith("@@") or line.startswith("diff --git "):
            return True
        if line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            return True
    return False


def _parse_lenient(text: str, default_path: str | None) -> list[FilePatch]:
    lines = text.split("\n")
    patches: list[FilePatch] = []
    hunk: Hunk | None = None
    git_header_open = False  # a "diff --git" patch still waiting for its ---/+++ lines

    def close() -> None:
        nonlocal hunk
        if hunk is not None:
            while hunk.lines and hunk.lines[-1] == (" ", ""):
                hunk.lines.pop()  # a blank line after a hunk is a separator, not context
            if hunk.lines:
                patches[-1].hunks.append(hunk)
        hunk = None

    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("diff --git "):
            close()
            old, new = _git_header_paths(line[len("diff --git ") :])
            patches.append(FilePatch(old, new))
            git_header_open = True
        elif line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            close()
            old, new = _header_path(line[4:]), _header_path(lines[i + 1][4:])
            if git_header_open and not patches[-1].hunks:
                patches[-1].old_path, patches[-1].new_path = old, new
            else:
                patches.append(FilePatch(old, new))
            git_header_open = False
            i += 1
        elif line.startswith("@@"):
            close()
            if not patches:
                patches.append(FilePatch(default_path, default_path))
            match = _HUNK_HEADER.match(line)
            hunk = Hunk([], int(match.group(1)) if match else None)
            git_header_open = False
        elif hunk is not None:
            if line == "":
                hunk.lines.append((" ", ""))
            elif line[0] in " -+":
                hunk.lines.append((line[0], line[1:]))
            elif not line.startswith("\\"):
                close()  # prose after the hunk
        i += 1
    close()
    return patches


def _parse_strict(text: str) -> list[list[list[tuple[str, str]]]] | None:
    try:
        patch_set = unidiff.PatchSet(text)
    except (UnidiffParseError, ValueError):
        return None
    return [
        [[(line.line_type, line.value.rstrip("\n")) for line in hunk if line.line_type in (" ", "-", "+")] for hunk in patched]
        for patched in patch_set
    ]


def _same_reading(lenient: list[FilePatch], strict: list[list[list[tuple[str, str]]]]) -> bool:
    if len(lenient) != len(strict):
        return False
    for patch, strict_hunks in zip(lenient, strict):
        if len(patch.hunks) != len(strict_hunks):
            return False
        for hunk, lines in zip(patch.hunks, strict_hunks):
            trimmed = list(lines)
            while trimmed and trimmed[-1] == (" ", ""):
                trimmed.pop()
            if trimmed != hunk.lines:
                return False
    return True


def _header_path(raw: str) -> str | None:
    path = raw.split("\t")[0].strip()
    path = _REMARK.sub("", _TIMESTAMP.sub("", path)).strip().strip('"')
    return None if path == DEV_NULL else path


def _git_header_paths(rest: str) -> tuple[str | None, str | None]:
    parts = rest.strip().split(" ")
    if len(parts) == 2:
        return parts[0], parts[1]
    half = len(rest) // 2  # "a/x y b/x y": paths with spaces split evenly
    return rest[:half].strip(), rest[half:].strip()
