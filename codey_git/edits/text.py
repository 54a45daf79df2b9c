"""File text as lines that remember their endings, and cleanup of raw model output."""

from __future__ import annotations

import re
from dataclasses import dataclass

_THINK = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.DOTALL | re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</(think|thinking|reasoning)>", re.IGNORECASE)
_THINK_OPEN = re.compile(r"<(think|thinking|reasoning)>", re.IGNORECASE)


def clean_model_text(text: str) -> str:
    """Drop CRs and reasoning blocks; what is left is the answer the edit is read from."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _THINK.sub("", text)
    closes = list(_THINK_CLOSE.finditer(text))
    if closes:  # the opening tag was part of the prompt template
        text = text[closes[-1].end() :]
    opened = _THINK_OPEN.search(text)
    if opened:  # reasoning never closed: the answer was cut off inside it
        text = text[: opened.start()]
    return text


@dataclass
class Doc:
    """A text file as content lines (no endings) plus each line's own ending."""

    lines: list[str]
    ends: list[str]
    newline: str = "\n"
    trailing: bool = True  # the text ends with a newline

    @classmethod
    def from_text(cls, text: str) -> "Doc":
        parts = text.split("\n")
        last = parts.pop()  # text after the final "\n" ("" when it ends with one)
        lines, ends = [], []
        for part in parts:
            if part.endswith("\r"):
                lines.append(part[:-1])
                ends.append("\r\n")
            else:
                lines.append(part)
                ends.append("\n")
        if last:
            lines.append(last)
            ends.append("")
        crlf = ends.count("\r\n")
        newline = "\r\n" if crlf and crlf >= len(ends) - crlf - (1 if last else 0) else "\n"
        return cls(lines, ends, newline, trailing=not last)

    def replace(self, start: int, end: int, new_lines: list[str]) -> None:
        """Replace lines[start:end] with new_lines (which take the file's usual line ending)."""
        self.lines[start:end] = new_lines
        self.ends[start:end] = [self.newline] * len(new_lines)

    def to_text(self) -> str:
        if not self.lines:
            return ""
        ends = [e or self.newline for e in self.ends]
        ends[-1] = (ends[-1] or self.newline) if self.trailing else ""
        return "".join(line + end for line, end in zip(self.lines, ends))
