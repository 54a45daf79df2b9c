"""Seeded one-line bugs in the realbench projects' library code, kept when 1-10 tests catch them.

    python -m benchmarks.realbench.mutate [--seed 2026] [--per-project 8] [--projects a,b] [--max-tries 120]
    python -m benchmarks.realbench.mutate --verify [--tasks id,...]     # re-check tasks.yml

For each project (fetched first: ``python -m benchmarks.realbench.fetch``) the library modules
named in projects.yml (never a test file, never conftest.py) are parsed; every line inside a
function body yields candidate mutations of the kinds real regressions have: a comparison
loosened or tightened (``<`` to ``<=``), ``==``/``!=``, ``is``/``is not``, ``in``/``not in``,
``+``/``-``, ``and``/``or``, a ``not`` removed or a condition negated, an integer off by one,
``True``/``False``, two arguments swapped, a sibling function or method (``min``/``max``,
``startswith``/``endswith``, ``lstrip``/``rstrip``...), ``continue`` for ``break``, ``len(x)`` one
short. Candidates are tried in a seeded order, round-robin over kinds and at most one per
function; each is applied alone and the project's whole suite run. A mutation is kept when the
suite exits 1 with 1 to 10 failing tests (at least one in a test file, not only doctests), no
collection or setup error, no time-out, and the same failures on a second run.

Each kept mutation becomes a task in tasks.yml with the three requests of issue 21 (a failing
test's node id; a symptom naming no file, drafted from pytest's failure and then reviewed by
hand; the test file) and the one style this task uses (spread evenly). A symptom marked
``symptom_reviewed: true`` is kept when the same mutation is generated again.
"""

from __future__ import annotations

import argparse
import ast
import random
import re
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.realbench.common import (TASKS_FILE, Project, SuiteRun, cache_dir, clone, dump_yaml, is_test_path,
                                         load_projects, load_tasks, run_suite)

STYLES = ("nodeid", "symptom", "test_file")
MAX_FAILING = 10
MAX_PER_KIND = 3
CMP_SWAP = {ast.Lt: ("<", "<="), ast.LtE: ("<=", "<"), ast.Gt: (">", ">="), ast.GtE: (">=", ">"),
            ast.Eq: ("==", "!="), ast.NotEq: ("!=", "=="), ast.Is: ("is", "is not"), ast.IsNot: (r"is\s+not", "is"),
            ast.In: ("in", "not in"), ast.NotIn: (r"not\s+in", "in")}
CMP_KIND = {ast.Lt: "boundary", ast.LtE: "boundary", ast.Gt: "boundary", ast.GtE: "boundary",
            ast.Eq: "negated-comparison", ast.NotEq: "negated-comparison", ast.Is: "negated-comparison",
            ast.IsNot: "negated-comparison", ast.In: "negated-comparison", ast.NotIn: "negated-comparison"}
BIN_SWAP = {ast.Add: (r"\+", "-"), ast.Sub: ("-", "+"), ast.FloorDiv: ("//", "/"), ast.Div: ("/", "//"),
            ast.BitAnd: ("&", "|"), ast.BitOr: (r"\|", "&")}
AUG_SWAP = {ast.Add: (r"\+=", "-="), ast.Sub: ("-=", "+=")}
FUNC_SWAP = {"min": "max", "max": "min", "any": "all", "all": "any"}
METHOD_SWAP = {"startswith": "endswith", "endswith": "startswith", "lstrip": "rstrip", "rstrip": "lstrip",
               "ljust": "rjust", "rjust": "ljust", "lower": "upper", "upper": "lower", "find": "rfind",
               "rfind": "find", "split": "rsplit", "rsplit": "split", "floor": "ceil", "ceil": "floor",
               "keys": "values", "values": "keys", "extend": "append", "isupper": "islower", "islower": "isupper"}
NO_SWAP_CALLS = {"isinstance", "issubclass", "getattr", "setattr", "hasattr", "super", "print", "type", "map", "filter",
                 "partial", "reduce", "sorted"}
SIMPLE_ARG = (ast.Name, ast.Attribute, ast.Constant, ast.Subscript)


@dataclass(frozen=True)
class Mutation:
    file: str
    line: int  # 1-based
    original: str
    mutated: str
    kind: str
    function: str  # qualified name of the enclosing function


# --- candidate mutations ----------------------------------------------------------------------

def _span(line_bytes: bytes, start: int, end: int) -> str:
    return line_bytes[start:end].decode("utf-8")


def _replace(line: str, start: int, end: int, new: str) -> str:
    """Replace the UTF-8 byte columns [start, end) of line (ast's offsets are bytes) with new."""
    raw = line.encode("utf-8")
    return (raw[:start] + new.encode("utf-8") + raw[end:]).decode("utf-8")


def _op_between(line: str, start: int, end: int, op_pattern: str, new: str) -> str | None:
    """Swap the operator that is all there is (besides brackets and spaces) between two operands."""
    raw = line.encode("utf-8")
    if not 0 <= start <= end <= len(raw):
        return None
    segment = _span(raw, start, end)
    match = re.fullmatch(rf"([\s()\[\]]*)({op_pattern})([\s()\[\]]*)", segment)
    if not match:
        return None
    return _replace(line, start, end, match.group(1) + new + match.group(3))


def _one_line(*nodes: ast.AST) -> bool:
    lines = {getattr(n, "lineno", None) for n in nodes} | {getattr(n, "end_lineno", None) for n in nodes}
    return len(lines) == 1 and None not in lines


class _Collector:
    def __init__(self, rel: str, lines: list[str]):
        self.rel = rel
        self.lines = lines
        self.found: list[Mutation] = []

    def add(self, node: ast.AST, kind: str, func: str, new_line: str | None) -> None:
        if new_line is None:
            return
        lineno = node.lineno
        old = self.lines[lineno - 1]
        if new_line != old and "pragma" not in old:
            self.found.append(Mutation(self.rel, lineno, old, new_line, kind, func))

    def visit(self, node: ast.AST, scope: list[str], func: str | None) -> None:
        for field_name, value in ast.iter_fields(node):
            if field_name in ("decorator_list", "returns", "annotation", "type_comment", "type_params"):
                continue
            children = value if isinstance(value, list) else [value]
            for child in children:
                if not isinstance(child, ast.AST):
                    continue
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    name = ".".join(scope + [child.name])
                    # defaults are evaluated where the def is, not in its body
                    self.visit_body(child, scope + [child.name], name)
                    continue
                if isinstance(child, ast.ClassDef):
                    for stmt in child.body:
                        self.visit(ast.Module(body=[stmt], type_ignores=[]), scope + [child.name], None)
                    continue
                if isinstance(child, (ast.Raise, ast.Assert, ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)):
                    continue
                if (isinstance(child, ast.Expr) and isinstance(child.value, ast.Constant)
                        and isinstance(child.value.value, str)):
                    continue  # docstrings and bare strings
                if func is not None:
                    self.mutations_of(child, func)
                self.visit(child, scope, func)

    def visit_body(self, fn: ast.AST, scope: list[str], name: str) -> None:
        for stmt in fn.body:
            self.visit(ast.Module(body=[stmt], type_ignores=[]), scope, name)

    def mutations_of(self, node: ast.AST, func: str) -> None:
        if not hasattr(node, "lineno"):
            return
        line = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else ""
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and _one_line(node):
            op = type(node.ops[0])
            if op in CMP_SWAP:
                pattern, new = CMP_SWAP[op]
                self.add(node, CMP_KIND[op], func, _op_between(
                    line, node.left.end_col_offset, node.comparators[0].col_offset, pattern, new))
        elif isinstance(node, ast.BinOp) and type(node.op) in BIN_SWAP and _one_line(node):
            stringy = any(isinstance(side, ast.JoinedStr) or isinstance(side, ast.Constant) and isinstance(side.value, (str, bytes))
                          for side in (node.left, node.right))
            if not stringy:
                pattern, new = BIN_SWAP[type(node.op)]
                self.add(node, "wrong-operator", func, _op_between(
                    line, node.left.end_col_offset, node.right.col_offset, pattern, new))
        elif isinstance(node, ast.AugAssign) and type(node.op) in AUG_SWAP and _one_line(node):
            if not (isinstance(node.value, (ast.Constant, ast.JoinedStr)) and isinstance(getattr(node.value, "value", ""), str)):
                pattern, new = AUG_SWAP[type(node.op)]
                self.add(node, "wrong-operator", func, _op_between(
                    line, node.target.end_col_offset, node.value.col_offset, pattern, new))
        elif isinstance(node, ast.BoolOp) and len(node.values) == 2 and _one_line(node):
            old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
            self.add(node, "and-or", func, _op_between(
                line, node.values[0].end_col_offset, node.values[1].col_offset, old, new))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and _one_line(node):
            raw = line.encode("utf-8")
            segment = _span(raw, node.col_offset, node.operand.col_offset)
            match = re.match(r"not\s+|not(?=\()", segment)
            if match:
                self.add(node, "removed-not", func,
                         _replace(line, node.col_offset, node.col_offset + len(match.group(0).encode()), ""))
        elif isinstance(node, (ast.If, ast.IfExp)):  # not `while`: a negated loop test rarely ends
            test = node.test
            if isinstance(test, (ast.Name, ast.Attribute, ast.Call)) and _one_line(test) and test.lineno == node.lineno:
                self.add(test, "negated-condition", func,
                         _replace(line, test.col_offset, test.col_offset, "not "))
        elif isinstance(node, ast.Constant) and _one_line(node):
            value = node.value
            raw = line.encode("utf-8")
            text = _span(raw, node.col_offset, node.end_col_offset)
            if isinstance(value, bool):
                self.add(node, "wrong-constant", func,
                         _replace(line, node.col_offset, node.end_col_offset, str(not value)))
            elif isinstance(value, int) and 0 <= value <= 1000 and text == str(value):
                for new in (value + 1, value - 1):
                    if new >= 0:
                        self.add(node, "off-by-one", func, _replace(line, node.col_offset, node.end_col_offset, str(new)))
        elif isinstance(node, ast.Call) and _one_line(node):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name in FUNC_SWAP:
                self.add(node, "wrong-function", func, _replace(
                    line, node.func.col_offset, node.func.end_col_offset, FUNC_SWAP[name]))
            if name == "len" and len(node.args) == 1:
                self.add(node, "off-by-one", func, _replace(line, node.end_col_offset, node.end_col_offset, " - 1"))
            if isinstance(node.func, ast.Attribute) and node.func.attr in METHOD_SWAP and _one_line(node.func):
                end = node.func.end_col_offset
                self.add(node, "wrong-method", func, _replace(
                    line, end - len(node.func.attr.encode()), end, METHOD_SWAP[node.func.attr]))
            args = node.args
            if (len(args) == 2 and name not in NO_SWAP_CALLS and all(isinstance(a, SIMPLE_ARG) for a in args)
                    and not any(isinstance(a, ast.Starred) for a in args)):
                raw = line.encode("utf-8")
                first = _span(raw, args[0].col_offset, args[0].end_col_offset)
                second = _span(raw, args[1].col_offset, args[1].end_col_offset)
                if first != second:
                    swapped = _replace(line, args[1].col_offset, args[1].end_col_offset, first)
                    swapped = _replace(swapped, args[0].col_offset, args[0].end_col_offset, second)
                    self.add(node, "swapped-arguments", func, swapped)
        elif isinstance(node, ast.Continue) and line.strip() == "continue":  # break->continue can loop forever
            self.add(node, "break-continue", func, line.replace("continue", "break"))


def candidate_mutations(rel: str, source: str) -> list[Mutation]:
    """Every one-line mutation of code inside functions of one module (whether the mutated module
    still parses is checked when one is tried: see `still_parses`)."""
    tree = ast.parse(source)
    collector = _Collector(rel, source.splitlines())
    collector.visit(tree, [], None)
    out, seen = [], set()
    for m in collector.found:
        if (m.line, m.mutated) not in seen:
            seen.add((m.line, m.mutated))
            out.append(m)
    return out


def still_parses(root: Path, m: Mutation) -> bool:
    """The module with the mutation parses, and means something else than before."""
    source = (Path(root) / m.file).read_text(encoding="utf-8")
    lines = source.splitlines()
    new_source = "\n".join(lines[:m.line - 1] + [m.mutated] + lines[m.line:]) + "\n"
    try:
        return ast.dump(ast.parse(new_source)) != ast.dump(ast.parse(source))
    except SyntaxError:
        return False


def library_candidates(project: Project, root: Path) -> list[Mutation]:
    found = []
    for rel in project.library_files(root):
        if is_test_path(rel):
            continue
        try:
            found.extend(candidate_mutations(rel, (Path(root) / rel).read_text(encoding="utf-8")))
        except (SyntaxError, UnicodeDecodeError):
            continue
    return found


# --- trying a mutation --------------------------------------------------------------------------

def apply_mutation(root: Path, m: Mutation) -> str:
    """Write the mutated line into root/file; returns the file's original text."""
    path = Path(root) / m.file
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    old = lines[m.line - 1]
    body = old.rstrip("\r\n")
    if body != m.original:
        raise ValueError(f"{m.file}:{m.line} is {body!r}, expected {m.original!r}")
    lines[m.line - 1] = m.mutated + old[len(body):]
    path.write_text("".join(lines), encoding="utf-8")
    return text


def is_test_node(nodeid: str) -> bool:
    """A test function in a test file (not a doctest collected from library code)."""
    return is_test_path(nodeid.split("::", 1)[0])


@dataclass
class Verdict:
    keep: bool
    reason: str
    suite: SuiteRun | None = None


def judge_mutation(suite: SuiteRun, again: SuiteRun | None = None) -> Verdict:
    failing = suite.failed
    if suite.timed_out:
        return Verdict(False, "suite timed out", suite)
    if suite.collect_errors:
        return Verdict(False, f"collection error in {sorted(suite.collect_errors)[0]}", suite)
    if any(suite.outcomes.get(n) == "error" for n in failing):
        return Verdict(False, "errors in setup/teardown", suite)
    if suite.returncode == 0 or not failing:
        return Verdict(False, "no test fails", suite)
    if suite.returncode != 1:
        return Verdict(False, f"pytest exit {suite.returncode}", suite)
    if len(failing) > MAX_FAILING:
        return Verdict(False, f"{len(failing)} tests fail", suite)
    if not any(is_test_node(n) for n in failing):
        return Verdict(False, "only doctests fail", suite)
    if again is not None and again.failed != failing:
        return Verdict(False, "different failures on a second run (flaky)", suite)
    return Verdict(True, f"{len(failing)} tests fail", suite)


def try_mutation(project: Project, root: Path, m: Mutation, timeout: float) -> Verdict:
    original = apply_mutation(root, m)
    try:
        suite = run_suite(project, root, timeout=timeout)
        verdict = judge_mutation(suite)
        if verdict.keep:
            verdict = judge_mutation(suite, run_suite(project, root, timeout=timeout))
        return verdict
    finally:
        (Path(root) / m.file).write_text(original, encoding="utf-8")


def ordered(candidates: list[Mutation], rng: random.Random) -> list[Mutation]:
    """Seeded order, round-robin over kinds so that no single kind crowds the set."""
    by_kind: dict[str, list[Mutation]] = defaultdict(list)
    for m in candidates:
        by_kind[m.kind].append(m)
    for group in by_kind.values():
        rng.shuffle(group)
    kinds = sorted(by_kind)
    rng.shuffle(kinds)
    out = []
    while any(by_kind.values()):
        for kind in kinds:
            if by_kind[kind]:
                out.append(by_kind[kind].pop())
    return out


def select_mutations(project: Project, root: Path, *, count: int, rng: random.Random, max_tries: int,
                     timeout: float, log=lambda msg: None) -> list[tuple[Mutation, SuiteRun]]:
    """Try candidates in seeded order until `count` are kept (or `max_tries` spent)."""
    candidates = library_candidates(project, root)
    n_files = len({m.file for m in candidates})
    per_file = 3 if n_files >= 4 else count
    kept: list[tuple[Mutation, SuiteRun]] = []
    used_funcs, per_file_count, per_kind = set(), Counter(), Counter()
    tries = 0
    for m in ordered(candidates, rng):
        if len(kept) >= count or tries >= max_tries:
            break
        if (m.file, m.function) in used_funcs or per_file_count[m.file] >= per_file or per_kind[m.kind] >= MAX_PER_KIND:
            continue
        if not still_parses(root, m):
            continue
        tries += 1
        verdict = try_mutation(project, root, m, timeout)
        log(f"  try {tries}: {m.file}:{m.line} {m.kind}: {'KEEP' if verdict.keep else 'drop'} ({verdict.reason})")
        if verdict.keep:
            kept.append((m, verdict.suite))
            used_funcs.add((m.file, m.function))
            per_file_count[m.file] += 1
            per_kind[m.kind] += 1
    return kept


# --- requests ------------------------------------------------------------------------------------

def main_test(failing: list[str]) -> str:
    """The failing test a user would name: the first one in the test file with the most failures."""
    tests = [n for n in failing if is_test_node(n)] or failing
    files = Counter(n.split("::", 1)[0] for n in tests)
    top = max(files.values())
    file = sorted(f for f, c in files.items() if c == top)[0]
    return sorted(n for n in tests if n.startswith(file + "::"))[0]


def draft_symptom(failure: dict) -> str:
    """A first draft of what a user would report, from pytest's failure (reviewed by hand after)."""
    message = (failure.get("message") or "").strip()
    first = message.splitlines()[0].strip() if message else "it fails"
    source = (failure.get("source") or "").strip()
    assert_eq = re.match(r"AssertionError: assert (.+?) == (.+)$", first)
    if source.startswith("assert ") and " == " in source and assert_eq:
        lhs = source[len("assert "):].split(" == ", 1)[0].strip()
        return f"{lhs} returns {assert_eq.group(1)} instead of {assert_eq.group(2)}"
    exc = re.match(r"([A-Za-z_][\w.]*(?:Error|Exception|Warning)): ?(.*)$", first)
    if exc and not first.startswith("AssertionError"):
        call = source[len("assert "):] if source.startswith("assert ") else source
        return f"{call} raises {exc.group(1)}: {exc.group(2)}".strip().rstrip(":")
    return f"{source or 'a check'} fails: {first}"


def requests_for(failing: list[str], failures: dict[str, dict]) -> dict[str, str]:
    nodeid = main_test(failing)
    return {
        "nodeid": f"Fix the failing test {nodeid}",
        "symptom": draft_symptom(failures.get(nodeid) or {}),
        "test_file": f"tests in {nodeid.split('::', 1)[0]} fail since the last change, please fix",
    }


def symptom_problems(task: dict) -> list[str]:
    """A symptom must not point at the code: no file name, module path or line number."""
    text = task["requests"]["symptom"]
    problems = []
    path = Path(task["file"])
    parts = path.with_suffix("").parts
    module = ".".join(parts[1:] if parts[0] == "src" else parts)  # humanize.number; tabulate names a function too
    for needle in (path.as_posix(), path.name, module if "." in module else None):
        if needle and needle in text:
            problems.append(f"names {needle}")
    # the module as a prefix (`fields.Decimal`, `util.iter_tree_files`) points at the file too
    if path.stem != "__init__" and re.search(rf"(?<![\w.]){re.escape(path.stem)}\.(?!py\b)\w", text):
        problems.append(f"names module {path.stem}")
    if re.search(r"\bline \d+", text):
        problems.append("names a line")
    if re.search(r"\w\.py\b", text):  # a file name, not a glob like *.py
        problems.append("names a .py file")
    return problems


# --- tasks.yml -------------------------------------------------------------------------------------

def build_tasks(selected: dict[str, list[tuple[Mutation, SuiteRun]]], projects: list[Project], rng: random.Random,
                previous: list[dict]) -> list[dict]:
    old = {(t["id"], t["file"], t["line"], t["mutated"]): t for t in previous}
    tasks = []
    offset = rng.randrange(len(STYLES))
    k = 0
    for project in projects:
        for i, (m, suite) in enumerate(selected.get(project.name, []), 1):
            failing = suite.failed
            nodeid = main_test(failing)
            failure = suite.failures.get(nodeid) or {}
            task = {"id": f"{project.name}-{i:02d}", "project": project.name, **asdict(m),
                    "failing": failing, "style": STYLES[(k + offset) % len(STYLES)],
                    "requests": requests_for(failing, suite.failures), "symptom_reviewed": False,
                    "evidence": {"test": nodeid, "source": failure.get("source", ""),
                                 "message": (failure.get("message") or "")[:600]}}
            prior = old.get((task["id"], m.file, m.line, m.mutated))
            if prior and prior.get("symptom_reviewed"):
                task["requests"]["symptom"] = prior["requests"]["symptom"]
                task["symptom_reviewed"] = True
            tasks.append(task)
            k += 1
    return tasks


def request_of(task: dict) -> str:
    return task["requests"][task["style"]]


HEADER = """\
# realbench tasks: written by `python -m benchmarks.realbench.mutate` (seed and options in `meta`).
# Each task: one line of a project's library code (`file`, `line`: `original` -> `mutated`),
# committed on top of the pristine sdist as the repository's last change; `failing`: the node
# ids that fail then (the rest of the suite passes); `requests`: the issue's three ways to ask,
# `style`: the one this task uses. `symptom_reviewed: true` marks a symptom rewritten by hand from
# `evidence` (pytest's failure); mutate.py keeps it when it generates the same mutation again.
"""


def write_tasks(tasks: list[dict], meta: dict, path: Path = TASKS_FILE) -> None:
    dump_yaml({"meta": meta, "tasks": tasks}, path, HEADER)


# --- verify ----------------------------------------------------------------------------------------

def verify(tasks: list[dict], projects: dict[str, Project], log=print) -> list[str]:
    """Each task still fails exactly as recorded; symptoms name no file. Returns the problems."""
    problems = []
    work = Path(tempfile.mkdtemp(prefix="realbench-verify-"))
    try:
        clones: dict[str, Path] = {}
        for task in tasks:
            project = projects[task["project"]]
            root = clones.get(project.name)
            if root is None:
                root = clones[project.name] = clone(project.repo, work / project.name)
            m = Mutation(**{k: task[k] for k in Mutation.__dataclass_fields__})
            try:
                original = apply_mutation(root, m)
            except ValueError as exc:
                problems.append(f"{task['id']}: {exc}")
                continue
            try:
                suite = run_suite(project, root, timeout=300)
            finally:
                (root / m.file).write_text(original, encoding="utf-8")
            verdict = judge_mutation(suite)
            same = suite.failed == sorted(task["failing"])
            for p in symptom_problems(task):
                problems.append(f"{task['id']}: symptom {p}")
            if not verdict.keep or not same:
                problems.append(f"{task['id']}: {verdict.reason}; failing now {suite.failed}, recorded {task['failing']}")
            log(f"{task['id']}: {'ok' if verdict.keep and same else 'CHANGED'} ({len(suite.failed)} failing, "
                f"{suite.seconds:.1f} s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.realbench.mutate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--per-project", type=int, default=8, help="tasks kept per project (default 8)")
    p.add_argument("--projects", help="comma-separated project names (default: all)")
    p.add_argument("--max-tries", type=int, default=120, help="mutations tried per project at most")
    p.add_argument("--verify", action="store_true", help="re-check tasks.yml instead of generating")
    p.add_argument("--tasks", help="with --verify: comma-separated task ids")
    p.add_argument("--out", default=str(TASKS_FILE))
    args = p.parse_args(argv)
    names = [n.strip() for n in args.projects.split(",") if n.strip()] if args.projects else None
    projects = load_projects(names=names)
    missing = [pr.name for pr in projects if not (pr.venv / "bin" / "python").exists()]
    if missing:
        print(f"realbench mutate: not fetched: {', '.join(missing)}; run python -m benchmarks.realbench.fetch",
              file=sys.stderr)
        return 2
    previous = load_tasks(Path(args.out))
    if args.verify:
        wanted = set(args.tasks.split(",")) if args.tasks else None
        tasks = [t for t in previous if (wanted is None or t["id"] in wanted) and t["project"] in {pr.name for pr in projects}]
        problems = verify(tasks, {pr.name: pr for pr in projects})
        print("\n".join(problems) if problems else f"all {len(tasks)} tasks verified")
        return 1 if problems else 0
    selected: dict[str, list[tuple[Mutation, SuiteRun]]] = {}
    stats = {}
    work = cache_dir() / "work"
    work.mkdir(parents=True, exist_ok=True)
    for project in projects:
        root = work / project.name
        if root.exists():
            shutil.rmtree(root)
        clone(project.repo, root)
        baseline = run_suite(project, root, timeout=600)
        if not baseline.passed:
            print(f"realbench mutate: {project.name} fails at baseline: {baseline.summary}", file=sys.stderr)
            return 1
        timeout = max(60.0, 8 * baseline.seconds)
        rng = random.Random(f"{args.seed}:{project.name}")
        print(f"realbench mutate: {project.name} (baseline {baseline.seconds:.1f} s)", file=sys.stderr, flush=True)
        selected[project.name] = select_mutations(
            project, root, count=args.per_project, rng=rng, max_tries=args.max_tries, timeout=timeout,
            log=lambda msg: print(msg, file=sys.stderr, flush=True))
        stats[project.name] = len(selected[project.name])
        shutil.rmtree(root, ignore_errors=True)
    if names:  # regenerating some projects keeps the others' tasks as they are
        kept_others = [t for t in previous if t["project"] not in set(names)]
    else:
        kept_others = []
    all_projects = load_projects()
    tasks = build_tasks(selected, [pr for pr in all_projects if pr.name in selected], random.Random(args.seed), previous)
    tasks = sorted(kept_others + tasks, key=lambda t: ([pr.name for pr in all_projects].index(t["project"]), t["id"]))
    meta = {"seed": args.seed, "per_project": args.per_project, "max_tries": args.max_tries,
            "command": "python -m benchmarks.realbench.mutate " + " ".join(argv if argv is not None else sys.argv[1:])}
    write_tasks(tasks, meta, Path(args.out))
    print(f"realbench mutate: {len(tasks)} tasks: " + ", ".join(f"{k} {v}" for k, v in stats.items())
          + f"; styles {dict(Counter(t['style'] for t in tasks))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
