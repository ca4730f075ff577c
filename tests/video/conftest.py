"""The fixture videos, made once per session and shared by the video tests: real H.264/AAC files
written with PyAV (tests/video_fixtures.py), with the awkward cases real uploads have."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from tests import video_fixtures as fx


@pytest.fixture(scope="session")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("videos")
    made = {
        "edit": fx.edit_video(folder / "edit.mp4"),
        "long_gop": fx.long_gop_video(folder / "long_gop.mp4"),
        "rotated": fx.rotated_video(folder / "rotated.mp4", rotation_deg=90),
        "rotated_flipped": fx.rotated_video(folder / "rotated_flipped.mp4", rotation_deg=90, hflip=True),
        "vfr": fx.vfr_video(folder / "vfr.mp4"),
        "ts": fx.transport_stream_video(folder / "pan.ts"),
        "audio": fx.audio_only(folder / "audio.m4a"),
    }
    still = fx.photo("coffee")[: fx.HEIGHT_PX, : fx.WIDTH_PX].copy()
    made["still"] = fx.write_video(folder / "still.mp4", ((i, still) for i in range(40)))
    made["faststart"] = fx.write_video(
        folder / "faststart.mp4",
        ((i, fx.panned(fx.photo("rocket"), i)) for i in range(100)),
        time_base=Fraction(1, 25), frame_rate=25, faststart=True,
    )
    data = made["faststart"].read_bytes()
    (folder / "cut_end.mp4").write_bytes(data[: len(data) // 3])  # index intact, frames missing
    made["cut_end"] = folder / "cut_end.mp4"
    plain = made["long_gop"].read_bytes()
    (folder / "no_index.mp4").write_bytes(plain[: len(plain) // 2])  # moov (at the end) missing
    made["no_index"] = folder / "no_index.mp4"
    (folder / "notes.mp4").write_text("these are notes, not a video\n")
    made["text"] = folder / "notes.mp4"
    return made
