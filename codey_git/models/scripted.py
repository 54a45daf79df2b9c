"""A deterministic backend that replays canned responses from a YAML script.

For tests and demos: it never touches the model registry or loads weights.

    responses:
      edit:
        - "```diff ... ```"            # a plain string matches any call of that purpose
        - when: "m3.py"                # used only for a call whose prompt contains `when`
          text: "..."
      commit_message: ["fix: ..."]

Each response is used at most once, in order. With none left, ``chat`` raises ``NoResponse``.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path
from typing import Sequence

from codey_git.errors import ConfigError
from codey_git.models.base import PURPOSES, CallStats, Completion, Message, NoResponse, StatsLog
from codey_git.yamlfile import as_mapping, decode_yaml_bytes, parse_yaml_with_lines, read_yaml_bytes


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

    def chat(self, messages: Sequence[Message], *, purpose: str, max_tokens: int = 512,
             temperature: float = 0.0, seed: int | None = None, stop: Sequence[str] = (),
             json_schema: dict | None = None, grammar: str | None = None, on_token=None) -> Completion:
        start = time.perf_counter()
        prompt = "\n".join(str(m.get("content", "")) for m in messages)
        text = self._provider.take(purpose, prompt)
        finish = "stop"
        if _approx_tokens(text) > max_tokens:  # a real model stops at its token cap; so does this one
            text, finish = text[:max_tokens * 4], "length"
        if on_token is not None:
            on_token(text)
        stats = CallStats(model=self.name, purpose=purpose, prompt_tokens=_approx_tokens(prompt),
                          prompt_tokens_evaluated=_approx_tokens(prompt),
                          generated_tokens=_approx_tokens(text),
                          wall_ms=(time.perf_counter() - start) * 1000)
        self._provider.log.add(stats)
        return Completion(text=text, stats=stats, finish_reason=finish)


class ScriptedProvider:
    def __init__(self, config, progress=None, script_path: str | None = None):
        path = script_path or config.script or os.environ.get("CODEY_SCRIPT")
        if not path:
            raise ConfigError("the scripted backend needs a script file",
                              field="script", hint="Set CODEY_SCRIPT=<file.yml> or `script:` in .codey.yml.")
        self.path = Path(path).expanduser().resolve()
        if not self.path.is_file():
            raise ConfigError(f"scripted backend: no such file {self.path}", field="script",
                              hint="Set CODEY_SCRIPT (or `script:` in .codey.yml) to an existing YAML file.")
        raw = read_yaml_bytes(self.path)
        self.script_hash = hashlib.sha256(raw).hexdigest()[:16]
        source = str(self.path)
        data, lines = as_mapping(*parse_yaml_with_lines(decode_yaml_bytes(raw, source), source), source,
                                 "`responses:` mapping purposes to lists")
        self._queues = self._parse(data, lines)
        self._lock = threading.Lock()
        self.log = StatsLog()
        self.config = config

    def _parse(self, data: dict, lines: dict[str, int]) -> dict[str, list[dict]]:
        src = str(self.path)
        if not isinstance(data, dict) or not isinstance(data.get("responses", {}), dict):
            raise ConfigError("expected `responses:` mapping purposes to lists", file=src, line=1, field="responses")
        queues: dict[str, list[dict]] = {}
        for purpose, items in (data.get("responses") or {}).items():
            line = lines.get(f"responses.{purpose}")
            if purpose not in PURPOSES:
                raise ConfigError(f"unknown purpose (known: {', '.join(PURPOSES)})", file=src, line=line,
                                  field=f"responses.{purpose}")
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list):
                raise ConfigError("expected a list of responses", file=src, line=line, field=f"responses.{purpose}")
            queue = []
            for i, item in enumerate(items):
                field = f"responses.{purpose}[{i}]"
                if isinstance(item, str):
                    queue.append({"when": None, "text": item})
                elif isinstance(item, dict) and isinstance(item.get("text"), str):
                    when = item.get("when")
                    if when is not None and not isinstance(when, str):
                        raise ConfigError("`when` must be a string", file=src, line=lines.get(field), field=field)
                    queue.append({"when": when, "text": item["text"]})
                else:
                    raise ConfigError("expected a string or {when, text}", file=src, line=lines.get(field), field=field)
            queues[purpose] = queue
        return queues

    def take(self, purpose: str, prompt: str) -> str:
        with self._lock:
            queue = self._queues.get(purpose, [])
            for i, item in enumerate(queue):
                if item["when"] is None or item["when"] in prompt:
                    return queue.pop(i)["text"]
        raise NoResponse(f"scripted backend: no {purpose} response left")

    def get(self, role: str) -> ScriptedModel:
        name = {"coder": self.config.coder, "router": self.config.router,
                "reviewer": self.config.reviewer}.get(role, role)
        return ScriptedModel(role, f"scripted/{name}", self)

    def stats(self):
        return list(self.log.calls)

    def close(self) -> None:
        pass
