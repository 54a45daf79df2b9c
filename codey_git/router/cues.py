"""Cue phrases: the words developers use for an intent when they do not start with its verb.

Checked after the exact forms and leading verbs, before question openers ("what", "how", "why")
and failure words decide. Each cue is a phrase, not a single common word, so that a rule only
claims what it names: "second pair of eyes" is a review, "who wrote ... line" is a blame,
"is everything still green" is a test run. A tool cue that cannot be built (a blame that names no
file) is skipped and the next cue or the router model decides.
"""

from __future__ import annotations

import re

from codey_git.router.lazyre import LazyRegex

_I = re.I
_CHANGES = r"(?:changes|edits|modifications|diff|work)"
_UNCOMMITTED = r"(?:uncommitted|not\s+(?:yet\s+)?committed|haven'?t\s+(?:yet\s+)?committed|unstaged|pending|local)"
_WHEN = r"(?:yesterday|today|this\s+(?:morning|week|month|sprint)|last\s+(?:night|week|month|sprint)|recently|lately)"
_REPO = r"(?:the\s+|this\s+|our\s+)?(?:repo|repository|project|codebase)"

# (label, pattern), first match wins. Labels are registry labels or coding intents.
CUES: list[tuple[str, LazyRegex]] = [
    # git diff: the changes themselves
    (
        "git diff",
        LazyRegex(
            rf"\b{_CHANGES}\b.*\b(?:i|we)\s+(?:haven'?t|have\s+not|didn'?t)\s+(?:yet\s+)?committed"
            rf"|\b{_UNCOMMITTED}\s+(?:\w+\s+)?{_CHANGES}\b"
            r"|\b(?:different|differs?)\s+from\s+(?:head|the\s+last\s+commit|main|master)\b"
            r"|^(?:show\s+(?:me\s+)?)?what\s+(?:i|we)\s+(?:have\s+|'ve\s+)?changed\b",
            _I,
        ),
    ),
    # git status: the state of the working tree
    (
        "git status",
        LazyRegex(
            r"^(?:is|are|anything|any|what(?:'s|\s+is|\s+are)?|which\s+files(?:\s+are)?|do\s+i\s+have)\b.*"
            r"\b(?:uncommitted|untracked|staged|unstaged|clean|dirty|to\s+commit)\b"
            r"|\bworking\s+(?:tree|copy|directory)\s+(?:clean|dirty|state)\b"
            r"|^(?:which|what)\s+files\s+(?:have\s+(?:i|we)\s+|did\s+(?:i|we)\s+)?(?:modified|changed|touched)\b",
            _I,
        ),
    ),
    # git log: what was committed, when
    (
        "git log",
        LazyRegex(
            rf"^what\s+(?:did|have|has)\s+(?:we|i|you|they|\w+)\s+(?:been\s+)?(?:do(?:ne)?|commit(?:ted)?|push(?:ed)?|merged?)\b"
            rf"|^what\s+(?:has|have|was|were)\s+(?:been\s+)?(?:merged|committed|pushed|landed)\b"
            rf"|^what\s+(?:changed|happened)\s+{_WHEN}"
            r"|^(?:the\s+)?(?:commit\s+)?history\s+(?:of|for)\b|\b(?:recent|latest|last)\s+(?:\d+\s+)?commits\b",
            _I,
        ),
    ),
    # git branch: where am I
    (
        "git branch",
        LazyRegex(
            r"\bwhere\s+am\s+i(?:\s+working)?(?:\s+(?:right\s+)?now)?$|\b(?:which|what)\s+branch(?:es)?\b"
            r"|\bbranch(?:es)?\s+(?:do\s+(?:we|i)\s+have|exist|are\s+there)\b|\b(?:list|show)\s+(?:all\s+)?(?:the\s+)?"
            r"(?:local\s+)?branches\b|\bwhat(?:'s|\s+is)\s+checked\s+out\b",
            _I,
        ),
    ),
    # git blame: who wrote it
    (
        "git blame",
        LazyRegex(
            r"\bwhose\s+(?:line|code|change)|\bwho(?:'s|\s+is)\s+(?:responsible|to\s+blame)\b|\bauthor\s+of\b"
            r"|\bwho\s+(?:last\s+)?(?:wrote|added|introduced|changed|modified|touched|edited)\b",
            _I,
        ),
    ),
    (
        "list files",
        LazyRegex(
            rf"^what(?:'s|\s+is)\s+(?:in|inside)\s+{_REPO}$"
            r"|^(?:list|show)\s+(?:me\s+)?(?:all\s+)?(?:the\s+|our\s+)?(?:project|repo|repository|source|tracked)\s+files$",
            _I,
        ),
    ),
    # review: someone else's eyes on changes
    (
        "review",
        LazyRegex(
            r"\bsecond\s+(?:pair\s+of\s+)?eyes\b|\bsanity[-\s]check\b|\bfeedback\s+on\b"
            rf"|\blook\s+(?:over|at|through)\s+(?:my|the|these|our)\s+(?:\w+\s+)?(?:{_CHANGES}|commits?|branch|pr|code)\b",
            _I,
        ),
    ),
    # test: run the suite to see that it passes
    (
        "test",
        LazyRegex(
            r"\b(?:still|all)\s+(?:pass(?:es|ing)?|green|works?|working)\b|\b(?:is|are)\s+(?:everything|it|all|ci|the\s+build)"
            r"\s+(?:still\s+)?(?:green|passing)\b|\b(?:did|have|has)\s+(?:i|we|my\s+change|this)\s+(?:break|broken?)\s+"
            r"(?:any(?:thing)?|the)?\s*(?:tests?)?$|\bnothing\s+(?:broke|regressed|is\s+broken)\b",
            _I,
        ),
    ),
    # plan: steps and strategy
    (
        "plan",
        LazyRegex(
            r"^(?:the\s+)?(?:steps|roadmap|strategy|game\s+plan|approach)\s+(?:to|for)\b"
            r"|\bbest\s+way\s+to\s+(?:approach|go\s+about|tackle|do|add|implement|handle|structure)\b"
            r"|\bhow\s+(?:would|should|could|can|do)\s+(?:i|we)\s+(?:go\s+about|approach|tackle)\b"
            r"|\b(?:break|split)\s+.+\s+into\s+(?:\w+\s+)?(?:steps|tasks|stages|phases|milestones)\b",
            _I,
        ),
    ),
    # explain: questions about code that do not start with a question word
    (
        "explain",
        LazyRegex(
            r"\b(?:purpose|point|meaning|role)\s+of\b|\bwhat\s+.+\s+is\s+for$|\bi\s+(?:don'?t|do\s+not)\s+"
            r"(?:get|understand|see)\s+(?:how|why|what|where|the)\b|\bconfused\s+(?:by|about)\b",
            _I,
        ),
    ),
]

# A failure described without the usual error words: "looks off", "throws a 500", "should be".
SYMPTOMS = LazyRegex(
    r"\b(?:looks?|seems?|is|are)\s+(?:\w+\s+){0,2}off\b|\boff[-\s]by[-\s]one\b|\bthrows?\b|\bhangs?\b|\bfreezes\b|\bleaks?\b"
    r"|\bshould(?:n'?t|\s+not)?\s+(?:be|return|give|show|print|work|have|stay|match|equal|include|not)\b"
    r"|\b(?:returns?|gives?|shows?|prints?|is|are)\b.*\binstead\s+of\b"
    r"|\b(?:doesn'?t|does\s+not|don'?t|isn'?t|aren'?t|won'?t|can'?t|cannot|never|no\s+longer)\b"
    r"|\b(?:skips|ignores|loses|drops|duplicates|truncates|misses)\b",
    _I,
)


def cue_labels(clean: str) -> list[str]:
    """Labels whose cue phrases appear in the (cleaned) request, in priority order."""
    return [label for label, pattern in CUES if pattern.search(clean)]


def describes_symptom(clean: str) -> bool:
    return bool(SYMPTOMS.search(clean))
