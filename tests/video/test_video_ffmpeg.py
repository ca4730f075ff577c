"""``frame(video, T)`` against the real ``ffmpeg -ss T -i VIDEO -frames:v 1 out.png``.

The issue's definition of the frame at ``T`` is ffmpeg's, so ffmpeg's own output is the oracle here
(``test_video.py`` checks more times against a model of the same rule). Times fall between frames,
just before and after them, within half a stream tick of them (ffmpeg rounds ``T`` to a tick) and
on them. The comparison is exact: ffmpeg's PNG and thumbkit's frame come from the same bit-exact
H.264 decode and the same swscale YUV->RGB conversion (measured: not one level differs on these
files), so any difference is a different frame; the failure message says which one ffmpeg chose.

The ffmpeg is the one on PATH, else the static build of the ``imageio-ffmpeg`` wheel (in the
``test`` extra; see tests/external_tools.py): these tests always run, they never skip.
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from renderer.video import frames
from tests import video_fixtures as fx
from tests.external_tools import ffmpeg_executable

pytestmark = pytest.mark.slow  # ffmpeg decodes every compared frame

MP4_FIXTURES = ("edit", "long_gop", "vfr", "rotated")


def ffmpeg_frame(video: Path, time_s: float, out: Path, *, seek_input: bool = True) -> np.ndarray | None:
    """ffmpeg's frame at ``time_s`` as RGB, or None when it wrote no picture. ``seek_input=False``
    puts ``-ss`` after ``-i``: ffmpeg then decodes from the start instead of seeking the demuxer."""
    at = ["-ss", repr(time_s)]
    command = [ffmpeg_executable(), "-v", "error", "-y", *(at if seek_input else []), "-i", str(video),
               *([] if seek_input else at), "-frames:v", "1", str(out)]
    out.unlink(missing_ok=True)
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    if not out.exists():
        return None
    with Image.open(out) as image:
        return np.asarray(image.convert("RGB"))


def in_between_times(reference: fx.Reference, *, places: int = 4) -> list[float]:
    """At a few places spread over the video: between two frames, 1 ms after and 0.3 ms before a
    frame, 0.4 and 0.6 of a tick after it (ffmpeg rounds to a tick); plus the start and frames' own times."""
    pts = [pts_s for pts_s, _ in reference]
    tick_s = reference.tick_s
    picks = [0.0, 0.01, pts[len(pts) // 2], pts[-1]]
    for index in np.linspace(1, len(pts) - 3, places).astype(int):
        before, after = pts[index], pts[index + 1]
        picks += [(before + after) / 2, before + 0.001, after - 0.0003, before + 0.4 * tick_s, before + 0.6 * tick_s]
    return sorted({round(t, 7) for t in picks})


def nearest_frame(reference: fx.Reference, pixels: np.ndarray) -> float:
    errors = [np.abs(frame.astype(int) - pixels.astype(int)).mean() if frame.shape == pixels.shape else np.inf
              for _, frame in reference]
    return reference[int(np.argmin(errors))][0]


def assert_same_as_ffmpeg(video: Path, times: list[float], folder: Path, *, seek_input: bool = True) -> None:
    ours = frames(video, times, output_format="png")
    with ThreadPoolExecutor(max_workers=2) as pool:  # one ffmpeg per core
        outs = [folder / f"out{index}.png" for index in range(len(times))]
        everything = list(pool.map(lambda t, out: ffmpeg_frame(video, t, out, seek_input=seek_input), times, outs))
    for time_s, shot, theirs in zip(times, ours, everything, strict=True):
        assert theirs is not None, f"ffmpeg wrote no frame at {time_s} s"
        mine = np.asarray(shot.image)
        assert np.array_equal(mine, theirs), (
            f"{video.name} at {time_s!r} s: thumbkit gave the frame at {shot.pts_s} s, "
            f"ffmpeg's is nearest the frame at {nearest_frame(fx.reference_frames(video), theirs)} s"
        )


@pytest.mark.parametrize("name", MP4_FIXTURES)
def test_frames_between_frames_are_ffmpegs(videos, tmp_path, name: str) -> None:
    video = videos[name]
    times = in_between_times(fx.reference_frames(video))
    assert len(times) == 24
    assert_same_as_ffmpeg(video, times, tmp_path)


def test_transport_stream_frames_are_ffmpegs_when_it_decodes_from_the_start(videos, tmp_path) -> None:
    # ffmpeg 5.1's demuxer seek in MPEG-TS (a bisection on timestamps) lands on the keyframe after
    # the time (-ss 0.5 gives the 1.2 s keyframe), so it does not show the frame at T; with -ss
    # after -i it decodes from the start and applies the same rule as for the other files.
    video = videos["ts"]
    times = in_between_times(fx.reference_frames(video))
    assert_same_as_ffmpeg(video, times, tmp_path, seek_input=False)


@pytest.mark.parametrize("name", ["long_gop", "edit"])
def test_past_the_last_frame_ffmpeg_has_nothing_and_thumbkit_the_last_frame(videos, tmp_path, name: str) -> None:
    video = videos[name]
    reference = fx.reference_frames(video)
    last_s, last_pixels = reference[-1]
    time_s = last_s + 0.02  # within the duration: the last frame is still on screen
    assert ffmpeg_frame(video, time_s, tmp_path / "out.png") is None
    shot = frames(video, [time_s], output_format="png")[0]
    assert shot.pts_s == pytest.approx(last_s) and np.array_equal(np.asarray(shot.image), last_pixels)
