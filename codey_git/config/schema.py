"""The declared configuration schema: every key, its type, default and meaning.

``.codey.yml.example`` documents the same keys for users; ``tests/test_config.py`` checks that
the two agree. A key here is ``Field(type, default, doc)``; a section is a dict of fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    type: type | tuple  # int, float, str, bool, list, dict, or a tuple of allowed types
    default: Any
    doc: str
    choices: tuple | None = None
    nullable: bool = False
    minimum: float | None = None  # numbers: the smallest value allowed (any number is finite)
    above: bool = False  # the value must be greater than ``minimum``, not equal to it

    def range_text(self) -> str:
        """``>= 1``, ``> 0``, or "" for a field without a range."""
        if self.minimum is None:
            return ""
        return f"{'>' if self.above else '>='} {self.minimum:g}"


SCHEMA: dict[str, Field | dict[str, Field]] = {
    # models
    "coder": Field(str, "qwen2.5-coder-1.5b", "Model that writes edits (catalog name or models: entry)."),
    "router": Field(str, "smollm2-135m", "Small always-resident model that routes free text to intents."),
    "reviewer": Field(str, "qwen2.5-coder-1.5b", "Model that reviews diffs (git codey review)."),
    "draft_model": Field(str, None, "Small model with the same tokenizer that proposes tokens for the coder and "
                         "reviewer to verify (speculative decoding; e.g. qwen2.5-coder-0.5b for the 1.5B).",
                         nullable=True),
    "backend": Field(str, "llama_cpp", "Inference backend.", choices=("llama_cpp", "openai", "scripted")),
    "script": Field(str, None, "Scripted backend: YAML file of canned responses.", nullable=True),
    "openai": {
        "base_url": Field(str, "http://127.0.0.1:8080/v1", "OpenAI-compatible server URL."),
        "api_key_env": Field(str, "OPENAI_API_KEY", "Environment variable holding the API key, if any."),
        "model": Field(str, None, "Model name on the server (default: the role's model name).", nullable=True),
        "timeout": Field((int, float), 600, "Seconds to wait for one response.", minimum=0, above=True),
    },
    "models": Field(dict, {}, "Extra model entries: NAME: {path|url, sha256, size, context_length, chat_format, roles}."),
    "memory_budget_mb": Field(int, None, "RAM budget for loaded models (default: 70% of available RAM).", nullable=True,
                              minimum=1),
    "n_threads": Field(int, None, "CPU threads for inference (default: physical cores).", nullable=True, minimum=1),
    "context_size": Field(int, None, "Context window to load models with (default: min(model's, 8192)).",
                          nullable=True, minimum=256),
    "idle_unload_s": Field((int, float), 600, "Unload a model after this many idle seconds (0: never).", minimum=0),
    # the fix loop
    "test_command": Field(str, "python -m pytest -q", "Command that runs the tests, in the scratch worktree."),
    "test_timeout": Field((int, float), 300, "Seconds before a test run is killed (whole process group).",
                          minimum=0, above=True),
    "attempts": Field(int, 3, "Edit attempts per step before the step fails.", minimum=1),
    "candidates": Field(int, 2, "Edits sampled per attempt; the first that passes is kept.", minimum=1),
    "edit_format": Field(str, "auto", "How the coder writes edits.",
                         choices=("auto", "diff", "search_replace", "function", "lines", "whole_file")),
    "constrain_answers": Field(bool, True, "Hold the coder's answer to its edit format's shape with a grammar "
                               "(llama.cpp backends; the `function` and `lines` formats)."),
    "long_files": Field(str, "windows", "How a long focus file is shown to the coder: windows (its header and the "
                        "definitions the failure touches), or whole.", choices=("windows", "whole")),
    "max_seconds": Field((int, float), 0, "Time budget per task in seconds (0: none).", minimum=0),
    "max_tokens": Field(int, 768, "Most tokens the coder may generate per edit.", minimum=1),
    "temperature": Field((int, float), 0.0, "Sampling temperature of the first candidate.", minimum=0),
    "allow_test_edits": Field(bool, False, "Let `fix` change test files (`edit` always may)."),
    "sandbox": Field((str, bool), "auto", "Run tests in a bubblewrap sandbox (read-only outside the worktree, no "
                     "network, own PID namespace). auto: in recipes and CI when bwrap works here; on (YAML's "
                     "true): always, an error when it cannot; off (false): never.",
                     choices=("auto", "on", "off", True, False)),
    "landing": Field(str, "auto", "auto: fast-forward your branch when safe; branch: always leave commits on codey/...",
                     choices=("auto", "branch")),
    "commit_messages": Field(str, "model", "Who writes commit messages.", choices=("model", "template")),
    # review
    "review": {
        "fail_on": Field(str, "high", "Lowest severity that blocks a commit.",
                         choices=("critical", "high", "medium", "low", "info")),
        "fail_open": Field(bool, True, "A missing model, timeout or crash warns and exits 0 instead of blocking."),
        "max_seconds": Field((int, float), 30, "Time budget for one review (0: none).", minimum=0),
        "model_max_severity": Field(str, None, "Most severe rating a finding of the reviewer model keeps (the built-in "
                                    "checks are not capped). null: the catalog's measured value for a built-in "
                                    "model run by llama_cpp (medium for the bundled Qwen models), no cap otherwise.",
                                    choices=("critical", "high", "medium", "low", "info"), nullable=True),
        "model": Field(bool, True, "Ask the reviewer model too. false: only the built-in checks, in well under a "
                       "second, with no model to load (on diffs written blind the model added few findings: "
                       "docs/benchmarks.md, Review); other files than Python are then reported unreviewed."),
        "checks": Field(bool, True, "Run the built-in Python checks (code or SQL built from values, secrets, a "
                        "coroutine never awaited, ...) beside the model; they need no model and take milliseconds."),
        "tests": Field(bool, True, "Run the tests the change can affect (those importing the changed modules) on the "
                       "staged snapshot in a scratch worktree; a test that passes at HEAD and fails with the change "
                       "blocks. Within max_seconds; what it does not reach is reported as not run."),
        "triage": Field((int, float), None, "Experimental, local models: ask for findings only in hunks whose triage score "
                        "(log-odds that the answer holds a finding) reaches this; null: every hunk is asked "
                        "(docs/benchmarks.md, Review).", nullable=True),
    },
}


def default_values() -> dict:
    out: dict = {}
    for key, spec in SCHEMA.items():
        if isinstance(spec, dict):
            out[key] = {k: f.default for k, f in spec.items()}
        else:
            out[key] = spec.default
    return out
