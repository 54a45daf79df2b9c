"""The human report: findings grouped by file, with the suggested fix under each."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from codey_git.review.outcome import ReviewOutcome
from codey_git.review.findings import at_or_above
from codey_git.review.report import by_file

EVIDENCE_LINES = 12  # of a failing test's output, the last lines: where it failed and how
_DIFF_STYLE = {"+": "green", "-": "red", "@": "cyan"}
_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def print_report(console: Console, outcome: ReviewOutcome, fail_on: str) -> None:
    """Every piece of text here (paths, messages, reasons) is printed as itself, never as markup."""
    for file, findings in by_file(outcome.findings).items():
        console.print(Text(file, style="bold"))
        for f in findings:
            block = (" (blocks)", "bold red") if at_or_above(f.severity, fail_on) else ""
            source = f" (check: {f.check})" if f.check else ""
            console.print(
                Text.assemble(f"  {file}:{f.line}  ", (f.severity, _STYLE[f.severity]), f"  {f.category}{source}", block)
            )
            console.print(Text(f"    {f.message}"))
            if f.explanation:
                console.print(Text(f"    why (the model's reading): {f.explanation}", style="italic"))
            for line in (f.evidence or "").rstrip("\n").splitlines()[-EVIDENCE_LINES:]:
                console.print(Text("    | " + line, style="dim"))
            for line in (f.suggestion or "").rstrip("\n").splitlines():
                console.print(Text("    " + line, style=_DIFF_STYLE.get(line[:1], "")))
    blocking = outcome.blocking(fail_on)
    summary = (
        f"{len(outcome.findings)} finding(s) in {outcome.source}, {len(blocking)} at or above {fail_on}; "
        f"{outcome.reviewed}/{outcome.units} hunk(s) reviewed ({outcome.cached} cached) "
        f"with {outcome.model} in {outcome.seconds:.1f}s"
    )
    console.print(Text.assemble(("✗", "bold red") if blocking else ("✓", "green"), " ", summary))
    for note in outcome.notes:
        console.print(Text.assemble("  ", ("skipped:", "yellow"), f" {note}"))
    if outcome.tests is not None:
        console.print(Text("  " + outcome.tests.summary(), style="dim" if not outcome.tests.findings else ""))
        for test, reason in outcome.tests.not_run[:10]:
            console.print(Text.assemble("  ", ("not run:", "yellow"), f" {test} ({reason})"))
        if len(outcome.tests.not_run) > 10:
            console.print(Text(f"  ... and {len(outcome.tests.not_run) - 10} more not run", style="yellow"))
    if outcome.capped:
        console.print(
            Text(
                f"  {outcome.capped} model finding(s) rated above {outcome.model_max_severity} shown as "
                f"{outcome.model_max_severity}: this model's findings are advisory "
                f"(review.model_max_severity)",
                style="dim",
            )
        )
    for u in outcome.unreviewed:
        console.print(Text.assemble("  ", ("not reviewed:", "yellow"), f" {u.file} lines {u.start}-{u.end} ({u.reason})"))
    for path, reason in outcome.skipped:
        console.print(Text(f"  skipped {path} ({reason})", style="dim"))
