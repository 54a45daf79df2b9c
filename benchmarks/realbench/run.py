"""realbench: `git codey fix` on real projects with one line of library code broken.

    python -m benchmarks.realbench --model qwen2.5-coder-1.5b [--tasks ID,...] [--limit N]
        [--max-seconds 600] [--projects a,b] [--styles nodeid,symptom,test_file] [--write-docs]
    python -m benchmarks.realbench --model scripted --limit 3      # the runner itself, no model

Needs the projects fetched (``python -m benchmarks.realbench.fetch``); tasks come from tasks.yml
(``python -m benchmarks.realbench.mutate``). For each task: a fresh clone of the project's
pristine repository, the task's mutated line committed on top as the last change ("Small
cleanups"), the project's ``.venv`` copied in (listed in .git/info/exclude, as a user's would
be), a check that exactly the recorded tests fail, then

    python -m codey_git fix REQUEST --json --yes --max-seconds S

in it with a private CODEY_HOME. The judge then clones the result fresh (the landed HEAD, or
the ``codey/...`` branch codey reports), runs the project's whole suite on every new commit
(exit 0 required; a commit that fails it is a red commit), and checks that no test file and no
pytest configuration differ from the mutation commit. Before the first task and after the last,
the raw model's prompt and generation speeds are measured (speed.py) so results can be scaled.

``--model scripted`` runs codey's scripted backend with each task's own fix (the original line,
as a unified diff) as the answer: every task should come out fixed; it checks the runner, the
repositories and the judge without a model.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from codey_git.paths import models_dir
from codey_git.proc import run

from benchmarks.fixbench.report import machine_info
from benchmarks.fixbench.runner import attempt_counts, cpu_lock, parse_result, setting_env
from benchmarks.machine import load_average
from benchmarks.realbench.common import (MUTATION_DATE, MUTATION_MESSAGE, RESULTS_DIR, TASKS_FILE, Project, SuiteRun,
                                         changed_files, clean_env, clone, commit_all, copy_venv, dump_yaml,
                                         file_at, forbidden_changes, git, load_projects, load_tasks, run_suite)
from benchmarks.realbench.mutate import STYLES, Mutation, apply_mutation, request_of

CODEY_ROOT = Path(__file__).resolve().parents[2]
DOCS_FILE = CODEY_ROOT / "docs" / "benchmarks.md"
DOCS_HEADING = "## Fix rate on real projects (realbench)"
RESULTS_BEGIN = "<!-- realbench results: written by `python -m benchmarks.realbench --write-docs` -->"
RESULTS_END = "<!-- end of realbench results -->"
STDERR_TAIL = 1500
JUDGE_TIMEOUT_S = 600


# --- one task ------------------------------------------------------------------------------------

def prepare_repo(project: Project, task: dict, dest: Path, *, venv: bool = True) -> tuple[str, str]:
    """A fresh repository for the task: pristine commit, then the mutation committed as HEAD.
    Returns (pristine commit, mutation commit)."""
    clone(project.repo, dest)
    pristine = git(dest, "rev-parse", "HEAD")
    m = Mutation(**{k: task[k] for k in Mutation.__dataclass_fields__})
    apply_mutation(dest, m)
    mutation = commit_all(dest, MUTATION_MESSAGE, MUTATION_DATE)
    if venv and project.venv.is_dir():
        copy_venv(project.venv, dest)
    return pristine, mutation


def fix_diff(repo: Path, task: dict) -> str:
    """The task's correct fix as a unified diff against the mutated file (the scripted answer)."""
    mutated = (Path(repo) / task["file"]).read_text(encoding="utf-8").splitlines(keepends=True)
    fixed = list(mutated)
    assert fixed[task["line"] - 1].rstrip("\r\n") == task["mutated"]
    fixed[task["line"] - 1] = task["original"] + "\n"
    return "".join(difflib.unified_diff(mutated, fixed, f"a/{task['file']}", f"b/{task['file']}", n=3))


def scripted_answer(repo: Path, task: dict, path: Path) -> Path:
    dump_yaml({"responses": {"edit": ["```diff\n" + fix_diff(repo, task) + "```\n"] * 6,
                             "commit_message": ["Fix regression from the last change"]}}, path)
    return path


def judge(repo: Path, base: str, result: dict, project: Project, work: Path, python: str | None = None,
          task: dict | None = None) -> dict:
    """Did committed work fix the task? Judges HEAD, or the reported branch when HEAD did not move."""
    head = git(repo, "rev-parse", "HEAD")
    judged, landed = head, head != base
    branch = result.get("branch")
    if head == base and isinstance(branch, str) and branch:
        if run(["git", "rev-parse", "--verify", "-q", branch + "^{commit}"], cwd=repo, env=clean_env()).ok:
            judged = git(repo, "rev-parse", branch)
    verdict = {"landed": landed, "judged": judged, "new_commits": 0, "red_commits": 0, "changed_files": [],
               "test_files_changed": [], "pytest_config_changed": [], "doctests_changed": [], "tests_after": "",
               "fixed": False}
    if judged == base:
        verdict["tests_after"] = "no commit"
        return verdict
    Path(work).mkdir(parents=True, exist_ok=True)
    commits = git(repo, "rev-list", "--reverse", f"{base}..{judged}").split()
    verdict["new_commits"] = len(commits)
    verdict["changed_files"] = changed_files(repo, base, judged)
    forbidden = forbidden_changes(repo, base, judged)
    verdict["test_files_changed"] = forbidden["test_files"]
    verdict["pytest_config_changed"] = forbidden["pytest_config"]
    verdict["doctests_changed"] = forbidden["doctests"]
    judge_seconds = 0.0
    last: SuiteRun | None = None
    for i, oid in enumerate(commits):
        checkout = clone(repo, work / f"judge-{i}", oid)
        suite = run_suite(project, checkout, timeout=JUDGE_TIMEOUT_S, python=python)
        judge_seconds += suite.seconds
        if not suite.passed:
            verdict["red_commits"] += 1
        last = suite
        shutil.rmtree(checkout, ignore_errors=True)
    verdict["tests_after"] = last.summary if last else ""
    verdict["still_failing"] = last.failed[:20] if last else []
    verdict["judge_test_s"] = round(judge_seconds, 2)
    verdict["fixed"] = bool(last and last.passed and not any(forbidden.values()))
    if task:
        verdict["restored_original_line"] = _line_at(repo, judged, task["file"], task["line"]) == task["original"]
    return verdict


def _line_at(repo: Path, ref: str, rel: str | None, line: int | None) -> str | None:
    if not rel or not line:
        return None
    text = file_at(repo, ref, rel)
    lines = text.splitlines() if text is not None else []
    return lines[line - 1] if 0 < line <= len(lines) else None


def _num(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def engine_env(opts, home: Path, repo: Path, script: Path | None) -> dict[str, str]:
    env = clean_env({
        "CODEY_HOME": str(home / "codey"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "CODEY_MODELS_DIR": opts.models_dir or str(models_dir()),
    })
    if opts.pythonpath:
        env["PYTHONPATH"] = opts.pythonpath
    if opts.venv_on_path:
        env["PATH"] = str(repo / ".venv" / "bin") + os.pathsep + env.get("PATH", "")
    if script is not None:
        env.update({"CODEY_BACKEND": "scripted", "CODEY_SCRIPT": str(script), "CODEY_EDIT_FORMAT": "diff"})
    else:
        env["CODEY_CODER"] = opts.model
    env.update(setting_env(getattr(opts, "settings", [])))
    return env


def last_codey_line(stderr: str) -> str | None:
    """What codey said last on stderr (`codey: ...`), for a run that printed no JSON reason (exit 2)."""
    lines = [line[len("codey:"):].strip() for line in stderr.splitlines() if line.startswith("codey:")]
    return lines[-1] if lines else None


def why_not(row: dict) -> str:
    """One line: why a task was not fixed."""
    if row.get("error"):
        return f"error: {row['error']}"
    if row.get("timed_out"):
        return "killed at the hard time limit"
    touched = row.get("test_files_changed", []) + row.get("pytest_config_changed", []) + \
        [f"doctests in {f}" for f in row.get("doctests_changed", [])]
    if touched:
        return "changed " + ", ".join(touched)
    if row.get("new_commits") and not row.get("fixed"):
        return f"committed, but the whole suite fails: {row.get('tests_after')}"
    reason = row.get("reason") or row.get("status") or f"exit {row.get('exit_code')}"
    return str(reason)


def run_task(task: dict, project: Project, opts) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"realbench-{task['id']}-"))
    request = request_of(task)
    row = {"task": task["id"], "project": task["project"], "style": task["style"], "kind": task["kind"],
           "request": request, "file": task["file"], "line": task["line"], "fixed": False}
    try:
        repo = tmp / "repo"
        _, base = prepare_repo(project, task, repo)
        python = str(repo / ".venv" / "bin" / "python")
        if opts.precheck:
            pre = run_suite(project, repo, timeout=JUDGE_TIMEOUT_S, python=python)
            row["precheck_s"] = round(pre.seconds, 2)
            if pre.failed != sorted(task["failing"]) or pre.collect_errors:
                row["error"] = f"precheck: failing {pre.failed[:5]} ({pre.summary}), tasks.yml says {task['failing'][:5]}"
                return row
        script = scripted_answer(repo, task, tmp / "script.yml") if opts.scripted else None
        argv = [opts.python, "-m", "codey_git", "fix", request, "--json", "--yes",
                "--max-seconds", f"{opts.max_seconds:g}"]
        with cpu_lock(opts.lock):
            start = time.monotonic()
            proc = run(argv, cwd=repo, env=engine_env(opts, tmp / "home", repo, script), timeout=opts.timeout_s)
            row["wall_s"] = round(time.monotonic() - start, 2)
        result = parse_result(proc.stdout)
        tokens = result.get("tokens") if isinstance(result.get("tokens"), dict) else {}
        timings = result.get("timings") if isinstance(result.get("timings"), dict) else {}
        counts = attempt_counts(result)
        row.update({
            "exit_code": proc.returncode, "timed_out": proc.timed_out, "status": result.get("status"),
            "reason": result.get("reason") or last_codey_line(proc.stderr),
            "prompt_tokens": _num(tokens.get("prompt_tokens")),
            "prompt_tokens_evaluated": _num(tokens.get("prompt_tokens_evaluated")),
            "generated_tokens": _num(tokens.get("generated_tokens")),
            "peak_rss_mb": _num(tokens.get("peak_rss_mb")),
            "timings": timings,
            "engine_total_s": _num(timings.get("total_s")),
            "baseline_test_s": _num(timings.get("baseline_s")),
            "test_s": _num(timings.get("tests_s", timings.get("test_s"))),
            **{k: counts[k] for k in ("attempts", "candidates", "well_formed", "malformed", "applied", "formats",
                                       "first_try", "accepted_generated_tokens")},
            "attempt_reasons": [a.get("reason") for a in counts["answers"]][-6:],
            "answers": counts["answers"],
        })
        row.update(judge(repo, base, result, project, tmp, python=python, task=task))
        if not row["fixed"]:
            row["why"] = why_not(row)
            row["stderr_tail"] = proc.stderr[-STDERR_TAIL:]
            if not result:
                row["stdout_tail"] = proc.stdout[-STDERR_TAIL:]
    except Exception as exc:  # noqa: BLE001 - one broken task must not end the whole benchmark
        row["error"] = f"{type(exc).__name__}: {exc}"
        row["why"] = why_not(row)
    finally:
        if opts.keep:
            row["workdir"] = str(tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return row


# --- summaries -------------------------------------------------------------------------------------

def _median(values):
    values = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return round(statistics.median(values), 1) if values else None


def summarize(rows: list[dict], speed: dict) -> dict:
    fixed = [r for r in rows if r.get("fixed")]

    def groups(key: str, order) -> dict:
        out = {}
        for name in order:
            members = [r for r in rows if r.get(key) == name]
            if members:
                out[name] = {"fixed": sum(bool(r.get("fixed")) for r in members), "tasks": len(members)}
        return out

    reasons = defaultdict(int)
    for r in rows:
        if not r.get("fixed"):
            reasons[_reason_class(r)] += 1
    summary = {
        "tasks": len(rows), "fixed": len(fixed), "fix_rate": round(len(fixed) / len(rows), 3) if rows else 0.0,
        "red_commits": sum(r.get("red_commits") or 0 for r in rows),
        "test_files_changed": sum(bool(r.get("test_files_changed") or r.get("pytest_config_changed")
                                       or r.get("doctests_changed")) for r in rows),
        "errors": sum(bool(r.get("error")) for r in rows),
        "fixed_median_wall_s": _median(r.get("wall_s") for r in fixed),
        "fixed_median_prompt_tokens_evaluated": _median(r.get("prompt_tokens_evaluated") for r in fixed),
        "fixed_median_generated_tokens": _median(r.get("generated_tokens") for r in fixed),
        "fixed_median_test_s": _median(r.get("test_s") for r in fixed),
        "median_wall_s": _median(r.get("wall_s") for r in rows),
        "by_style": groups("style", STYLES),
        # which stage's candidate passed: the coder's edit, a one-token change, the coder's line
        "fixed_by": _fixed_by(fixed),
        "restored_original_line": sum(bool(r.get("restored_original_line")) for r in fixed),
        # fixed by a change no model wrote while the tests accept other changes of that line too
        "fixed_with_other_passing_changes": sum(
            any(a.get("passed") and a.get("also_passing") for a in r.get("answers") or []) for r in fixed),
        "by_project": groups("project", sorted({r["project"] for r in rows})),
        "not_fixed_because": dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
    }
    read = [s.get("prompt_tok_s") for s in speed.values() if isinstance(s, dict) and s.get("prompt_tok_s")]
    gen = [s.get("gen_tok_s") for s in speed.values() if isinstance(s, dict) and s.get("gen_tok_s")]
    if read and gen:
        r, g = statistics.mean(read), statistics.mean(gen)
        model_s = [(x.get("prompt_tokens_evaluated") or 0) / r + (x.get("generated_tokens") or 0) / g for x in fixed]
        summary["raw_prompt_tok_s"], summary["raw_gen_tok_s"] = round(r, 1), round(g, 2)
        summary["fixed_median_model_s_at_raw_speed"] = _median(model_s)
    return summary


def _fixed_by(fixed: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for r in fixed:
        passed = [a for a in r.get("answers") or [] if a.get("passed")]
        counts[str(passed[-1].get("format") or "?") if passed else "?"] += 1
    return dict(sorted(counts.items()))


REASON_CLASSES = (  # (words in codey's reason, class), first match wins
    ("refused edit", "edit refused"), ("prompt tokens", "prompt over the context"), ("baseline", "baseline tests"), ("changes nothing", "edit changes nothing"),
    ("no edit", "no edit found"), ("no longer run", "tests stopped running"), ("still failing", "still failing"),
    ("collect", "broke collection"), ("time", "out of time"), ("fail", "broke other tests"),
)


def _reason_class(row: dict) -> str:
    """A coarse class of why a task was not fixed, for the summary (the full text is in `why`)."""
    why = (row.get("why") or "").lower()
    if row.get("error"):
        return "benchmark error"
    if row.get("timed_out"):
        return "killed at the hard limit"
    if row.get("test_files_changed") or row.get("pytest_config_changed") or row.get("doctests_changed"):
        return "changed tests"
    if row.get("red_commits"):
        return "red commit"
    # the last attempt's reason says more than the step's summary line
    last = " ".join(str(r) for r in (row.get("attempt_reasons") or [])[-1:]).lower()
    for words, name in REASON_CLASSES:
        if words in why or words in last:
            return name
    return "other"


def table(result: dict) -> str:
    s = result["summary"]
    speed = (f"raw {s['raw_prompt_tok_s']} / {s['raw_gen_tok_s']} tok/s" if s.get("raw_prompt_tok_s")
             else "raw speed not measured")
    lines = [
        f"realbench: {result['model']} ({result['backend']}), {result['date']}, {result['machine']['cpu']}, "
        f"{result['machine']['cores']} cores; {speed}",
        "",
        "| model | tasks | fixed | fix rate | red commits | test files changed | median wall s (fixed) "
        "| median prompt tok evaluated (fixed) | median gen tok (fixed) | raw read / gen tok/s |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {result['model']} | {s['tasks']} | {s['fixed']} | {s['fix_rate'] * 100:.0f}% | {s['red_commits']} "
        f"| {s['test_files_changed']} | {_f(s['fixed_median_wall_s'])} | {_f(s['fixed_median_prompt_tokens_evaluated'])} "
        f"| {_f(s['fixed_median_generated_tokens'])} | {_f(s.get('raw_prompt_tok_s'))} / {_f(s.get('raw_gen_tok_s'))} |",
        "",
        "| request style | fixed |", "|---|---|",
        *[f"| {k} | {v['fixed']}/{v['tasks']} |" for k, v in s["by_style"].items()],
        "",
        "| project | fixed |", "|---|---|",
        *[f"| {k} | {v['fixed']}/{v['tasks']} |" for k, v in s["by_project"].items()],
        "",
        "| not fixed because | tasks |", "|---|---|",
        *[f"| {k} | {v} |" for k, v in s["not_fixed_because"].items()],
        "",
        "| task | style | fixed | wall s | prompt tok eval | gen tok | why not |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        why = (r.get("why") or "").replace("|", "\\|").replace("\n", " ")[:140]
        lines.append(f"| {r['task']} | {r['style']} | {'yes' if r.get('fixed') else 'no'} | {_f(r.get('wall_s'))} "
                     f"| {_f(r.get('prompt_tokens_evaluated'))} | {_f(r.get('generated_tokens'))} | {why} |")
    return "\n".join(lines)


def _f(value) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if isinstance(value, float) else str(value)


def docs_row(result: dict) -> str:
    s = result["summary"]
    styles = ", ".join(f"{k} {v['fixed']}/{v['tasks']}" for k, v in s["by_style"].items())
    return (f"| {result['date']} | {result['model']} | {s['fixed']}/{s['tasks']} ({s['fix_rate'] * 100:.0f}%) "
            f"| {s['red_commits']} | {s['test_files_changed']} | {_f(s['fixed_median_wall_s'])} "
            f"| {_f(s['fixed_median_prompt_tokens_evaluated'])} | {_f(s['fixed_median_generated_tokens'])} "
            f"| {_f(s.get('raw_prompt_tok_s'))} / {_f(s.get('raw_gen_tok_s'))} | {styles} | `{result['command']}` |")


def write_docs(results_dir: Path = RESULTS_DIR, path: Path = DOCS_FILE) -> bool:
    """Rewrite the results table between the markers of the realbench section (model runs only)."""
    rows = []
    for f in sorted(results_dir.glob("*.json")):
        try:
            data = json.loads(f.read_text())
        except ValueError:
            continue
        if isinstance(data, dict) and "rows" in data and data.get("backend") != "scripted":
            rows.append(docs_row(data))
    body = ("| date | model | fixed | red commits | test files changed | median wall s (fixed) "
            "| median prompt tok evaluated (fixed) | median gen tok (fixed) | raw read / gen tok/s | by request style "
            "| command |\n|---|---|---|---|---|---|---|---|---|---|---|\n" + "\n".join(rows)) if rows else \
        "No model run recorded yet."
    text = path.read_text()
    if RESULTS_BEGIN not in text or RESULTS_END not in text:
        return False
    head, rest = text.split(RESULTS_BEGIN, 1)
    _, tail = rest.split(RESULTS_END, 1)
    path.write_text(head + RESULTS_BEGIN + "\n" + body + "\n" + RESULTS_END + tail)
    return True


# --- main ------------------------------------------------------------------------------------------

def codey_pythonpath(python: str) -> str | None:
    """PYTHONPATH that makes this checkout's codey_git importable by `python` (None if it already is).
    Left unset when possible: codey's test runs inherit it."""
    probe = run([python, "-c", "import codey_git, os; print(os.path.dirname(os.path.dirname(codey_git.__file__)))"],
                cwd=tempfile.gettempdir(), env=clean_env(), timeout=60)
    if probe.ok and Path(probe.stdout.strip()).resolve() == CODEY_ROOT:
        return None
    return str(CODEY_ROOT)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.realbench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="coder model (CODEY_CODER), or `scripted`")
    p.add_argument("--tasks", help="comma-separated task ids (default: all)")
    p.add_argument("--tasks-file", default=str(TASKS_FILE),
                   help="the task set (default tasks.yml; blind.yml is the set written without looking at codey)")
    p.add_argument("--projects", help="comma-separated projects (default: all)")
    p.add_argument("--styles", help=f"comma-separated request styles ({', '.join(STYLES)})")
    p.add_argument("--limit", type=int, help="run only the first N tasks selected")
    p.add_argument("--max-seconds", type=float, default=600, help="codey's time budget per task (default 600)")
    p.add_argument("--timeout", type=float, help="hard limit per task (default max-seconds + 300)")
    p.add_argument("--python", default=sys.executable, help="interpreter that runs codey")
    p.add_argument("--models-dir", help="model cache (default: the machine's, as codey finds it)")
    p.add_argument("--venv-on-path", action="store_true",
                   help="put the task repository's .venv/bin first on codey's PATH (for a codey that does not "
                        "find a project's .venv by itself)")
    p.add_argument("--no-precheck", dest="precheck", action="store_false",
                   help="skip checking that exactly the recorded tests fail before codey runs")
    p.add_argument("--no-speed", dest="speed", action="store_false", help="skip the raw model speed measurement")
    p.add_argument("--lock", help="hold a shared flock on this file while codey runs (see fixbench)")
    p.add_argument("--keep", action="store_true", help="keep each task's temporary directory")
    p.add_argument("--out", help="results file (default: results/<model>.json)")
    p.add_argument("--write-docs", action="store_true", help="rewrite the results table in docs/benchmarks.md")
    p.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                   help="a codey setting for every task, as CODEY_NAME (e.g. token_fixes_first=false); repeatable")
    args = p.parse_args(argv)
    for item in args.settings:
        if not re.fullmatch(r"[a-z_]+=.*", item):
            p.error(f"--set wants NAME=VALUE (a setting of .codey.yml), not {item!r}")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    args.scripted = args.model == "scripted"
    args.timeout_s = args.timeout or args.max_seconds + 300
    tasks = load_tasks(Path(args.tasks_file))
    if args.tasks:
        wanted = [t.strip() for t in args.tasks.split(",") if t.strip()]
        unknown = sorted(set(wanted) - {t["id"] for t in tasks})
        if unknown:
            print(f"realbench: unknown task(s): {', '.join(unknown)}", file=sys.stderr)
            return 2
        tasks = [t for t in tasks if t["id"] in wanted]
    if args.projects:
        tasks = [t for t in tasks if t["project"] in set(args.projects.split(","))]
    if args.styles:
        tasks = [t for t in tasks if t["style"] in set(args.styles.split(","))]
    if args.limit:
        tasks = tasks[:args.limit]
    if not tasks:
        print("realbench: no tasks (run python -m benchmarks.realbench.mutate first?)", file=sys.stderr)
        return 2
    projects = {p.name: p for p in load_projects()}
    missing = sorted({t["project"] for t in tasks if not (projects[t["project"]].venv / "bin" / "python").exists()})
    if missing:
        print(f"realbench: not fetched: {', '.join(missing)}; run python -m benchmarks.realbench.fetch", file=sys.stderr)
        return 2
    args.pythonpath = codey_pythonpath(args.python)
    speed: dict = {}
    measure = args.speed and not args.scripted
    if measure:
        from benchmarks.realbench.speed import measure as measure_speed
        print("realbench: measuring raw model speed ...", file=sys.stderr, flush=True)
        speed["before"] = measure_speed(args.model, args.python, env=engine_env(args, Path(tempfile.gettempdir()), Path("."), None))
        print(f"  {speed['before']}", file=sys.stderr, flush=True)
    load_before = load_average()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", args.model)
    out = Path(args.out) if args.out else RESULTS_DIR / f"{safe}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")  # the rows so far, for a run cut short
    rows = []
    for i, task in enumerate(tasks, 1):
        row = run_task(task, projects[task["project"]], args)
        rows.append(row)
        partial.write_text(json.dumps({"rows": rows}, indent=2) + "\n")
        outcome = "fixed" if row["fixed"] else f"not fixed ({row.get('why', '')[:160]})"
        print(f"[{i}/{len(tasks)}] {row['task']} ({row['style']}): {outcome} in {row.get('wall_s', '?')} s",
              file=sys.stderr, flush=True)
    if measure:
        speed["after"] = measure_speed(args.model, args.python, env=engine_env(args, Path(tempfile.gettempdir()), Path("."), None))
    result = {
        "model": args.model, "backend": "scripted" if args.scripted else "default",
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {**machine_info(), "load_before": round(load_before, 2), "load_after": round(load_average(), 2)},
        "command": "python -m benchmarks.realbench " + shlex.join(argv),
        "options": {"max_seconds": args.max_seconds, "timeout": args.timeout_s, "venv_on_path": args.venv_on_path,
                    "precheck": args.precheck, "settings": args.settings},
        "raw_speed": speed, "summary": summarize(rows, speed), "rows": rows,
    }
    out.write_text(json.dumps(result, indent=2) + "\n")
    partial.unlink(missing_ok=True)
    print(table(result))
    print(f"\nresults: {out}", file=sys.stderr)
    if args.write_docs:
        if write_docs():
            print("docs/benchmarks.md: realbench results updated", file=sys.stderr)
        else:
            print("docs/benchmarks.md: no realbench results markers found; not written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
