"""The findings answer for a hunk that triage flagged, written with the model field by field.

A JSON-schema grammar makes the model generate every token of the answer one at a time, the
fixed keys and punctuation included (about a third of a finding), and with a 150k-token vocabulary
the grammar check makes each of those steps several times slower. Here the code writes the fixed
parts of ``{"findings": [{"file", "line", "severity", "category", "message", "suggestion"}]}``
itself (they are read as prompt, in one batch), the model chooses ``line``, ``severity`` and
``category`` among the values the review schema allows by their next-token log-probabilities, and
it generates only the two free-text strings. The answer has the schema's shape by construction,
and it continues the prompt triage scored, so the hunk is not read again. One finding per hunk.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from codey_git.review.findings import CATEGORIES, MESSAGE_CHARS, SEVERITIES, SUGGESTION_CHARS
from codey_git.review.triage import REPORT, answer_prompt
from codey_git.review.units import ReviewUnit

TEXT_TOKENS = 40  # each free-text field; a longer one is cut at its character cap


_END = re.compile(r'(?<!\\)(\\\\)*"')  # a quote not escaped by a backslash


class _StringEnd(Exception):
    pass


def can_guide(model: object) -> bool:
    return callable(getattr(model, "next_token_logprobs", None)) and callable(getattr(model, "complete", None))


def _choose(model: Any, prompt: str, options: list[str]) -> str:  # a model that can_guide
    """The option the model continues ``prompt`` with, typed one distinguishing token at a time.
    Options are told apart by characters (digits of a line number) or first words."""
    typed = ""
    while True:
        left = [o for o in options if o.startswith(typed)]
        if len(left) == 1:
            return left[0]
        nexts = {o[len(typed)] if o != typed else "," for o in left}
        if len(nexts) == 1:
            step = nexts.pop()
        elif all(len(o) > len(typed) and o[len(typed)].isdigit() for o in left if o != typed):
            scores = model.next_token_logprobs(prompt + typed, sorted(nexts), purpose="review")
            step = max(scores, key=scores.get)
        else:  # words: scored by their first token
            scores = model.next_token_logprobs(prompt, left, purpose="review")
            best: str = max(scores, key=scores.get)
            return best
        if step == ",":
            return typed
        typed += step


def _string(model: Any, prompt: str, limit: int, check: Callable[[str], None] | None = None) -> tuple[str, bool]:
    """(content, closed) of a JSON string generated after ``prompt`` (which ends with its opening
    quote), up to the first unescaped quote or TEXT_TOKENS tokens, cut at ``limit`` characters."""
    seen: list[str] = []
    closed = False

    def watch(piece: str) -> None:
        if check is not None:
            check(piece)
        seen.append(piece)
        if _END.search("".join(seen)):
            raise _StringEnd()

    try:
        model.complete(prompt, purpose="review", max_tokens=TEXT_TOKENS, stop=["\n"], on_token=watch)
    except _StringEnd:
        closed = True
    text = "".join(seen)
    end = _END.search(text)
    raw = text[: end.end() - 1] if end else text
    try:
        value = json.loads(f'"{raw}"')
    except ValueError:
        value = raw.replace('\\"', '"')
    return value.strip()[:limit], closed


def guided_answer(model: Any, unit: ReviewUnit, check: Callable[[str], None] | None = None) -> str:
    """The JSON answer with one finding for a flagged unit. ``check`` sees each generated piece
    (and may raise to stop the review)."""
    lines = sorted(unit.hunk.touched_lines())
    prompt = answer_prompt(unit) + f'{REPORT}file": {json.dumps(unit.file)}, "line": '
    line = _choose(model, prompt, [str(n) for n in lines])
    prompt += f'{line}, "severity": "'
    severity = _choose(model, prompt, list(SEVERITIES))
    prompt += f'{severity}", "category": "'
    category = _choose(model, prompt, list(CATEGORIES))
    prompt += f'{category}", "message": "'
    message, _ = _string(model, prompt, MESSAGE_CHARS, check)
    message = " ".join(message.split()) or "defect introduced here"
    prompt += f'{json.dumps(message)[1:-1]}", "suggestion": "'
    suggestion, closed = _string(model, prompt, SUGGESTION_CHARS, check)
    answer = {"file": unit.file, "line": int(line), "severity": severity, "category": category, "message": message}
    if suggestion and closed:  # a suggestion cut short would be wrong code
        answer["suggestion"] = suggestion
    return json.dumps({"findings": [answer]})
