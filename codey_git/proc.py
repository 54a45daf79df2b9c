"""The one way codey runs a subprocess: in its own process group, with a timeout that kills the
whole group (test runners fork), and with Ctrl-C also killing the group before re-raising."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Mapping, Sequence, cast

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


def _kill_group(proc: subprocess.Popen[str]) -> None:
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


# The watchdog: the leader of the command's process group. It runs the command as its child and,
# when the codey process that started it is gone (killed with -9), kills the whole group, so no
# test run outlives codey. Plain Python, no codey import: it starts in ~20 ms.
_WATCHDOG = """
import os, signal, subprocess, sys, threading, time
parent = int(sys.argv[1])
child = subprocess.Popen(sys.argv[2:])
def watch():
    while True:
        time.sleep(0.2)
        if os.getppid() != parent:
            os.killpg(0, signal.SIGKILL)
threading.Thread(target=watch, daemon=True).start()
rc = child.wait()
sys.exit(rc if rc >= 0 else 128 - rc)
"""


def run(
    argv: Sequence[str] | str,
    *,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = 60,
    input: str | None = None,
    shell: bool = False,
    max_output: int = 2_000_000,
    watchdog: bool = False,
) -> ProcResult:
    """Run a command to completion. Never raises for a non-zero exit; raises UsageError when the
    program does not exist. Output beyond ``max_output`` characters is cut (tail kept).

    Output goes to temporary files, not pipes: the run ends when the command exits, even when a
    daemon it started keeps the output open. Whatever the command left in its process group is
    killed then. ``watchdog``: the group also dies when codey itself is killed (-9) mid-run.
    """
    start = time.monotonic()
    cmd: Sequence[str] | str = argv
    if watchdog:
        inner: list[str] = ["/bin/sh", "-c", cast(str, argv)] if shell else list(argv)
        if (
            not shell
            and shutil.which(inner[0], path=(env or os.environ).get("PATH")) is None
            and not os.path.isfile(os.path.join(str(cwd or "."), inner[0]))
        ):
            raise UsageError(f"command not found: {inner[0]}", "Install it or put it on PATH.")
        cmd, shell = [sys.executable, "-c", _WATCHDOG, str(os.getpid()), *inner], False
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=cwd,
                env=dict(env) if env is not None else None,
                shell=shell,
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=out_file,
                stderr=err_file,
                text=True,
                errors="replace",
                start_new_session=True,
            )
        except FileNotFoundError:
            prog = argv if isinstance(argv, str) else argv[0]
            raise UsageError(f"command not found: {prog}", "Install it or put it on PATH.") from None
        timed_out = False
        try:
            proc.communicate(input=input, timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
        except BaseException:  # Ctrl-C, SIGTERM, SIGHUP or anything else: leave no process behind
            _kill_group(proc)
            raise
        # the leader exited; children it left in the group must not outlive the run
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        stdout, stderr = _tail(out_file, max_output), _tail(err_file, max_output)
    return ProcResult(argv, proc.returncode if not timed_out else -9, stdout, stderr, timed_out, time.monotonic() - start)


def _tail(handle: IO[bytes], max_output: int) -> str:
    """What the command wrote, cut to the last ``max_output`` characters (about: bytes are cut)."""
    size = handle.seek(0, os.SEEK_END)
    cut = size > max_output * 4
    handle.seek(max(0, size - max_output * 4))
    text = handle.read().decode("utf-8", errors="replace")
    if cut or len(text) > max_output:
        return "[... output cut ...]\n" + text[-max_output:]
    return text
