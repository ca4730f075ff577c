"""Frames into the image store: content-addressed files and rows of its ``images`` table.

A frame is stored like a rendered thumbnail (so ``GET /v1/images/{id}`` serves it and the gallery
lists it) with ``format`` ``"frame"``, ``layout`` ``"video"`` and a title naming the video and time. The file is
written to a temporary name and renamed, as the store does.
"""

from __future__ import annotations

import hashlib
import time

from msgspec.structs import asdict

from ..files import write_once
from ..video import Frame, format_time_s
from .database import Database
from .store import ImageStore, StoredImage

FRAME_FORMAT = "frame"
_OUTPUT_FORMATS = {"image/webp": "webp", "image/png": "png", "image/jpeg": "jpeg"}


def store_frame(store: ImageStore, database: Database, frame: Frame, video_name: str,
                owner: str | None = None) -> StoredImage:
    """Store ``frame`` (once per distinct bytes) and return its record; ``owner`` gets it listed."""
    image = StoredImage(
        id=hashlib.sha256(frame.data).hexdigest(), media_type=frame.media_type,
        output_format=_OUTPUT_FORMATS[frame.media_type], format=FRAME_FORMAT, width=frame.width_px,
        height=frame.height_px, size_bytes=len(frame.data), layout="video", kit="",
        title=f"{video_name} at {format_time_s(frame.pts_s)}", created_at=time.time(),
    )
    write_once(store.path(image), frame.data, durable=False)  # a cache, like the store (see store.py)
    with database.transaction() as connection:
        connection.execute(
            "INSERT OR IGNORE INTO images (id, media_type, output_format, format, width, height, size_bytes, layout,"
            " kit, title, created_at) VALUES (:id, :media_type, :output_format, :format, :width, :height, :size_bytes,"
            " :layout, :kit, :title, :created_at)",
            asdict(image),
        )
        if owner is not None:
            store.own(image.id, owner, connection)
        row = connection.execute("SELECT * FROM images WHERE id = ?", (image.id,)).fetchone()
    return StoredImage.from_row(row)


