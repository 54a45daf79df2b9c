"""A deterministic backend that replays canned responses from a YAML script.

For tests and demos: it never touches the model registry or loads weights.

    responses:
      edit:
        - "```diff ... ```"            # a plain string matches any call of that purpose
        - when: "m3.py"                # used only for a call whose prompt contains `when`
          text: "..."
      commit_message: ["fix: ..."]
      rank: ["return pair[0]"]         # text_logprobs: the texts holding this line score highest

Each response is used at most once, in order. With none left, ``chat`` raises ``NoResponse``.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path
from typing import Any, Sequence, TypedDict

from codey_git.config.fields import Checker, Field
from codey_git.errors import ConfigError
from codey_git.models.base import PURPOSES, CallStats, Completion, Message, NoResponse, StatsLog, TokenCallback
from codey_git.yamlfile import load_yaml_document

# The script's schema, checked by the same machinery as .codey.yml and recipes (codey_git.config.fields).
SCRIPT: dict[str, Field] = {
    "responses": Field(dict, {}, "Canned answers by purpose: PURPOSE: [text, or {when, text}, ...]."),
}
ANSWERS = Field((str, list), [], "The answers to calls of this purpose, each used once, in order.")
ANSWER = Field((str, dict), None, "One answer: its text, or {when, text}.")
ANSWER_FIELDS: dict[str, Field] = {
    "text": Field(str, None, "The answer, as the model would give it.", required=True),
    "when": Field(str, None, "Used only for a call whose prompt contains this text.", nullable=True),
}


class Answer(TypedDict):
    when: str | None  # used only for a prompt that contains this text
    text: str


def load_script(path: Path) -> tuple[dict[str, list[Answer]], str]:
    """Read and check a script through the one YAML loading path: (answers by purpose, hash of
    the file). A mistake is a ConfigError naming the file, line and field."""
    doc = load_yaml_document(path, "`responses:` mapping purposes to lists")
    check = Checker(doc.source, doc.lines)
    check.mapping(doc.data, SCRIPT, unknown="ignore")
    purposes = {purpose: ANSWERS for purpose in PURPOSES}
    responses = check.mapping(doc.data.get("responses") or {}, purposes, "responses")
    queues: dict[str, list[Answer]] = {}
    for purpose, items in responses.items():
        queue: list[Answer] = []
        for i, item in enumerate([items] if isinstance(items, str) else items):
            field = f"responses.{purpose}[{i}]"
            check.value(item, ANSWER, field)
            if isinstance(item, dict):
                check.mapping(item, ANSWER_FIELDS, field, unknown="ignore")
                queue.append({"when": item.get("when"), "text": item["text"]})
            else:
                queue.append({"when": None, "text": item})
        queues[purpose] = queue
    return queues, hashlib.sha256(doc.raw).hexdigest()[:16]


def _approx_tokens(text: str) -> int:
    # about 4 characters a token for code; good enough to exercise budget logic in tests
    return max(1, (len(text) + 3) // 4) if text else 0


class ScriptedModel:
    def __init__(self, role: str, name: str, provider: "ScriptedProvider", context_size: int = 8192):
        self.role = role
        self.name = name
        self.identity = f"scripted:{provider.script_hash}"
        self.context_size = context_size
        self._provider = provider

    def count_tokens(self, text: str) -> int:
        return _approx_tokens(text)

    def chat(
        self,
        messages: Sequence[Message],
        *,
        purpose: str,
        max_tokens: int = 512,
        temperature: float = 0.0,
        seed: int | None = None,
        stop: Sequence[str] = (),
        json_schema: dict[str, Any] | None = None,
        grammar: str | None = None,
        on_token: TokenCallback | None = None,
    ) -> Completion:
        start = time.perf_counter()
        prompt = "\n".join(str(m.get("content", "")) for m in messages)
        text = self._provider.take(purpose, prompt)
        finish = "stop"
        if _approx_tokens(text) > max_tokens:  # a real model stops at its token cap; so does this one
            text, finish = text[: max_tokens * 4], "length"
        if on_token is not None:
            on_token(text)
        stats = CallStats(
            model=self.name,
            purpose=purpose,
            prompt_tokens=_approx_tokens(prompt),
            prompt_tokens_evaluated=_approx_tokens(prompt),
            generated_tokens=_approx_tokens(text),
            wall_ms=(time.perf_counter() - start) * 1000,
        )
        self._provider.log.add(stats)
        return Completion(text=text, stats=stats, finish_reason=finish)

    def text_logprobs(self, texts: Sequence[str], *, purpose: str = "rank") -> list[float]:
        """Scores from the script: 0.0 for each text with a line that reads (stripped) as the
        next ``rank`` answer, -1.0 for the others."""
        start = time.perf_counter()
        liked = self._provider.take(purpose, "\n".join(texts)).strip()
        scores = [0.0 if liked in (line.strip() for line in text.splitlines()) else -1.0 for text in texts]
        tokens = sum(_approx_tokens(t) for t in texts)
        self._provider.log.add(
            CallStats(
                model=self.name,
                purpose=purpose,
                prompt_tokens=tokens,
                prompt_tokens_evaluated=tokens,
                wall_ms=(time.perf_counter() - start) * 1000,
            )
        )
        return scores


class ScriptedProvider:
    def __init__(self, config: Any, progress: Any = None, script_path: str | None = None):
        path = script_path or config.script or os.environ.get("CODEY_SCRIPT")
        if not path:
            raise ConfigError(
                "the scripted backend needs a script file",
                field="script",
                hint="Set CODEY_SCRIPT=<file.yml> or `script:` in .codey.yml.",
            )
        self.path = Path(path).expanduser().resolve()
        if not self.path.is_file():
            raise ConfigError(
                f"scripted backend: no such file {self.path}",
                field="script",
                hint="Set CODEY_SCRIPT (or `script:` in .codey.yml) to an existing YAML file.",
            )
        self._queues, self.script_hash = load_script(self.path)
        self._lock = threading.Lock()
        self.log = StatsLog()
        self.config = config

    def take(self, purpose: str, prompt: str) -> str:
        with self._lock:
            queue = self._queues.get(purpose, [])
            for i, item in enumerate(queue):
                if item["when"] is None or item["when"] in prompt:
                    return queue.pop(i)["text"]
        raise NoResponse(f"scripted backend: no {purpose} response left")

    def get(self, role: str) -> ScriptedModel:
        name = {"coder": self.config.coder, "router": self.config.router, "reviewer": self.config.reviewer}.get(role, role)
        return ScriptedModel(role, f"scripted/{name}", self)

    def stats(self) -> list[CallStats]:
        return list(self.log.calls)

    def close(self) -> None:
        pass
