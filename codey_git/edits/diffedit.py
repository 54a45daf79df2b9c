"""Apply unified diffs (format "diff"): every file patch must apply fully, or nothing changes."""

from __future__ import annotations

from .apply import Failure, FileOutcome, apply_to_file
from .feedback import rejection
from .udiff import FilePatch, parse_diff
from .workspace import Workspace

RESEND = (
    "Resend the whole edit as one unified diff: copy context lines (starting with a space) and "
    "'-' lines exactly from the file as shown above, with about 3 context lines per hunk."
)


def read_patches(diffs: list[tuple[str, str | None]], focus: str | None) -> tuple[list[FilePatch], list[str]]:
    """File patches from every diff text; ``focus`` names the file for hunks without headers."""
    patches, notes = [], []
    for text, near_path in diffs:
        found, parse_notes = parse_diff(text, near_path or focus)
        found = [p for p in found if p.hunks or p.old_path is None or p.new_path is None]
        patches += found
        notes += [n for n in parse_notes if found and n not in notes]
    return patches, notes


def apply_patches(ws: Workspace, patches: list[FilePatch]) -> list[str]:
    targets = [_target(ws, patch) for patch in patches]  # every path is checked before any work
    total = FileOutcome()
    failed, applied = total.failed, total.applied
    for patch, (kind, path) in zip(patches, targets):
        if kind == "failed":
            failed.append(Failure(path))
        elif kind == "create":
            _create(ws, patch, path, failed, applied)
        elif kind == "delete":
            ws.write(path, None)
            applied.append(f"deletion of {path}")
        else:
            apply_to_file(ws, path, ws.current(path) or "", patch.hunks, total)
    if failed:
        raise rejection(failed, applied, RESEND)
    return total.notes


def _target(ws: Workspace, patch: FilePatch) -> tuple[str, str]:
    if patch.old_path == "" or patch.new_path == "":
        return "failed", ("The diff has hunks but no '--- a/path' and '+++ b/path' lines naming the file. Add them.")
    if patch.old_path is None:
        if patch.new_path is None:
            return "failed", "A diff names /dev/null as both the old and the new file."
        return "create", ws.resolve(patch.new_path, "b/")
    if patch.new_path is None:
        path = ws.resolve(patch.old_path, "a/")
        if ws.current(path) is None:
            return "failed", f"The diff deletes {path}, which does not exist."
        return "delete", path
    old, new = ws.resolve(patch.old_path, "a/"), ws.resolve(patch.new_path, "b/")
    for path in (new, old):
        if ws.current(path) is not None:
            return "modify", path
    return "failed", (
        f"The diff changes {new}, which does not exist. To create a new file, use "
        "'--- /dev/null' and '+++ b/" + new + "' with only '+' lines."
    )


def _create(ws: Workspace, patch: FilePatch, path: str, failed: list[Failure], applied: list[str]) -> None:
    lines = [text for hunk in patch.hunks for text in hunk.new]
    text = "\n".join(lines) + "\n" if lines else ""
    current = ws.current(path)
    if current is not None and current.strip() and current != text:
        failed.append(
            Failure(
                f"The diff creates {path} (from /dev/null), but {path} already exists. "
                "Write a diff against its current content instead."
            )
        )
        return
    ws.write(path, text)
    applied.append(f"creation of {path}")
