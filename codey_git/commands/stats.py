"""`git codey stats`: what recent model calls cost, per model."""

from __future__ import annotations

import typer

from codey_git.models.stats_file import read_recent, stats_path, summarize
from codey_git.ui import err_console, out_console, print_json


def register(app: typer.Typer) -> None:
    @app.command("stats")
    def stats(
        as_json: bool = typer.Option(False, "--json", help="Print one JSON result on stdout."),
        last: int = typer.Option(1000, "--last", min=1, help="How many recent calls to summarize."),
        yes: bool = typer.Option(False, "--yes", "-y", hidden=True, help="Accepted and ignored."),
    ) -> None:
        """Summarize recent model calls: per model, calls, median tokens/s and token counts."""
        records = read_recent(last)
        rows = summarize(records)
        if as_json:
            print_json({"file": str(stats_path()), "calls": len(records), "models": rows})
            return
        if not rows:
            err_console.print(f"no model calls recorded yet ({stats_path()})")
            return
        out_console.print(
            f"{'model':<22} {'calls':>5} {'prefill tok/s':>13} {'gen tok/s':>9} "
            f"{'prompt':>8} {'evaluated':>9} {'generated':>9}  last"
        )
        for r in rows:
            out_console.print(
                f"{r['model']:<22} {r['calls']:>5} {r['median_prefill_tok_s']:>13} "
                f"{r['median_gen_tok_s']:>9} {r['prompt_tokens']:>8} {r['prompt_tokens_evaluated']:>9} "
                f"{r['generated_tokens']:>9}  {r['last']}"
            )
