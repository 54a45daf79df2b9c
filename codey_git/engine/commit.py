"""One commit per passing step, authored exactly as `git commit` would, with codey trailers."""

from __future__ import annotations

import re

import pygit2

from codey_git import faults
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


def typed_for(kind: str, subject: str) -> str:
    """The subject with the type the intent says: a fix is ``fix``; an edit (a requested change)
    is never ``fix``: a model's "fix" there is new behaviour, ``feat``."""
    kind_type, _, rest = subject.partition(":")
    name = re.sub(r"[(!].*$", "", kind_type)
    if kind == "fix" and name != "fix":
        return "fix" + kind_type[len(name):] + ":" + rest
    if kind != "fix" and name == "fix":
        return "feat" + kind_type[len(name):] + ":" + rest
    return subject


def subject_line(model: Model | None, kind: str, request: str, diff: str) -> str:
    """A model-written Conventional Commits subject, typed by the intent (``typed_for``), or the
    template when the model gives none."""
    if model is not None:
        try:
            text = model.chat(commit_message_messages(request, diff), purpose="commit_message",
                              max_tokens=40, temperature=0.0).text
        except NoResponse:
            text = ""
        for line in text.strip().strip("`").splitlines():
            line = line.strip().strip("`\"'")
            if _CONVENTIONAL.match(line) and len(line) <= 100:
                return typed_for(kind, line)
    return template_subject(kind, request)


def full_message(subject: str, request: str, model_name: str, tests: str) -> str:
    task = " ".join(request.split())
    return (f"{subject}\n\n{TRAILER_TASK}: {task}\n{TRAILER_MODEL}: {model_name}\n"
            f"{TRAILER_TESTS}: {tests}\n")


def commit_worktree(wt: Worktree, user_root, changes: dict[str, str | None], message: str) -> str:
    """Commit exactly ``changes`` (path -> new text, None to delete) on top of the worktree's HEAD,
    as codey wrote them: the tree is built from HEAD and the changes, never from what the worktree
    holds after the tests ran. The worktree is then reset to the new commit."""
    repo = wt.repo
    head = repo.head.peel(pygit2.Commit)
    index = pygit2.Index()
    index.read_tree(head.tree)
    for path, text in changes.items():
        path = wt.fs.check(path)
        if text is None:
            if path in index:
                index.remove(path)
            continue
        mode = index[path].mode if path in index else pygit2.GIT_FILEMODE_BLOB
        if mode not in (pygit2.GIT_FILEMODE_BLOB, pygit2.GIT_FILEMODE_BLOB_EXECUTABLE):
            mode = pygit2.GIT_FILEMODE_BLOB  # a symlink or gitlink is never rewritten (treefs refuses it)
        index.add(pygit2.IndexEntry(path, repo.create_blob(text.encode("utf-8")), mode))
    tree = index.write_tree(repo)
    author = signature(user_root, "AUTHOR")
    committer = signature(user_root, "COMMITTER")
    oid = repo.create_commit("HEAD", author, committer, message, tree, [head.id])
    faults.point("commit")
    wt.reset()
    return str(oid)


def trailers(message: str) -> dict[str, str]:
    out = {}
    for line in message.splitlines():
        for key in (TRAILER_TASK, TRAILER_MODEL, TRAILER_TESTS):
            if line.startswith(key + ": "):
                out[key] = line[len(key) + 2:].strip()
    return out
