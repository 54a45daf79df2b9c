"""The `explain` intent: the coder answers a question about the code. Nothing is edited or committed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codey_git import proc
from codey_git.errors import TaskFailed
from codey_git.models.base import Model, NoResponse, TokenCallback

MAX_TOKENS = 512
WINDOW = 40  # lines shown either side of a line the user named
SYSTEM = (
    "You explain code in a git repository. Answer the question directly and briefly, using the code "
    "shown. Do not rewrite the code unless asked; say so when the code shown is not enough to answer."
)


def _snippet(path: Path, rel: str, lines: list[int]) -> str:
    text = path.read_text(errors="replace")
    rows = text.splitlines()
    if lines and len(rows) > 2 * WINDOW:
        start, end = max(1, min(lines) - WINDOW), min(len(rows), max(lines) + WINDOW)
        body = "\n".join(f"{n}: {rows[n - 1]}" for n in range(start, end + 1))
        return f"{rel} (lines {start}-{end}):\n{body}"
    return f"{rel}:\n" + "\n".join(f"{n}: {row}" for n, row in enumerate(rows, 1))


def build_prompt(model: Model, text: str, params: dict[str, Any], root: Path) -> list[dict[str, Any]]:
    """The question with the files it names (numbered lines), trimmed to the model's context."""
    budget = max(256, model.context_size - MAX_TOKENS - model.count_tokens(SYSTEM + text) - 64)
    parts: list[str] = []
    for rel in params.get("files") or []:
        path = (root / rel).resolve()
        if path.is_file() and root in path.parents:
            parts.append(_snippet(path, rel, params.get("lines") or []))
    if not parts:
        listing = proc.run(["git", "ls-files"], cwd=root, timeout=30)
        if listing.ok and listing.stdout.strip():
            parts.append("Files in the repository:\n" + "\n".join(listing.stdout.splitlines()[:200]))
    context = "\n\n".join(parts)
    while context and model.count_tokens(context) > budget:
        context = context[: int(len(context) * 0.8)] + "\n[... cut ...]"
    user = (context + "\n\n" if context else "") + f"Question: {text}"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def explain(model: Model, text: str, params: dict[str, Any], root: Path, on_token: TokenCallback | None = None) -> str:
    try:
        completion = model.chat(
            build_prompt(model, text, params, root), purpose="explain", max_tokens=MAX_TOKENS, temperature=0.0, on_token=on_token
        )
    except NoResponse as exc:
        raise TaskFailed(f"no explanation: {exc}", "Try again, or name the file you are asking about.") from None
    answer = completion.text.strip()
    if not answer:
        raise TaskFailed("the model gave an empty explanation", "Try again, or name the file you are asking about.")
    return answer
