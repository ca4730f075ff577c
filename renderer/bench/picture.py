"""A render over a 2-megapixel background picture against a faceless render, in the same run.

The picture is one of scikit-image's sample photos (shipped with it) enlarged to 1732x1155 and
saved as a JPEG. Two cases: *cold*, a picture never seen before (each render gets bytes of its
own, so it is decoded, analysed for detail and faces, placed, cropped and calmed every time) and
*warm*, the same picture under another title (a channel's kit background, a batch over one
upload: decoding and analysis are remembered by content). Both against the faceless render of
the same layout (its gradient) and against the default faceless call (layout auto). Each time is
split into encoding and the rest by encoding the final picture again alone: WebP takes longer to
code a photograph than a gradient, whatever thumbkit does before.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..api import Thumbnail

TITLES = ("Why your Python code is slow", "The truth about remote work", "How I built a SaaS in a weekend",
          "Stop writing tests like this", "Never deploy on a Friday again", "The fastest way to learn Rust")
PICTURE_SIZE = (1732, 1155)  # 2.0 megapixels, 3:2


def picture_bytes(count: int) -> list[bytes]:
    """``count`` JPEGs of the same 2-megapixel photo, each with different bytes (a JPEG comment),
    so that nothing is recognised from a previous render."""
    from PIL import Image
    from skimage import data

    picture = Image.fromarray(data.coffee()).resize(PICTURE_SIZE, Image.Resampling.LANCZOS)
    out = []
    for number in range(count):
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=90, comment=f"bench {number}".encode())
        out.append(buffer.getvalue())
    return out


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def picture_vs_faceless(*, rounds: int = 5) -> dict[str, dict[str, float]]:
    from PIL import Image

    from ..api import Renderer
    from ..encode import encode

    renderer = Renderer()
    cold = iter(picture_bytes(rounds * len(TITLES) + 2))
    warm = next(cold)
    calls: dict[str, Callable[[str], Thumbnail]] = {
        "cold": lambda title: renderer.render(title, background=next(cold)),
        "warm": lambda title: renderer.render(title, background=warm),
        "layout": lambda title: renderer.render(title, layout="youtube-scene"),
        "faceless": lambda title: renderer.render(title),
    }
    finals = {name: Image.open(io.BytesIO(call("warm up the caches").data)).convert("RGB") for name, call in calls.items()}
    times: dict[str, list[float]] = {name: [] for name in calls}
    cpu_times: dict[str, list[float]] = {name: [] for name in calls}
    encode_times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):  # interleaved, so every figure sees the same machine
        for title in TITLES:
            for name, call in calls.items():
                started, cpu_started = time.perf_counter(), time.process_time()
                call(title)
                cpu_times[name].append(time.process_time() - cpu_started)
                times[name].append(time.perf_counter() - started)
        for name, final in finals.items():
            started = time.perf_counter()
            encode(final, "webp")
            encode_times[name].append(time.perf_counter() - started)
    ms = {name: _median_ms(samples) for name, samples in times.items()}
    cpu_ms = {name: _median_ms(samples) for name, samples in cpu_times.items()}
    encode_ms = {name: _median_ms(samples) for name, samples in encode_times.items()}
    return {
        "ms": ms, "cpu_ms": cpu_ms, "encode_ms": encode_ms, "stages_ms": new_picture_stages(rounds=rounds),
        "ratio": {name: ms[name] / ms["faceless"] for name in ("cold", "warm", "layout")},
        "cpu_ratio": {name: cpu_ms[name] / cpu_ms["faceless"] for name in ("cold", "warm", "layout")},
        "ratio_same_layout": {name: ms[name] / ms["layout"] for name in ("cold", "warm")},
        "drawing_ratio": {name: (ms[name] - encode_ms[name]) / (ms["faceless"] - encode_ms["faceless"])
                          for name in ("cold", "warm")},
    }


def new_picture_stages(*, rounds: int = 5) -> dict[str, float]:
    """CPU milliseconds (medians) of what a new picture costs on its own, on the benchmark's
    picture and a 1280x720 canvas: decoding it, finding faces and the detail map on the small copy
    (and making that copy), and scaling the crop to the canvas."""
    from ..assets.decode import decode_picture
    from ..compose.placement import _small, FACE_LONG_SIDE_PX, cover, cover_crops, detail_map, find_picture_faces

    samples: dict[str, list[float]] = {"decode": [], "small copy": [], "faces": [], "detail map": [], "cover": []}
    for raw in picture_bytes(max(1, rounds)):
        picture = decode_picture(raw, field="background", max_bytes=None, cover_px=(1280, 720))
        small = _small(picture, FACE_LONG_SIDE_PX)
        crops = cover_crops(picture.width, picture.height, 1280, 720)
        crop = crops[len(crops) // 2]
        steps: list[tuple[str, Callable[[], object]]] = [("decode", lambda: decode_picture(raw, field="background", max_bytes=None, cover_px=(1280, 720))),
                 ("small copy", lambda: _small(picture, FACE_LONG_SIDE_PX)),
                 ("faces", lambda: find_picture_faces(small, widened=False)),
                 ("detail map", lambda: detail_map(small)),
                 ("cover", lambda: cover(picture, crop, 1280, 720))]
        for name, step in steps:
            started = time.process_time()
            step()
            samples[name].append(time.process_time() - started)
    return {name: _median_ms(values) for name, values in samples.items()}


def report(result: dict[str, dict[str, float]]) -> list[str]:
    ms, encode_ms, ratio = result["ms"], result["encode_ms"], result["ratio"]
    lines = [
        f"youtube over a 2-megapixel JPEG background ({PICTURE_SIZE[0]}x{PICTURE_SIZE[1]}), placement included:",
        f"  new picture each render:   {ms['cold']:6.1f} ms  ({ratio['cold']:.2f}x the faceless render, "
        f"{result['ratio_same_layout']['cold']:.2f}x the same layout without it)",
        f"  same picture, new title:   {ms['warm']:6.1f} ms  ({ratio['warm']:.2f}x, "
        f"{result['ratio_same_layout']['warm']:.2f}x)",
        f"  youtube-scene, no picture: {ms['layout']:6.1f} ms  ({ratio['layout']:.2f}x)",
        f"  faceless (layout auto):    {ms['faceless']:6.1f} ms",
        f"  of which WebP coding: {encode_ms['cold']:.1f} ms over the picture vs {encode_ms['faceless']:.1f} ms faceless; "
        f"the rest: {result['drawing_ratio']['cold']:.2f}x cold, {result['drawing_ratio']['warm']:.2f}x warm",
        f"  CPU time (user+sys, steadier on a busy machine): new picture {result['cpu_ms']['cold']:.1f} ms "
        f"({result['cpu_ratio']['cold']:.2f}x), same picture {result['cpu_ms']['warm']:.1f} ms ({result['cpu_ratio']['warm']:.2f}x), "
        f"faceless {result['cpu_ms']['faceless']:.1f} ms",
        "  a new picture's own work (CPU ms): " + ", ".join(f"{name} {ms:.1f}" for name, ms in result["stages_ms"].items()),
    ]
    return lines


__all__ = ["new_picture_stages", "picture_bytes", "picture_vs_faceless", "report"]
