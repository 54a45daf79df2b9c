"""Applying suggested fixes to the working tree, never to the index, and only if they apply cleanly."""

from __future__ import annotations

from pathlib import Path

from codey_git import proc
from codey_git.errors import UsageError
from codey_git.review.findings import Finding


def fix_patch(findings: list[Finding]) -> str:
    """All suggestions as one patch, in file and line order (git apply takes a file twice)."""
    return "".join(f.suggestion for f in sorted(findings, key=lambda f: (f.file, f.line)) if f.suggestion)


def apply_to_worktree(root: Path, patch: str) -> None:
    """``git apply`` (working tree only). Refuses, changing nothing, when any part does not apply."""
    args = ["git", "apply", "--recount", "--whitespace=nowarn"]
    check = proc.run([*args, "--check", "-"], cwd=root, input=patch, timeout=60)
    if not check.ok:
        detail = check.stderr.strip().splitlines()[0] if check.stderr.strip() else "git apply --check failed"
        raise UsageError(
            f"the suggested fixes do not apply to your working tree ({detail}); nothing was changed",
            "Your files may differ from what was reviewed; apply the suggestions by hand.",
        )
    result = proc.run([*args, "-"], cwd=root, input=patch, timeout=60)
    if not result.ok:
        raise UsageError(f"git apply failed: {result.stderr.strip()}")
