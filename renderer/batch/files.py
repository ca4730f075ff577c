"""Files a batch writes besides the manifest: thumbnails (atomically), the failures CSV, and the
clean-up of temporary files a killed run left behind."""

from __future__ import annotations

import csv
import errno
import os
import re
from pathlib import Path
from typing import IO, Any

from msgspec import Struct

from ..files import temporary_path, write_atomic
from .manifest import STATE_DIR
from .plan import RowFailure

FAILURE_COLUMNS = ("row", "line", "title", "error")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Temporaries (files.temporary_path): ".<name>.<pid>.<8 random chars>.part"
_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.part$")
# Errors that concern one file name, not the whole disk: the row fails, the batch goes on.
_ROW_ERRNOS = frozenset({errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG, errno.EINVAL, errno.EEXIST})


def write_output(path: Path, data: bytes) -> str | None:
    """Write ``data`` atomically; the error text when this file cannot be written for a reason that
    concerns only its name. Raises ``OSError`` for the rest (disk full, read-only, I/O error)."""
    try:
        write_atomic_shared(path, data)
    except OSError as exc:
        if exc.errno in _ROW_ERRNOS:
            return f"cannot write {path.name}: {exc.strerror}"
        raise
    return None


def write_atomic_shared(path: Path, data: bytes) -> None:
    """A thumbnail of the batch, written atomically with the usual permissions."""
    write_atomic(path, data)


def _temporary_beside(path: Path) -> tuple[Path, int]:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_path(path)
    return temporary, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)


def remove_temporaries(folder: Path) -> int:
    """Delete the temporary files an interrupted run left in ``folder`` (and its subfolders)."""
    removed = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != STATE_DIR]
        for name in files:
            if _TEMPORARY.match(name):
                Path(root, name).unlink(missing_ok=True)
                removed += 1
    return removed


def spreadsheet_safe(text: str) -> str:
    """``text`` as a spreadsheet shows it, never as a formula: a cell starting with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return gets a ``'`` in front (OWASP's CSV injection advice; the csv
    module already quotes commas and double quotes)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Open(Struct):
    temporary: Path
    handle: IO[str]
    writer: Any


class FailuresFile:
    """The failures CSV (row, line, title, error), streamed to a temporary file and renamed into place
    at the end; a run without failures removes the file an earlier run left. Titles and errors are
    written :func:`spreadsheet_safe`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._open: _Open | None = None

    def add(self, failure: RowFailure) -> None:
        if self._open is None:
            temporary, fd = _temporary_beside(self.path)
            handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
            self._open = _Open(temporary, handle, csv.writer(handle))
            self._open.writer.writerow(FAILURE_COLUMNS)
        self._open.writer.writerow((failure.number, failure.line, spreadsheet_safe(failure.title),
                                    spreadsheet_safe(failure.error)))
        self.count += 1

    def finish(self) -> Path | None:
        """Put the file in place (or remove a stale one); its path when there were failures."""
        if self._open is None:
            self.path.unlink(missing_ok=True)
            return None
        opened, self._open = self._open, None
        opened.handle.flush()
        os.fsync(opened.handle.fileno())
        opened.handle.close()
        os.replace(opened.temporary, self.path)
        return self.path

    def abandon(self) -> None:
        if self._open is not None:
            opened, self._open = self._open, None
            opened.handle.close()
            opened.temporary.unlink(missing_ok=True)


__all__ = ["FAILURE_COLUMNS", "FailuresFile", "remove_temporaries", "spreadsheet_safe", "write_output"]
