"""Which CI runs codey, and how to talk back to it.

GitHub Actions, Forgejo Actions and Gitea Actions share one workflow syntax and one set of
variables (``GITHUB_*``; Forgejo and Gitea add ``FORGEJO_ACTIONS``/``GITEA_ACTIONS``): the pull
request's branches in ``GITHUB_BASE_REF``/``GITHUB_HEAD_REF``, the checked-out commit in
``GITHUB_SHA``, step outputs appended to the file ``$GITHUB_OUTPUT`` and Markdown to
``$GITHUB_STEP_SUMMARY``; ``::error file=...,line=...::`` lines in the log become annotations.

GitLab CI names the merge request's merge base ``CI_MERGE_REQUEST_DIFF_BASE_SHA`` and has no
outputs file: a job hands values on through a dotenv report, which ``CODEY_CI_OUTPUT=codey.env``
makes codey write (see ``examples/ci/gitlab-ci.yml``). ``CODEY_CI_OUTPUT`` and
``CODEY_CI_SUMMARY`` work under any CI (and win over the GitHub files when set).
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import quote

OUTPUT_ENV = "CODEY_CI_OUTPUT"
SUMMARY_ENV = "CODEY_CI_SUMMARY"


@dataclass(frozen=True)
class CIEnv:
    name: str  # "github", "forgejo", "gitea", "gitlab", or "local" (no CI detected)
    base_ref: str | None = None  # what a pull request merges into: a branch name or a commit
    head_ref: str | None = None  # the branch being built (the pull request's source branch)
    sha: str | None = None  # the commit the CI checked out
    output_file: Path | None = None
    summary_file: Path | None = None
    web_url: str | None = None  # the repository's page, for compare links
    event: str | None = None  # pull_request, push, schedule, merge_request_event...
    before: str | None = None  # a push: the commit the branch was at before it (None for a new branch)

    @property
    def workflow_commands(self) -> bool:
        """Whether ``::error file=...::`` lines in the log become annotations."""
        return self.name in ("github", "forgejo", "gitea")

    @property
    def is_ci(self) -> bool:
        return self.name != "local"

    def compare_url(self, base: str, branch: str) -> str | None:
        """The page that shows ``branch`` against ``base`` (where a pull request is opened)."""
        if not self.web_url:
            return None
        middle = "/-/compare/" if self.name == "gitlab" else "/compare/"
        return f"{self.web_url}{middle}{quote(base, safe='/')}...{quote(branch, safe='/')}"


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _commit(value: str | None) -> str | None:
    """A commit id, or None for none (a new branch's all-zero "before")."""
    value = _clean(value)
    return value if value and re.fullmatch(r"[0-9a-f]{7,64}", value) and value.strip("0") else None


def _pushed_from(env: Mapping[str, str]) -> str | None:
    """``before`` of a push event's payload (GitHub, Forgejo and Gitea write it to GITHUB_EVENT_PATH)."""
    try:
        payload = json.loads(Path(env.get("GITHUB_EVENT_PATH", "")).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return _commit(payload.get("before")) if isinstance(payload, dict) and isinstance(payload.get("before"), str) else None


def detect(environ: Mapping[str, str] | None = None) -> CIEnv:
    env = os.environ if environ is None else environ
    output = _path(env.get(OUTPUT_ENV))
    summary = _path(env.get(SUMMARY_ENV))
    if env.get("GITLAB_CI"):
        return CIEnv(
            "gitlab",
            base_ref=_clean(env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA")) or _clean(env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")),
            head_ref=_clean(env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")) or _clean(env.get("CI_COMMIT_REF_NAME")),
            sha=_clean(env.get("CI_COMMIT_SHA")),
            output_file=output,
            summary_file=summary,
            web_url=_clean(env.get("CI_MERGE_REQUEST_PROJECT_URL")) or _clean(env.get("CI_PROJECT_URL")),
            event=_clean(env.get("CI_PIPELINE_SOURCE")),
            before=_commit(env.get("CI_COMMIT_BEFORE_SHA")),
        )
    if env.get("GITHUB_ACTIONS") or env.get("GITEA_ACTIONS") or env.get("FORGEJO_ACTIONS"):
        name = "forgejo" if env.get("FORGEJO_ACTIONS") else "gitea" if env.get("GITEA_ACTIONS") else "github"
        server, repository = _clean(env.get("GITHUB_SERVER_URL")), _clean(env.get("GITHUB_REPOSITORY"))
        return CIEnv(
            name,
            base_ref=_clean(env.get("GITHUB_BASE_REF")),
            head_ref=_clean(env.get("GITHUB_HEAD_REF")) or _clean(env.get("GITHUB_REF_NAME")),
            sha=_clean(env.get("GITHUB_SHA")),
            output_file=output or _path(env.get("GITHUB_OUTPUT")),
            summary_file=summary or _path(env.get("GITHUB_STEP_SUMMARY")),
            web_url=f"{server.rstrip('/')}/{repository}" if server and repository else None,
            event=_clean(env.get("GITHUB_EVENT_NAME")),
            before=_pushed_from(env) if env.get("GITHUB_EVENT_NAME") == "push" else None,
        )
    return CIEnv("local", output_file=output, summary_file=summary)


def web_url_from_remote(url: str) -> str | None:
    """``https://host/owner/repo`` from a remote URL (https or scp-like ssh), credentials dropped."""
    url = url.strip()
    match = re.fullmatch(r"(?:ssh://)?[\w.-]+@([\w.-]+)[:/](?:\d+/)?(.+?)(?:\.git)?/?", url) or re.fullmatch(
        r"https?://(?:[^@/]+@)?([\w.:-]+)/(.+?)(?:\.git)?/?", url
    )
    if not match or "/" not in match.group(2):
        return None
    return f"https://{match.group(1)}/{match.group(2)}"


def write_outputs(ci: CIEnv, values: Mapping[str, object]) -> None:
    """Append ``name=value`` lines to the outputs file (a multi-line value as a heredoc, as GitHub
    documents); nothing when there is no such file."""
    if ci.output_file is None:
        return
    lines = []
    for name, value in values.items():
        text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        if "\n" in text or "\r" in text:
            delimiter = f"CODEY_EOF_{secrets.token_hex(8)}"
            lines.append(f"{name}<<{delimiter}\n{text}\n{delimiter}\n")
        else:
            lines.append(f"{name}={text}\n")
    with open(ci.output_file, "a", encoding="utf-8") as handle:
        handle.writelines(lines)


def append_summary(ci: CIEnv, markdown: str) -> None:
    """Add Markdown to the job's summary page, when the CI offers one."""
    if ci.summary_file is None:
        return
    with open(ci.summary_file, "a", encoding="utf-8") as handle:
        handle.write(markdown.rstrip("\n") + "\n\n")
