"""Routing by label scores: the router model rates every label in one forward pass.

Instead of generating a label, a few-shot prompt ends in "Action:" and each label is scored by the
log-probability of its word as the next token. The scores are calibrated: a tiny model prefers some
words whatever the request says, so the scores it gives to content-free requests ("N/A", "") are
subtracted first (contextual calibration). The model decides only when the best label holds at least
``THRESHOLD`` of the calibrated probability; below that it abstains and the coding path takes the request.

Measured on benchmarks/router/requests.yml with SmolLM2-135M (docs/benchmarks.md, Router): scoring
is more accurate than schema-constrained generation and several times faster.
"""

from __future__ import annotations

import math
from typing import Any

from codey_git.router.intent import Intent, coding_fallback
from codey_git.router.model import EXAMPLES, intent_from_label
from codey_git.router.params import extract_params

# One word per label, each a single token after a space for the SmolLM2 and Qwen tokenizers.
WORDS = {
    "fix": "fix",
    "edit": "edit",
    "plan": "plan",
    "review": "review",
    "explain": "explain",
    "test": "test",
    "status": "git status",
    "log": "git log",
    "diff": "git diff",
    "branch": "git branch",
    "blame": "git blame",
    "files": "list files",
    "read": "read file",
}
_WORD_FOR = {label: word for word, label in WORDS.items()}
CANDIDATES = tuple(" " + word for word in WORDS)
CONTENT_FREE = ("N/A", "", "[MASK]")
THRESHOLD = 0.5
INSTRUCTION = "Sort each request typed to a coding assistant in a git repository into one action.\n\n"
PREFIX = INSTRUCTION + "".join(f"Request: {request}\nAction: {_WORD_FOR[label]}\n\n" for request, label in EXAMPLES)


def prompt_for(text: str) -> str:
    return f"{PREFIX}Request: {' '.join(text.split())}\nAction:"


def can_score(model: object) -> bool:
    return callable(getattr(model, "next_token_logprobs", None))


class LabelScorer:
    """Calibrated label probabilities from a model with ``next_token_logprobs`` (the llama_cpp backend)."""

    def __init__(self, model: Any) -> None:  # a llama_cpp model: it has next_token_logprobs
        self.model = model
        self._baseline: dict[str, float] | None = None

    def raw_scores(self, text: str) -> dict[str, float]:
        scores = self.model.next_token_logprobs(prompt_for(text), CANDIDATES, purpose="route")
        return {WORDS[c.strip()]: value for c, value in scores.items()}

    def baseline(self) -> dict[str, float]:
        if self._baseline is None:
            runs = [self.raw_scores(text) for text in CONTENT_FREE]
            self._baseline = {label: sum(run[label] for run in runs) / len(runs) for label in runs[0]}
        return self._baseline

    def probabilities(self, text: str) -> dict[str, float]:
        base = self.baseline()
        calibrated = {label: value - base[label] for label, value in self.raw_scores(text).items()}
        top = max(calibrated.values())
        weights = {label: math.exp(value - top) for label, value in calibrated.items()}
        total = sum(weights.values())
        return {label: w / total for label, w in weights.items()}

    def best(self, text: str) -> tuple[str | None, float]:
        """(label, probability); the label is None when the model is not sure enough to decide."""
        probs = self.probabilities(text)
        label = max(probs, key=probs.__getitem__)
        return (label if probs[label] >= THRESHOLD else None), probs[label]


def route_by_scores(scorer: LabelScorer, text: str) -> Intent:
    """The scored label as an intent; the coding path when the model abstains."""
    label, _ = scorer.best(text)
    if label is None:
        return coding_fallback(text, extract_params(text))
    return intent_from_label(label, text)
