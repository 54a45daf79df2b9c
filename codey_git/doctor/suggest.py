"""The configuration a machine should start from: threads, a memory budget that leaves the OS
room, the largest coder that fits it, and the context size that lets it fit."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from codey_git.doctor.system import SystemFacts
from codey_git.models.catalog import ModelEntry
from codey_git.models.memory import MB, estimate_need
from codey_git.models.registry import Registry

OS_RESERVE_FRACTION = 0.2  # of total RAM, for the OS, the runner and the tests themselves
OS_RESERVE_MIN_MB = 1024
CONTEXTS = (8192, 4096, 2048)


@dataclass
class Suggestion:
    n_threads: int
    memory_budget_mb: int
    coder: str | None = None  # None: no coder fits; use a shared server (backend: openai)
    context_size: int | None = None
    coder_need_mb: int | None = None
    why: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def yaml(self) -> str:
        lines = [f"n_threads: {self.n_threads}", f"memory_budget_mb: {self.memory_budget_mb}"]
        if self.coder:
            lines += [f"coder: {self.coder}", f"reviewer: {self.coder}", f"context_size: {self.context_size}"]
        else:
            lines += [
                "backend: openai            # no local coder fits: use a shared server",
                "openai: {base_url: http://SERVER:8080/v1}",
            ]
        return "\n".join(lines) + "\n"


def memory_budget_mb(total_mb: int, free_mb: int) -> int:
    """What models may take: RAM minus a reserve for everything else, and no more than is free."""
    reserve = max(OS_RESERVE_MIN_MB, int(total_mb * OS_RESERVE_FRACTION))
    return max(0, min(total_mb - reserve, free_mb)) // 64 * 64


def need_mb(registry: Registry, entry: ModelEntry, n_ctx: int) -> int | None:
    try:
        return round(estimate_need(entry, registry.file_path(entry), n_ctx).total / MB)
    except Exception:  # noqa: BLE001 - a configured model whose file is missing: its shape is unknown
        return None


def coders(registry: Registry) -> list[ModelEntry]:
    """Models that can write code, largest first."""
    return sorted((e for e in registry.entries() if "coder" in e.roles), key=lambda e: -(e.size or 0))


def suggest(facts: SystemFacts, registry: Registry) -> Suggestion:
    budget = memory_budget_mb(facts.ram_mb, facts.free_ram_mb)
    threads = facts.fast_cores or facts.cores
    why = [
        f"{threads} thread(s): one per " + ("fast core" if facts.fast_cores < facts.cores else "physical core"),
        f"memory budget {budget} MB: {facts.ram_mb} MB of RAM less a reserve for the OS, the runner and the "
        f"tests (at least {OS_RESERVE_MIN_MB} MB), and no more than the {facts.free_ram_mb} MB free now",
    ]
    for entry in coders(registry):
        for n_ctx in CONTEXTS:
            need = need_mb(registry, entry, n_ctx)
            if need is not None and need <= budget:
                why.append(f"{entry.name} needs about {need} MB at a {n_ctx}-token context: the largest coder that fits")
                return Suggestion(threads, budget, entry.name, n_ctx, need, why)
    why.append("no coder fits this budget even at a 2048-token context")
    return Suggestion(threads, budget, why=why)
