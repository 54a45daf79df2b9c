"""Apply hunks to one file: locate every hunk in the original text, then splice all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from .feedback import closest_lines, first_difference
from .locate import Ambiguous, LineIndex, Placement, locate, reindent
from .text import Doc
from .udiff import Hunk
from .workspace import Workspace


MAX_DETAILED = 3  # mismatches per file shown with the real lines; later ones are only named
MAX_EXPECTED_SHOWN = 20  # lines of a failed hunk echoed back to the model


@dataclass
class Splice:
    start: int  # replace doc lines [start:end) ...
    end: int
    new: list[str]  # ... with these
    hunk: int  # 1-based hunk number, for messages


@dataclass
class Failure:
    text: str  # first sentence is the summary; the rest shows the real lines
    ambiguous: bool = False


@dataclass
class FileOutcome:
    splices: list[Splice] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)  # "hunk 1 of x.py (line 12)"
    failed: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def apply_hunks(doc: Doc, hunks: list[Hunk], label: str, *, unique: bool = False, noun: str = "hunk") -> FileOutcome:
    """Locate each hunk against ``doc`` as it is now; splice them in only if all were placed.

    ``label`` names the file in messages. Hunks may come in any order; overlapping changes fail.
    """
    outcome = FileOutcome()
    index = LineIndex(doc.lines)
    for number, hunk in enumerate(hunks, 1):
        name = f"{noun} {number}" if len(hunks) > 1 or noun == "hunk" else noun
        try:
            placement = _place(doc, index, hunk, unique)
        except Ambiguous as amb:
            if not amb.starts:
                outcome.failed.append(
                    Failure(
                        f"{name} of {label} only adds lines and gives no line number, so its place "
                        "is unknown. Include 2-3 unchanged lines around the change as context."
                    )
                )
                continue
            where = ", ".join(str(s + 1) for s in amb.starts[:5])
            outcome.failed.append(
                Failure(
                    f"{name} of {label} matches several places equally well (lines {where}). "
                    "Add more unchanged context lines so it matches only one place.",
                    ambiguous=True,
                )
            )
            continue
        if placement is None:
            shown = sum(1 for f in outcome.failed if not f.ambiguous) < MAX_DETAILED
            outcome.failed.append(
                Failure(_mismatch(doc, hunk, label, name) if shown else f"{name} of {label} does not match the file either.")
            )
            continue
        outcome.splices.extend(_splices(placement, doc, number))
        outcome.applied.append(f"{name} of {label} (line {placement.start + 1})")
        note = _note(placement, hunk, name, label)
        if note:
            outcome.notes.append(note)
    if not outcome.failed:
        _check_overlaps(outcome, label)
    if not outcome.failed:
        for splice in sorted(outcome.splices, key=lambda s: (s.start, s.hunk), reverse=True):
            doc.replace(splice.start, splice.end, splice.new)
    return outcome


def _place(doc: Doc, index: LineIndex, hunk: Hunk, unique: bool) -> Placement | None:
    if hunk.old:
        return locate(index, hunk, unique=unique)
    if not doc.lines:
        return Placement(0, hunk.lines, False, [])
    if hunk.hint is not None and not unique and hunk.hint <= len(doc.lines):
        return Placement(hunk.hint, hunk.lines, False, ["inserted after the line its header names"])
    raise Ambiguous([])


def _splices(placement: Placement, doc: Doc, number: int) -> list[Splice]:
    splices: list[Splice] = []
    index, run_start, run_new = placement.start, None, []
    for tag, text in reindent(placement, doc.lines) + [(" ", "")]:
        if tag == " ":
            if run_start is not None:
                splices.append(Splice(run_start, index, run_new, number))
                run_start, run_new = None, []
            index += 1
            continue
        if run_start is None:
            run_start = index
        if tag == "-":
            index += 1
        else:
            run_new.append(text)
    return splices


def _check_overlaps(outcome: FileOutcome, label: str) -> None:
    ordered = sorted(outcome.splices, key=lambda s: (s.start, s.hunk))
    for before, after in zip(ordered, ordered[1:]):
        if after.start < before.end:
            outcome.failed.append(
                Failure(
                    f"hunks {before.hunk} and {after.hunk} of {label} change the same lines "
                    f"(around line {after.start + 1}). Merge them into one hunk."
                )
            )


def _note(placement: Placement, hunk: Hunk, name: str, label: str) -> str | None:
    how = list(placement.how)
    if hunk.hint is not None and hunk.old:
        offset = placement.start - placement.lead - (hunk.hint - 1)
        if offset:
            how.insert(0, f"offset {offset:+d}")
    elif hunk.hint is None and hunk.old and not name.startswith("SEARCH"):
        how.insert(0, "no line number in its header")
    if not how:
        return None
    return f"{name} of {label} applied at line {placement.start + 1} ({'; '.join(how)})"


def _mismatch(doc: Doc, hunk: Hunk, label: str, name: str) -> str:
    hint = None if hunk.hint is None else hunk.hint - 1
    expected = "\n".join(f"    {line}" for line in hunk.old[:MAX_EXPECTED_SHOWN])
    if len(hunk.old) > MAX_EXPECTED_SHOWN:
        expected += f"\n    ... ({len(hunk.old) - MAX_EXPECTED_SHOWN} more lines)"
    parts = [f"{name} of {label} does not match the file. It expected these lines:", expected]
    difference = first_difference(doc.lines, hunk.old, hint)
    if difference:
        parts.append(f"At the closest place, {difference}.")
    parts.append(f"The closest real lines of {label} are:")
    parts.append(closest_lines(doc.lines, hunk.old, hint))
    return "\n".join(parts)


def apply_to_file(
    ws: Workspace, path: str, text: str, hunks: list[Hunk], total: FileOutcome, *, unique: bool = False, noun: str = "hunk"
) -> None:
    """Apply ``hunks`` to ``text`` (the file at ``path``), add the result to ``outcome_into``,
    and write the new text to the workspace only when every hunk applied."""
    doc = Doc.from_text(text)
    outcome = apply_hunks(doc, hunks, path, unique=unique, noun=noun)
    total.failed += outcome.failed
    total.applied += outcome.applied
    total.notes += outcome.notes
    if not outcome.failed:
        ws.write(path, doc.to_text())
