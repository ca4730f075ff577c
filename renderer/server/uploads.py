"""Uploaded videos on disk, named by the SHA-256 of their bytes: ``upload_<sha256>``.

A body is written to a temporary file in the videos folder while its hash is computed (the event
loop hands the writing to a thread, a megabyte at a time), then renamed to its content address, or
deleted when it is too large or not a video. The same bytes uploaded twice are one file.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import anyio.to_thread
from msgspec import Struct

UPLOAD_ID = re.compile(r"^upload_[0-9a-f]{64}$")
_WRITE_BYTES = 1024 * 1024


class TooLarge(Exception):
    """The body went past the cap; nothing was kept."""


class Received(Struct, frozen=True):
    """A body written to ``temporary``, not yet kept."""

    temporary: Path
    sha256: str
    size_bytes: int

    @property
    def upload_id(self) -> str:
        return f"upload_{self.sha256}"


class UploadStore:
    def __init__(self, videos_dir: Path) -> None:
        self.videos_dir = videos_dir

    def path(self, upload_id: str) -> Path | None:
        """Where an upload is kept (whether or not it still exists); None for a malformed id."""
        if not UPLOAD_ID.match(upload_id):
            return None
        digest = upload_id.removeprefix("upload_")
        return self.videos_dir / digest[:2] / f"{digest}.video"

    def find(self, upload_id: str) -> Path | None:
        path = self.path(upload_id)
        return path if path is not None and path.is_file() else None

    async def receive(self, chunks: AsyncIterator[bytes], limit: int) -> Received:
        """Write ``chunks`` to a temporary file; ``TooLarge`` (and nothing kept) past ``limit`` bytes."""
        self.videos_dir.mkdir(parents=True, exist_ok=True)
        temporary = self.videos_dir / f".upload.{os.getpid()}.{secrets.token_hex(8)}.part"
        digest = hashlib.sha256()
        size = pending_size = 0
        pending: list[bytes] = []
        try:
            with temporary.open("wb") as file:

                def write(blocks: list[bytes]) -> None:
                    for block in blocks:
                        digest.update(block)
                        file.write(block)

                async for chunk in chunks:
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge
                    pending.append(chunk)
                    pending_size += len(chunk)
                    if pending_size >= _WRITE_BYTES:
                        await anyio.to_thread.run_sync(write, pending)
                        pending, pending_size = [], 0
                await anyio.to_thread.run_sync(write, pending)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return Received(temporary, digest.hexdigest(), size)

    def keep(self, received: Received) -> Path:
        """Move a received body to its content address (already there: the copy is dropped)."""
        final = self.path(received.upload_id)
        assert final is not None
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(received.temporary, final)
        return final

    @staticmethod
    def discard(received: Received) -> None:
        received.temporary.unlink(missing_ok=True)
