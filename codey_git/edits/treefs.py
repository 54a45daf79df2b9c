"""The one place that reads and writes files in a tree codey works in (a scratch worktree).

Paths are repository-relative text. Every component is opened relative to the one before it with
``O_NOFOLLOW`` (``openat``-style, through directory descriptors), so no symlink is ever followed
on the way to a file, whatever a test or a model did to the tree in between:

- a write, a delete, or a folder created on the way refuses a path any component of which is a
  symlink, a path inside ``.git``, a path inside (or equal to) a submodule, a path that treats a
  file as a folder, and a folder written as a file;
- a read follows a symlink only when it resolves to a regular file inside the tree and outside
  ``.git``; otherwise the file reads as absent (its target never reaches a prompt).

Refusals are ``UnsafeEdit``: a rejected candidate, never a crash.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from .errors import UnsafeEdit
from .safety import check_path

_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class TreeFS:
    """Safe file access below ``root``. ``submodules``: repo-relative gitlink paths (never written)."""

    def __init__(self, root: Path | str, submodules: frozenset[str] | set[str] = frozenset()):
        self.root = Path(root)
        self.submodules = frozenset(submodules)

    # -- checks ---------------------------------------------------------------------------------

    def check(self, rel: str) -> str:
        """The normalised path, or UnsafeEdit when it may not be written (text rules + submodules)."""
        path = check_path(rel)
        for sub in self.submodules:
            if path == sub or path.startswith(sub + "/"):
                raise _refuse(rel, f"is inside the submodule {sub}; codey does not edit submodules")
        return path

    def check_writable(self, rel: str) -> str:
        """``check`` plus the tree as it is now: no symlink on the way, no file used as a folder,
        no folder written as a file."""
        path = self.check(rel)
        current = self.root
        parts = path.split("/")
        for i, part in enumerate(parts):
            current = current / part
            try:
                st = os.lstat(current)
            except FileNotFoundError:
                return path  # the rest will be created
            except NotADirectoryError:
                raise _refuse(rel, f"treats the file {'/'.join(parts[:i])} as a folder") from None
            if stat.S_ISLNK(st.st_mode):
                where = "/".join(parts[: i + 1])
                raise _refuse(
                    rel,
                    f"goes through the symbolic link {where}; edit the file it points to by its own path"
                    if where != path
                    else "is a symbolic link; edit the file it points to by its own path",
                )
            last = i == len(parts) - 1
            if not last and not stat.S_ISDIR(st.st_mode):
                raise _refuse(rel, f"treats the file {'/'.join(parts[: i + 1])} as a folder")
            if last and not stat.S_ISREG(st.st_mode):
                kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
                raise _refuse(rel, f"is {kind}, not a file")
        return path

    # -- reads ----------------------------------------------------------------------------------

    def read_bytes(self, rel: str) -> bytes | None:
        """The file's bytes; None when absent, not a regular file, or reached through a symlink
        that leaves the tree or enters .git."""
        try:
            path = check_path(rel)
        except UnsafeEdit:
            return None
        try:
            return self._read_nofollow(path)
        except OSError:
            if not self._has_symlink(path):
                return None
        target = self._inside_target(path)
        if target is None:
            return None
        try:
            return self._read_nofollow(target)
        except OSError:
            return None

    def read(self, rel: str) -> str | None:
        """UTF-8 text of the file, or None (absent, unsafe, or not text)."""
        data = self.read_bytes(rel)
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def read_for_edit(self, rel: str) -> str | None:
        """What an edit starts from: like ``read``, but a path that may not be written (a symlink on
        the way, a submodule, a folder) is refused with UnsafeEdit instead of reading as absent."""
        return self.read(self.check_writable(rel))

    def is_file(self, rel: str) -> bool:
        """True when ``read_bytes`` would return the file (a safe, regular file)."""
        try:
            path = check_path(rel)
        except UnsafeEdit:
            return False
        if self._lstat_regular(path):
            return True
        target = self._inside_target(path)
        return target is not None and self._lstat_regular(target)

    def _has_symlink(self, path: str) -> bool:
        current = self.root
        for part in path.split("/"):
            current = current / part
            if current.is_symlink():
                return True
            if not current.is_dir():
                return False
        return False

    def _lstat_regular(self, path: str) -> bool:
        fd = self._open_parent(path)
        if fd is None:
            return False
        try:
            st = os.stat(path.rsplit("/", 1)[-1], dir_fd=fd, follow_symlinks=False)
            return stat.S_ISREG(st.st_mode)
        except OSError:
            return False
        finally:
            os.close(fd)

    def _inside_target(self, path: str) -> str | None:
        """Where a path with symlinks on it ends, as a repo-relative path with no symlink on it, when
        that is inside the tree and outside .git; else None."""
        root = os.path.realpath(self.root)
        real = os.path.realpath(self.root / path)
        if not real.startswith(root + os.sep):
            return None
        rel = os.path.relpath(real, root).replace(os.sep, "/")
        try:
            return check_path(rel)
        except UnsafeEdit:
            return None

    def _open_parent(self, path: str) -> int | None:
        """A descriptor of the folder holding ``path``, reached with no symlink followed."""
        try:
            fd = os.open(self.root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            return None
        for part in path.split("/")[:-1]:
            try:
                nxt = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError:
                os.close(fd)
                return None
            os.close(fd)
            fd = nxt
        return fd

    def _read_nofollow(self, path: str) -> bytes | None:
        fd = self._walk(path, create=False)
        try:
            name = path.rsplit("/", 1)[-1]
            try:
                ffd = os.open(name, os.O_RDONLY | _NOFOLLOW, dir_fd=fd)
            except FileNotFoundError:
                return None
            except IsADirectoryError:
                return None
            with os.fdopen(ffd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    return None
                return fh.read()
        finally:
            os.close(fd)

    # -- writes ---------------------------------------------------------------------------------

    def write(self, rel: str, data: str | bytes, mode: int = 0o644) -> None:
        """Create or replace a regular file; folders on the way are created. UnsafeEdit on refusal."""
        path = self.check_writable(rel)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        fd = self._walk(path, create=True, rel=rel)
        try:
            name = path.rsplit("/", 1)[-1]
            try:
                ffd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, mode, dir_fd=fd)
            except OSError as exc:
                raise _refuse(rel, f"cannot be written ({exc.strerror})") from None
            with os.fdopen(ffd, "wb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    raise _refuse(rel, "is not a regular file")
                fh.write(payload)
        finally:
            os.close(fd)

    def write_all(self, files: Mapping[str, str | None]) -> None:
        """Write ``files`` (None: delete), all or nothing: every path is checked first (no symlink,
        submodule, file-as-folder), then each is written."""
        for rel in files:
            self.check_writable(rel)
        for rel, text in files.items():
            if text is None:
                self.delete(rel)
            else:
                self.write(rel, text)

    def delete(self, rel: str) -> None:
        """Remove a regular file (absent is fine). Never follows or removes a symlink's target."""
        path = self.check(rel)
        try:
            self.check_writable(path)
        except UnsafeEdit:
            if os.path.lexists(self.root / path):
                raise
            return
        try:
            fd = self._walk(path, create=False)
        except OSError:
            return
        try:
            os.unlink(path.rsplit("/", 1)[-1], dir_fd=fd)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise _refuse(rel, f"cannot be deleted ({exc.strerror})") from None
        finally:
            os.close(fd)

    def _walk(self, path: str, *, create: bool, rel: str | None = None) -> int:
        """A descriptor of the folder holding ``path``, opened component by component with no
        symlink followed; folders are made when ``create``. Raises OSError (ELOOP on a symlink,
        ENOENT when a folder is missing) or, when creating, UnsafeEdit."""
        fd = os.open(self.root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            for part in path.split("/")[:-1]:
                if create:
                    try:
                        os.mkdir(part, 0o755, dir_fd=fd)
                    except FileExistsError:
                        pass
                    except OSError as exc:
                        raise _refuse(rel or path, f"needs a folder {part} that cannot be made ({exc.strerror})") from None
                try:
                    nxt = os.open(part, _DIR_FLAGS, dir_fd=fd)
                except OSError as exc:
                    if create:
                        raise _refuse(rel or path, f"goes through {part}, which is a symbolic link or not a folder") from None
                    raise exc
                os.close(fd)
                fd = nxt
            return fd
        except BaseException:
            os.close(fd)
            raise


def _refuse(path: str, why: str) -> UnsafeEdit:
    return UnsafeEdit(
        f"refused edit: path {path!r} {why}",
        f"The edit was refused and nothing was changed: the path {path!r} {why}.",
    )
