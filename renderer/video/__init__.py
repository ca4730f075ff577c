"""Video frames and best moments: exact frames at given times, and the frames worth a thumbnail."""

from __future__ import annotations

from .frames import Frame, frame, frames

__all__ = ["Frame", "frame", "frames"]
