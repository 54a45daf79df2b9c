"""First use of a model: pull it if missing (with consent), verify it, return where it is."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from codey_git.errors import ModelError
from codey_git.models.catalog import ModelEntry
from codey_git.models.progress_bar import byte_bar
from codey_git.models.pull import pull
from codey_git.models.registry import Registry
from codey_git.models.verify import check_file, stamped_sha256

if TYPE_CHECKING:
    from codey_git.progress import Progress

Confirm = Callable[[str], bool]


@dataclass
class ReadyModel:
    entry: ModelEntry
    path: Path
    sha256: str


def ask_on_tty(question: str) -> bool:
    """Ask yes/no on a terminal; without one, the answer is no."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return False
    from rich.prompt import Confirm as RichConfirm
    from rich.text import Text

    from codey_git.ui import err_console

    return RichConfirm.ask(Text(question), console=err_console, default=True)  # a model name is not markup


def ensure_model(
    registry: Registry, name: str, *, yes: bool = False, progress: Progress | None = None, confirm: Confirm = ask_on_tty
) -> ReadyModel:
    """Return a verified model file for ``name``, pulling it first when allowed.

    Raises ModelError naming the exact command to run when the model is missing and neither
    ``yes`` nor the user's answer allows fetching it now.
    """
    entry = registry.get(name)
    path = registry.file_path(entry)
    quiet = bool(getattr(progress, "quiet", False))
    if not path.exists() and not entry.path:
        size = f"{entry.size / 2**20:,.0f} MB" if entry.size else "size unknown"
        if not (yes or confirm(f"Model {name} ({size}) is not downloaded. Fetch it now?")):
            raise ModelError(
                f"model {name} is not downloaded yet ({size})",
                f"Run `git codey models pull {name}` (or pass --yes to fetch it on first use).",
            )
        if progress is not None:
            progress.stage(f"pulling model {name} ({size})")
        path, _ = pull(entry, quiet=quiet)
    stamped = stamped_sha256(entry, path)
    if stamped:
        return ReadyModel(entry, path, stamped)
    total = path.stat().st_size if path.is_file() else None
    with byte_bar(f"verifying {name}", total, quiet or not total or total < 64 * 2**20) as bar:
        sha = check_file(entry, path, on_bytes=bar.advance)
    return ReadyModel(entry, path, sha)
