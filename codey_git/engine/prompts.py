"""Prompts for the coder. Short on purpose: every token read or written costs time on a CPU.

The stable part (instructions, code, failures) comes first and the attempt feedback last, so
retries and extra candidates reuse the KV cache of the shared prefix.
"""

from __future__ import annotations

from codey_git.edits.docstrings import is_shortened
from codey_git.models.base import Message

SYSTEM = "You are a careful senior Python developer. You fix bugs with minimal, targeted edits."

FORMAT_RULES = {
    "function": (
        "First write one short line starting with `Bug:` that names the wrong line and why. Then "
        "reply with the complete corrected function (or method, or class) in one ```python block: "
        "only the definitions you change, each in full, with the same name and signature. "
        "Do not repeat unchanged code."
    ),
    "search_replace": (
        "Reply with one or more edit blocks, each exactly like this:\n"
        "path/to/file.py\n<<<<<<< SEARCH\nexact lines from the file\n=======\nthe new lines\n>>>>>>> REPLACE\n"
        "The SEARCH lines must match the file exactly. Keep edits small. Do not explain."
    ),
    "diff": (
        "Reply with a unified diff in one ```diff block, with --- a/PATH and +++ b/PATH headers and "
        "@@ hunks with 2 lines of context. Change only what is needed. Do not explain."
    ),
    "lines": (
        "First write one short line starting with `Bug:` that says what is wrong. Then write "
        "`Line N:` (or `Lines N-M:`) with the numbers shown beside the code, and the corrected code "
        "for exactly those lines in one ```python block, indented as in the file, without the "
        "numbers. Do not rewrite the whole function."
    ),
    "whole_file": (
        "Reply with the file path on one line, then the complete new content of that file in one ```python block. Do not explain."
    ),
}
# added to the `function` rules only when the code shown has a shortened docstring: tokens cost
SHORT_DOCSTRING_RULE = "A shortened docstring stays as it is: copy its one line, do not re-type it."
NEW_FILE_RULE = "To create a new file, write its path on one line, then its complete content in a fenced code block."
NO_TESTS_RULE = "Do not change test files: fix the code under test."


def render_code(files: dict[str, str], notes: list[str]) -> str:
    parts = []
    for path, text in files.items():
        lang = "python" if path.endswith(".py") else ""
        parts.append(f"{path}:\n```{lang}\n{text.rstrip()}\n```")
    if notes:
        parts.append("\n".join(notes))
    return "\n\n".join(parts)


def edit_messages(
    request: str,
    code: str,
    failures: str,
    fmt: str,
    *,
    kind: str,
    new_files: list[str],
    allow_test_edits: bool,
    feedback: str | None,
) -> list[Message]:
    rules = [FORMAT_RULES[fmt]]
    if fmt == "function" and is_shortened(code):
        rules.append(SHORT_DOCSTRING_RULE)
    if new_files:
        rules.append(NEW_FILE_RULE + " New file(s) to create: " + ", ".join(new_files) + ".")
    if not allow_test_edits:
        rules.append(NO_TESTS_RULE)
    goal = "Fix the bug" if kind == "fix" else "Make this change"
    body = [f"{goal}: {request}"]
    if code:
        body.append(code)
    if failures:
        body.append("Failing tests:\n```\n" + failures.strip() + "\n```")
    body.append("\n".join(rules))
    messages: list[Message] = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n\n".join(body)}]
    if feedback:
        messages.append({"role": "user", "content": feedback})
    return messages


def feedback_text(reason: str, detail: str, diff: str | None) -> str:
    text = f"Your previous edit did not work: {reason}"
    if diff:
        text += f"\nThe edit was:\n```diff\n{diff.strip()[:1500]}\n```"
    if detail:
        text += f"\n{detail.strip()[:1500]}"
    return text + "\nTry again with a different, correct edit, in the format asked for above."


def commit_message_messages(request: str, diff: str) -> list[Message]:
    return [
        {"role": "system", "content": "You write concise Conventional Commits messages."},
        {
            "role": "user",
            "content": (
                f"Request: {request}\n\n```diff\n{diff.strip()[:3000]}\n```\n\n"
                "Write one commit subject line, at most 72 characters, in the form `type(scope): summary` "
                "with type one of fix, feat, refactor, docs, test, perf, chore. Reply with the line only."
            ),
        },
    ]
