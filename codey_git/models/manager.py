"""Keeps loaded models within a memory budget.

Models load on demand. Before a load, the estimated need is checked against the budget: idle
models are unloaded least-recently-used first, pinned ones (the router) only if nothing else is
left. A model that cannot fit even alone is refused with the numbers and the setting to change;
nothing is loaded then. Models idle for ``idle_unload_s`` are unloaded. All of it under one lock.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from codey_git.errors import ModelError
from codey_git.models.memory import MB, rss_bytes


@dataclass
class Slot:
    key: str
    obj: object
    need: int  # estimated bytes
    pinned: bool
    last_used: float
    load_ms: float
    rss_growth: int  # measured RSS growth across the load
    busy: int = 0

    def info(self) -> dict[str, Any]:
        return {
            "name": self.key,
            "need_mb": round(self.need / MB),
            "rss_growth_mb": round(self.rss_growth / MB),
            "pinned": self.pinned,
            "busy": self.busy,
            "load_ms": round(self.load_ms, 1),
        }


def _close(obj: object) -> None:
    close = getattr(obj, "close", None)
    if callable(close):
        close()


class ModelManager:
    def __init__(
        self,
        budget: int,
        *,
        idle_unload_s: float = 0,
        clock: Callable[[], float] = time.monotonic,
        measure_rss: Callable[[], int] = rss_bytes,
        watch_idle: bool = True,
    ):
        self.budget = budget
        self.idle_unload_s = idle_unload_s
        self._clock = clock
        self._measure_rss = measure_rss
        self._lock = threading.RLock()
        self._slots: dict[str, Slot] = {}
        self.events: list[str] = []  # "load NAME" / "unload NAME (why)", for tests and --verbose
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._watch_idle = watch_idle and idle_unload_s > 0

    def used(self) -> int:
        with self._lock:
            return sum(s.need for s in self._slots.values())

    def loaded(self) -> list[dict[str, Any]]:
        with self._lock:
            return [s.info() for s in self._slots.values()]

    def is_loaded(self, key: str) -> bool:
        with self._lock:
            return key in self._slots

    @contextmanager
    def use(
        self, key: str, need: int, load: Callable[[], object], *, pinned: bool = False, detail: str = ""
    ) -> Iterator[tuple[object, float]]:
        """Yield (loaded object, ms spent loading it now); the model is not unloaded meanwhile."""
        obj, load_ms = self.acquire(key, need, load, pinned=pinned, detail=detail)
        try:
            yield obj, load_ms
        finally:
            self.release(key)

    def acquire(
        self, key: str, need: int, load: Callable[[], object], *, pinned: bool = False, detail: str = ""
    ) -> tuple[object, float]:
        with self._lock:
            self.unload_idle()
            slot = self._slots.get(key)
            load_ms = 0.0
            if slot is None:
                self._make_room(key, need, detail)
                before = self._measure_rss()
                start = time.perf_counter()
                obj = load()
                load_ms = (time.perf_counter() - start) * 1000
                slot = Slot(key, obj, need, pinned, self._clock(), load_ms, self._measure_rss() - before)
                self._slots[key] = slot
                self.events.append(f"load {key}")
                self._start_watcher()
            slot.pinned = slot.pinned or pinned
            slot.busy += 1
            slot.last_used = self._clock()
            return slot.obj, load_ms

    def release(self, key: str) -> None:
        with self._lock:
            slot = self._slots.get(key)
            if slot is not None:
                slot.busy = max(0, slot.busy - 1)
                slot.last_used = self._clock()

    def _make_room(self, key: str, need: int, detail: str) -> None:
        if need > self.budget:
            raise ModelError(
                f"model {key} needs about {need / MB:,.0f} MB{detail} but the memory budget is "
                f"{self.budget / MB:,.0f} MB; nothing was loaded",
                f"Set `memory_budget_mb: {need // MB + 1}` in .codey.yml (or CODEY_MEMORY_BUDGET_MB="
                f"{need // MB + 1}) if the machine has that much free, or use a smaller model or context_size.",
            )
        idle = sorted((s for s in self._slots.values() if s.busy == 0), key=lambda s: (s.pinned, s.last_used))
        for slot in idle:  # least recently used first; pinned (router) last
            if self.used() + need <= self.budget:
                return
            self.unload(slot.key, why=f"to make room for {key}")
        if self.used() + need > self.budget:
            busy = ", ".join(s.key for s in self._slots.values())
            raise ModelError(
                f"model {key} needs about {need / MB:,.0f} MB but {busy} in use leave only "
                f"{(self.budget - self.used()) / MB:,.0f} MB of the {self.budget / MB:,.0f} MB budget",
                "Raise memory_budget_mb (CODEY_MEMORY_BUDGET_MB) or use smaller models.",
            )

    def unload(self, key: str, why: str = "") -> bool:
        with self._lock:
            slot = self._slots.pop(key, None)
            if slot is None:
                return False
            _close(slot.obj)
            self.events.append(f"unload {key}" + (f" ({why})" if why else ""))
            return True

    def unload_idle(self) -> list[str]:
        if self.idle_unload_s <= 0:
            return []
        with self._lock:
            now = self._clock()
            stale = [s.key for s in self._slots.values() if s.busy == 0 and now - s.last_used >= self.idle_unload_s]
            for key in stale:
                self.unload(key, why="idle")
            return stale

    def _start_watcher(self) -> None:
        if not self._watch_idle or self._watcher is not None:
            return
        interval = max(1.0, self.idle_unload_s / 4)

        def watch() -> None:
            while not self._stop.wait(interval):
                self.unload_idle()

        self._watcher = threading.Thread(target=watch, name="codey-idle-unload", daemon=True)
        self._watcher.start()

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            for key in list(self._slots):
                self.unload(key, why="closing")
