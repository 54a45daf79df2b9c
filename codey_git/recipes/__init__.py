"""Recipes: YAML lists of tasks (explicit or generated from the code) run unattended, journaled
so a killed run resumes, and summed up in a morning report. No typer here; see commands/run.py."""
