"""SQLite: one database file holds the image index and the jobs; WAL so readers never wait.

Connections are made per thread (sqlite3 objects are not shared between threads) and closed together
by ``Database.close``. Every write is one short transaction, so several worker processes can share
the file.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA_VERSION = 3  # 2: images.quality; 3: image_owners (the gallery lists a key's own images)

SCHEMA = """
CREATE TABLE IF NOT EXISTS images (
    id            TEXT PRIMARY KEY,      -- sha256 of the bytes
    media_type    TEXT NOT NULL,
    output_format TEXT NOT NULL,
    format        TEXT NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    size_bytes    INTEGER NOT NULL,
    layout        TEXT NOT NULL,
    kit           TEXT NOT NULL,
    title         TEXT NOT NULL,
    created_at    REAL NOT NULL,
    quality       TEXT                   -- JSON: the judge's report on a render (none on a video frame)
);
CREATE INDEX IF NOT EXISTS images_by_time ON images (created_at DESC);
CREATE TABLE IF NOT EXISTS image_owners (
    owner      TEXT NOT NULL,            -- fingerprint of an API key that was answered with the image
    image_id   TEXT NOT NULL REFERENCES images (id),
    created_at REAL NOT NULL,            -- when that key first got it
    PRIMARY KEY (owner, image_id)
);
CREATE INDEX IF NOT EXISTS image_owners_by_time ON image_owners (owner, created_at DESC);
CREATE TABLE IF NOT EXISTS renders (
    request_key TEXT PRIMARY KEY,        -- cachekey.request_key(): normalized request + renderer
    image_id    TEXT NOT NULL REFERENCES images (id),
    created_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,           -- queued, processing, succeeded, failed
    input       TEXT NOT NULL,           -- JSON
    outputs     TEXT,                    -- JSON list, when succeeded
    error       TEXT,                    -- message, when failed
    owner       TEXT NOT NULL,           -- fingerprint of the API key that submitted it
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_until REAL,                    -- while processing: requeued when this passes
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (status, created_at);
"""

# MIGRATIONS[n]: from schema n to n + 1 (the tables of SCHEMA exist already, as version n made them)
MIGRATIONS = {
    1: "ALTER TABLE images ADD COLUMN quality TEXT",
    2: "SELECT 1",  # image_owners is a new table, made by SCHEMA; images stored before have no owner
}


def connect(path: Path, *, synchronous: str = "NORMAL") -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={synchronous}")
    connection.execute("PRAGMA foreign_keys=ON")
    return connection


class Database:
    """Thread-local connections to one SQLite file, with the schema applied on open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self.transaction() as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(f"{path} was made by a newer thumbkit (schema {version} > {SCHEMA_VERSION})")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            for step in range(version, SCHEMA_VERSION) if version else ():  # a file of an older schema
                connection.execute(MIGRATIONS[step])
            connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = connect(self.path)
            self._local.connection = connection
            with self._lock:
                self._all.append(connection)
        return connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``: the write lock is taken up front, so no deadlock."""
        connection = self.connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            connections, self._all = self._all, []
        for connection in connections:
            connection.close()
        self._local = threading.local()
