"""The jobs table: submit, claim, keep a lease, finish.

A job moves ``queued`` -> ``processing`` -> ``succeeded`` or ``failed``. Claiming is one UPDATE, so
worker processes sharing the database never take the same job. A processing job holds a lease that
its dispatcher renews; when a process dies, the lease runs out and the job is queued again (up to
``max_attempts`` claims, then it fails).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from msgspec import Struct

from .database import Database

STATUSES = ("queued", "processing", "succeeded", "failed")
INTERRUPTED = "the job was interrupted too many times (its server stopped while running it)"


class Job(Struct, frozen=True):
    id: str
    kind: str
    status: str
    input: dict[str, Any]
    outputs: list[dict[str, Any]]
    error: str | None
    owner: str
    attempts: int
    created_at: float
    updated_at: float

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Job:
        return cls(
            id=row["id"], kind=row["kind"], status=row["status"], input=json.loads(row["input"]),
            outputs=json.loads(row["outputs"]) if row["outputs"] else [], error=row["error"], owner=row["owner"],
            attempts=row["attempts"], created_at=row["created_at"], updated_at=row["updated_at"],
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "status": self.status, "input": self.input, "outputs": self.outputs,
            "error": self.error, "attempts": self.attempts, "createdAt": self.created_at, "updatedAt": self.updated_at,
        }


def new_job_id() -> str:
    return "job_" + secrets.token_hex(12)


class JobStore:
    def __init__(self, database: Database, *, clock: Callable[[], float] = time.time) -> None:
        self._db = database
        self._clock = clock

    def submit(self, kind: str, input: dict[str, Any], owner: str) -> Job:
        now = self._clock()
        with self._db.transaction() as connection:
            row = connection.execute(
                "INSERT INTO jobs (id, kind, status, input, owner, created_at, updated_at)"
                " VALUES (?, ?, 'queued', ?, ?, ?, ?) RETURNING *",
                (new_job_id(), kind, json.dumps(input), owner, now, now),
            ).fetchone()
        return Job.from_row(row)

    def get(self, job_id: str, owner: str | None = None) -> Job | None:
        row = self._db.connection().execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None or (owner is not None and row["owner"] != owner):
            return None
        return Job.from_row(row)

    def claim(self, lease_seconds: float) -> Job | None:
        """The oldest queued job, now ``processing`` under a lease; ``None`` when none is queued."""
        now = self._clock()
        with self._db.transaction() as connection:
            row = connection.execute(
                "UPDATE jobs SET status = 'processing', attempts = attempts + 1, lease_until = ?, updated_at = ?"
                " WHERE id = (SELECT id FROM jobs WHERE status = 'queued' ORDER BY rowid LIMIT 1) RETURNING *",
                (now + lease_seconds, now),
            ).fetchone()
        return Job.from_row(row) if row else None

    def renew(self, job_ids: list[str], lease_seconds: float) -> None:
        if not job_ids:
            return
        lease_until = self._clock() + lease_seconds
        with self._db.transaction() as connection:
            connection.executemany(
                "UPDATE jobs SET lease_until = ? WHERE id = ? AND status = 'processing'",
                [(lease_until, job_id) for job_id in job_ids],
            )

    def succeed(self, job_id: str, outputs: list[dict[str, Any]]) -> None:
        self._end(job_id, "succeeded", outputs=json.dumps(outputs), error=None)

    def fail(self, job_id: str, error: str) -> None:
        self._end(job_id, "failed", outputs=None, error=error)

    def release(self, job_id: str) -> None:
        """Back to the queue without counting the attempt (this server is stopping)."""
        with self._db.transaction() as connection:
            connection.execute(
                "UPDATE jobs SET status = 'queued', attempts = MAX(attempts - 1, 0), lease_until = NULL, updated_at = ?"
                " WHERE id = ? AND status = 'processing'",
                (self._clock(), job_id),
            )

    def _end(self, job_id: str, status: str, *, outputs: str | None, error: str | None) -> None:
        with self._db.transaction() as connection:
            connection.execute(
                "UPDATE jobs SET status = ?, outputs = ?, error = ?, lease_until = NULL, updated_at = ?"
                " WHERE id = ? AND status = 'processing'",
                (status, outputs, error, self._clock(), job_id),
            )

    def requeue_expired(self, max_attempts: int) -> int:
        """Processing jobs whose lease ran out: queued again, or failed after ``max_attempts``."""
        now = self._clock()
        with self._db.transaction() as connection:
            failed = connection.execute(
                "UPDATE jobs SET status = 'failed', error = ?, lease_until = NULL, updated_at = ?"
                " WHERE status = 'processing' AND lease_until < ? AND attempts >= ?",
                (INTERRUPTED, now, now, max_attempts),
            ).rowcount
            requeued = connection.execute(
                "UPDATE jobs SET status = 'queued', lease_until = NULL, updated_at = ?"
                " WHERE status = 'processing' AND lease_until < ?",
                (now, now),
            ).rowcount
        return failed + requeued

    def counts(self) -> dict[str, int]:
        rows = self._db.connection().execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall()
        found = {row[0]: row[1] for row in rows}
        return {status: found.get(status, 0) for status in STATUSES}
