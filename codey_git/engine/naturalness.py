"""How natural a one-line change reads to the coder model: the log-probability it gives the changed
line and the lines after it, given the lines above. When the tests accept several changes of a
line no model wrote, the one that reads most like its code is most often the one the author meant:
on the realbench tasks and blind sets the right change scored highest for 75 of 82 lines where it
was among the changes, against 39 for the order the changes are tried in, and 11 of 11 on
fixbench's code, which no model can have seen (``benchmarks/realbench/naturalness.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from codey_git.errors import ModelError
from codey_git.models.base import Model, NoResponse

BEFORE = 40  # lines above the changed line read as its context
AFTER = 2  # lines after it scored with it: a change that breaks what follows reads worse
MAX_CONTEXT_CHARS = 6000  # about 1,500 tokens: the lines above are cut from the top past it


def can_score(model: Model) -> bool:
    """Whether the backend gives ``text_logprobs`` (llama.cpp and the scripted one do; a server does not)."""
    return callable(getattr(model, "text_logprobs", None))


def line_scores(model: Model, text: str, line: int, news: Sequence[str]) -> list[float] | None:
    """The model's score for ``text`` (a file) with its ``line`` (1-based) written as each of
    ``news``; None when the model cannot score or gives no answer, so the caller keeps its order."""
    if not can_score(model) or len(news) < 2:
        return None
    lines = text.split("\n")
    above = lines[max(0, line - 1 - BEFORE) : line - 1]
    while above and sum(len(a) + 1 for a in above) > MAX_CONTEXT_CHARS:
        above = above[1:]
    before = "".join(a + "\n" for a in above)
    after = "\n".join(lines[line : line + AFTER])
    texts = [before + new.rstrip("\r\n") + "\n" + after for new in news]
    try:
        return list(model.text_logprobs(texts, purpose="rank"))  # type: ignore[attr-defined]  # can_score checked it
    except (NoResponse, ModelError):
        return None


def most_natural(model: Model, text: str, line: int, news: Sequence[str]) -> int | None:
    """The index of the change among ``news`` the model scores highest (the first of equals); None
    when there are none to compare."""
    scores = line_scores(model, text, line, news)
    if scores is None:
        return None
    return max(range(len(scores)), key=lambda i: (scores[i], -i))
