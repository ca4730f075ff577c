"""The videos the server has seen and the frames stored for each, in the jobs' SQLite database.

Two tables of this module's own, created like ``database.SCHEMA`` (``CREATE ... IF NOT EXISTS`` on
open): ``videos`` (uploads and files read by path, with what probing found) and ``video_frames``
(which stored image a job made from which video, at what time). Images themselves are rows of the
image store's ``images`` table, so frames show in the gallery and are served by ``/v1/images/{id}``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from msgspec import Struct
from msgspec.structs import asdict

from .database import Database

VIDEO_SCHEMA = """
CREATE TABLE IF NOT EXISTS videos (
    id          TEXT PRIMARY KEY,        -- upload_<sha256 of the bytes> or path_<sha256 of real path, size, mtime>
    source      TEXT NOT NULL,           -- upload, path
    name        TEXT NOT NULL,           -- the path under the media root, or '' for an upload
    size_bytes  INTEGER NOT NULL,
    duration_s  REAL,                    -- NULL when the file does not say
    width       INTEGER NOT NULL,        -- as displayed (rotation applied)
    height      INTEGER NOT NULL,
    created_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS video_frames (
    video_id     TEXT NOT NULL REFERENCES videos (id),
    image_id     TEXT NOT NULL REFERENCES images (id),
    job_kind     TEXT NOT NULL,          -- frame, moments
    timestamp_s  REAL NOT NULL,          -- the time asked for (a moment: its frame's time)
    frame_time_s REAL NOT NULL,          -- the presentation time of the frame shown then
    score        REAL,                   -- moments only
    reason       TEXT,                   -- moments only
    created_at   REAL NOT NULL,
    PRIMARY KEY (video_id, image_id, job_kind, timestamp_s)  -- the same frame asked again is listed once
);
CREATE INDEX IF NOT EXISTS video_frames_by_video ON video_frames (video_id, frame_time_s);
"""


class VideoRecord(Struct, frozen=True):
    id: str
    source: str
    name: str
    size_bytes: int
    duration_s: float | None
    width: int
    height: int
    created_at: float

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> VideoRecord:
        return cls(**{key: row[key] for key in row.keys()})  # noqa: SIM118 (a Row iterates over its values)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "source": self.source}
        if self.name:
            body["path"] = self.name
        return {**body, "duration_s": self.duration_s, "width": self.width, "height": self.height,
                "sizeBytes": self.size_bytes, "createdAt": self.created_at}


class StoredFrame(Struct, frozen=True):
    """One frame a job stored for a video."""

    video_id: str
    image_id: str
    job_kind: str
    timestamp_s: float
    frame_time_s: float
    score: float | None
    reason: str | None
    created_at: float

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> StoredFrame:
        return cls(**{key: row[key] for key in row.keys()})  # noqa: SIM118 (a Row iterates over its values)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.image_id, "timestamp": self.timestamp_s, "frameTime": self.frame_time_s,
            "kind": self.job_kind, "createdAt": self.created_at,
        }
        if self.job_kind == "moments":
            body.update(score=self.score, reason=self.reason)
        return body


class VideoIndex:
    def __init__(self, database: Database) -> None:
        self._db = database
        with database.transaction() as connection:
            for statement in VIDEO_SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)

    def get(self, video_id: str) -> VideoRecord | None:
        row = self._db.connection().execute("SELECT * FROM videos WHERE id = ?", (video_id,)).fetchone()
        return VideoRecord.from_row(row) if row else None

    def add(self, video: VideoRecord) -> VideoRecord:
        """Record a video (a known id keeps its first record) and return the record kept."""
        with self._db.transaction() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO videos VALUES (:id, :source, :name, :size_bytes, :duration_s, :width, :height,"
                " :created_at)",
                asdict(video),
            )
            row = connection.execute("SELECT * FROM videos WHERE id = ?", (video.id,)).fetchone()
        return VideoRecord.from_row(row)

    def add_frames(self, frames: list[StoredFrame]) -> None:
        with self._db.transaction() as connection:
            connection.executemany(
                "INSERT OR IGNORE INTO video_frames VALUES (:video_id, :image_id, :job_kind, :timestamp_s,"
                " :frame_time_s, :score, :reason, :created_at)",
                [asdict(frame) for frame in frames],
            )

    def frames(self, video_id: str, limit: int) -> list[StoredFrame]:
        """The frames stored for ``video_id``, in video time order (then oldest first)."""
        rows = self._db.connection().execute(
            "SELECT * FROM video_frames WHERE video_id = ? ORDER BY frame_time_s, timestamp_s, created_at LIMIT ?",
            (video_id, limit),
        ).fetchall()
        return [StoredFrame.from_row(row) for row in rows]
