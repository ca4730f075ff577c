"""The image store: files named by the SHA-256 of their bytes, and a SQLite index saying what each
image is, which request made it and which API keys were answered with it (``image_owners``).

Who sees what: a file is served to anyone who has its id (the sha256 of its bytes: a capability,
so an ``<img>`` can show it); a listing (:meth:`ImageStore.recent`) shows one key only the images
that key made or was answered with (a render, a store hit, a job's output), in the order it got them.

Files are written to a temporary name and renamed, without fsync (it cost ~1 ms per render): the
store is a cache of renders, so a file lost or damaged in a crash is noticed on read (missing, or
its bytes no longer hash to its id) and rendered again.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from msgspec import Struct
from msgspec.structs import asdict

from ..api import Thumbnail
from ..encode import data_url
from ..files import write_once
from .database import Database

IMAGE_ID = re.compile(r"^[0-9a-f]{64}$")
EXTENSIONS = {"webp": "webp", "png": "png", "jpeg": "jpg"}


class StoredImage(Struct, frozen=True):
    id: str
    media_type: str
    output_format: str
    format: str
    width: int
    height: int
    size_bytes: int
    layout: str
    kit: str
    title: str
    created_at: float
    quality: str | None = None  # JSON: the judge's report on a render (None for a video frame)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> StoredImage:
        return cls(**{key: row[key] for key in row.keys()})

    def thumbapi_fields(self) -> dict[str, Any]:
        """ThumbAPI's response fields but the image itself."""
        return {"format": self.format, "outputFormat": self.output_format, "dimensions": {"width": self.width, "height": self.height}}

    def to_thumbapi(self, data: bytes) -> dict[str, Any]:
        return {"image": data_url(data, self.media_type), **self.thumbapi_fields()}

    def quality_report(self) -> dict[str, Any] | None:
        """The judge's report (``Quality.to_dict()``), for a render."""
        return json.loads(self.quality) if self.quality is not None else None

    def summary(self) -> dict[str, Any]:
        """For listings (the gallery): everything but the bytes."""
        return {
            "id": self.id, **self.thumbapi_fields(), "mediaType": self.media_type, "sizeBytes": self.size_bytes,
            "layout": self.layout, "kit": self.kit, "title": self.title, "createdAt": self.created_at,
        }


class ImageStore:
    def __init__(self, database: Database, images_dir: Path) -> None:
        self._db = database
        self.images_dir = images_dir
        images_dir.mkdir(parents=True, exist_ok=True)

    def path(self, image: StoredImage) -> Path:
        return self.images_dir / image.id[:2] / f"{image.id}.{EXTENSIONS.get(image.output_format, image.output_format)}"

    # -- reading -----------------------------------------------------------------------------
    def get(self, image_id: str) -> StoredImage | None:
        if not IMAGE_ID.match(image_id):
            return None
        row = self._db.connection().execute("SELECT * FROM images WHERE id = ?", (image_id,)).fetchone()
        return StoredImage.from_row(row) if row else None

    def read(self, image: StoredImage) -> bytes | None:
        """The bytes, or ``None`` when the file is gone or damaged."""
        try:
            data = self.path(image).read_bytes()
        except FileNotFoundError:
            return None
        return data if len(data) == image.size_bytes and hashlib.sha256(data).hexdigest() == image.id else None

    def lookup(self, request_key: str) -> tuple[StoredImage, bytes] | None:
        """The image an identical request made before, with its bytes (and its quality report: a row
        stored without one, by an older thumbkit, is rendered again)."""
        row = self._db.connection().execute(
            "SELECT images.* FROM renders JOIN images ON images.id = renders.image_id WHERE renders.request_key = ?"
            " AND images.quality IS NOT NULL",
            (request_key,),
        ).fetchone()
        if row is None:
            return None
        image = StoredImage.from_row(row)
        data = self.read(image)
        return (image, data) if data is not None else None

    def recent(self, owner: str, limit: int, before: float | None = None) -> list[StoredImage]:
        """``owner``'s images, the last it got first; ``created_at`` is when ``owner`` first got each."""
        rows = self._db.connection().execute(
            "SELECT images.*, image_owners.created_at AS owned_at FROM image_owners"
            " JOIN images ON images.id = image_owners.image_id"
            " WHERE image_owners.owner = ? AND image_owners.created_at < ?"
            " ORDER BY image_owners.created_at DESC, images.id LIMIT ?",
            (owner, before if before is not None else float("inf"), limit),
        ).fetchall()
        return [StoredImage(**{**{key: row[key] for key in row.keys() if key != "owned_at"}, "created_at": row["owned_at"]})
                for row in rows]

    def own(self, image_id: str, owner: str, connection: sqlite3.Connection | None = None) -> None:
        """Put the image in ``owner``'s listings (once: the first time counts)."""
        if connection is None:
            with self._db.transaction() as connection:
                self.own(image_id, owner, connection)
            return
        connection.execute("INSERT OR IGNORE INTO image_owners (owner, image_id, created_at) VALUES (?, ?, ?)",
                           (owner, image_id, time.time()))

    # -- writing -----------------------------------------------------------------------------
    def put(self, request_key: str, thumbnail: Thumbnail, title: str, owner: str | None = None) -> StoredImage:
        """Store a render, remembered as the answer to ``request_key`` (and listed to ``owner``)."""
        return self.save(
            thumbnail.data, media_type=thumbnail.media_type, output_format=thumbnail.output_format, format=thumbnail.format,
            width=thumbnail.width_px, height=thumbnail.height_px, layout=thumbnail.layout, kit=thumbnail.kit, title=title,
            request_key=request_key, owner=owner, quality=json.dumps(thumbnail.quality.to_dict(), ensure_ascii=False),
        )

    def save(self, data: bytes, *, media_type: str, output_format: str, width: int, height: int, title: str,
             format: str = "", layout: str = "", kit: str = "", request_key: str | None = None,
             owner: str | None = None, quality: str | None = None) -> StoredImage:
        """Store any image (a render, or a video frame from a job); the same bytes are kept once.
        ``owner`` (an API key's fingerprint) gets it in its listings."""
        image = StoredImage(
            id=hashlib.sha256(data).hexdigest(), media_type=media_type, output_format=output_format, format=format,
            width=width, height=height, size_bytes=len(data), layout=layout, kit=kit, title=title, created_at=time.time(),
            quality=quality,
        )
        write_once(self.path(image), data, durable=False)
        with self._db.transaction() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO images (id, media_type, output_format, format, width, height, size_bytes, layout,"
                " kit, title, created_at, quality) VALUES (:id, :media_type, :output_format, :format, :width, :height,"
                " :size_bytes, :layout, :kit, :title, :created_at, :quality)",
                asdict(image),
            )
            if quality is not None:  # the same bytes stored before without a report (an older thumbkit)
                connection.execute("UPDATE images SET quality = ? WHERE id = ? AND quality IS NULL", (quality, image.id))
            if request_key is not None:
                connection.execute(
                    "INSERT OR REPLACE INTO renders (request_key, image_id, created_at) VALUES (?, ?, ?)",
                    (request_key, image.id, image.created_at),
                )
            if owner is not None:
                self.own(image.id, owner, connection)
            row = connection.execute("SELECT * FROM images WHERE id = ?", (image.id,)).fetchone()
        return StoredImage.from_row(row)

