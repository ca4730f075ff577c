"""Writing files so that a crash never leaves half of one: a temporary file beside the target,
flushed to disk, then renamed over it (a rename within a folder is atomic)."""

from __future__ import annotations

import os
from pathlib import Path


#: A temporary file's name is its target's name with this many bytes more:
#: ``"." + name + "." + pid (7 digits) + "." + 8 hex digits + ".part"``. A name must leave room for it.
TEMPORARY_EXTRA_BYTES = 23


def temporary_path(path: Path) -> Path:
    """A fresh temporary name beside ``path``, ``TEMPORARY_EXTRA_BYTES`` longer than its name (the
    random part from ``os.urandom``, not ``secrets``, which would load hmac and OpenSSL)."""
    return path.with_name(f".{path.name}.{os.getpid():07d}.{os.urandom(4).hex()}.part")


def write_atomic(path: Path, data: bytes, *, durable: bool = True, exclusive: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically. The file gets the usual permissions (0666 less the
    umask). ``durable``: fsync before the rename, so that a power cut keeps either the old file or
    the whole new one (caches may skip it). ``exclusive``: never replace a file, even one another
    process made meanwhile (``FileExistsError``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_path(path)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if exclusive:
            os.link(temporary, path)  # atomic, and fails when the path exists
            temporary.unlink()
        else:
            os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def write_once(path: Path, data: bytes, *, durable: bool = True) -> Path:
    """For content-addressed files: write atomically unless the same bytes are already there (a
    file of the right size but other bytes, damaged, is written again)."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return path
    except FileNotFoundError:
        pass
    return write_atomic(path, data, durable=durable)


def keep_newest(folder: Path, suffix: str, count: int) -> None:
    """Delete all but the ``count`` most recently modified files of ``folder`` whose names end
    with ``suffix`` (a cache folder's bound; a file that vanishes meanwhile is skipped)."""
    entries = []
    try:
        scanned = list(os.scandir(folder))
    except OSError:
        return
    for entry in scanned:
        if entry.name.endswith(suffix):
            try:
                entries.append((entry.stat().st_mtime_ns, entry.path))
            except OSError:
                continue
    for _, stale in sorted(entries, reverse=True)[count:]:
        try:
            os.unlink(stale)
        except OSError:
            pass
