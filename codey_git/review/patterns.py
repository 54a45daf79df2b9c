"""Well-known Python defects found in the syntax tree, without a model, in milliseconds: ruff for
the rules it has (``ruffcheck``: pyflakes' undefined names and format strings, ``is`` against a
literal, a mutable default, ``return`` in ``finally``, the flake8-bugbear typos), and codey's own
checks for what ruff lacks or flags too often on safe code (``ALL_CHECKS``, by module: security,
bugs, async, errors, stdlib, state, api, flow, pyflakes). Each check module says which real bugs it is for.

Only what a change introduces is reported: a hit must fall on a line the diff touches, and a hit
the old version already had (same check, same line text) is left alone.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from codey_git.review import (
    checks_api,
    checks_async,
    checks_bugs,
    checks_errors,
    checks_flow,
    checks_pyflakes,
    checks_security,
    checks_state,
    checks_stdlib,
)
from codey_git.review.checks_ast import Module
from codey_git.review.diffsource import DiffSet
from codey_git.review.findings import Finding, calibrated
from codey_git.review.ruffcheck import RuffUnavailable, ruff_hits
from codey_git.review.units import ReviewUnit


ALL_CHECKS = [
    checks_security.check_code_from_text,
    checks_security.check_command_or_query_from_values,
    checks_security.check_certificates_off,
    checks_security.check_hard_coded_secret,
    checks_security.check_random_for_secrets,
    checks_security.check_fast_password_hash,
    checks_security.check_request_without_timeout,
    checks_security.check_path_prefix_containment,
    checks_security.check_signature_compared_with_eq,
    checks_bugs.check_changed_while_iterated,
    checks_async.check_missing_await,
    checks_bugs.check_dict_iterated_as_pairs,
    checks_bugs.check_condition_never_changes,
    checks_bugs.check_index_loop_stops_short,
    checks_bugs.check_naive_and_aware_datetimes,
    checks_bugs.check_late_binding_closure,
    checks_bugs.check_call_in_default,
    checks_bugs.check_in_place_result_used,
    checks_bugs.check_method_not_called,
    checks_errors.check_swallowed_exception,
    checks_errors.check_retry_ends_in_none,
    checks_stdlib.check_strip_with_affix,
    checks_stdlib.check_bool_of_text,
    checks_stdlib.check_end_of_file_as_none,
    checks_stdlib.check_generator_used_twice,
    checks_stdlib.check_shallow_copy_changed,
    checks_stdlib.check_milliseconds_as_seconds,
    checks_state.check_memo_key_without_kwargs,
    checks_state.check_changed_outside_lock,
    checks_api.check_argparse_type_bool,
    checks_api.check_isclose_to_zero,
    checks_api.check_minutes_in_a_date,
    checks_api.check_timedelta_seconds,
    checks_api.check_is_none_in_query,
    checks_flow.check_get_default_filled_and_dropped,
    checks_flow.check_or_true,
    checks_flow.check_cleanup_skipped_on_error,
    checks_flow.check_batches_drop_remainder,
    checks_flow.check_prefix_match_validation,
    checks_flow.check_split_unpacked,
    checks_pyflakes.check_value_never_used,
    checks_bugs.check_annotation_for_assignment,
    checks_bugs.check_raise_literal,
]


@dataclass(frozen=True)
class Hit:
    check: str
    lines: tuple[int, ...]  # where it may be reported, best first; lines[0] anchors "already there"
    severity: str
    category: str
    message: str


MAX_CHECK_CHARS = 400_000  # about 10,000 lines: a bigger file is reported unreviewed by the checks


class ChecksOutOfTime(Exception):
    """The review's time budget ran out while the checks read a file."""


def _hits(
    text: str, checks: Sequence[Callable[[Module], Any]] = ALL_CHECKS, stop: Callable[[], bool] | None = None
) -> list[Hit] | None:
    try:
        module = Module(ast.parse(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    found = []
    for check in checks:
        if stop is not None and stop():
            raise ChecksOutOfTime()
        try:
            results = list(check(module))
        except Exception:  # noqa: BLE001 - on the commit path a faulty check is skipped, never a crash
            continue
        name = check.__name__.removeprefix("check_")
        found += [Hit(name, tuple(lines), severity, category, message) for lines, severity, category, message in results]
    return found


def _anchor(hit: Hit, lines: list[str]) -> tuple[str, str]:
    number = hit.lines[0]
    text = lines[number - 1] if 0 < number <= len(lines) else ""
    return hit.check, re.sub(r"\s+", " ", text.strip())


def _ruff(hits: list[tuple[Any, ...]]) -> list[Hit]:
    return [Hit(f"ruff:{code}", tuple(lines), severity, category, message) for lines, severity, category, message, code in hits]


def ruff_pairs(
    files: dict[str, tuple[str, str]], config_root: Path | None = None, notes: list[str] | None = None
) -> dict[str, tuple[list[Hit], list[Hit]]]:
    """ruff's hits in the new and the old text of each file ({path: (old, new)}), in one run. ruff
    missing or failing: no hits, and ``notes`` says what was skipped."""
    sources = {f"new/{p}": new for p, (_, new) in files.items()}
    sources.update({f"old/{p}": old for p, (old, _) in files.items() if old})
    try:
        found = ruff_hits(sources, config_root, prefixes=("new/", "old/"))
    except RuffUnavailable as exc:
        if notes is not None:
            notes.append(
                f"{exc}; its rules (undefined names, format strings, mutable defaults, ...) were skipped, the other checks ran"
            )
        return {p: ([], []) for p in files}
    return {p: (_ruff(found.get(f"new/{p}", [])), _ruff(found.get(f"old/{p}", []))) for p in files}


def introduced_hits(
    old_text: str,
    new_text: str,
    touched: set[int],
    stop: Callable[[], bool] | None = None,
    ruff: tuple[list[Hit], list[Hit]] | None = None,
) -> list[tuple[int, Hit]]:
    """(line, hit) for each check hit in ``new_text`` that falls on a ``touched`` line and was not
    in ``old_text``; ruff's hits (``ruff``: new and old, else ruff runs on these two texts) with
    codey's. A file that does not parse gets no hits here: ``syntax`` reports it.
    ``stop`` is asked between checks; once it says true, ChecksOutOfTime is raised."""
    if not touched:
        return []
    new = _hits(new_text, stop=stop)
    if new is None:
        return []
    old = (_hits(old_text, stop=stop) or []) if old_text else []
    ruff_new, ruff_old = ruff if ruff is not None else ruff_pairs({"x.py": (old_text, new_text)})["x.py"]
    new, old = new + ruff_new, old + ruff_old
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    before = {_anchor(h, old_lines) for h in old}
    out = []
    for hit in new:
        line = next((n for n in hit.lines if n in touched), None)
        if line is not None and _anchor(hit, new_lines) not in before:
            out.append((line, hit))
    return out


def check_findings(
    diff: DiffSet, units: list[ReviewUnit], stop: Callable[[], bool] | None = None, notes: list[str] | None = None
) -> tuple[list[Finding], dict[str, str]]:
    """Findings of the built-in checks and ruff in the hunks of ``units`` (Python files only, none
    over MAX_CHECK_CHARS: the engine reports those unreviewed first), and {path: why} for each file
    the checks could not finish before ``stop`` said true (the time budget): never left out
    silently. ruff runs once for all files, with the repository's configuration at its root."""
    touched: dict[str, set[int]] = {}
    for unit in units:
        if unit.file.endswith(".py"):
            touched.setdefault(unit.file, set()).update(unit.hunk.touched_lines())
    files = {f.path: (f.old_text, f.new_text) for f in diff.files if f.path in touched}
    ruff = ruff_pairs(files, Path(diff.root) if diff.root else None, notes) if files else {}
    found, unchecked = [], {}
    for path, (old_text, new_text) in files.items():
        if stop is not None and stop():
            unchecked[path] = "built-in checks: the time budget was used up before this file"
            continue
        try:
            hits = introduced_hits(old_text, new_text, touched[path], stop, ruff[path])
        except ChecksOutOfTime:
            unchecked[path] = "built-in checks: the time budget was used up in this file"
            continue
        for line, hit in hits:
            found.append(
                Finding(path, line, calibrated(hit.severity, hit.category, path), hit.category, hit.message, check=hit.check)
            )
    return found, unchecked


def parse_error(text: str) -> tuple[int, str] | None:
    """(line, message) of the first syntax error in ``text``, or None when it parses."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like: not errors
            ast.parse(text)
    except SyntaxError as exc:
        return max(1, exc.lineno or 1), exc.msg or "invalid syntax"
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, nesting too deep
        return 1, str(exc) or type(exc).__name__
    return None


def syntax_findings(diff: DiffSet) -> list[Finding]:
    """One high finding per Python file of ``diff`` that this change leaves unparseable, on the
    error's line when the diff touches it, else on the touched line nearest to it. Such a file
    cannot be imported, so every test and caller of it fails. A file whose previous version did not
    parse either (a template with a ``.py`` name, Python 2 code) is left alone: the change did not
    break it."""
    found = []
    for f in diff.files:
        if not f.path.endswith((".py", ".pyi")) or not f.hunks or max(len(f.new_text), len(f.old_text)) > MAX_CHECK_CHARS:
            continue
        error = parse_error(f.new_text)
        if error is None or (f.old_text and parse_error(f.old_text) is not None):
            continue
        line, message = error
        touched = set().union(*(h.touched_lines() for h in f.hunks)) or {line}
        at = line if line in touched else min(touched, key=lambda n: (abs(n - line), n))
        where = "" if at == line else f" (the parser stops at line {line})"
        message = f"this file does not parse: {message}{where}; Python cannot import it, so everything that uses it fails"
        found.append(Finding(f.path, at, "high", "bug", message, check="syntax_error"))
    return found
