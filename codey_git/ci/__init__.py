"""Headless codey for CI runners: `git codey ci review|fix|run` without the command line.

Everything here is plain Python (no typer, no rich) and is tested directly:

- ``provider``: which CI this is (GitHub Actions, Forgejo/Gitea Actions, GitLab CI, or none), the
  base and head it offers, and where its outputs and step summary go.
- ``refs``: base and head as commits, fetched when a shallow clone lacks them.
- ``review``, ``fix``, ``run``: the three jobs, each returning a ``CIResult``.
- ``annotate``: workflow-command annotations (capped) and GitLab code-quality reports.
- ``push``: pushing a ``codey/...`` branch, never forced, never onto the base branch.
- ``shard``: a deterministic split of a recipe's tasks across N runners.
- ``cachekeys``: the cache keys the composite action uses; runs before codey is installed.
"""
