"""Small test videos made with PyAV from scikit-image's bundled photos (no network, no ffmpeg binary).

Every builder writes H.264 (libx264, which PyAV's wheel carries) into an MP4 and returns its path.
Frames pan slowly over the photo so neighbouring frames differ: picking the wrong frame shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageFilter
from skimage import data

WIDTH_PX, HEIGHT_PX = 320, 180
_PAN_MARGIN_PX = 40


def photo(name: str, *, blur_px: float = 0.0) -> np.ndarray:
    """A bundled photo cropped to 16:9 (keeping faces: the top of portraits) at the pan size."""
    pixels = getattr(data, name)()
    if pixels.ndim == 2:
        pixels = np.stack([pixels] * 3, axis=-1)
    image = Image.fromarray(pixels[..., :3])
    crop_h = round(image.width * 9 / 16)
    top = 0 if name == "astronaut" else max(0, (image.height - crop_h) // 2)
    image = image.crop((0, top, image.width, top + min(crop_h, image.height)))
    image = image.resize((WIDTH_PX + _PAN_MARGIN_PX, HEIGHT_PX + _PAN_MARGIN_PX * 9 // 16), Image.BILINEAR)
    if blur_px:
        image = image.filter(ImageFilter.GaussianBlur(blur_px))
    return np.asarray(image)


def panned(base: np.ndarray, step: int) -> np.ndarray:
    """A WIDTH×HEIGHT window of ``base`` moved one pixel right per step (back and forth)."""
    span = base.shape[1] - WIDTH_PX
    x = step % (2 * span)
    x = x if x <= span else 2 * span - x
    y = (step // 3) % (base.shape[0] - HEIGHT_PX + 1)
    return np.ascontiguousarray(base[y : y + HEIGHT_PX, x : x + WIDTH_PX])


@dataclass(frozen=True)
class Segment:
    """``seconds`` of video from ``picture(step, fraction_done)``; what it is, for the assertions."""

    kind: str  # "shot", "fade", "black", "blurred"
    label: str
    seconds: float
    picture: Callable[[int, float], np.ndarray]


def shot(name: str, seconds: float, *, blur_px: float = 0.0) -> Segment:
    base = photo(name, blur_px=blur_px)
    return Segment("blurred" if blur_px else "shot", name, seconds, lambda step, _: panned(base, step))


def fade(name: str, seconds: float, *, fade_in: bool) -> Segment:
    base = photo(name)

    def picture(step: int, done: float) -> np.ndarray:
        level = done if fade_in else 1.0 - done
        return (panned(base, step).astype(np.float32) * level).astype(np.uint8)

    return Segment("fade", name, seconds, picture)


def black(seconds: float) -> Segment:
    frame = np.zeros((HEIGHT_PX, WIDTH_PX, 3), np.uint8)
    return Segment("black", "black", seconds, lambda step, _: frame)


def write_video(
    path: Path,
    pictures: Iterable[tuple[int, np.ndarray]],
    *,
    time_base: Fraction = Fraction(1, 20),
    frame_rate: int = 20,
    gop_frames: int = 20,
    rotation_deg: int | None = None,
    hflip: bool = False,
    faststart: bool = False,
    x264_params: str = "scenecut=0",
) -> Path:
    """Encode ``(pts, rgb)`` pairs (pts in ``time_base``) as H.264 in an MP4 (``x264_params`` as x264 takes them)."""
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), "w", options=options) as container:
        stream = container.add_stream("libx264", rate=frame_rate)
        stream.width, stream.height, stream.pix_fmt = WIDTH_PX, HEIGHT_PX, "yuv420p"
        stream.time_base = time_base
        stream.codec_context.time_base = time_base
        stream.codec_context.gop_size = gop_frames
        # Keyframes only where asked (no scene-cut keyframes), B-frames on like real encodes.
        stream.codec_context.options = {"preset": "veryfast", "crf": "20", "x264-params": x264_params}
        if rotation_deg is not None:
            stream.set_display_rotation(rotation_deg, hflip=hflip)
        for pts, rgb in pictures:
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts, frame.time_base = pts, time_base
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def segment_pictures(segments: list[Segment], fps: int) -> Iterator[tuple[int, np.ndarray]]:
    pts = 0
    for segment in segments:
        count = round(segment.seconds * fps)
        for index in range(count):
            yield pts, segment.picture(pts, index / max(count - 1, 1))
            pts += 1


def segment_spans(segments: list[Segment]) -> list[tuple[float, float, Segment]]:
    """Each segment's ``[start, end)`` in seconds."""
    spans, start = [], 0.0
    for segment in segments:
        spans.append((start, start + segment.seconds, segment))
        start += segment.seconds
    return spans


# A 9-second edit: a face close-up, cuts, a fade out to black and back in, a blurred stretch.
EDIT_FPS = 20


def edit_segments() -> list[Segment]:
    return [
        shot("astronaut", 1.5),
        shot("coffee", 1.5),
        fade("coffee", 0.5, fade_in=False),
        black(1.0),
        fade("rocket", 0.5, fade_in=True),
        shot("rocket", 1.5),
        shot("chelsea", 1.0, blur_px=4.0),
        shot("chelsea", 1.5),
    ]


def edit_video(path: Path) -> Path:
    pictures = segment_pictures(edit_segments(), EDIT_FPS)
    return write_video(path, pictures, time_base=Fraction(1, EDIT_FPS), frame_rate=EDIT_FPS)


# A 48-second edit for the two-pass analysis: more shots than it looks at closely, some of them
# recurring, one face close-up in the middle, a fade through black, blurred stretches.
LONG_EDIT_FPS = 10


def long_edit_segments() -> list[Segment]:
    return [
        shot("coffee", 4), shot("rocket", 3), fade("rocket", 1, fade_in=False), black(1),
        fade("chelsea", 1, fade_in=True), shot("chelsea", 4), shot("hubble_deep_field", 3),
        shot("coffee", 3, blur_px=4.0), shot("immunohistochemistry", 4), shot("astronaut", 3),
        shot("coffee", 4), shot("rocket", 4), shot("chelsea", 3, blur_px=4.0),
        shot("hubble_deep_field", 3), shot("immunohistochemistry", 4), shot("rocket", 3),
    ]


def long_edit_video(path: Path, *, keyframe_every_s: float | None) -> Path:
    """The long edit with a keyframe every ``keyframe_every_s`` seconds, or only the first one (None)."""
    segments = long_edit_segments()
    frame_count = round(sum(segment.seconds for segment in segments) * LONG_EDIT_FPS)
    gop_frames = round(keyframe_every_s * LONG_EDIT_FPS) if keyframe_every_s else frame_count + 1
    pictures = segment_pictures(segments, LONG_EDIT_FPS)
    return write_video(path, pictures, time_base=Fraction(1, LONG_EDIT_FPS), frame_rate=LONG_EDIT_FPS,
                       gop_frames=gop_frames)


def long_gop_video(path: Path, *, seconds: float = 8.0, fps: int = 25) -> Path:
    """One keyframe at the start only: any later time is far from a keyframe."""
    base = photo("coffee")
    count = round(seconds * fps)
    pictures = ((i, panned(base, i)) for i in range(count))
    return write_video(path, pictures, time_base=Fraction(1, fps), frame_rate=fps, gop_frames=count + 1)


def transport_stream_video(path: Path) -> Path:
    """MPEG-TS: no index to seek with (bisection by timestamps) and a start time after 0."""
    base = photo("rocket")
    pictures = ((i, panned(base, i)) for i in range(75))
    return write_video(path, pictures, time_base=Fraction(1, 25), frame_rate=25, gop_frames=30)


def rotated_video(path: Path, *, rotation_deg: int = 90, hflip: bool = False) -> Path:
    base = photo("astronaut")
    pictures = ((i, panned(base, i)) for i in range(20))
    return write_video(path, pictures, time_base=Fraction(1, 20), rotation_deg=rotation_deg, hflip=hflip)


def vfr_video(path: Path) -> Path:
    """Irregular frame times in milliseconds (20 ms to 180 ms apart): frame index × fps is wrong."""
    base = photo("chelsea")
    gaps_ms = [20, 40, 180, 33, 33, 100, 20, 150, 60, 40] * 4
    times_ms = np.cumsum([0, *gaps_ms])
    pictures = ((int(t), panned(base, i * 2)) for i, t in enumerate(times_ms))
    return write_video(path, pictures, time_base=Fraction(1, 1000), frame_rate=25, gop_frames=12)


def audio_only(path: Path) -> Path:
    """One second of a 440 Hz tone in an M4A (AAC) file."""
    rate = 44100
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=rate)
        samples = (0.2 * np.sin(2 * np.pi * 440 * np.arange(rate) / rate)).astype(np.float32)
        for start in range(0, rate, 1024):
            chunk = samples[start : start + 1024].reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
            frame.sample_rate, frame.pts = rate, start
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@dataclass(frozen=True)
class Reference:
    """Every frame of a video as ``(pts seconds, upright RGB)``, and the length of one stream tick."""

    frames: list[tuple[float, np.ndarray]]
    tick_s: float

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        return iter(self.frames)

    def __len__(self) -> int:
        return len(self.frames)

    def __getitem__(self, index: int) -> tuple[float, np.ndarray]:
        return self.frames[index]


def reference_frames(path: Path) -> Reference:
    """Every frame decoded sequentially (no seeking) as (pts seconds, upright RGB), the test oracle."""
    frames = []
    with av.open(str(path)) as container:
        start_s = (container.start_time or 0) / 1_000_000
        tick_s = float(container.streams.video[0].time_base)
        for frame in container.decode(video=0):
            pixels = frame.to_ndarray(format="rgb24")
            turns = round(frame.rotation / 90) % 4
            frames.append((float(frame.pts * frame.time_base) - start_s, np.rot90(pixels, turns)))
    return Reference(frames, tick_s)


def shown_at(reference: Reference, time_s: float) -> tuple[float, np.ndarray]:
    """What ``ffmpeg -ss time_s -i VIDEO -frames:v 1`` gives: the first frame whose pts is at or after
    ``time_s`` rounded to the nearest stream tick (so, for whole ticks, more than half a tick before
    it); past the last frame (where ffmpeg gives none), the last frame."""
    for pts_s, pixels in reference:
        if pts_s > time_s - reference.tick_s / 2:
            return pts_s, pixels
    return reference[-1]
