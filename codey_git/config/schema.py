"""The declared settings schema: every key, its type, default and meaning, declared once.

Each key is a typed field of a frozen dataclass, ``name: T = setting(T, default, "meaning", ...)``
(with ``choices``, ``nullable``, and ``minimum``/``above`` for a range); a group of keys such as
``review:`` is ``section(Cls)``. ``SCHEMA``, what every layer is checked against, is read back from
these declarations. ``.codey.yml.example`` documents the same keys for users; ``tests/test_config.py``
checks that the two agree. Adding a key: one ``setting(...)`` line here, one in the example.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Mapping

from codey_git.config.fields import Field, Spec
from codey_git.config.settings import SectionBase, SettingsBase, section, setting

__all__ = ["SCHEMA", "Field", "OpenAISettings", "ReviewSettings", "Settings", "default_values"]

SEVERITIES = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True, eq=False, repr=False, match_args=False)
class OpenAISettings(SectionBase):
    base_url: str = setting(str, "http://127.0.0.1:8080/v1", "OpenAI-compatible server URL.")
    api_key_env: str = setting(str, "OPENAI_API_KEY", "Environment variable holding the API key, if any.")
    model: str | None = setting(str, None, "Model name on the server (default: the role's model name).", nullable=True)
    timeout: float = setting((int, float), 600, "Seconds to wait for one response.", minimum=0, above=True)


@dataclass(frozen=True, eq=False, repr=False, match_args=False)
class ReviewSettings(SectionBase):
    fail_on: str = setting(str, "high", "Lowest severity that blocks a commit.", choices=SEVERITIES)
    fail_open: bool = setting(bool, True, "A missing model, timeout or crash warns and exits 0 instead of blocking.")
    max_seconds: float = setting((int, float), 30, "Time budget for one review (0: none).", minimum=0)
    model_max_severity: str | None = setting(
        str,
        None,
        "Most severe rating a finding of the reviewer model keeps (the built-in checks are not capped). "
        "null: the catalog's measured value for a built-in model run by llama_cpp (medium for the bundled Qwen "
        "models), no cap otherwise.",
        choices=SEVERITIES,
        nullable=True,
    )
    model: bool = setting(
        bool,
        True,
        "Ask the reviewer model too. false: only the built-in checks, in well under a "
        "second, with no model to load (on diffs written blind the model added few findings: "
        "docs/benchmarks.md, Review); other files than Python are then reported unreviewed.",
    )
    checks: bool = setting(
        bool,
        True,
        "Run the built-in Python checks (code or SQL built from values, secrets, a "
        "coroutine never awaited, ...) beside the model; they need no model and take milliseconds.",
    )
    tests: bool = setting(
        bool,
        True,
        "Run the tests the change can affect (those importing the changed modules) on "
        "the staged snapshot in a scratch worktree; a test that passes at HEAD and fails with the "
        "change blocks. Within max_seconds; what it does not reach is reported as not run.",
    )
    triage: float | None = setting(
        (int, float),
        None,
        "Experimental, local models: ask for findings only in hunks "
        "whose triage score (log-odds that the answer holds a finding) reaches this; null: "
        "every hunk is asked (docs/benchmarks.md, Review).",
        nullable=True,
    )


@dataclass(frozen=True, eq=False, init=False, repr=False, match_args=False)
class Settings(SettingsBase):
    """Every setting, resolved, checked and frozen (``codey_git.config.load_config`` builds it)."""

    # models
    coder: str = setting(str, "qwen2.5-coder-1.5b", "Model that writes edits (catalog name or models: entry).")
    router: str = setting(str, "smollm2-135m", "Small always-resident model that routes free text to intents.")
    reviewer: str = setting(str, "qwen2.5-coder-1.5b", "Model that reviews diffs (git codey review).")
    draft_model: str | None = setting(
        str,
        None,
        "Small model with the same tokenizer that proposes tokens for the "
        "coder and reviewer to verify (speculative decoding; e.g. qwen2.5-coder-0.5b for "
        "the 1.5B).",
        nullable=True,
    )
    backend: str = setting(str, "llama_cpp", "Inference backend.", choices=("llama_cpp", "openai", "scripted"))
    script: str | None = setting(str, None, "Scripted backend: YAML file of canned responses.", nullable=True)
    openai: OpenAISettings = section(OpenAISettings)
    models: Mapping[str, Any] = setting(
        dict, {}, "Extra model entries: NAME: {path|url, sha256, size, context_length, chat_format, roles}."
    )
    memory_budget_mb: int | None = setting(
        int, None, "RAM budget for loaded models (default: 70% of available RAM).", nullable=True, minimum=1
    )
    n_threads: int | None = setting(int, None, "CPU threads for inference (default: physical cores).", nullable=True, minimum=1)
    context_size: int | None = setting(
        int, None, "Context window to load models with (default: min(model's, 8192)).", nullable=True, minimum=256
    )
    idle_unload_s: float = setting((int, float), 600, "Unload a model after this many idle seconds (0: never).", minimum=0)
    # the fix loop
    test_command: str = setting(str, "python -m pytest -q", "Command that runs the tests, in the scratch worktree.")
    test_timeout: float = setting(
        (int, float), 300, "Seconds before a test run is killed (whole process group).", minimum=0, above=True
    )
    attempts: int = setting(int, 3, "Edit attempts per step before the step fails.", minimum=1)
    candidates: int = setting(int, 2, "Edits sampled per attempt; the first that passes is kept.", minimum=1)
    token_fixes: int = setting(
        int,
        12,
        "Before a fix's first attempt (see `token_fixes_first`): test one-token changes (a comparison, a `not`, `and`/`or`, a literal "
        "one off, `[0]` for `[-1]`, a sibling method, two neighbouring arguments swapped) of each of this many suspect lines, "
        "six lines at a time, then substitutions from the code around them (a name, attribute, key or argument the same "
        "function uses; a sibling function of the module; an exception the module catches or raises; an index or bound one "
        "off), no model (0: off).",
        minimum=0,
    )
    token_fixes_first: bool = setting(
        bool,
        True,
        "Test the one-token changes and substitutions (`token_fixes`) before the coder's first attempt, so a fix "
        "they find costs no model time (false: only after that attempt fails).",
    )
    line_fixes: int = setting(
        int,
        3,
        "After the first attempt of a fix fails: ask the coder for a corrected line of each of this many suspect lines "
        "(the lines the failing tests point at), one at a time, each answer judged by the tests (0: off).",
        minimum=0,
    )
    edit_format: str = setting(
        str, "auto", "How the coder writes edits.", choices=("auto", "diff", "search_replace", "function", "lines", "whole_file")
    )
    constrain_answers: bool = setting(
        bool,
        True,
        "Hold the coder's answer to its edit format's shape with a grammar "
        "(llama.cpp backends; the `function` and `lines` formats).",
    )
    long_files: str = setting(
        str,
        "windows",
        "How a long focus file is shown to the coder: windows (its header and the definitions the failure touches), or whole.",
        choices=("windows", "whole"),
    )
    max_seconds: float = setting((int, float), 0, "Time budget per task in seconds (0: none).", minimum=0)
    max_tokens: int = setting(int, 768, "Most tokens the coder may generate per edit.", minimum=1)
    temperature: float = setting((int, float), 0.0, "Sampling temperature of the first candidate.", minimum=0)
    allow_test_edits: bool = setting(bool, False, "Let `fix` change test files (`edit` always may).")
    sandbox: str | bool = setting(
        (str, bool),
        "auto",
        "Run tests in a bubblewrap sandbox (read-only outside the "
        "worktree, no network, own PID namespace). auto: in recipes and CI when bwrap works "
        "here; on (YAML's true): always, an error when it cannot; off (false): never.",
        choices=("auto", "on", "off", True, False),
    )
    landing: str = setting(
        str,
        "auto",
        "auto: fast-forward your branch when safe; branch: always leave commits on codey/...",
        choices=("auto", "branch"),
    )
    land_review: str | bool = setting(
        (str, bool),
        "checks",
        "Before codey lands its commits: checks (the built-in checks and ruff of the codey-review-checks hook; a blocking finding keeps them on codey/...) or off (land unreviewed, said so).",
        choices=("checks", "off", False),
    )
    commit_messages: str = setting(str, "model", "Who writes commit messages.", choices=("model", "template"))
    # review
    review: ReviewSettings = section(ReviewSettings)


SCHEMA: dict[str, Spec] = Settings.schema()


def default_values() -> dict[str, Any]:
    """Every key's default, as plain values (sections as dicts)."""
    out: dict[str, Any] = {}
    for key, spec in SCHEMA.items():
        if isinstance(spec, Field):
            out[key] = copy.deepcopy(spec.default)
        else:
            out[key] = {k: f.default for k, f in spec.items()}
    return out
