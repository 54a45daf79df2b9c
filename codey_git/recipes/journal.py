"""A run's directory under `.git/codey/runs/<id>/`: the recipe and expanded tasks written once at
start, an append-only JSONL journal (each line fsynced), a lock naming the live process, and the
report. `git codey gc` keeps every branch named by a journal line with `"event": "result"`."""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from codey_git import faults
from codey_git.errors import RepoStateError, UsageError
from codey_git.recipes.planned import PlannedTask


def runs_dir(codey_dir: Path) -> Path:
    return codey_dir / "runs"


def _write_atomic(path: Path, data: object) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class RunDir:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    @property
    def id(self) -> str:
        return self.path.name

    journal_path = property(lambda self: self.path / "journal.jsonl")
    report_path = property(lambda self: self.path / "report.md")
    lock_path = property(lambda self: self.path / "run.lock")

    @classmethod
    def create(cls, codey_dir: Path, meta: dict[str, Any], tasks: list[PlannedTask]) -> "RunDir":
        run_id = time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)
        path = runs_dir(codey_dir) / run_id
        path.mkdir(parents=True)
        _write_atomic(path / "tasks.json", [t.to_dict() for t in tasks])
        _write_atomic(path / "run.json", {**meta, "id": run_id, "started": time.time()})
        run = cls(path)
        run.journal_path.touch()
        return run

    def meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = json.loads((self.path / "run.json").read_text(encoding="utf-8"))
        return meta

    def tasks(self) -> list[PlannedTask]:
        return [PlannedTask.from_dict(d) for d in json.loads((self.path / "tasks.json").read_text("utf-8"))]

    def append(self, event: str, **data: Any) -> None:
        """One JSON line, flushed and fsynced before returning. A line torn by a kill is closed
        off first so it never merges with the next."""
        line = json.dumps({"event": event, "time": round(time.time(), 3), **data}, default=str)
        with self._lock, open(self.journal_path, "a+b") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() > 0:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    handle.write(b"\n")
            payload = line.encode("utf-8") + b"\n"
            if faults.armed("journal"):  # the reliability suite: stop with half a line written
                handle.write(payload[: len(payload) // 2])
                handle.flush()
                faults.point("journal")
                payload = payload[len(payload) // 2 :]
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())

    def events(self) -> list[dict[str, Any]]:
        if not self.journal_path.exists():
            return []
        out = []
        for raw in self.journal_path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                out.append(json.loads(raw))
            except json.JSONDecodeError:
                continue  # a line torn by a kill
        return out

    def results(self) -> dict[str, dict[str, Any]]:
        return {e["task"]: e for e in self.events() if e.get("event") == "result"}

    @property
    def finished(self) -> bool:
        return any(e.get("event") == "run_finished" for e in self.events())

    def claim(self) -> None:
        """Mark this process as the one working on the run; refuse if another live one is."""
        holder = self.holder()
        if holder is not None and holder != os.getpid():
            raise RepoStateError(
                f"run {self.id} is being worked on by process {holder}", "Wait for it to finish, or stop that process first."
            )
        me = psutil.Process()
        _write_atomic(self.lock_path, {"pid": me.pid, "created": me.create_time()})

    def holder(self) -> int | None:
        try:
            lock = json.loads(self.lock_path.read_text(encoding="utf-8"))
            if psutil.Process(lock["pid"]).create_time() == lock["created"]:
                return int(lock["pid"])
        except (OSError, ValueError, KeyError, psutil.Error):
            pass
        return None

    def release(self) -> None:
        self.lock_path.unlink(missing_ok=True)


def list_runs(codey_dir: Path) -> list[RunDir]:
    folder = runs_dir(codey_dir)
    if not folder.is_dir():
        return []
    return [RunDir(p) for p in sorted(folder.iterdir()) if (p / "tasks.json").is_file()]


def find_run(codey_dir: Path, ref: str | None = None, *, unfinished: bool = False) -> RunDir:
    """A run by id (or unique id prefix); with no id the latest (unfinished, if asked) run."""
    runs = list_runs(codey_dir)
    if ref:
        matches = [r for r in runs if r.id == ref] or [r for r in runs if r.id.startswith(ref)]
        if len(matches) != 1:
            what = "no run" if not matches else "more than one run"
            raise UsageError(f"{what} matches {ref!r}", "See the runs under .git/codey/runs/.")
        return matches[0]
    candidates = [r for r in runs if not r.finished] if unfinished else runs
    if not candidates:
        raise UsageError("no unfinished run to resume" if unfinished else "no runs yet", "Start one with `git codey run RECIPE`.")
    return candidates[-1]


def runs_under(paths: list[Path]) -> list[RunDir]:
    """The run directories in ``paths`` (for `git codey report --merge`): each path a run's own
    folder or a folder holding some, at any depth (CI artifacts arrive one folder per shard)."""
    found: dict[Path, RunDir] = {}
    for path in paths:
        if not path.is_dir():
            raise UsageError(f"{path}: no such folder", "Give the folders the shards' journals were downloaded to.")
        dirs = [path] if (path / "tasks.json").is_file() else sorted(p.parent for p in path.rglob("tasks.json"))
        dirs = [d for d in dirs if (d / "run.json").is_file()]
        if not dirs:
            raise UsageError(
                f"{path}: no run journal in it (a run folder holds run.json, tasks.json and journal.jsonl)",
                "Point --merge at the folders `git codey ci run --out DIR` wrote.",
            )
        for folder in dirs:
            found.setdefault(folder.resolve(), RunDir(folder))
    return sorted(found.values(), key=lambda run: run.id)
