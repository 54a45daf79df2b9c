"""One doctor run: facts, checks, a suggested configuration, and the exit code.

Exit codes: 0 nothing blocks a run (notes and warnings may remain); 1 something blocks a run
(each block says what to do); 2 the configuration is invalid (also shown as a block; everything
else is checked with the defaults)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codey_git.config import Config, load_config
from codey_git.config.schema import default_values
from codey_git.doctor import checks as c
from codey_git.doctor.suggest import Suggestion, need_mb, suggest
from codey_git.doctor.system import SystemFacts, gather
from codey_git.errors import EXIT_NOT_ACHIEVED, EXIT_OK, EXIT_USAGE, ConfigError
from codey_git.models.registry import Registry
from codey_git.paths import models_dir

MARK = {c.OK: "ok  ", c.NOTE: "note", c.WARN: "warn", c.BLOCK: "FAIL"}


@dataclass
class Doctor:
    facts: SystemFacts
    checks: list[c.Check]
    suggestion: Suggestion
    models: list[dict[str, Any]]
    config_error: bool = False

    @property
    def blocks(self) -> list[c.Check]:
        return [check for check in self.checks if check.status == c.BLOCK]

    @property
    def exit_code(self) -> int:
        if self.config_error:
            return EXIT_USAGE
        return EXIT_NOT_ACHIEVED if self.blocks else EXIT_OK

    def to_json(self) -> dict[str, Any]:
        return {
            "system": self.facts.to_dict(),
            "checks": [check.to_dict() for check in self.checks],
            "models": self.models,
            "suggested_config": self.suggestion.to_dict(),
            "blocking": len(self.blocks),
            "exit_code": self.exit_code,
        }


def _config(root: Path | None) -> tuple[Config, c.Check]:
    try:
        config = load_config(root)
        return config, c.Check("config", c.OK, "valid" + (f" ({len(config.warnings)} warning(s))" if config.warnings else ""))
    except ConfigError as exc:
        return Config(default_values(), [], {}), c.Check("config", c.BLOCK, exc.message, exc.hint)


def _models(registry: Registry) -> list[dict[str, Any]]:
    out = []
    for entry in registry.entries():
        status = registry.status(entry)
        out.append(
            {
                "name": entry.name,
                "roles": list(entry.roles),
                "state": status.state,
                "size_mb": (entry.size or 0) // 2**20 or None,
                "ram_mb": need_mb(registry, entry, 8192),
                "path": status.path,
            }
        )
    return out


def run_doctor(root: Path | None, *, tests: bool = True) -> Doctor:
    config, config_check = _config(root)
    registry = Registry(config) if config_check.status != c.BLOCK else Registry()
    facts = gather(models_dir())
    suggestion = suggest(facts, registry)
    found = [
        config_check,
        c.python_check(),
        c.git_check(facts),
        c.llama_check(facts, config.backend),
        c.compiler_check(facts, config.backend),
        *c.memory_checks(facts, config, registry, suggestion),
        c.disk_check(facts),
        *c.model_checks(facts, config, registry),
        c.sandbox_check(config),
    ]
    server = c.server_check(config)
    if server is not None:
        found.append(server)
    found.append(c.test_check(root, config) if tests else c.Check("tests", c.NOTE, "not tried (--no-tests)"))
    return Doctor(facts, found, suggestion, _models(registry), config_error=config_check.status == c.BLOCK)


def to_text(doctor: Doctor) -> str:
    f = doctor.facts
    cores = f"{f.cores} core(s), {f.threads} thread(s)" + (f", {f.fast_cores} fast" if f.fast_cores < f.cores else "")
    versions = ", ".join(f"{name} {version}" for name, version in f.versions.items())
    lines = [
        "codey doctor",
        "",
        f"  system     {f.os}, {f.arch}, {f.cpu}",
        f"  cpu        {cores}",
        f"  memory     {f.ram_mb} MB RAM, {f.free_ram_mb} MB free",
        f"  disk       {f.disk_free_mb if f.disk_free_mb is not None else '?'} MB free under {f.models_dir}",
        f"  versions   {versions}, git {f.git or 'missing'}",
        f"  llama.cpp  {f.llama.raw or f.llama.error or 'not installed'}",
        "",
        "checks",
    ]
    for check in doctor.checks:
        lines.append(f"  [{MARK[check.status]}] {check.name}: {check.detail}")
        if check.fix and check.status in (c.BLOCK, c.WARN, c.NOTE):
            lines.append(f"         -> {check.fix}")
    lines += ["", "models"]
    for m in doctor.models:
        ram = f"~{m['ram_mb']} MB RAM" if m["ram_mb"] else "RAM unknown"
        lines.append(
            f"  {m['name']:<22} {','.join(m['roles']) or '-':<22} {m['state']:<9} "
            f"{m['size_mb'] or '?'} MB on disk, {ram} at 8192 tokens"
        )
    lines += ["", "suggested configuration (.codey.yml or ~/.config/codey/config.yml)"]
    lines += ["  " + line for line in doctor.suggestion.yaml().splitlines()]
    lines += ["  # " + why for why in doctor.suggestion.why]
    blocks = doctor.blocks
    lines += [
        "",
        f"{len(blocks)} problem(s) block a run: " + "; ".join(b.name for b in blocks) if blocks else "Nothing blocks a run here.",
    ]
    return "\n".join(lines) + "\n"
