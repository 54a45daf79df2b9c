"""`git codey models list | pull NAME | verify [NAME] | info NAME | rm NAME`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pygit2
import typer

from codey_git.config import load_config
from codey_git.errors import ModelError
from codey_git.models.catalog import ModelEntry
from codey_git.models.gguf import GGUFError, read_gguf
from codey_git.models.memory import estimate_need
from codey_git.models.progress_bar import byte_bar
from codey_git.models.pull import pull
from codey_git.models.registry import Registry
from codey_git.models.verify import check_file, clear_stamp, stamped_sha256
from codey_git.ui import err_console, out_console, print_json, styled

JSON = typer.Option(False, "--json", help="Print one machine-readable JSON result on stdout.")
YES = typer.Option(False, "--yes", "-y", hidden=True, help="Accepted and ignored: these commands ask nothing.")


def registry_here() -> Registry:
    found = pygit2.discover_repository(os.getcwd())
    root = None
    if found:
        workdir = pygit2.Repository(found).workdir
        root = Path(workdir) if workdir else None
    return Registry(load_config(root))


def _mb(n: int | None) -> str:
    return f"{n / 2**20:,.0f} MB" if n else "?"


def describe(registry: Registry, entry: ModelEntry) -> dict[str, Any]:
    status = registry.status(entry)
    return {
        "name": entry.name,
        "file": entry.file,
        "path": status.path,
        "status": status.state,
        "detail": status.detail,
        "size": entry.size,
        "sha256": entry.sha256,
        "context_length": entry.context_length,
        "chat_format": entry.chat_format,
        "roles": list(entry.roles),
        "source": entry.source,
        "origin": entry.origin,
        "description": entry.description,
        "review_max_severity": entry.review_max_severity,
        "ram_need_mb": _need_mb(entry, status.path),
    }


def _need_mb(entry: ModelEntry, path: str) -> int | None:
    try:
        return round(estimate_need(entry, Path(path)).total / 2**20)
    except (OSError, GGUFError, ModelError):
        return None


def register(app: typer.Typer) -> None:
    models = typer.Typer(help="List, fetch, check and remove local models.", no_args_is_help=True)
    app.add_typer(models, name="models")

    @models.command("list")
    def list_models(as_json: bool = JSON, yes: bool = YES) -> None:
        """Show the catalog and your `models:` entries, with what is downloaded."""
        registry = registry_here()
        rows = [describe(registry, e) for e in registry.entries()]
        if as_json:
            print_json({"models": rows})
            return
        for row in rows:
            roles = ",".join(row["roles"]) or "-"
            state = row["status"] + (f" ({row['detail']})" if row["detail"] else "")
            ram = _mb((row["ram_need_mb"] or 0) * 2**20)
            out_console.print(f"{row['name']:<22} {_mb(row['size']):>9}  RAM~{ram:>9}  {roles:<22} {state}")

    @models.command("pull")
    def pull_model(
        name: str,
        force: bool = typer.Option(False, "--force", help="Fetch again even if present."),
        as_json: bool = JSON,
        yes: bool = YES,
    ) -> None:
        """Download NAME into the models dir and check its sha256 (no-op when already verified)."""
        registry = registry_here()
        entry = registry.get(name)
        path, downloaded = pull(entry, force=force)
        if entry.path:
            _verify_one(registry, entry, quiet=False)
        if as_json:
            print_json({"name": name, "path": str(path), "downloaded": downloaded, "status": "verified"})
        else:
            what = "pulled and verified" if downloaded else "already present and verified"
            err_console.print(f"{name}: {what} at {path}")

    @models.command("verify")
    def verify(
        name: str = typer.Argument(None, help="One model (default: every model present)."),
        force: bool = typer.Option(False, "--force", help="Hash again even if a stamp says verified."),
        as_json: bool = JSON,
        yes: bool = YES,
    ) -> None:
        """Check size, GGUF header and sha256 of downloaded models."""
        registry = registry_here()
        if name:
            entries = [registry.get(name)]
        else:
            entries = [e for e in registry.entries() if registry.status(e).state != "missing"]
        results, failed = [], None
        for entry in entries:
            try:
                sha = _verify_one(registry, entry, quiet=as_json, force=force)
                results.append({"name": entry.name, "ok": True, "sha256": sha})
            except ModelError as exc:
                failed = failed or exc
                results.append({"name": entry.name, "ok": False, "error": exc.message, "hint": exc.hint})
        if as_json:
            print_json({"results": results, "ok": failed is None})
        else:
            for r in results:
                err_console.print(
                    styled(f"{r['name']}: ", "ok" if r["ok"] else ("FAILED", "red"), "" if r["ok"] else f" {r['error']}")
                )
            if not results:
                err_console.print("no models downloaded yet; see `git codey models list`")
        if failed is not None:
            raise typer.Exit(failed.exit_code) if as_json else failed

    @models.command("info")
    def info(name: str, as_json: bool = JSON, yes: bool = YES) -> None:
        """Everything known about NAME: entry, file, GGUF metadata, memory estimate."""
        registry = registry_here()
        entry = registry.get(name)
        row = describe(registry, entry)
        if row["status"] in ("verified", "present"):
            try:
                meta = read_gguf(row["path"])
                row["gguf"] = {
                    "architecture": meta.architecture,
                    "context_length": meta.context_length,
                    "n_layer": meta.n_layer,
                    "n_kv_heads": meta.n_kv_heads,
                    "head_dim": meta.head_dim,
                    "n_vocab": meta.n_vocab,
                    "has_chat_template": bool(meta.chat_template),
                }
            except GGUFError as exc:
                row["gguf"] = {"error": str(exc)}
        if as_json:
            print_json(row)
            return
        for key, value in row.items():
            out_console.print(f"{key:>19}: {value}")

    @models.command("rm")
    def remove(name: str, as_json: bool = JSON, yes: bool = YES) -> None:
        """Delete NAME's downloaded file (a `path` entry's own file is never deleted)."""
        registry = registry_here()
        entry = registry.get(name)
        if entry.path:
            raise ModelError(
                f"model {name} is your file {entry.path}; codey does not delete it",
                f"Remove the `models.{name}` entry from {entry.origin} instead.",
            )
        path = registry.file_path(entry)
        existed = path.exists()
        if existed:
            path.unlink()
        clear_stamp(entry)
        if as_json:
            print_json({"name": name, "path": str(path), "removed": existed})
        else:
            err_console.print(f"{name}: " + (f"removed {path}" if existed else "not downloaded; nothing to remove"))


def _verify_one(registry: Registry, entry: ModelEntry, *, quiet: bool, force: bool = False) -> str:
    path = registry.file_path(entry)
    total = path.stat().st_size if path.is_file() else None
    hashing = bool(total) and (force or not stamped_sha256(entry, path))
    with byte_bar(f"verifying {entry.name}", total, quiet or not hashing) as bar:
        return check_file(entry, path, force=force, on_bytes=bar.advance)
