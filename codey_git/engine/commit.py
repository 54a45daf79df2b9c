"""One commit per passing step, authored exactly as `git commit` would, with codey trailers."""

from __future__ import annotations

import re

import pygit2

from codey_git.engine.prompts import commit_message_messages
from codey_git.engine.worktrees import Worktree
from codey_git.gitrepo import signature
from codey_git.models.base import Model, NoResponse

_CONVENTIONAL = re.compile(r"^(fix|feat|refactor|docs|test|perf|chore|style|build|ci)(\([\w./-]+\))?!?: \S.{2,}$")
TRAILER_TASK, TRAILER_MODEL, TRAILER_TESTS = "Codey-Task", "Codey-Model", "Codey-Tests"


def template_subject(kind: str, request: str) -> str:
    text = " ".join(request.split())
    prefix = "fix: " if kind == "fix" else "feat: "
    summary = text[0].lower() + text[1:] if text else "apply codey change"
    limit = 72 - len(prefix)
    return prefix + (summary if len(summary) <= limit else summary[: limit - 3].rstrip() + "...")


def subject_line(model: Model | None, kind: str, request: str, diff: str) -> str:
    """A model-written Conventional Commits subject, or the template when the model gives none."""
    if model is not None:
        try:
            text = model.chat(commit_message_messages(request, diff), purpose="commit_message",
                              max_tokens=40, temperature=0.0).text
        except NoResponse:
            text = ""
        for line in text.strip().strip("`").splitlines():
            line = line.strip().strip("`\"'")
            if _CONVENTIONAL.match(line) and len(line) <= 100:
                return line
    return template_subject(kind, request)


def full_message(subject: str, request: str, model_name: str, tests: str) -> str:
    task = " ".join(request.split())
    return (f"{subject}\n\n{TRAILER_TASK}: {task}\n{TRAILER_MODEL}: {model_name}\n"
            f"{TRAILER_TESTS}: {tests}\n")


def commit_worktree(wt: Worktree, user_root, changed: list[str], message: str) -> str:
    """Stage ``changed`` paths (added, modified or deleted) in the worktree and commit them."""
    repo = wt.repo
    index = repo.index
    index.read()
    for path in changed:
        if (wt.path / path).exists():
            index.add(path)
        else:
            try:
                index.remove(path)
            except (OSError, pygit2.GitError):
                pass
    index.write()
    tree = index.write_tree()
    author = signature(user_root, "AUTHOR")
    committer = signature(user_root, "COMMITTER")
    parent = repo.head.target
    oid = repo.create_commit("HEAD", author, committer, message, tree, [parent])
    return str(oid)


def trailers(message: str) -> dict[str, str]:
    out = {}
    for line in message.splitlines():
        for key in (TRAILER_TASK, TRAILER_MODEL, TRAILER_TESTS):
            if line.startswith(key + ": "):
                out[key] = line[len(key) + 2:].strip()
    return out
