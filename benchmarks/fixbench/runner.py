"""Run one fixbench task through the real CLI and judge the outcome.

The task's repository is copied to a fresh temporary directory, committed, and handed to
``python -m codey_git fix REQUEST --json --yes``. Only committed work counts: the task's tests are
re-run in a clean clone of the resulting HEAD, and a change to any test file fails the task.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import codey_git
from codey_git.paths import models_dir
from codey_git.proc import run

from benchmarks.fixbench.repo_ops import changed_files, clean_checkout, clean_env, git, init_repo, ref_exists, run_tests
from benchmarks.fixbench.taskset import Task, copy_repo, is_test_path
from benchmarks.fixbench.tokens import whole_file_tokens

DEFAULT_TIMEOUT_S = 1800
# the CLI under test is the codey_git this runner imports (the checkout, installed or not)
CODEY_SOURCE_ROOT = Path(codey_git.__file__).resolve().parents[1]
STDERR_TAIL = 800


@dataclass
class RunOptions:
    model: str
    python: str = sys.executable
    backend: str | None = None
    edit_format: str | None = None
    max_seconds: float | None = None
    candidates: int | None = None
    attempts: int | None = None
    lock: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    models_dir: str | None = None
    keep: bool = False
    pad_modules: bool = False
    long_files: str | None = None
    settings: tuple[str, ...] = ()  # NAME=VALUE, as CODEY_NAME


def setting_env(settings) -> dict[str, str]:
    """``--set NAME=VALUE`` options as the environment variables codey reads (CODEY_NAME)."""
    return {"CODEY_" + name.upper(): value for name, _, value in (item.partition("=") for item in settings)}


@contextmanager
def cpu_lock(path: str | None):
    """Hold a shared flock on PATH while a task runs, so a timing run elsewhere can wait for quiet."""
    if not path:
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def engine_env(task: Task, opts: RunOptions, home: Path) -> dict[str, str]:
    """Environment for one CLI run: a private CODEY_HOME and config dir, the machine's model cache."""
    pythonpath = [str(CODEY_SOURCE_ROOT)] + [p for p in [os.environ.get("PYTHONPATH", "")] if p]
    env = clean_env({
        "PYTHONPATH": os.pathsep.join(pythonpath),
        "CODEY_HOME": str(home / "codey"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "CODEY_MODELS_DIR": opts.models_dir or str(models_dir()),
        "CODEY_CODER": opts.model,
    })
    if opts.backend:
        env["CODEY_BACKEND"] = opts.backend
    if opts.backend == "scripted":
        env["CODEY_SCRIPT"] = str(task.scripted_path)
        env["CODEY_EDIT_FORMAT"] = "diff"  # scripted.yml holds the fix as a unified diff
    if opts.edit_format:
        env["CODEY_EDIT_FORMAT"] = opts.edit_format
    if opts.max_seconds:
        env["CODEY_MAX_SECONDS"] = str(opts.max_seconds)
    if opts.candidates:
        env["CODEY_CANDIDATES"] = str(opts.candidates)
    if opts.attempts:
        env["CODEY_ATTEMPTS"] = str(opts.attempts)
    if opts.long_files:
        env["CODEY_LONG_FILES"] = opts.long_files
    env.update(setting_env(opts.settings))
    return env


def parse_result(stdout: str) -> dict:
    """The one JSON object --json prints; tolerate stray lines around it."""
    text = stdout.strip()
    candidates = [text] + [text[i:] for i in range(len(text)) if text[i] == "{" and (i == 0 or text[i - 1] == "\n")]
    for candidate in candidates:
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(data, dict):
            return data
    return {}


def _num(value) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def attempt_counts(result: dict) -> dict:
    attempts = [a for a in result.get("attempts") or [] if isinstance(a, dict)]
    rounds = {(a.get("step"), a.get("attempt")) for a in attempts}
    return {
        "attempts": len(rounds),
        "candidates": len(attempts),
        "well_formed": sum(a.get("well_formed") is True for a in attempts),
        "malformed": sum(a.get("well_formed") is False for a in attempts),
        "applied": sum(a.get("applied") is True for a in attempts),
        "formats": sorted({str(a["format"]) for a in attempts if a.get("format")}),
        "first_try": first_try(attempts),
        "accepted_generated_tokens": accepted_tokens(result),
        # every answer, to read why an edit failed (kept short: the results file stays readable)
        "answers": [{"format": a.get("format"), "well_formed": a.get("well_formed"), "passed": a.get("passed"),
                     "reason": a.get("reason"),
                     "answer": (a.get("answer") or "")[:ANSWER_CHARS],
                     # a passing change no model wrote: the other changes of its line the tests accept too
                     **({"also_passing": a["also_passing"]} if a.get("also_passing") else {}),
                     # and the model whose score chose among them, when one did
                     **({"ranked_by": a["ranked_by"]} if a.get("ranked_by") else {})} for a in attempts],
    }


ANSWER_CHARS = 1500


def first_try(attempts: list[dict]) -> dict | None:
    """The greedy first candidate alone: what one try in this edit format gives."""
    first = next((a for a in attempts if a.get("attempt") == 1 and a.get("candidate", 1) == 1), None)
    if first is None:
        return None
    return {"well_formed": first.get("well_formed") is True, "passed": first.get("passed") is True}


def accepted_tokens(result: dict) -> int | None:
    """Generated tokens of the edit call whose edit passed (the last edit call of a fixed task)."""
    if result.get("status") not in ("landed", "committed"):
        return None
    edits = [c for c in result.get("calls") or [] if isinstance(c, dict) and c.get("purpose") == "edit"]
    return _num(edits[-1].get("generated_tokens")) if edits else None


def judge(repo: Path, base: str, result: dict, python: str, work: Path) -> dict:
    """Did committed work fix the task? Judges HEAD, or the reported branch when HEAD did not move."""
    head = git(repo, "rev-parse", "HEAD")
    judged, landed = head, head != base
    branch = result.get("branch")
    if head == base and isinstance(branch, str) and branch and ref_exists(repo, branch):
        judged = git(repo, "rev-parse", branch)
    verdict = {"landed": landed, "new_commits": 0, "test_files_changed": [], "tests_after": "", "fixed": False}
    if judged == base:
        verdict["tests_after"] = "no commit"
        return verdict
    verdict["new_commits"] = int(git(repo, "rev-list", "--count", f"{base}..{judged}"))
    verdict["test_files_changed"] = [p for p in changed_files(repo, base, judged) if is_test_path(p)]
    checkout = clean_checkout(repo, judged, work / "judge")
    tests = run_tests(checkout, python)
    verdict["tests_after"] = tests.summary
    verdict["fixed"] = tests.passed and not verdict["test_files_changed"]
    if verdict["fixed"]:
        verdict["fixed_files"] = {p: (checkout / p).read_text(encoding="utf-8")
                                  for p in changed_files(repo, base, judged) if (checkout / p).is_file()}
    return verdict


def run_task(task: Task, opts: RunOptions) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"fixbench-{task.name}-"))
    row = {"task": task.name, "category": task.category, "request_style": task.request_style,
           "request": task.request, "fixed": False}
    try:
        repo = copy_repo(task, tmp / "repo", pad_modules=opts.pad_modules)
        base = init_repo(repo)
        argv = [opts.python, "-m", "codey_git", "fix", task.request, "--json", "--yes"]
        with cpu_lock(opts.lock):
            start = time.monotonic()
            proc = run(argv, cwd=repo, env=engine_env(task, opts, tmp / "home"), timeout=opts.timeout_s)
            row["wall_s"] = round(time.monotonic() - start, 2)
        result = parse_result(proc.stdout)
        tokens = result.get("tokens") if isinstance(result.get("tokens"), dict) else {}
        timings = result.get("timings") if isinstance(result.get("timings"), dict) else {}
        row.update({
            "exit_code": proc.returncode, "timed_out": proc.timed_out, "status": result.get("status"),
            "reason": result.get("reason"), **attempt_counts(result),
            "engine_total_s": _num(timings.get("total_s")),
            "prompt_tokens": _num(tokens.get("prompt_tokens")),
            "prompt_tokens_evaluated": _num(tokens.get("prompt_tokens_evaluated")),
            "generated_tokens": _num(tokens.get("generated_tokens")),
            "peak_rss_mb": _num(tokens.get("peak_rss_mb")),
        })
        row.update(judge(repo, base, result, opts.python, tmp))
        fixed_files = row.pop("fixed_files", None)
        if fixed_files:
            row["whole_file_tokens"] = whole_file_tokens(opts.model, opts.models_dir, fixed_files)
        if not row["fixed"]:
            row["stderr_tail"] = proc.stderr[-STDERR_TAIL:]
            if not result:
                row["stdout_tail"] = proc.stdout[-STDERR_TAIL:]
    except Exception as exc:  # noqa: BLE001 - one broken task must not end the whole benchmark
        row["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        if opts.keep:
            row["workdir"] = str(tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return row
