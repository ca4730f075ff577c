"""Benchmark of video frames and moments: ``python -m renderer.bench.video``.

Prints figures from one run:

1. one frame in-process (``frame``) against spawning ``ffmpeg -ss T -i VIDEO -frames:v 1`` on the
   same file and time (the ffmpeg binary is only the comparison; skipped when it is not installed);
2. five frames in one ``frames`` call against five ``frame`` calls;
3. ``moments`` (five, with their frames) as a share of the video's duration, on the 10-minute video
   and on a long-GOP version of it (a keyframe every 10 s, none at cuts): with the full decode (the
   reference, the analysis before the two-pass one), as ``moments()`` runs it (two passes when that
   decodes at most half as much, else the full decode, over the I- and P-frames alone when it skips
   frames anyway and skipping every B-frame is exact: ``anchors``) and, when ``moments()`` did not
   take the two passes, with the two passes forced. The picks are compared with the reference's, rank by rank:
   the same shot of the edit, or a score at least 0.95x the reference's.

The test videos are generated once into a cache folder. Encoding ten minutes of 720p with x264 takes
several minutes on two cores, so one minute is encoded (pans over six photos with cuts, fades, a
black stretch and two blurred shots, film grain, x264 ``veryfast`` CRF 23 with B-frames, a keyframe
every 4 s: ~1.7 Mbit/s, a typical 720p30 web video) and its packets are remuxed ten times one after
the other: decoding it costs exactly what ten minutes of that encode cost.
Timings on a shared machine vary with its load, so the load average and CPU time are printed too.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from msgspec import Struct
from PIL import Image

WIDTH_PX, HEIGHT_PX, FPS = 1280, 720, 30
SEGMENT_S = 60
KEYFRAME_INTERVAL_S = 4
LONG_GOP_S = 10
_PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "immunohistochemistry", "hubble_deep_field")
# The one-minute edit: (picture, seconds).
_SHOTS = (("astronaut", 6), ("coffee", 5), ("chelsea", 7), ("fade-out:chelsea", 1), ("black", 1),
          ("fade-in:rocket", 1), ("rocket", 6), ("immunohistochemistry-blurred", 4),
          ("immunohistochemistry", 5), ("hubble_deep_field", 4), ("coffee", 3), ("astronaut", 8),
          ("chelsea-blurred", 3), ("rocket", 6))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "thumbkit-bench-video")
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing; the median is shown")
    parser.add_argument("--save-moments", type=Path, default=None, help="also write the moments' frames here")
    parser.add_argument("--moments-only", action="store_true", help="only the moments figures (3.)")
    args = parser.parse_args(argv)

    from renderer.video import frame, frames, probe

    video = ensure_video(args.cache, minutes=args.minutes)
    info = probe(video)
    duration_s = info.duration_s or float(args.minutes * 60)
    print(f"video: {video} ({info.width_px}x{info.height_px} {info.codec}, {duration_s:.0f} s, "
          f"{video.stat().st_size / duration_s * 8 / 1e6:.1f} Mbit/s); {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at start")

    if not args.moments_only:
        _bench_frames(video, frame, frames, repeat=args.repeat)
    # 3. Moments: the two-pass analysis moments() chooses against the full decode, on two videos.
    for label, path in (("keyframes every 4 s and at cuts", video),
                        ("long GOP: a keyframe every 10 s, none at cuts",
                         ensure_video(args.cache, minutes=args.minutes, long_gop=True))):
        _bench_moments(label, path, save=args.save_moments)


def _bench_frames(video: Path, frame: Callable[..., Any], frames: Callable[..., Any], *, repeat: int) -> None:
    """Figures 1 and 2: one frame against the ffmpeg command line, five frames in one call or five."""
    # 1. One frame: in-process against the ffmpeg command line. A time on a frame's own pts, mid-GOP.
    time_s = 317 + 15 / FPS
    ours_s = _median(lambda: frame(video, time_s), repeat)
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg:
        with tempfile.TemporaryDirectory() as folder:
            command = [ffmpeg, "-v", "error", "-y", "-ss", f"{time_s:.6f}", "-i", str(video),
                       "-frames:v", "1", "-q:v", "3", str(Path(folder) / "frame.jpg")]
            theirs_s = _median(lambda: subprocess.run(command, check=True), repeat)
        same = _same_frame_as_ffmpeg(ffmpeg, video, time_s, frame)
        print(f"one frame at {time_s:.3f} s: in-process {ours_s}, ffmpeg CLI {theirs_s} "
              f"-> ratio {ours_s.ratio(theirs_s)} (goal <= 0.5x); {same}")
    else:
        print(f"one frame at {time_s:.3f} s: in-process {ours_s}; ffmpeg not installed, "
              "no comparison (apt-get install ffmpeg)")

    # 2. Five frames: one call (one open, sorted seeks, decoding on within a GOP) against five calls.
    for label, times in (("spread over the video", [577.7, 12.3, 250.5, 95.0, 401.2]),
                         ("within 3 s", [101.9, 100.2, 102.8, 100.9, 101.4])):
        one_call_s = _median(functools.partial(frames, video, times), repeat)
        separate_s = _median(functools.partial(_one_by_one, frame, video, times), repeat)
        print(f"five frames {label}: one frames() call {one_call_s}, five frame() calls {separate_s} "
              f"-> one call takes {one_call_s.ratio(separate_s)}")


def _bench_moments(label: str, video: Path, *, save: Path | None) -> None:
    """Time ``moments`` (5, with their frames) with the full decode and as ``moments()`` runs it."""
    from renderer.video import probe
    from renderer.video.moments import _moments
    from renderer.video.sampling import plan_sampling
    from renderer.video.source import open_video

    duration_s = probe(video).duration_s or 1.0
    with open_video(video) as opened:
        plan = plan_sampling(opened)
    print(f"moments, {label} ({video.name}, {duration_s:.0f} s): sampling every {plan.interval_s:.2f} s, "
          f"decoder skip_frame={plan.skip_frame}, skip_loop_filter={plan.skip_loop_filter}")
    results: dict[str, Any] = {}
    for strategy in ("full", "auto", "fast"):
        if strategy == "fast" and results["auto"][1].strategy == "fast":
            break  # moments() took the two-pass path already; else show what forcing it would cost
        wall_s, cpu_s = time.perf_counter(), time.process_time()
        found, analysis = _moments(video, count=5, output_format="webp", quality=None, with_frames=True,
                                   strategy=strategy)
        wall_s, cpu_s = time.perf_counter() - wall_s, time.process_time() - cpu_s
        results[strategy] = (found, analysis, wall_s, cpu_s)
        name = {"full": "full decode (reference)", "auto": "moments() as shipped", "fast": "two-pass, forced"}
        print(f"  {name[strategy]}: {analysis.strategy} analysis, {analysis.decoded_frames} frames decoded, "
              f"{wall_s:.1f} s wall = {wall_s / duration_s:.2%} of the video (goal 2%); {cpu_s:.1f} s CPU in all "
              f"threads = {cpu_s / 2 / duration_s:.2%} per core of 2; load average now {os.getloadavg()[0]:.1f}")
    full, reference, full_wall_s, full_cpu_s = results["full"]
    for strategy in ("auto", "fast"):
        if strategy not in results:
            continue
        found, analysis, wall_s, cpu_s = results[strategy]
        print(f"  {strategy} against full: {wall_s / full_wall_s:.2f}x wall, {cpu_s / full_cpu_s:.2f}x CPU, "
              f"{analysis.decoded_frames / reference.decoded_frames:.2f}x frames decoded; "
              f"picks: {_compare_picks(found, full)}")
    print("  picks, full decode | moments():")
    for rank in range(max(len(full), len(results["auto"][0]))):
        cells = [_describe(picks[rank]) if rank < len(picks) else "-" for picks in (full, results["auto"][0])]
        print(f"    {cells[0]:<62} | {cells[1]}")
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        for rank, moment in enumerate(results["auto"][0], start=1):
            if moment.frame is not None:
                (save / f"{video.stem}-moment-{rank}-{moment.timestamp_s:.2f}s.webp").write_bytes(moment.frame.data)


def _compare_picks(found: list[Any], reference: list[Any]) -> str:
    """Rank by rank: the same shot of the edit (any copy of it), or a score at least 0.95x the reference's."""
    verdicts = []
    reference_shots = {_shot_at(moment.timestamp_s) for moment in reference}
    for rank, moment in enumerate(reference):
        if rank >= len(found):
            verdicts.append("missing")
            continue
        ratio = found[rank].score / moment.score
        if _shot_at(found[rank].timestamp_s) in reference_shots:
            verdicts.append(f"same shot ({ratio:.2f}x score)")
        else:
            verdicts.append(f"{'as good' if ratio >= 0.95 else 'WORSE'} ({ratio:.2f}x score)")
    good = all(not v.startswith(("missing", "WORSE")) for v in verdicts)
    return f"{'as good as the full decode' if good else 'NOT as good'}: " + ", ".join(verdicts)


def _describe(moment: Any) -> str:
    return f"{moment.timestamp_s:7.2f} s {moment.score:.2f} {_shot_at(moment.timestamp_s)}, {moment.reason}"[:62]


def ensure_video(cache: Path, *, minutes: int, long_gop: bool = False) -> Path:
    """The ``minutes``-long benchmark video in ``cache``, made on first use.

    ``long_gop``: a keyframe every 10 s and none at cuts (no scene-cut detection), as some hardware
    encoders and screen recorders write, instead of one every 4 s and at most cuts.
    """
    cache.mkdir(parents=True, exist_ok=True)
    variant = "-gop10s" if long_gop else ""
    path = cache / f"bench-{minutes}min-720p30{variant}-v3.mp4"
    if path.exists():
        return path
    segment = cache / f"bench-segment-720p30{variant}-v3.mp4"
    if not segment.exists():
        started = time.perf_counter()
        _encode_segment(segment.with_suffix(".tmp.mp4"), long_gop=long_gop)
        segment.with_suffix(".tmp.mp4").replace(segment)
        print(f"encoded the {SEGMENT_S} s segment in {time.perf_counter() - started:.0f} s")
    _repeat_segment(segment, path.with_suffix(".tmp.mp4"), copies=minutes * 60 // SEGMENT_S)
    path.with_suffix(".tmp.mp4").replace(path)
    return path


def _encode_segment(path: Path, *, long_gop: bool) -> None:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH_PX, HEIGHT_PX, "yuv420p"
        stream.codec_context.gop_size = (LONG_GOP_S if long_gop else KEYFRAME_INTERVAL_S) * FPS
        stream.codec_context.options = {"preset": "veryfast", "crf": "23",
                                        **({"x264-params": "scenecut=0"} if long_gop else {})}
        stream.thread_type = "AUTO"
        for index, pixels in enumerate(_segment_pictures()):
            picture = av.VideoFrame.from_ndarray(pixels, format="yuv420p")
            picture.pts = index
            for packet in stream.encode(picture):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def _segment_pictures() -> Iterator[np.ndarray]:
    """Shots of 3-8 s panning over photos; a fade to black and back, a blurred shot; film grain."""
    from PIL import Image, ImageFilter
    from skimage import data

    planes = {}
    for name in _PHOTOS:
        image = Image.fromarray(getattr(data, name)()[..., :3])
        crop_h = min(image.height, round(image.width * 9 / 16))
        top = 0 if name == "astronaut" else (image.height - crop_h) // 2  # keep the astronaut's face
        image = image.crop((0, top, image.width, top + crop_h)).resize((1600, 900), Image.Resampling.BICUBIC)
        planes[name] = _yuv_planes(image)
        # Out of focus as seen in a thumbnail: ~2 px of blur at the 160 px analysis width.
        planes[name + "-blurred"] = _yuv_planes(image.filter(ImageFilter.GaussianBlur(16)))
    shots = _SHOTS
    assert sum(seconds for _, seconds in shots) == SEGMENT_S
    # ±6 levels of grain brings x264 to ~2 Mbit/s, a typical 720p30 web video (smooth photos alone: 0.5).
    grain = np.random.default_rng(7).integers(-6, 7, size=(8, HEIGHT_PX, WIDTH_PX), dtype=np.int16)
    out = np.empty((HEIGHT_PX * 3 // 2, WIDTH_PX), np.uint8)
    index = 0
    for shot, seconds in shots:
        kind, _, name = shot.rpartition(":")
        for step in range(seconds * FPS):
            level = {"fade-out": 1 - step / (seconds * FPS), "fade-in": step / (seconds * FPS)}.get(kind, 1.0)
            if name == "black":
                out[:HEIGHT_PX], out[HEIGHT_PX:] = 16, 128
            else:
                y, u, v = planes[name]
                x0, y0 = (step * 2) % 320 // 2 * 2, (step // 2) % 180 // 2 * 2
                luma = y[y0 : y0 + HEIGHT_PX, x0 : x0 + WIDTH_PX].astype(np.int16) + grain[index % 8]
                out[:HEIGHT_PX] = np.clip(16 + (luma - 16) * level, 0, 255)
                chroma = [(c[y0 // 2 : y0 // 2 + HEIGHT_PX // 2, x0 // 2 : x0 // 2 + WIDTH_PX // 2].astype(np.float32)
                           - 128) * level + 128 for c in (u, v)]
                out[HEIGHT_PX : HEIGHT_PX * 5 // 4] = chroma[0].reshape(HEIGHT_PX // 4, WIDTH_PX)
                out[HEIGHT_PX * 5 // 4 :] = chroma[1].reshape(HEIGHT_PX // 4, WIDTH_PX)
            index += 1
            yield out


def _yuv_planes(image: Image.Image) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    yuv = av.VideoFrame.from_image(image).reformat(format="yuv420p")
    return tuple(np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)[:, : plane.width].copy()
                 for plane in yuv.planes)  # type: ignore[return-value]


def _repeat_segment(segment: Path, path: Path, *, copies: int) -> None:
    """Remux ``copies`` of the segment's packets back to back (no re-encoding)."""
    with av.open(str(segment)) as source, av.open(str(path), "w") as target:
        in_stream = source.streams.video[0]
        out_stream = target.add_stream_from_template(in_stream)
        packets = [p for p in source.demux(in_stream) if p.size]
        time_base = in_stream.time_base or Fraction(1, FPS)
        span = round(SEGMENT_S / time_base)
        for copy in range(copies):
            for packet in packets:
                clone = av.Packet(bytes(packet))
                clone.pts = packet.pts + copy * span if packet.pts is not None else None
                clone.dts = packet.dts + copy * span if packet.dts is not None else None
                clone.duration, clone.is_keyframe = packet.duration, packet.is_keyframe
                clone.time_base, clone.stream = time_base, out_stream
                target.mux(clone)


def _one_by_one(frame: Callable[..., Any], video: Path, times: list[float]) -> list[object]:
    return [frame(video, time_s) for time_s in times]


def _shot_at(time_s: float) -> str:
    offset_s = time_s % SEGMENT_S
    for shot, seconds in _SHOTS:
        if offset_s < seconds:
            return f"{shot} shot"
        offset_s -= seconds
    return "end"


def _same_frame_as_ffmpeg(ffmpeg: str, video: Path, time_s: float, frame: Callable[..., Any]) -> str:
    """Which of our frames around ``time_s`` ffmpeg's output matches (mean absolute RGB difference)."""
    raw = subprocess.run([ffmpeg, "-v", "error", "-ss", f"{time_s:.6f}", "-i", str(video), "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], check=True, capture_output=True).stdout
    theirs = np.frombuffer(raw, np.uint8).reshape(HEIGHT_PX, WIDTH_PX, 3).astype(np.int16)
    differences = {}
    for offset in (-1, 0, 1):
        shown = frame(video, time_s + offset / FPS, output_format="png")
        differences[offset] = float(np.abs(np.asarray(shown.image, dtype=np.int16) - theirs).mean())
    best = min(differences, key=differences.__getitem__)
    verdict = "same frame as ffmpeg" if best == 0 else f"ffmpeg showed the frame {best:+d} from ours"
    return f"{verdict} (mean |RGB diff| {differences[best]:.2f}, next frames {differences[-1]:.2f}/{differences[1]:.2f})"


class Timing(Struct, frozen=True):
    wall_s: float
    cpu_s: float  # this process's threads and its children (ffmpeg): steadier than wall on a busy machine

    def __str__(self) -> str:
        return f"{self.wall_s * 1000:.0f} ms ({self.cpu_s * 1000:.0f} ms CPU)"

    def ratio(self, other: Timing) -> str:
        return f"{self.wall_s / other.wall_s:.2f}x wall, {self.cpu_s / other.cpu_s:.2f}x CPU"


def _median(work: Callable[[], object], repeat: int) -> Timing:
    """Median wall and CPU time of ``repeat`` runs after one warm-up run (imports, file cache)."""
    work()
    walls, cpus = [], []
    for _ in range(repeat):
        cpu_before, wall_before = _cpu_s(), time.perf_counter()
        work()
        walls.append(time.perf_counter() - wall_before)
        cpus.append(_cpu_s() - cpu_before)
    return Timing(statistics.median(walls), statistics.median(cpus))


def _cpu_s() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


if __name__ == "__main__":  # pragma: no cover
    main()
