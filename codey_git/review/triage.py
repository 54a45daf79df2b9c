"""A cheap first look at each hunk: would the reviewer report anything here at all?

The findings answer starts ``{"findings":`` and its next token is either `` []`` (nothing to
report) or `` [{"`` (a first finding). Instead of generating, the model reads the review prompt and
that opening, and the log-probabilities of the two tokens give a score: the log-odds of reporting.
Reading costs only prompt processing, and the review instructions come first and never change, so
a backend that keeps its KV cache for the longest shared prefix reads them once per review. Only a
hunk scoring at or above a threshold is asked for its findings, and that answer continues the same
prompt (``guided``), so the model does not read the hunk twice. A threshold instead of the greedy
choice between the two tokens is what lets recall be traded against false alarms.

A backend without ``next_token_logprobs`` (the scripted one, an OpenAI-compatible server) is not
triaged: every hunk goes to the plain findings call, as before.
"""

from __future__ import annotations

from typing import Any

from codey_git.review.prompt import SYSTEM, review_messages
from codey_git.review.units import ReviewUnit

TRIAGE_VERSION = "triage-2"  # part of every cache key, with the threshold: change it with the words

OPENING = '{"findings":'
REPORT, NOTHING = ' [{"', " []"  # the two ways the answer goes on, each one token for the Qwen tokenizer


def can_triage(model: object) -> bool:
    return callable(getattr(model, "next_token_logprobs", None))


def chatml(messages: list[dict[str, Any]]) -> str:
    """The prompt the chat template of the supported (ChatML) models makes of ``messages``, ready
    for the assistant's first token."""
    turns = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return f"{turns}<|im_start|>assistant\n"


def instructions_prefix() -> str:
    """The start every review prompt shares, up to the first unit's text."""
    return f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n"


def answer_prompt(unit: ReviewUnit) -> str:
    """The review prompt for one unit with the answer begun: what triage scores and the guided
    answer continues."""
    return chatml(review_messages([unit])) + OPENING


def defect_score(model: Any, unit: ReviewUnit) -> float:  # a model with next_token_logprobs (can_triage)
    """Log-odds that the model's answer for ``unit`` holds a finding rather than none."""
    scores: dict[str, float] = model.next_token_logprobs(answer_prompt(unit), (REPORT, NOTHING), purpose="review")
    return scores[REPORT] - scores[NOTHING]
