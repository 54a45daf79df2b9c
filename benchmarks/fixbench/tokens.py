"""What a whole-file rewrite of the same fix would have cost: the fixed files, counted in tokens.

A targeted edit is worth its name only if it generates far fewer tokens than writing the file out
again (issue target: at most a third). For every fixed task the files the accepted fix changed are
counted, as a whole-file answer would write them (path line, fenced block), with the model's own
tokenizer (loaded vocabulary-only: no weights, well under a second).
"""

from __future__ import annotations

import functools
from pathlib import Path

from codey_git.models.registry import Registry


@functools.lru_cache(maxsize=4)
def _tokenizer(model: str, models_dir: str | None):
    from codey_git.models.llama_runtime import import_llama

    entry = Registry().get(model)
    path = Path(models_dir) / entry.file if models_dir and not entry.path else Registry.file_path(entry)
    return import_llama().Llama(model_path=str(path), vocab_only=True, verbose=False)


def whole_file_tokens(model: str, models_dir: str | None, files: dict[str, str]) -> int | None:
    """Tokens of a whole-file answer writing ``files`` (path -> new text); None if no tokenizer."""
    try:
        llm = _tokenizer(model, models_dir)
    except Exception:  # noqa: BLE001 - an unknown or scripted model has no tokenizer to count with
        return None
    answer = "\n\n".join(f"{path}\n```python\n{text.rstrip()}\n```" for path, text in files.items())
    return len(llm.tokenize(answer.encode("utf-8"), add_bos=False))
