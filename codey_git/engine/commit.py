"""One commit per passing step, authored exactly as `git commit` would, with codey trailers."""

from __future__ import annotations

import re
from pathlib import Path

import pygit2
from pygit2.enums import FileMode

from codey_git import faults
from codey_git.engine.line_candidates import NO_MODEL
from codey_git.engine.prompts import commit_message_messages
from codey_git.engine.task import AttemptRecord
from codey_git.engine.worktrees import Worktree
from codey_git.gitrepo import signature
from codey_git.models.base import Model, NoResponse

_CONVENTIONAL = re.compile(r"^(fix|feat|refactor|docs|test|perf|chore|style|build|ci)(\([\w./-]+\))?!?: \S.{2,}$")
TRAILER_TASK, TRAILER_MODEL, TRAILER_TESTS = "Codey-Task", "Codey-Model", "Codey-Tests"
TRAILER_EDIT = "Codey-Edit"  # how the change was found, when no model wrote it


# a requested change's type, from the words it starts with (the first match wins); else ``feat``
_INTENT_TYPES = (
    (re.compile(r"^(add|write|improve|update|fix)\b.*\b(docstrings?|comments?|documentation|docs)\b", re.I), "docs"),
    (re.compile(r"^(add|write|improve)\b.*\btests?\b", re.I), "test"),
    (re.compile(r"^(add|improve)\b.*\btype (hints?|annotations?)\b", re.I), "refactor"),
    (re.compile(r"^(remove|delete|drop|rename|refactor|simplify|clean|tidy|extract|split|move|inline)\b", re.I), "refactor"),
)


def intent_type(kind: str, request: str) -> str:
    """``fix`` for a fix; for a requested change, what it asks for (``refactor``, ``docs``, ``test``)
    or ``feat`` for new behaviour."""
    if kind == "fix":
        return "fix"
    text = " ".join(request.split())
    return next((kind_type for pattern, kind_type in _INTENT_TYPES if pattern.search(text)), "feat")


def template_subject(kind: str, request: str) -> str:
    text = " ".join(request.split())
    prefix = intent_type(kind, request) + ": "
    first = text.split(" ", 1)[0]
    # "Fix the test" -> "fix the test"; a name or acronym keeps its case ("URL(...)", "HTTPError")
    summary = (text[0].lower() + text[1:] if re.fullmatch(r"[A-Z][a-z]*", first) else text) if text else "apply codey change"
    limit = 72 - len(prefix)
    return prefix + (summary if len(summary) <= limit else summary[: limit - 3].rstrip() + "...")


def typed_for(kind: str, subject: str, request: str = "") -> str:
    """The subject with the type the intent says: a fix is ``fix``; a requested change is never
    ``fix``: a model's "fix" there takes the request's type (``intent_type``: ``feat`` for new
    behaviour)."""
    kind_type, _, rest = subject.partition(":")
    name = re.sub(r"[(!].*$", "", kind_type)
    if kind == "fix" and name != "fix":
        return "fix" + kind_type[len(name) :] + ":" + rest
    if kind != "fix" and name == "fix":
        return intent_type(kind, request) + kind_type[len(name) :] + ":" + rest
    return subject


def subject_line(model: Model | None, kind: str, request: str, diff: str) -> tuple[str, bool]:
    """A model-written Conventional Commits subject, typed by the intent (``typed_for``), or the
    template when the model gives none; and whether the model wrote it."""
    if model is not None:
        try:
            text = model.chat(
                commit_message_messages(request, diff), purpose="commit_message", max_tokens=40, temperature=0.0
            ).text
        except NoResponse:
            text = ""
        for line in text.strip().strip("`").splitlines():
            line = line.strip().strip("`\"'")
            if _CONVENTIONAL.match(line) and len(line) <= 100:
                return typed_for(kind, line, request), True
    return template_subject(kind, request), False


def model_trailer(name: str, wrote_edit: bool, wrote_message: bool) -> str:
    """The ``Codey-Model:`` value: the model that wrote the edit; ``none`` when the tests chose it,
    naming the model only as the author of the message when it wrote that."""
    if wrote_edit:
        return name
    return f"none (commit message by {name})" if wrote_message else "none"


def edit_trailer(record: AttemptRecord) -> str:
    """The ``Codey-Edit:`` value for a change no model wrote: how it was found, how it was chosen
    among the changes the tests accept, and the others they accept."""
    how = f"{NO_MODEL[record.format or '']} {record.answer}, chosen by the tests (no model wrote it)"
    if record.ranked_by:
        how += f" and, of the changes of the line they accept, read by {record.ranked_by} as the likeliest code"
    return how + "; review it" + (f": the tests also accept {', '.join(record.also_passing)}" if record.also_passing else "")


def full_message(subject: str, request: str, model_name: str, tests: str, edit: str | None = None) -> str:
    """The commit message: the subject, then the trailers; ``edit`` says how a change no model
    wrote was found (a one-token change the tests chose)."""
    task = " ".join(request.split())
    how = f"{TRAILER_EDIT}: {edit}\n" if edit else ""
    return f"{subject}\n\n{TRAILER_TASK}: {task}\n{TRAILER_MODEL}: {model_name}\n{TRAILER_TESTS}: {tests}\n{how}"


def commit_worktree(wt: Worktree, user_root: Path, changes: dict[str, str | None], message: str) -> str:
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
        mode = index[path].mode if path in index else FileMode.BLOB
        if mode not in (FileMode.BLOB, FileMode.BLOB_EXECUTABLE):
            mode = FileMode.BLOB  # a symlink or gitlink is never rewritten (treefs refuses it)
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
        for key in (TRAILER_TASK, TRAILER_MODEL, TRAILER_TESTS, TRAILER_EDIT):
            if line.startswith(key + ": "):
                out[key] = line[len(key) + 2 :].strip()
    return out
