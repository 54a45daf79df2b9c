"""Well-known Python defects found in the syntax tree, without a model, in milliseconds.

The checks are the classics of bandit, pyflakes and flake8-bugbear that a reviewer would always
raise (``checks_security``, ``checks_bugs``, ``checks_errors``, ``checks_stdlib``,
``checks_state``, ``checks_api``): code run from text (eval, pickle, yaml.load), shell and SQL strings built from
values, certificate checks turned off, hard-coded secrets, ``random`` for secrets, passwords kept
with a fast hash, HTTP calls without a timeout, a path prefix test taken for containment; a
collection changed while it is iterated, a coroutine called without ``await``, ``is`` against a
literal, a dict iterated as pairs, a loop whose condition nothing changes, an index loop that stops
one short, a mutable default or one computed once (``time.time()``), naive and aware datetimes
mixed, a closure made in a loop that reads the loop variable later, the None of ``list.sort()``
kept, a method used without calling it; ``strip`` given a suffix, ``bool()`` of a request value,
an end of file tested against None, a one-pass iterator used twice, a shallow copy of nested
defaults changed in place; a memo key without the keyword arguments, a value changed outside the
lock its method takes; argparse's ``type=bool``, ``math.isclose`` against 0, ``%M`` in a date,
``timedelta.seconds`` for the whole length, ``is None`` in an ORM filter; a ``dict.get`` default
filled and dropped, ``or True``, cleanup after a context manager's ``yield`` that an exception
skips, batches counted with ``//``, a validation regex that matches only a prefix; pyflakes'
undefined names and mismatched format strings; an exception swallowed whole or turned into an empty result, a ``return``
in ``finally``, and a retry loop that ends in None.

Only what a change introduces is reported: a hit must fall on a line the diff touches, and a hit
the old version already had (same check, same line text) is left alone.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Callable

from codey_git.review import (checks_api, checks_async, checks_bugs, checks_errors, checks_flow,
                              checks_pyflakes, checks_security, checks_state, checks_stdlib, checks_typos)
from codey_git.review.checks_ast import Module
from codey_git.review.diffsource import FileDiff
from codey_git.review.findings import Finding, calibrated


ALL_CHECKS = [
    checks_security.check_code_from_text, checks_security.check_command_or_query_from_values,
    checks_security.check_certificates_off, checks_security.check_hard_coded_secret,
    checks_security.check_random_for_secrets, checks_security.check_fast_password_hash,
    checks_security.check_request_without_timeout, checks_security.check_path_prefix_containment,
    checks_security.check_signature_compared_with_eq,
    checks_bugs.check_changed_while_iterated, checks_async.check_missing_await, checks_bugs.check_literal_identity,
    checks_bugs.check_dict_iterated_as_pairs, checks_bugs.check_condition_never_changes,
    checks_bugs.check_index_loop_stops_short, checks_bugs.check_mutable_default,
    checks_bugs.check_naive_and_aware_datetimes, checks_bugs.check_late_binding_closure,
    checks_bugs.check_call_in_default, checks_bugs.check_in_place_result_used, checks_bugs.check_method_not_called,
    checks_errors.check_swallowed_exception, checks_errors.check_exit_in_finally,
    checks_errors.check_retry_ends_in_none,
    checks_stdlib.check_strip_with_affix, checks_stdlib.check_bool_of_text, checks_stdlib.check_end_of_file_as_none,
    checks_stdlib.check_generator_used_twice, checks_stdlib.check_shallow_copy_changed,
    checks_stdlib.check_milliseconds_as_seconds,
    checks_state.check_memo_key_without_kwargs, checks_state.check_changed_outside_lock,
    checks_api.check_argparse_type_bool, checks_api.check_isclose_to_zero, checks_api.check_minutes_in_a_date,
    checks_api.check_timedelta_seconds, checks_api.check_is_none_in_query,
    checks_flow.check_get_default_filled_and_dropped, checks_flow.check_or_true,
    checks_flow.check_cleanup_skipped_on_error, checks_flow.check_batches_drop_remainder,
    checks_flow.check_prefix_match_validation, checks_flow.check_split_unpacked,
    checks_pyflakes.check_pyflakes, checks_pyflakes.check_value_never_used,
    checks_typos.check_comparison_as_statement, checks_typos.check_annotation_for_assignment,
    checks_typos.check_raise_literal, checks_typos.check_except_boolean, checks_typos.check_flags_as_count,
    checks_typos.check_exception_caught_twice, checks_typos.check_set_item_twice, checks_typos.check_cache_on_method,
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


def _hits(text: str, checks=ALL_CHECKS, stop: Callable[[], bool] | None = None) -> list[Hit] | None:
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
        for lines, severity, category, message in results:
            found.append(Hit(check.__name__.removeprefix("check_"), tuple(lines), severity, category, message))
    return found


def _anchor(hit: Hit, lines: list[str]) -> tuple[str, str]:
    number = hit.lines[0]
    text = lines[number - 1] if 0 < number <= len(lines) else ""
    return hit.check, re.sub(r"\s+", " ", text.strip())


def introduced_hits(old_text: str, new_text: str, touched: set[int],
                    stop: Callable[[], bool] | None = None) -> list[tuple[int, Hit]]:
    """(line, hit) for each check hit in ``new_text`` that falls on a ``touched`` line and was not
    in ``old_text``. A file that does not parse gets no hits here: ``syntax`` reports it.
    ``stop`` is asked between checks; once it says true, ChecksOutOfTime is raised."""
    if not touched:
        return []
    new = _hits(new_text, stop=stop)
    if not new:
        return []
    old = _hits(old_text, stop=stop) if old_text else []
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    before = {_anchor(h, old_lines) for h in old or []}
    out = []
    for hit in new:
        line = next((n for n in hit.lines if n in touched), None)
        if line is not None and _anchor(hit, new_lines) not in before:
            out.append((line, hit))
    return out


def check_findings(files: dict[str, FileDiff], units, stop: Callable[[], bool] | None = None,
                   unchecked: list[tuple[str, str]] | None = None) -> list[Finding]:
    """Findings of the built-in checks in the hunks of ``units`` (Python files only). A file over
    MAX_CHECK_CHARS, and every file the checks could not finish before ``stop`` said true (the time
    budget), is added to ``unchecked`` as (path, reason) instead: never left out silently."""
    touched: dict[str, set[int]] = {}
    for unit in units:
        if unit.file.endswith(".py") and unit.file in files:
            touched.setdefault(unit.file, set()).update(unit.hunk.touched_lines())
    found = []
    unchecked = [] if unchecked is None else unchecked
    for path, lines in touched.items():
        file = files[path]
        size = max(len(file.old_text or ""), len(file.new_text or ""))
        if size > MAX_CHECK_CHARS:
            unchecked.append((path, f"built-in checks: {size:,} characters is over their limit of "
                                    f"{MAX_CHECK_CHARS:,}"))
            continue
        if stop is not None and stop():
            unchecked.append((path, "built-in checks: the time budget was used up before this file"))
            continue
        try:
            hits = introduced_hits(file.old_text or "", file.new_text or "", lines, stop)
        except ChecksOutOfTime:
            unchecked.append((path, "built-in checks: the time budget was used up in this file"))
            continue
        for line, hit in hits:
            found.append(Finding(path, line, calibrated(hit.severity, hit.category, path), hit.category,
                                 hit.message, check=hit.check))
    return found
