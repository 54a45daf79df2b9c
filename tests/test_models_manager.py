"""The lifecycle manager with fake models: LRU unloading, the resident router, budget errors, idle unload."""

from __future__ import annotations

import threading

import pytest

from codey_git.errors import ModelError
from codey_git.models.manager import ModelManager

MB = 2**20


class FakeModel:
    def __init__(self, name: str, closed: list[str]):
        self.name, self._closed = name, closed

    def close(self) -> None:
        self._closed.append(self.name)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def setup():
    closed: list[str] = []
    clock = Clock()

    def manager(budget_mb: int, idle: float = 0) -> ModelManager:
        return ModelManager(budget_mb * MB, idle_unload_s=idle, clock=clock, measure_rss=lambda: 0, watch_idle=False)

    def loader(name):
        return lambda: FakeModel(name, closed)

    return manager, loader, closed, clock


def use(mgr, loader, clock, name, mb, pinned=False):
    clock.now += 1
    with mgr.use(name, mb * MB, loader(name), pinned=pinned) as (obj, _):
        return obj


def test_least_recently_used_model_is_unloaded_first(setup):
    manager, loader, closed, clock = setup
    mgr = manager(300)
    use(mgr, loader, clock, "a", 100)
    use(mgr, loader, clock, "b", 100)
    use(mgr, loader, clock, "c", 100)
    use(mgr, loader, clock, "a", 100)  # a is now the most recent
    use(mgr, loader, clock, "d", 100)
    assert closed == ["b"]
    assert sorted(s["name"] for s in mgr.loaded()) == ["a", "c", "d"]


def test_router_stays_resident_while_others_rotate(setup):
    manager, loader, closed, clock = setup
    mgr = manager(250)
    use(mgr, loader, clock, "router", 50, pinned=True)
    use(mgr, loader, clock, "coder", 150)
    use(mgr, loader, clock, "reviewer", 150)
    assert closed == ["coder"]
    assert {s["name"] for s in mgr.loaded()} == {"router", "reviewer"}


def test_loaded_model_is_reused_without_loading_again(setup):
    manager, loader, closed, clock = setup
    mgr = manager(300)
    first = use(mgr, loader, clock, "a", 100)
    assert use(mgr, loader, clock, "a", 100) is first
    assert mgr.events == ["load a"]


def test_model_that_cannot_fit_alone_is_refused_and_nothing_changes(setup):
    manager, loader, closed, clock = setup
    mgr = manager(300)
    use(mgr, loader, clock, "a", 100)
    with pytest.raises(ModelError) as info:
        use(mgr, loader, clock, "huge", 400)
    assert "needs about 400 MB" in info.value.message and "budget is 300 MB" in info.value.message
    assert "memory_budget_mb: 401" in info.value.hint and "CODEY_MEMORY_BUDGET_MB=401" in info.value.hint
    assert closed == [] and [s["name"] for s in mgr.loaded()] == ["a"]


def test_model_in_use_is_never_unloaded(setup):
    manager, loader, closed, clock = setup
    mgr = manager(200)
    with mgr.use("a", 150 * MB, loader("a")):
        with pytest.raises(ModelError, match="in use"):
            use(mgr, loader, clock, "b", 100)
    assert closed == []


def test_idle_models_are_unloaded_after_the_timeout(setup):
    manager, loader, closed, clock = setup
    mgr = manager(500, idle=60)
    use(mgr, loader, clock, "a", 100)
    clock.now += 30
    use(mgr, loader, clock, "b", 100)
    clock.now += 40  # a idle for 71 s, b for 40 s
    assert mgr.unload_idle() == ["a"]
    assert closed == ["a"] and [s["name"] for s in mgr.loaded()] == ["b"]


def test_concurrent_users_load_a_model_once(setup):
    manager, loader, closed, clock = setup
    mgr = manager(500)
    loads = []

    def slow_loader():
        loads.append(1)
        return FakeModel("a", closed)

    def worker():
        for _ in range(50):
            with mgr.use("a", 100 * MB, slow_loader):
                pass

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(loads) == 1 and mgr.loaded()[0]["busy"] == 0
