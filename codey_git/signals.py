"""One signal policy: SIGINT, SIGTERM and SIGHUP all stop a run the same way.

Each raises ``Stopped`` (a KeyboardInterrupt, so every cleanup path that Ctrl-C takes runs: the
test process group is killed by ``proc.run``, the scratch worktree is removed by the task's
``finally``), and the one error handler exits with 128 + the signal number (130, 143, 129).
"""

from __future__ import annotations

import signal
from types import FrameType

NAMES: dict[int, str] = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}


class Stopped(KeyboardInterrupt):
    """The run was stopped by a signal."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(NAMES.get(signum, f"signal {signum}"))
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + int(self.signum)


_received: Stopped | None = None


def received() -> Stopped | None:
    """The stop this process received, if any: typer turns a KeyboardInterrupt into a plain exit
    code 130, so the handler asks here which signal it was."""
    return _received


def _stop(signum: int, _frame: FrameType | None) -> None:
    global _received
    # a second signal while cleaning up must not cut the cleanup short (SIGKILL still does)
    for sig in NAMES:
        try:
            signal.signal(sig, signal.SIG_IGN)
        except (ValueError, OSError):
            pass
    _received = Stopped(signum)
    raise _received


def install() -> None:
    """Route SIGINT, SIGTERM and SIGHUP to ``Stopped`` (main thread only; a no-op elsewhere)."""
    for sig in NAMES:
        try:
            if signal.getsignal(sig) is signal.SIG_IGN and sig == signal.SIGHUP:
                continue  # started under nohup: keep ignoring hang-ups, as the user asked
            signal.signal(sig, _stop)
        except (ValueError, OSError):
            return


def stopped_by(exc: BaseException | None) -> Stopped | None:
    """The ``Stopped`` behind ``exc`` (click wraps KeyboardInterrupt in Abort), if any."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, Stopped):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None
