"""Rule routing: exact forms, aliases and leading verbs, then cue phrases (``cues.py``), question
openers and failure words. Fast (regular expressions only) and silent when unsure:
``route_by_rules`` returns None and the router model decides.

Order matters: an explicit shell or git form wins over anything a sentence might look like.
"""

from __future__ import annotations

import re
import shlex
import shutil
from typing import Any

from codey_git.router.cues import cue_labels, describes_symptom
from codey_git.router.intent import CODING_INTENTS, CUE, EXACT, KEYWORD, SYMPTOM, Intent, mentions_bug
from codey_git.router.lazyre import LazyRegex
from codey_git.router.params import extract_count, extract_params, looks_like_path
from codey_git.router.tools import GIT_SUBCOMMANDS, git_intent, intent_for_label

_POLITE = LazyRegex(
    r"^(?:(?:please|pls|hey|ok|okay|now|so|codey)[,\s]+|(?:can|could|would|will) you\s+(?:please\s+)?|"
    r"i (?:want|need|would like) (?:you )?to\s+|i'd like (?:you )?to\s+|let'?s\s+|go ahead and\s+|"
    r"help me\s+(?!understand))+",
    re.I,
)
_SHELL_PREFIX = LazyRegex(
    r"^(?:\$|!|(?:in (?:the )?)?(?:shell|terminal|term|sh|bash|cmd|command|run)\s*:|"
    r"in (?:the |a )?(?:shell|terminal)[,:]?\s+run\b)\s*(?P<cmd>.+)$",
    re.I | re.S,
)
_RUN = LazyRegex(r"^(?:run|execute|exec)\s+(?P<cmd>.+)$", re.I | re.S)
_TEST = LazyRegex(
    r"^(?:(?:re)?run\s+|execute\s+)?(?:(?:the|all|my|unit|our|every)\s+)*"
    r"(?:tests?|test\s*suite|pytest|specs?|unit\s*tests?)"
    r"(?:\s+(?:again|now|suite|for\s+(?:the\s+)?\S+|in\s+\S+))*$",
    re.I,
)
_TEST_QUESTION = LazyRegex(
    r"^(?:(?:do|are|did|does|will)\s+(?:the\s+|all\s+(?:the\s+)?|my\s+|our\s+)?tests?\s+(?:still\s+)?"
    r"(?:pass|passing|green|ok|work|succeed)|(?:check|see)\s+(?:if|whether|that)\s+(?:the\s+|all\s+)?tests?\s+pass"
    r"|(?:is|are)\s+(?:the\s+)?(?:build|test\s*suite|ci)\s+(?:green|passing|ok))\b",
    re.I,
)

_VIEW = r"(?:show|view|see|display|print|list|give|get|what(?:'s| is| are)|check)\s+(?:me\s+)?(?:all\s+)?(?:the\s+|my\s+|our\s+)?"
_GIT_PHRASES: list[tuple[str, LazyRegex]] = [
    (
        "git status",
        LazyRegex(
            rf"^(?:{_VIEW})?(?:current\s+)?(?:git\s+|repo\s+|repository\s+|working\s+(?:tree|copy)\s+)?status"
            r"(?:\s+of\s+(?:the\s+|this\s+)?(?:repo|repository|working\s+tree|project))?$"
            r"|^what(?:'s| is)\s+(?:staged|modified|untracked)$",
            re.I,
        ),
    ),
    (
        "git log",
        LazyRegex(
            rf"^(?:{_VIEW})?(?:(?:last|latest|recent|past)\s+(?:\d+\s+)?)?(?:git\s+)?"
            r"(?:commits?|commit\s+(?:log|history)|log|history)(?:\s+(?:of|for)\s+\S+)?$"
            r"|^what\s+(?:was|were|has\s+been)\s+(?:recently\s+)?committed\b",
            re.I,
        ),
    ),
    (
        "git diff",
        LazyRegex(
            rf"^(?:{_VIEW})?(?:current\s+|uncommitted\s+|unstaged\s+|staged\s+|local\s+|pending\s+)*"
            r"(?:diff|changes|modifications)(?:\s+(?:in|to|of|for)\s+\S+)?$"
            r"|^what\s+(?:did\s+i|have\s+i|i've|has|have)\s+(?:just\s+)?chang(?:e|ed)(?:\s+(?:in|to)\s+\S+)?(?:\s+so\s+far)?$"
            r"|^what(?:'s| is| has)?\s+changed(?:\s+(?:in|to)\s+\S+)?(?:\s+since\s+the\s+last\s+commit)?$",
            re.I,
        ),
    ),
    ("git branch", LazyRegex(rf"^(?:{_VIEW})?(?:local\s+)?branch(?:es)?$|^(?:which|what)\s+branch\b|^current\s+branch$", re.I)),
    (
        "git blame",
        LazyRegex(r"^(?:git\s+)?blame\b|^who\s+(?:last\s+)?(?:wrote|changed|modified|touched|authored|edited)\b", re.I),
    ),
    (
        "list files",
        LazyRegex(
            r"^(?:ls|ls-files|(?:list|show(?:\s+me)?)\s+(?:all\s+)?(?:the\s+)?(?:tracked\s+|repo\s+)?files"
            r"(?:\s+in\s+(?:the\s+|this\s+)?(?:repo|repository|project))?"
            r"|(?:what|which)\s+files\s+(?:are\s+(?:there|tracked|in\s+(?:the\s+|this\s+)?(?:repo|repository|project))"
            r"|does\s+(?:the|this)\s+(?:repo|repository|project)\s+(?:have|contain)))$",
            re.I,
        ),
    ),
]
_READ = LazyRegex(
    r"^(?:(?:read|cat|show|view|print|display|open|dump|see|look\s+at|let\s+me\s+(?:see|read|look\s+at)|"
    r"can\s+i\s+(?:see|read)|"
    r"what(?:'s|\s+is)\s+in)\s+(?:me\s+)?(?:the\s+)?(?:(?:file|contents?\s+of(?:\s+the)?(?:\s+file)?)\s+)?"
    r"|^(?:the\s+)?contents?\s+of\s+(?:the\s+)?(?:file\s+)?)(?P<rest>.+)$",
    re.I | re.S,
)

_VERBS: list[tuple[str, LazyRegex]] = [
    ("fix", LazyRegex(r"^(?:fix|repair|debug|resolve|patch|correct)\b", re.I)),
    (
        "review",
        LazyRegex(
            r"^(?:review|critique|audit|look\s+over|code\s+review|check\s+(?:my|the|these|our)\s+"
            r"(?:changes|code|diff|commits?|branch|work))\b",
            re.I,
        ),
    ),
    (
        "plan",
        LazyRegex(
            r"^(?:plan|outline|break\s+down|make\s+a\s+plan|draft\s+a\s+plan|how\s+(?:should|would|could|can)\s+"
            r"(?:i|we)|what\s+steps|what\s+would\s+it\s+take)\b",
            re.I,
        ),
    ),
    (
        "explain",
        LazyRegex(
            r"^(?:explain|describe|summari[sz]e|walk\s+me\s+through|tell\s+me\s+(?:about|how|what|why|where)|"
            r"help\s+me\s+understand|show\s+me\s+how)\b",
            re.I,
        ),
    ),
    (
        "edit",
        LazyRegex(
            r"^(?:add|implement|refactor|rename|change|update|make|remove|delete|write|create|edit|convert|move|"
            r"extract|optimi[sz]e|improve|replace|introduce|support|use|split|merge|clean\s+up|simplify|document|"
            r"port|migrate|rewrite|reformat|format|handle|allow|enable|disable|inline|generali[sz]e|speed\s+up|"
            r"cache|validate|sort|append|insert|drop|expose|wrap|type-?annotate|annotate|bump|upgrade|tweak|adjust|"
            r"modify|set|turn|switch)\b(?!\s+sure\b)",
            re.I,
        ),
    ),
]
_MAKE_SURE = LazyRegex(r"^(?:make\s+sure|ensure)\b", re.I)
# Questions about the code; weaker than a leading verb, so cue phrases are checked first
# ("what's the best way to ..." is a plan, "what's different from HEAD" a diff).
_QUESTION = LazyRegex(
    r"^(?:what(?:'s|\s+is|\s+are|\s+does|\s+do|\s+happens)|how\s+(?:does|do|is|are|come)|why\b|"
    r"where\s+(?:is|are|does|do)|when\s+(?:is|does)|which\s+(?:function|file|class|module|method)|"
    r"is\s+there|does\s+\S+\s+(?:handle|support|use))\b",
    re.I,
)


def _split(text: str) -> list[str] | None:
    text = text.strip()
    if len(text) > 1 and text[0] == text[-1] == "`" and "`" not in text[1:-1]:
        text = text[1:-1]  # run `make test`
    try:
        return shlex.split(text)
    except ValueError:  # unbalanced quotes: not a command we can run as typed
        return None


def _shell(cmd: str) -> Intent | None:
    argv = _split(cmd)
    if not argv:
        return None
    if argv[0] == "git":
        return _git_argv(argv)
    return Intent("shell", {"argv": argv}, EXACT, "rules")


def _git_argv(argv: list[str]) -> Intent | None:
    if len(argv) < 2 or argv[1] not in GIT_SUBCOMMANDS:
        return None
    return git_intent(argv, EXACT)


def _run(text: str) -> Intent | None:
    m = _RUN.match(text)
    if not m:
        return None
    cmd = m["cmd"].strip()
    if _TEST.match(cmd):
        return Intent("test", extract_params(cmd), KEYWORD, "rules")
    argv = _split(cmd)
    if argv and (argv[0] == "git" or shutil.which(argv[0])):
        return _shell(cmd)
    return None


def _read(text: str) -> Intent | None:
    m = _READ.match(text)
    if not m:
        return None
    tokens = [t.rstrip(",") for t in (_split(m["rest"]) or []) if t.lower() not in ("and", ",", "&")]
    if tokens and all(looks_like_path(t) for t in tokens):
        return Intent("file", {"action": "read", "files": tokens}, EXACT, "rules")
    return None


def _clean(text: str) -> str:
    text = " ".join(text.split())
    text = _POLITE.sub("", text)
    return text.rstrip("?!. ").strip()


def route_by_rules(text: str) -> Intent | None:
    raw = text.strip()
    m = _SHELL_PREFIX.match(raw)
    if m:
        return _shell(m["cmd"])
    if raw.split(maxsplit=1)[:1] == ["git"]:
        argv = _split(raw)
        return _git_argv(argv) if argv else None
    clean = _clean(raw)
    if not clean:
        return None
    if _TEST.match(clean) or _TEST_QUESTION.match(clean):
        return Intent("test", extract_params(clean), KEYWORD, "rules")
    found = _run(clean)
    if found:
        return found
    params = extract_params(clean)
    for label, pattern in _GIT_PHRASES:
        if pattern.match(clean):
            found = intent_for_label(label, params, count=extract_count(clean))
            if found:
                return found
    found = _read(clean)
    if found:
        return found
    for name, pattern in _VERBS:
        if pattern.match(clean):
            return Intent(name, params, KEYWORD, "rules")
    return _by_cues(clean, params)


def _by_cues(clean: str, params: dict[str, Any]) -> Intent | None:
    """Cue phrases, then question openers, then failure words; None when nothing is said."""
    for label in cue_labels(clean):
        if label in CODING_INTENTS:
            return Intent(label, params, CUE, "rules")
        found = intent_for_label(label, params, count=extract_count(clean), confidence=CUE)
        if found:
            return found
    if _MAKE_SURE.match(clean):  # "make sure X" that is not about tests passing: an edit
        return Intent("edit", params, KEYWORD, "rules")
    if _QUESTION.match(clean):
        return Intent("explain", params, KEYWORD, "rules")
    if mentions_bug(clean) or describes_symptom(clean):
        return Intent("fix", params, SYMPTOM, "rules")
    return None
