"""`git codey ci run RECIPE [--shard I/N]`: this runner's share of a recipe run, its tested
branches pushed (``--push``), and the run's journal and report copied out for upload
(``--out DIR``), where `git codey report --merge` finds them.

Exit codes: 0 the shard's run ended (the report says what each task came to; a failed task is a
result, not an error); 1 tested branches could not be pushed (they stay on the runner; the job
says which and why); 2 before any work: a shard out of range, a recipe not found or invalid, a
coder model that cannot be fetched; 3 a crash. A shard killed half-way is resumed by the next
`ci run` of the same recipe, shard and commit on a runner that keeps its clone.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from codey_git.ci import push as pushing
from codey_git.ci.fix import unattended
from codey_git.ci.models import ensure_model_named, headless_provider
from codey_git.ci.provider import CIEnv, append_summary
from codey_git.ci.result import CIResult, finish, outputs_on_error
from codey_git.ci.shard import Shard, fingerprint, parse_shard, select
from codey_git.config import load_config
from codey_git.errors import EXIT_NOT_ACHIEVED
from codey_git.gitrepo import Repo, open_repo
from codey_git.recipes.catalog import load_recipe, resolve_recipe
from codey_git.recipes.journal import RunDir, list_runs
from codey_git.recipes.report import not_achieved, run_summary, to_markdown, write_report

SHARD_EVENT = "ci_shard"
RUN_FILES = ("run.json", "tasks.json", "journal.jsonl", "report.md")


@dataclass
class RunOptions:
    recipe: str
    shard: str | None = None
    push: bool = False
    remote: str = "origin"
    out: Path | None = None  # copy the run's journal and report here (for artifact upload)
    model: str | None = None
    max_tasks: int | None = None
    until: str | None = None
    pull: bool = True


def shard_of(run: RunDir) -> dict | None:
    return next((e for e in run.events() if e.get("event") == SHARD_EVENT), None)


def _resumable(repo: Repo, recipe_name: str, shard: Shard) -> RunDir | None:
    """An unfinished run of this recipe and shard on this commit, left by a killed job."""
    head = repo.head_oid()
    for run in reversed(list_runs(repo.codey_dir)):
        event = shard_of(run)
        meta = run.meta()
        if (
            event
            and not run.finished
            and meta.get("recipe") == recipe_name
            and meta.get("base") == head
            and (event.get("index"), event.get("count")) == (shard.index, shard.count)
            and run.holder() is None
        ):
            return run
    return None


def ci_run(root: Path, opts: RunOptions, ci: CIEnv, progress) -> CIResult:
    with outputs_on_error(ci):
        shard = parse_shard(opts.shard)  # a bad shard is refused before anything else
        repo = open_repo(root, need_branch=False)
        recipe = load_recipe(resolve_recipe(opts.recipe, repo.root), repo.root)
        config = unattended(load_config(repo.root, {**recipe.config_overrides(), "coder": opts.model}))
        for warning in config.warnings:
            progress.warn(warning)
        if opts.until:
            from codey_git.recipes.session import seconds_until

            seconds_until(opts.until)
        if opts.pull and any(t.kind != "shell" for t in recipe.tasks):
            ensure_model_named(config, config.coder, progress)
        run = _resumable(repo, recipe.name, shard)
        if run is not None:
            progress.stage(f"resuming run {run.id} (shard {shard})")
        else:
            run = _start(repo, recipe, config, shard, opts, progress)
            if run is None:
                return finish(
                    ci,
                    CIResult(
                        "run",
                        "empty",
                        message=f"shard {shard} of {recipe.name} has no tasks",
                        outputs={"shard": str(shard), "tasks": 0},
                    ),
                )
        _execute(repo, run, config, opts, progress)
        return finish(ci, _conclude(repo, run, shard, opts, ci))


def _start(repo: Repo, recipe, config, shard: Shard, opts: RunOptions, progress) -> RunDir | None:
    from codey_git.recipes.session import expand_tasks, start_run

    every = expand_tasks(repo, recipe, config, progress)
    mine = select(every, shard)[: opts.max_tasks] if opts.max_tasks else select(every, shard)
    progress.stage(f"shard {shard}: {len(mine)} of {len(every)} task(s) from {recipe.name}")
    if not mine:
        return None
    run = start_run(repo, recipe, mine)
    run.append(SHARD_EVENT, index=shard.index, count=shard.count, total=len(every), fingerprint=fingerprint(every))
    return run


def _execute(repo: Repo, run: RunDir, config, opts: RunOptions, progress) -> None:
    from codey_git.recipes.runner import RecipeRunner
    from codey_git.recipes.session import run_limits

    provider = headless_provider(config, progress)
    try:
        RecipeRunner(repo, run, config, provider, progress, run_limits(run.meta(), opts.until, 1)).execute()
    finally:
        provider.close()


def _copy_out(run: RunDir, out: Path) -> Path:
    target = out / run.id
    target.mkdir(parents=True, exist_ok=True)
    for name in RUN_FILES:
        if (run.path / name).is_file():
            shutil.copy2(run.path / name, target / name)
    return target


def _conclude(repo: Repo, run: RunDir, shard: Shard, opts: RunOptions, ci: CIEnv) -> CIResult:
    summary = run_summary(run)
    # a partly done task's commits passed the tests, but it is not ready: they stay on the runner
    missed = not_achieved(summary["tasks"])
    ready = [r["branch"] for r in summary["tasks"] if r.get("branch") and r.get("commits") and r not in missed]
    pushed: list[pushing.PushResult] = []
    failed: list[pushing.PushResult] = []
    if opts.push:
        protected = pushing.protected_names(repo.root, opts.remote, ci.base_ref, ci.head_ref, summary.get("branch"))
        for branch in ready:
            result = pushing.push_branch(repo.root, branch, opts.remote, protected)
            run.append("ci_push", branch=branch, remote=opts.remote, pushed=result.pushed, reason=result.reason)
            (pushed if result.pushed else failed).append(result)
        write_report(run)
    journal = _copy_out(run, opts.out) if opts.out else run.path
    counts = ", ".join(f"{n} {status}" for status, n in summary["counts"].items())
    lines = [f"run {run.id} (shard {shard}): {counts}"]
    lines += [f"  pushed {p.branch}" for p in pushed] + [f"  NOT pushed {p.branch}: {p.reason}" for p in failed]
    lines += [f"  ready on the runner: {b}" for b in ready if not opts.push]
    lines += [
        f"  {r['status']}: {r.get('text', r['task'])[:80]} — {r.get('reason') or 'goal not reached'}"
        + (f" (its tested commits stay on the runner: {r['branch']})" if r.get("branch") and r.get("commits") else "")
        for r in missed
    ]
    lines.append(f"report: {journal / 'report.md'}")
    outputs = {
        "shard": str(shard),
        "tasks": len(summary["tasks"]),
        "committed": len(ready),
        "not_achieved": len(missed),
        "branches": " ".join(p.branch for p in pushed) if opts.push else " ".join(ready),
        "report": str(journal / "report.md"),
        "journal": str(journal),
        "run": run.id,
    }
    append_summary(ci, to_markdown([summary]))
    data = {
        "run": summary,
        "pushed": [p.branch for p in pushed],
        "not_pushed": [{"branch": p.branch, "reason": p.reason} for p in failed],
    }
    if failed:
        return CIResult(
            "run",
            "not-pushed",
            EXIT_NOT_ACHIEVED,
            f"{len(failed)} tested branch(es) could not be pushed ({failed[0].reason}); they stay on the runner",
            failed[0].hint,
            lines,
            outputs,
            data,
        )
    message = f"shard {shard} of {summary['recipe']}: {counts}" + (
        "" if summary["finished"] else f"; stopped early: {summary['stopped']}"
    )
    if missed:  # as `git codey run`: a task that ran and missed its goal is not a success
        return CIResult(
            "run",
            "goal-not-reached",
            EXIT_NOT_ACHIEVED,
            f"{message}; {len(missed)} task(s) did not reach their goal",
            "See the report for what is left; their tested commits, if any, stay on the runner.",
            lines,
            outputs,
            data,
        )
    conclusion = "done" if summary["finished"] else "stopped"
    return CIResult("run", conclusion, message=message, lines=lines, outputs=outputs, data=data)
