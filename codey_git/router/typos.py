"""Words that are not commands. `git codey hlep`, `git codey udno` and `git codey version` are a
mistyped or unknown command, never a request: they end in a usage error that says what was
probably meant, before any model is loaded or anything is run.

Used by both ways in: the fast path (``fast.py``, before a rule-routed tool runs) and `route`
(``commands/route.py``), so the two answer the same words the same way.
"""

from __future__ import annotations

import re
import shlex

from codey_git.errors import UsageError
from codey_git.router.intent import Intent

TROUBLESHOOTING = "the Troubleshooting section of codey's README"
# words people type for things that are options
_OPTION_WORDS = {"version": "git codey --version", "usage": "git codey help"}


def distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit ("udno" -> "undo": 1)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def close_commands(word: str, names: set[str] | list[str], *, same_letters: bool = True) -> list[str]:
    """Commands ``word`` is probably a typo of, closest first: within 2 edits when both are five
    letters or longer, within 1 otherwise (so "git" is not taken for `gc`, nor "do" for `undo`),
    or a prefix of at least three letters ("rec" -> recipes). ``same_letters``: include a command
    that differs only in case ("Undo")."""
    word = word.lower()
    found = []
    for name in names:
        if word == name and not same_letters:
            continue
        edits = distance(word, name)
        limit = 2 if min(len(word), len(name)) >= 5 else 1
        if edits <= limit or (len(word) >= 3 and name.startswith(word)):
            found.append((edits, name))
    return [name for _, name in sorted(found)]


def looks_mistyped(word: str, names: set[str] | list[str]) -> list[str]:
    """Commands that a word placed first in a longer request is a typo of: one edit away keeping the
    first letter, or two neighbouring letters swapped ("reveiw", "fxi", "lgo"). Stricter than
    ``close_commands`` because a real request starts with a real word ("look over", "steps to")."""
    word = word.lower()
    return [
        name
        for name in close_commands(word, names, same_letters=False)
        if distance(word, name) == 1 and (word[0] == name[0] or sorted(word) == sorted(name))
    ]


def is_single_word(words: list[str]) -> bool:
    return len(words) == 1 and re.fullmatch(r"\S+", words[0].strip()) is not None


def unknown_command(word: str, names: set[str] | list[str], words: list[str] | None = None) -> UsageError:
    """The error for a word in the command's place that is not a command; ``words``, when the word
    began a longer request, lets the hint show how to send that request as words."""
    shown = word.strip()
    close = close_commands(shown, names)
    lines = []
    if close:
        lines.append("did you mean " + " or ".join(f"`git codey {n}`" for n in close[:3]) + "?")
    lower = shown.lower()
    if lower in _OPTION_WORDS:
        lines.append(f"did you mean `{_OPTION_WORDS[lower]}`?")
    if words and len(words) > 1:
        lines.append(f"A request in words goes in quotes: git codey {shlex.quote(' '.join(words))}")
    else:
        lines.append('A request in words takes more than one word: git codey "fix the bug in calc.py line 3"')
    lines.append(f"Commands: `git codey help`. Stuck? See {TROUBLESHOOTING}.")
    return UsageError(f"{shown!r} is not a git codey command", "\n  ".join(lines))


def check_command_word(words: list[str], intent: Intent | None, names: set[str] | list[str]) -> None:
    """Raise a UsageError when the words in the command's place look like a command, not a request.

    A request the rules route to a tool or to the tests is taken as asked (`git codey ls`,
    `git codey status`, `git codey tests`). Otherwise:
    - a first word one typo from a command is that command mistyped (`git codey reveiw --range X`,
      `git codey fxi the bug`);
    - a single word that is not a command is an unknown command: it never becomes a code change.
    """
    if not words:
        return
    if intent is not None and intent.source == "rules" and (intent.is_tool or intent.name == "test"):
        return
    first = words[0].strip()
    if re.fullmatch(r"[\w.-]+", first) and looks_mistyped(first, names):
        raise unknown_command(first, names, words)
    if is_single_word(words):
        raise unknown_command(first, names)
