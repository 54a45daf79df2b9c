"""The one way codey runs a subprocess: in its own process group, with a timeout that kills the
whole group (test runners fork), and with Ctrl-C also killing the group before re-raising."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from codey_git.errors import UsageError

KILL_GRACE_S = 2.0


@dataclass
class ProcResult:
    argv: Sequence[str] | str
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _kill_group(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(timeout=KILL_GRACE_S)
            # the leader is gone; make sure no child in the group survives it
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            return
        except subprocess.TimeoutExpired:
            continue


def run(argv: Sequence[str] | str, *, cwd: str | Path | None = None, env: Mapping[str, str] | None = None,
        timeout: float | None = 60, input: str | None = None, shell: bool = False,
        max_output: int = 2_000_000) -> ProcResult:
    """Run a command to completion. Never raises for a non-zero exit; raises UsageError when the
    program does not exist. Output beyond ``max_output`` characters is cut (tail kept)."""
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            argv, cwd=cwd, env=dict(env) if env is not None else None, shell=shell,
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
            start_new_session=True,
        )
    except FileNotFoundError:
        prog = argv if isinstance(argv, str) else argv[0]
        raise UsageError(f"command not found: {prog}", "Install it or put it on PATH.") from None
    timed_out = False
    try:
        stdout, stderr = proc.communicate(input=input, timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
        stdout, stderr = proc.communicate()
    except BaseException:  # Ctrl-C or anything else: leave no process behind
        _kill_group(proc)
        raise
    else:
        # the leader exited; children it left in the group must not outlive the run
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if len(stdout) > max_output:
        stdout = "[... output cut ...]\n" + stdout[-max_output:]
    if len(stderr) > max_output:
        stderr = "[... output cut ...]\n" + stderr[-max_output:]
    return ProcResult(argv, proc.returncode if not timed_out else -9, stdout, stderr, timed_out,
                      time.monotonic() - start)
