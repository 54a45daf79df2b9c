"""The human report: findings grouped by file, with the suggested fix under each."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from codey_git.review.engine import ReviewOutcome
from codey_git.review.findings import at_or_above
from codey_git.review.report import by_file

_DIFF_STYLE = {"+": "green", "-": "red", "@": "cyan"}
_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def print_report(console: Console, outcome: ReviewOutcome, fail_on: str) -> None:
    for file, findings in by_file(outcome.findings).items():
        console.print(f"[bold]{file}[/]")
        for f in findings:
            block = " [bold red](blocks)[/]" if at_or_above(f.severity, fail_on) else ""
            source = f" (check: {f.check})" if f.check else ""
            console.print(f"  {file}:{f.line}  [{_STYLE[f.severity]}]{f.severity}[/]  {f.category}{source}{block}",
                          highlight=False)
            console.print(f"    {f.message}", highlight=False, markup=False)
            if f.suggestion:
                for line in f.suggestion.rstrip("\n").splitlines():
                    console.print(Text("    " + line, style=_DIFF_STYLE.get(line[:1], "")))
    blocking = outcome.blocking(fail_on)
    summary = (f"{len(outcome.findings)} finding(s), {len(blocking)} at or above {fail_on}; "
               f"{outcome.reviewed}/{outcome.units} hunk(s) reviewed ({outcome.cached} cached) "
               f"with {outcome.model} in {outcome.seconds:.1f}s")
    console.print(("[bold red]✗[/] " if blocking else "[green]✓[/] ") + summary, highlight=False)
    if outcome.capped:
        console.print(f"  [dim]{outcome.capped} model finding(s) rated above {outcome.model_max_severity} shown as "
                      f"{outcome.model_max_severity}: this model's findings are advisory "
                      f"(review.model_max_severity)[/]", highlight=False)
    for u in outcome.unreviewed:
        console.print(f"  [yellow]not reviewed:[/] {u.file} lines {u.start}-{u.end} ({u.reason})", highlight=False)
    for path, reason in outcome.skipped:
        console.print(f"  [dim]skipped {path} ({reason})[/]", highlight=False)
