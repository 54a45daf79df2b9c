"""`git codey doctor`: what this machine is, what could stop a run here, and the configuration it
should start from (the logic is in codey_git.doctor). Exit 0: nothing blocks a run; 1: something
does (each says what to do); 2: the configuration is invalid."""

from __future__ import annotations

import typer

from codey_git.commands._common import ASKS_NOTHING, JSON


def register(app: typer.Typer) -> None:
    @app.command("doctor", help="Check this machine and repository for what codey needs, and suggest a configuration.")
    def doctor_cmd(
        tests: bool = typer.Option(True, "--tests/--no-tests", help="Try the repository's test command (default) or skip it."),
        as_json: bool = JSON,
        yes: bool = ASKS_NOTHING,
    ) -> None:
        from pathlib import Path

        import pygit2

        from codey_git.doctor.report import run_doctor, to_text
        from codey_git.ui import print_json

        found = pygit2.discover_repository(str(Path.cwd()))
        workdir = pygit2.Repository(found).workdir if found else None
        doctor = run_doctor(Path(workdir) if workdir else None, tests=tests)
        if as_json:
            print_json(doctor.to_json())
        else:
            typer.echo(to_text(doctor), nl=False)
        if doctor.exit_code:
            raise typer.Exit(doctor.exit_code)
