"""Where the system offers one, a real sandbox for test runs: bubblewrap (bwrap).

Inside it, everything is read-only except the scratch worktree and a fresh temporary home; there
is no network; the tests run in their own PID namespace, so a child that escapes its process group
with setsid still dies with the run. Without bwrap, tests run as the user, in their own process
group only (see docs/reliability.md for what that does and does not promise).

``sandbox: auto`` (the default for recipes and CI) uses bwrap when it works here; ``on`` insists on
it (a usage error when missing); ``off`` never uses it.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence


@dataclass(frozen=True)
class SandboxInfo:
    kind: str | None  # "bwrap", or None when no sandbox can be used here
    detail: str  # one line: the version found, or why there is none

    @property
    def available(self) -> bool:
        return self.kind is not None


@functools.lru_cache(maxsize=1)
def detect() -> SandboxInfo:
    """Whether bwrap is installed and can make its namespaces on this machine (a container may
    forbid user namespaces: then it is installed but unusable, and we say so)."""
    path = shutil.which("bwrap")
    if path is None:
        return SandboxInfo(
            None,
            "bubblewrap (bwrap) is not installed; install it (Debian/Ubuntu: apt install "
            "bubblewrap) to run tests read-only outside the worktree, with no network",
        )
    try:
        probe = subprocess.run(
            [path, *_BASE_ARGS, "--", "/bin/true"], capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return SandboxInfo(None, f"bwrap at {path} could not start: {exc}")
    if probe.returncode != 0:
        why = (probe.stderr.strip().splitlines() or ["no message"])[-1]
        return SandboxInfo(None, f"bwrap at {path} cannot create namespaces here: {why}")
    version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    return SandboxInfo("bwrap", f"{version or 'bwrap'} at {path}")


_BASE_ARGS = [
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    "--tmpfs",
    "/tmp",
    "--unshare-pid",
    "--unshare-net",
    "--unshare-ipc",
    "--unshare-uts",
    "--die-with-parent",
    "--new-session",
]


def wrap(argv: list[str], worktree: Path, home: Path, needed: Sequence[str] = ()) -> list[str]:
    """``argv`` run inside bwrap: the worktree read-write (and ``home``, a fresh temporary folder,
    as $HOME and $TMPDIR), everything else read-only, no network, its own PID namespace. The
    sandbox's /tmp is empty, so each of ``needed`` (an interpreter's venv, the import path) that
    lives under /tmp is mounted back, read-only."""
    tree, temp = os.path.realpath(worktree), os.path.realpath(home)
    back: list[str] = []
    for path in needed:
        for form in dict.fromkeys((os.path.abspath(path), os.path.realpath(path))):
            if form.startswith("/tmp/") and os.path.exists(form) and form not in back:
                back.append(form)
    binds = [arg for path in back for arg in ("--ro-bind", path, path)]
    return [
        "bwrap",
        *_BASE_ARGS,
        *binds,
        "--bind",
        tree,
        tree,
        "--bind",
        temp,
        temp,
        "--setenv",
        "HOME",
        temp,
        "--setenv",
        "TMPDIR",
        temp,
        "--chdir",
        tree,
        "--",
        *argv,
    ]
