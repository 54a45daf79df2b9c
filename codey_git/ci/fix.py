"""`git codey ci fix`: when the tests fail on the checked-out commit, run the fix loop and (with
``--push``) push the tested commits to a new ``codey/...`` branch on the remote.

Exit codes: 0 the tests pass (nothing to do), or a fix passed them (pushed with --push, else on a
local branch); 1 no change made the tests pass (nothing pushed), or a fix passed but could not be
pushed (no remote, no push rights: the commits stay on the runner's local branch, and the job
says so); 2 a usage or configuration error before any work (the test command cannot run, the
coder model cannot be fetched); 3 a crash.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from codey_git import testrun
from codey_git.ci import push as pushing
from codey_git.ci.models import ensure_model_named, headless_provider
from codey_git.ci.provider import CIEnv, append_summary, web_url_from_remote
from codey_git.ci.result import CIResult, finish, outputs_on_error
from codey_git.config import Config, load_config
from codey_git.engine.task import Task, TaskResult
from codey_git.errors import EXIT_NOT_ACHIEVED
from codey_git.gitrepo import Repo, open_repo
from codey_git.recipes.scratch import prune_under, scratch_worktree

MAX_NAMED_TESTS = 8


@dataclass
class FixOptions:
    test_command: str | None = None
    request: str | None = None  # default: made from the failing tests
    push: bool = False
    remote: str = "origin"
    model: str | None = None
    attempts: int | None = None
    max_seconds: float | None = None
    pull: bool = True  # fetch a missing coder model before starting


def unattended(config: Config) -> Config:
    """The configuration for a run nobody watches: tests sandboxed when the machine allows it."""
    return testrun.unattended(config)


def baseline(repo: Repo, config: Config) -> testrun.TestRun:
    """The tests on HEAD, in a scratch worktree (the checkout stays as the CI made it). A test
    command that cannot run at all is a usage error (exit 2)."""
    scratch = repo.codey_dir / "ci"
    prune_under(repo.root, scratch)
    try:
        with scratch_worktree(repo.root, scratch / "baseline", repo.head_oid()) as tree:
            run = testrun.run_tests(config.test_command, tree, float(config.test_timeout))
    finally:
        prune_under(repo.root, scratch)
    testrun.check_baseline(run, config.test_command, float(config.test_timeout))
    return run


def task_for(run: testrun.TestRun, command: str, request: str | None, before: str | None = None) -> Task:
    """The fix request: the one given, else the failing tests by file. ``before``: a push's base,
    named as "since" so that the coder sees what the push changed (``engine.recent_change``)."""
    if request:
        return Task(text=request, kind="fix")
    since = f" This push changed the code since {before[:12]}." if before else ""
    by_file: dict[str, list[str]] = defaultdict(list)
    for node in sorted(run.failed):
        path, _, name = node.partition("::")
        by_file[path].append(name or "collection error")
    if not by_file:
        last = (run.output.strip().splitlines() or ["(no output)"])[-1][:200]
        return Task(text=f"Make the test suite pass (`{command}` fails: {last}).{since}", kind="fix")
    named = [f"{path}: {', '.join(names[:MAX_NAMED_TESTS])}" for path, names in by_file.items()]
    return Task(
        text=f"Make the failing tests pass ({'; '.join(named)}).{since} Fix the code under test, not the tests.",
        kind="fix",
        files=sorted(by_file)[:MAX_NAMED_TESTS],
    )


def ci_fix(root: Path, opts: FixOptions, ci: CIEnv, progress, run_task_fn: Callable[..., TaskResult] | None = None) -> CIResult:
    with outputs_on_error(ci):
        repo = open_repo(root, need_branch=False)  # CI checks out a detached HEAD
        overrides = {
            "test_command": opts.test_command,
            "coder": opts.model,
            "attempts": opts.attempts,
            "max_seconds": opts.max_seconds,
        }
        config = unattended(load_config(repo.root, overrides))
        for warning in config.warnings:
            progress.warn(warning)
        head = repo.head_oid()
        progress.stage(f"tests on {head[:10]}: {config.test_command}")
        before = baseline(repo, config)
        if before.ok:
            result = CIResult(
                "fix",
                "passing",
                message=f"the tests pass on {head[:10]} ({before.summary}); nothing to fix",
                outputs={"fixed": False, "tests": before.summary},
            )
            return finish(ci, result)
        progress.info(f"failing: {before.summary}")
        task = task_for(before, config.test_command, opts.request, ci.before)
        if opts.pull:
            ensure_model_named(config, config.coder, progress)
        if run_task_fn is None:
            from codey_git.engine.runner import run_task

            run_task_fn = run_task
        provider = headless_provider(config, progress)
        branch = f"codey/ci-fix-{head[:8]}-{task.id}"
        try:
            done = run_task_fn(repo, task, config, provider, progress=progress, land=False, base=head, branch=branch)
        finally:
            provider.close()
        return finish(ci, _conclude(repo, done, opts, ci, head, before))


def _compare_url(repo: Repo, ci: CIEnv, remote: str, base: str, branch: str) -> str | None:
    if ci.web_url:
        return ci.compare_url(base, branch)
    from codey_git import proc

    url = proc.run(["git", "remote", "get-url", remote], cwd=repo.root, timeout=30)
    web = web_url_from_remote(url.stdout) if url.ok else None
    return CIEnv("local", web_url=web).compare_url(base, branch) if web else None


def _conclude(repo: Repo, done: TaskResult, opts: FixOptions, ci: CIEnv, head: str, before: testrun.TestRun) -> CIResult:
    outputs: dict[str, Any] = {"fixed": done.ok, "tests": done.tests or before.summary, "commits": len(done.commits)}
    data = {"task": done.to_json()}
    if not done.ok:
        return CIResult(
            "fix",
            "no-fix",
            EXIT_NOT_ACHIEVED,
            f"no change made the tests pass ({done.reason or 'not achieved'}); nothing was pushed",
            "See the attempts in the log; a clearer failing test or a larger model helps.",
            outputs={**outputs, "pushed": False},
            data=data,
        )
    branch = done.branch or ""
    lines = [f"  {c.oid[:10]} {c.message.splitlines()[0]}" for c in done.commits]
    outputs["branch"] = branch
    if not opts.push:
        lines.append(f"tested commit(s) on the local branch {branch} (pass --push to push them)")
        return CIResult(
            "fix",
            "fixed",
            message=f"fixed: {len(done.commits)} tested commit(s) on {branch} (not pushed)",
            lines=lines,
            outputs={**outputs, "pushed": False},
            data=data,
        )
    protected = pushing.protected_names(repo.root, opts.remote, ci.base_ref, ci.head_ref)
    pushed = pushing.push_branch(repo.root, branch, opts.remote, protected)
    data["push"] = {"pushed": pushed.pushed, "remote": pushed.remote, "reason": pushed.reason}
    if not pushed.pushed:
        return CIResult(
            "fix",
            "not-pushed",
            EXIT_NOT_ACHIEVED,
            f"a fix passed the tests but was not pushed: {pushed.reason}; its {len(done.commits)} "
            f"commit(s) stay on the runner's local branch {branch}",
            pushed.hint,
            lines=lines,
            outputs={**outputs, "pushed": False},
            data=data,
        )
    url = _compare_url(repo, ci, opts.remote, ci.head_ref or head, branch)
    lines.append(f"pushed {branch} to {opts.remote}" + (f": {url}" if url else ""))
    append_summary(
        ci,
        f"## codey fix\n\nThe tests failed on `{head[:10]}` ({before.summary}); "
        f"{len(done.commits)} tested commit(s) pushed to `{branch}`" + (f": [compare]({url})" if url else "") + ".\n",
    )
    return CIResult(
        "fix",
        "fixed",
        message=f"fixed: {len(done.commits)} tested commit(s) pushed to {branch}",
        lines=lines,
        outputs={**outputs, "pushed": True, "compare_url": url or ""},
        data=data,
    )
