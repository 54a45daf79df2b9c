"""A CI runner's world for the `git codey ci` tests: a bare repository as the remote, a clone of
it as the checkout, and the environment a provider gives a job (GITHUB_* or GitLab's CI_*
variables, an outputs file, a step-summary file)."""

from __future__ import annotations

from pathlib import Path

from conftest import git


def remote_and_clone(root: Path, tmp: Path, *, depth: int | None = None, branch: str | None = None) -> tuple[Path, Path]:
    """Push every branch of ``root`` to a new bare repository and clone it (shallow with ``depth``)."""
    bare = tmp / "remote.git"
    git(tmp, "init", "-q", "--bare", "--initial-branch=main", str(bare))
    git(root, "push", "-q", str(bare), "--all")
    clone = tmp / "checkout"
    args = ["clone", "-q"] + ([f"--depth={depth}"] if depth else []) + (["--branch", branch] if branch else [])
    git(tmp, *args, f"file://{bare}", str(clone))
    return bare, clone


def github_env(tmp: Path, **extra: str) -> dict[str, str]:
    """What GitHub Actions gives a pull-request job, with fresh outputs and summary files."""
    outputs, summary = tmp / "github_output", tmp / "step_summary"
    outputs.write_text("")
    summary.write_text("")
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_REPOSITORY": "team/app",
        "GITHUB_EVENT_NAME": "pull_request",
        **extra,
    }


def outputs(env: dict[str, str], key: str = "GITHUB_OUTPUT") -> dict[str, str]:
    """The name=value lines a job appended to its outputs file (last one wins, as on GitHub)."""
    found = {}
    for line in Path(env[key]).read_text().splitlines():
        name, _, value = line.partition("=")
        found[name] = value
    return found
