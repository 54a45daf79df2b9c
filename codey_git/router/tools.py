"""The tool registry: git, shell and file commands a request can run without loading the coder.

Every command is an argv list. Arguments come from the user's own words (``shlex.split`` of what
they typed) or from a fixed template here; model output only ever picks a template by name.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from codey_git.router.intent import KEYWORD, Intent

# git subcommands that only read the repository
GIT_READ_ONLY = frozenset(
    {
        "status",
        "log",
        "diff",
        "show",
        "blame",
        "annotate",
        "shortlog",
        "describe",
        "ls-files",
        "ls-tree",
        "grep",
        "reflog",
        "whatchanged",
        "rev-parse",
        "rev-list",
        "cat-file",
        "count-objects",
        "help",
        "version",
        "show-branch",
        "name-rev",
        "range-diff",
    }
)
# git subcommands that read when given only listing options, and change things otherwise
GIT_LISTING = {
    "branch": {
        "-a",
        "-r",
        "-v",
        "-vv",
        "--list",
        "-l",
        "--all",
        "--remotes",
        "--show-current",
        "--merged",
        "--no-merged",
        "--contains",
        "--verbose",
    },
    "tag": {"-l", "--list", "-n"},
    "stash": {"list", "show"},
    "remote": {"-v", "--verbose", "show", "get-url"},
    "worktree": {"list"},
    "config": {"--list", "-l", "--get", "--get-all", "--show-origin"},
}
GIT_MUTATING = frozenset(
    {
        "add",
        "commit",
        "checkout",
        "switch",
        "restore",
        "reset",
        "rebase",
        "merge",
        "pull",
        "push",
        "fetch",
        "cherry-pick",
        "revert",
        "rm",
        "mv",
        "clean",
        "am",
        "apply",
        "init",
        "clone",
        "bisect",
        "notes",
        "gc",
        "submodule",
        "format-patch",
        "archive",
        "prune",
        "update-ref",
        "sparse-checkout",
    }
)
GIT_SUBCOMMANDS = GIT_READ_ONLY | GIT_MUTATING | frozenset(GIT_LISTING)

# What the router model may choose among tools: a label and nothing else.
MODEL_TOOL_LABELS = ("git status", "git log", "git diff", "git branch", "git blame", "list files", "read file")


@dataclass
class ToolCommand:
    tool: str  # "git" | "shell" | "file"
    argv: list[str]
    mutating: bool  # may change the repository or anything else

    @property
    def shown(self) -> str:
        """The command as a shell would need it typed: every argument quoted where needed."""
        return shlex.join(self.argv)


def git_is_read_only(argv: list[str]) -> bool:
    if len(argv) < 2:
        return True
    sub, rest = argv[1], argv[2:]
    if sub in GIT_READ_ONLY:
        return not any(a.startswith("--output") for a in rest)
    if sub in GIT_LISTING:
        if not rest:
            return sub in ("branch", "tag", "remote")
        if sub in ("branch", "tag"):  # option style: every argument must be a listing option
            return all(a in GIT_LISTING[sub] for a in rest)
        return rest[0] in GIT_LISTING[sub]  # subcommand style: "stash list", "remote show"
    return False


def git_intent(argv: list[str], confidence: float, source: str = "rules", **params: Any) -> Intent:
    return Intent("git", {"argv": argv, **{k: v for k, v in params.items() if v}}, confidence, source)


def intent_for_label(
    label: str, params: dict[str, Any], *, count: int | None = None, confidence: float = KEYWORD, source: str = "rules"
) -> Intent | None:
    """Build a tool intent from a registry label and the parameters found in the user's words.
    None when the registry cannot build it (a blame or read with no file named)."""
    files, lines = params.get("files") or [], params.get("lines") or []
    if label == "git status":
        return git_intent(["git", "status"], confidence, source)
    if label == "git log":
        return git_intent(
            ["git", "log", "--oneline", "-n", str(count or 20), *(["--", *files] if files else [])],
            confidence,
            source,
            files=files,
        )
    if label == "git diff":
        return git_intent(["git", "diff", *(["--", *files] if files else [])], confidence, source, files=files)
    if label == "git branch":
        return git_intent(["git", "branch", "--list", "-v"], confidence, source)
    if label == "git blame":
        if not files:
            return None
        span = ["-L", f"{min(lines)},{max(lines)}"] if lines else []
        return git_intent(["git", "blame", *span, "--", files[0]], confidence, source, files=files[:1], lines=lines)
    if label == "list files":
        return Intent("file", {"action": "list"}, confidence, source)
    if label == "read file":
        if not files:
            return None
        return Intent("file", {"action": "read", "files": files}, confidence, source)
    return None


def command_for(intent: Intent) -> ToolCommand | None:
    """The argv an intent runs, or None when the registry does not know it."""
    params = intent.params
    if intent.name == "git":
        argv = list(params.get("argv") or [])
        if len(argv) < 2 or argv[0] != "git" or argv[1] not in GIT_SUBCOMMANDS:
            return None
        return ToolCommand("git", argv, mutating=not git_is_read_only(argv))
    if intent.name == "shell":
        argv = list(params.get("argv") or [])
        return ToolCommand("shell", argv, mutating=True) if argv else None
    if intent.name == "file":
        if params.get("action") == "list":
            return ToolCommand("file", ["git", "ls-files"], mutating=False)
        files = params.get("files") or []
        return ToolCommand("file", ["cat", "--", *files], mutating=False) if files else None
    return None
