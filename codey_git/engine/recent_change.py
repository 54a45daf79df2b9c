"""The change a request says the bug came with ("tests fail since the last change", "broken since
v1.2.0"): what it did to the code the failing tests run, shown to the coder as a diff, its lines
named first. A git-native tool has the history a developer would look at first (`git show`);
it is used only when the request names a change, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pygit2

from codey_git.testpaths import is_test_file

_LAST = re.compile(
    r"\b(?:since|after|with|in|by)\s+(?:(?:the|my|our|your)\s+)?(?:last|latest|previous|recent)\s+(?:change|commit)\b"
    r"(?!'s|\s+(?:message|title|subject))",  # "the typo in the last commit message" names no change
    re.I,
)
_VERSION = r"v?\d+(?:\.\d+)+(?:-?(?:a|b|rc|alpha|beta|pre|dev|post)\.?\d*)?"
_REF = r"[\w][\w./-]*[\w]"  # a branch or tag name: "feature/login-form", "release-7"
_SINCE = re.compile(
    r"\bsince\s+(?:"
    rf"(?:commit\s+|tag\s+|branch\s+)({_REF})"  # named as a ref: any name
    rf"|(?:version\s+)?(HEAD(?:[~^]\d*)*|[0-9a-f]{{7,40}}|{_VERSION}|(?:origin/)?(?:main|master|trunk|develop))"
    r")(?![\w/-]|\.\w)",
    re.I,
)
MAX_HUNKS = 3  # hunks shown: the change's hunks in code the failing tests ran, first in file order
MAX_LINES = 40  # diff lines shown at most
MAX_CHARS = 3000  # and characters: one line of a data file can be 100 KB
MAX_FILES = 200  # changed Python files read at most (a range of months can change thousands)


def requested_base(text: str) -> str | None:
    """The revision the request says things broke after: ``HEAD~1`` for "since the last change",
    the named revision for "since v1.2.0" / "since 3f2a9c1" / "since HEAD~3" / "since main" /
    "since branch NAME" / "since tag NAME"; None otherwise."""
    if _LAST.search(text):
        return "HEAD~1"
    m = _SINCE.search(text)
    return (m.group(1) or m.group(2)) if m else None


@dataclass
class Hunk:
    path: str
    new_lines: list[int]  # lines of HEAD's file the hunk added or changed
    around: tuple[int, int]  # (first, last) line of HEAD's file the hunk spans, context included
    text: str  # the hunk as a unified diff, its header included


@dataclass
class RecentChange:
    base: str  # the revision as the request named it
    label: str  # what the note calls it: 'the last change (3f2a9c1 "feat: ...")'
    hunks: list[Hunk] = field(default_factory=list)

    def note(self) -> str:
        shown = "\n".join(h.text for h in self.hunks)
        return (
            f"The request says the bug came with {self.label}. What it changed in the code the failing tests run "
            f"(the bug is likely among these lines; keep what the change meant to do):\n```diff\n{shown}\n```"
        )


def recent_change(root: Path, base: str, ran: Callable[[str, int], bool] | None, head: str | None = None) -> RecentChange | None:
    """What ``base``..``head`` changed in the project's non-test Python files (renames followed, new
    files included), the hunks limited to those whose lines a failing test ran (``ran(path,
    line)``; every hunk when none did, or when there is no coverage). ``head``: the commit the task
    started from, which "HEAD" in ``base`` means (codey's own commits in the worktree, a
    provisional test or an earlier step, are not the user's change); the worktree's HEAD when None.
    None when the revision does not resolve, a blob cannot be read (a partial clone), or nothing
    such changed."""
    try:
        repo = pygit2.Repository(str(root))
        found = repo.get(head) if head else repo.revparse_single("HEAD")
        if found is None:
            return None
        tip = found.peel(pygit2.Commit)
        rev = str(tip.id) + base[4:] if head and base.upper().startswith("HEAD") else base
        named = repo.revparse_single(rev).peel(pygit2.Commit)
        # "since main" on a branch: what the branch did since it left main (git diff main...HEAD)
        fork: pygit2.Oid | None = repo.merge_base(named.id, tip.id)  # None: unrelated histories
        old = repo[fork].peel(pygit2.Commit) if fork is not None else named
        diff = repo.diff(old, tip, context_lines=1)
        diff.find_similar()
        wanted = [i for i, d in enumerate(diff.deltas) if _is_code(d)][:MAX_FILES]  # a long range: no patch for the rest
        hunks = [h for i in wanted if (patch := diff[i]) is not None for h in _hunks(patch)]
    except (KeyError, ValueError, pygit2.GitError):
        return None
    run = [h for h in hunks if ran is not None and any(ran(h.path, n) for n in range(h.around[0], h.around[1] + 1))]
    kept: list[Hunk] = []
    lines = chars = 0
    for h in run or hunks:
        # a hunk too long to show (a regenerated data file, a rewrite) would be most of the prompt
        if len(kept) < MAX_HUNKS and lines + h.text.count("\n") + 1 <= MAX_LINES and chars + len(h.text) <= MAX_CHARS:
            kept.append(h)
            lines, chars = lines + h.text.count("\n") + 1, chars + len(h.text)
    if not kept:
        return None
    name = "the last change" if base == "HEAD~1" else f"the changes since {base}"
    subject = tip.message.strip().splitlines()[0][:72] if tip.message.strip() else ""
    label = f'{name} ({str(tip.id)[:7]} "{subject}")' if base == "HEAD~1" else name
    return RecentChange(base=base, label=label, hunks=kept)


def _is_code(delta: pygit2.DiffDelta) -> bool:
    """A changed, renamed or new Python file that is not a test: where the bug can be."""
    path = delta.new_file.path
    return delta.status_char() in "MRA" and path.endswith(".py") and not is_test_file(path)


def _hunks(patch: pygit2.Patch) -> list[Hunk]:
    delta, path = patch.delta, patch.delta.new_file.path
    out = []
    for hunk in patch.hunks:
        body = [f"{line.origin}{line.content.rstrip(chr(10))}" for line in hunk.lines if line.origin in " +-"]
        new = [line.new_lineno for line in hunk.lines if line.origin == "+"]
        if not new:  # lines only removed: the lines around the gap are where it shows
            new = [max(1, hunk.new_start)]
        header = f"--- a/{delta.old_file.path}\n+++ b/{path}\n@@ -{hunk.old_start},{hunk.old_lines} +{hunk.new_start},{hunk.new_lines} @@"
        out.append(
            Hunk(path, new, (hunk.new_start, hunk.new_start + max(hunk.new_lines - 1, 0)), header + "\n" + "\n".join(body))
        )
    return out
