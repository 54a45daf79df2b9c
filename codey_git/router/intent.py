"""What a free-text request was routed to."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from codey_git.router.lazyre import LazyRegex

# Requests that go down the coding path (fix/edit/plan/review subcommands, explain, test).
CODING_INTENTS = ("fix", "edit", "plan", "review", "explain", "test")
# Requests that run a command from the tool registry without loading the coder.
TOOL_INTENTS = ("git", "shell", "file")

# Coarse confidence tiers, recorded so a user (and the benchmark) can see how a route was decided.
EXACT = 1.0  # an exact form: "git status", "terminal: make", "read x.py"
KEYWORD = 0.9  # a leading verb or a fixed phrase: "fix ...", "show the log"
CUE = 0.8  # a phrase that names the intent without its verb: "second pair of eyes", "whose line"
SYMPTOM = 0.75  # no verb, but the text describes a failure: "TypeError in x.py line 3"
MODEL = 0.6  # the router model chose it
FALLBACK = 0.3  # nobody could decide: the coding path

_BUG_WORDS = LazyRegex(
    r"\b(\w*errors?|\w*exceptions?|bugs?|buggy|fails?|failing|failed|failures?|broken|breaks|crash(es|ed|ing)?|"
    r"traceback|wrong|incorrect|regression|doesn'?t work|does not work|not working|raises?)\b",
    re.I,
)


@dataclass
class Intent:
    name: str  # one of CODING_INTENTS or TOOL_INTENTS
    params: dict[str, Any] = field(default_factory=dict)  # files, lines, branch, argv, action...
    confidence: float = FALLBACK
    source: str = "fallback"  # "rules" | "model" | "fallback"

    @property
    def label(self) -> str:
        """The name a person would give this route: "fix", "git status", "read file", "shell"."""
        if self.name == "git":
            argv = self.params.get("argv") or ["git"]
            return "git " + argv[1] if len(argv) > 1 else "git"
        if self.name == "file":
            return "list files" if self.params.get("action") == "list" else "read file"
        return self.name

    @property
    def is_tool(self) -> bool:
        return self.name in TOOL_INTENTS

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["label"] = self.label
        return data


def mentions_bug(text: str) -> bool:
    return bool(_BUG_WORDS.search(text))


def coding_fallback(
    text: str, params: dict[str, Any] | None = None, *, source: str = "fallback", confidence: float = FALLBACK
) -> Intent:
    """The coding path for a request nothing else claims: fix when it talks about a failure, else edit."""
    name = "fix" if mentions_bug(text) else "edit"
    return Intent(name, dict(params or {}), confidence, source)
