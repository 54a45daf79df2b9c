"""Fault injection for the reliability suite: stop codey with a signal at a named point of a run.

``CODEY_FAULT_AT=commit CODEY_FAULT_SIGNAL=KILL git codey fix ...`` sends SIGKILL to codey itself
when the run reaches ``commit``; ``CODEY_FAULT_DELAY=1`` sends it that many seconds later instead,
from a timer, while the run goes on (to land inside a test run). Points: answer (a model answer is
in), apply (an edit is written), candidate (a one-line candidate is written), tests (a test run starts), commit (a commit is made, before the
worktree is reset), landing (just before the fast-forward), journal (a recipe journal line is
written). Unset, a point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
import threading


def point(name: str) -> None:
    if os.environ.get("CODEY_FAULT_AT") != name:
        return
    sig = getattr(signal, "SIG" + os.environ.get("CODEY_FAULT_SIGNAL", "TERM").upper().removeprefix("SIG"))
    delay = float(os.environ.get("CODEY_FAULT_DELAY", "0") or 0)
    pid = os.getpid()
    if delay > 0:
        timer = threading.Timer(delay, os.kill, (pid, sig))
        timer.daemon = True
        timer.start()
    else:
        os.kill(pid, sig)


def armed(name: str) -> bool:
    return os.environ.get("CODEY_FAULT_AT") == name
