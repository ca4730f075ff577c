"""The batch manifest: per output file, the hash of the inputs that made it, its size and status.

SQLite in WAL mode, one writer (the parent process), one short transaction per row. The order of
work makes it safe to kill the process at any instant: a file is written atomically first, then
recorded. So a record always points at a complete file; a file without a record (killed between
the two steps) is simply rendered again under the same name, and overwritten atomically.
``synchronous=NORMAL`` may lose the last few records on a power cut, never consistency: those rows
are rendered again.

Lives in ``OUT/.thumbkit/``, next to a lock file that keeps a second batch out of the same folder.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import IO, Literal

from msgspec import Struct

from ..errors import InputError

STATE_DIR = ".thumbkit"
MANIFEST_FILE = "manifest.sqlite"
LOCK_FILE = "batch.lock"
SCHEMA_VERSION = 1

Status = Literal["done", "failed"]


class Record(Struct, frozen=True):
    name: str
    input_hash: str
    status: Status
    size_bytes: int | None
    line: int
    title: str
    error: str | None
    updated_at: float


class Manifest:
    """Open with ``Manifest.open(out_dir)``; use as a context manager."""

    def __init__(self, path: Path, lock_handle: IO[str]) -> None:
        self.path = path
        self._lock_handle = lock_handle
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA busy_timeout = 5000")
        self._db.executescript(
            f"""
            CREATE TABLE IF NOT EXISTS outputs (
                name TEXT PRIMARY KEY,
                input_hash TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
                size_bytes INTEGER,
                line INTEGER NOT NULL,
                title TEXT NOT NULL,
                error TEXT,
                updated_at REAL NOT NULL
            ) WITHOUT ROWID;
            PRAGMA user_version = {SCHEMA_VERSION};
            """
        )

    @classmethod
    def open(cls, out_dir: Path) -> Manifest:
        state = out_dir / STATE_DIR
        state.mkdir(parents=True, exist_ok=True)
        return cls(state / MANIFEST_FILE, _lock(state / LOCK_FILE, out_dir))

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get(self, name: str) -> Record | None:
        row = self._db.execute(
            "SELECT name, input_hash, status, size_bytes, line, title, error, updated_at FROM outputs WHERE name = ?",
            (name,),
        ).fetchone()
        return Record(*row) if row else None

    def is_current(self, name: str, input_hash: str, path: Path) -> bool:
        """True when ``path`` was made from these inputs and is still there, whole."""
        record = self.get(name)
        if record is None or record.status != "done" or record.input_hash != input_hash:
            return False
        try:
            return path.stat().st_size == record.size_bytes
        except OSError:
            return False

    def is_current_set(self, names: tuple[str, ...], input_hash: str, out_dir: Path) -> bool:
        """True when the first of ``names`` and every other one recorded are current (a row of
        variants records its files together, and forgets the variants it did not make)."""
        if not self.is_current(names[0], input_hash, out_dir / names[0]):
            return False
        return all(self.get(name) is None or self.is_current(name, input_hash, out_dir / name) for name in names[1:])

    def record_done(self, *, name: str, input_hash: str, size_bytes: int, line: int, title: str) -> None:
        self._put(name, input_hash, "done", size_bytes, line, title, None)

    def record_done_set(self, *, sizes: dict[str, int], absent: tuple[str, ...], input_hash: str, line: int,
                        title: str) -> None:
        """Record a row's files (name -> size) in one transaction, and forget ``absent`` names:
        variants it asked for but did not make (fewer were visibly different)."""
        self._db.execute("BEGIN")
        try:
            for name, size in sizes.items():
                self._put(name, input_hash, "done", size, line, title, None)
            self._db.executemany("DELETE FROM outputs WHERE name = ?", [(name,) for name in absent])
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def record_failed(self, *, name: str, input_hash: str, line: int, title: str, error: str) -> None:
        self._put(name, input_hash, "failed", None, line, title, error)

    def count(self, status: Status = "done") -> int:
        count: int = self._db.execute("SELECT count(*) FROM outputs WHERE status = ?", (status,)).fetchone()[0]
        return count

    def close(self) -> None:
        self._db.close()
        _unlock(self._lock_handle)

    def _put(self, name: str, input_hash: str, status: Status, size_bytes: int | None, line: int, title: str,
             error: str | None) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (name, input_hash, status, size_bytes, line, title, error, time.time()),
        )


def _lock(path: Path, out_dir: Path) -> IO[str]:
    handle = path.open("a+")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory lock, documented
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise InputError(f"another thumbkit batch is writing to {out_dir}; wait for it or stop it first") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _unlock(handle: IO[str]) -> None:
    handle.close()  # closing the file releases the lock


__all__ = ["LOCK_FILE", "MANIFEST_FILE", "Manifest", "Record", "STATE_DIR"]
