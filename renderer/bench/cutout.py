"""Benchmark: thumbkit's first cutout against plain ``rembg.remove`` with the same model and photo.

Run ``python -m renderer.bench.cutout``. Everything is measured in one process on scikit-image's
astronaut portrait, both sides getting the same decoded PIL image. Imports are warmed first so
neither side pays them; then each round times (a) ``rembg.new_session`` + ``rembg.remove`` and
(b) a fresh :class:`CutoutEngine`'s first cutout (session, inference, mask clean-up, face
detection, disk-cache write), alternating which goes first to share out noise. Also timed: a
cached cutout from memory and from disk, and the once-a-process costs. Nothing is downloaded:
plain rembg finds thumbkit's bundled model through a temporary ``U2NET_HOME``.
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

from ..cutout.engine import CutoutEngine
from ..cutout.model import BUNDLED_MODEL, model_path
from ..assets.decode import content_hash, decode_image


def main(rounds: int = 9) -> None:
    photo_bytes = _astronaut_png()
    photo = decode_image(photo_bytes, field="photoImage", max_bytes=None)
    photo_hash = content_hash(photo_bytes)
    _warm_imports()
    # Once-a-process costs, cached after: measured apart, not in the rounds.
    md5_check_s = _time(lambda: model_path(BUNDLED_MODEL))
    cascade_load_s = _time(_face_cascade)
    rembg_s: list[float] = []
    engine_s: list[float] = []
    with _rembg_home_with_bundled_model(), tempfile.TemporaryDirectory() as cache_root:
        for index in range(rounds):
            engine = CutoutEngine(cache_dir=Path(cache_root) / f"round{index}")
            timers = {
                "rembg": lambda: _rembg_first_cutout(photo),
                "engine": lambda: engine.cutout(photo, image_bytes_hash=photo_hash),  # noqa: B023
            }
            order = ("rembg", "engine") if index % 2 == 0 else ("engine", "rembg")
            measured = {name: _time(timers[name]) for name in order}
            rembg_s.append(measured["rembg"])
            engine_s.append(measured["engine"])
        engine = CutoutEngine(cache_dir=Path(cache_root) / "round0")
        from_disk_s = _time(lambda: engine.cutout(photo, image_bytes_hash=photo_hash))
        from_memory_s = statistics.median(
            _time(lambda: engine.cutout(photo, image_bytes_hash=photo_hash)) for _ in range(20)
        )
    rembg_median, engine_median = statistics.median(rembg_s), statistics.median(engine_s)
    paired = statistics.median(
        engine / rembg for engine, rembg in zip(engine_s, rembg_s, strict=True)
    )
    load_1min = os.getloadavg()[0]
    print(
        f"photo: scikit-image astronaut, {photo.width}x{photo.height}; model {BUNDLED_MODEL}; "
        f"{rounds} rounds; {os.cpu_count()} CPUs, load average {load_1min:.1f}"
    )
    print(f"rembg.new_session + rembg.remove : {rembg_median * 1000:8.1f} ms  {_spread(rembg_s)}")
    print(f"CutoutEngine first cutout        : {engine_median * 1000:8.1f} ms  {_spread(engine_s)}")
    print(f"ratio of the medians             : {engine_median / rembg_median:8.2f}x  (goal <= 1.1)")
    print(f"median ratio within a round      : {paired:8.2f}x")
    print(
        f"once a process, not in the rounds: model md5 check {md5_check_s * 1000:.1f} ms, "
        f"face cascade load {cascade_load_s * 1000:.1f} ms"
    )
    print(f"cached cutout, from disk         : {from_disk_s * 1000:8.1f} ms  (fresh engine)")
    print(f"cached cutout, from memory       : {from_memory_s * 1000:8.3f} ms")


def _rembg_first_cutout(photo: Image.Image) -> None:
    import rembg

    session = rembg.new_session(BUNDLED_MODEL)
    rembg.remove(photo, session=session)


def _face_cascade() -> None:
    from ..cutout.faces import face_cascade

    face_cascade()


def _astronaut_png() -> bytes:
    from skimage.data import astronaut

    buffer = io.BytesIO()
    Image.fromarray(astronaut()).save(buffer, "PNG")
    return buffer.getvalue()


def _warm_imports() -> None:
    import onnxruntime  # noqa: F401
    import rembg  # noqa: F401
    import scipy.ndimage  # noqa: F401
    import skimage.feature  # noqa: F401


@contextmanager
def _rembg_home_with_bundled_model() -> Iterator[None]:
    """Let plain rembg find the bundled file where it looks for downloads; restore the env after."""
    saved = os.environ.get("U2NET_HOME")
    with tempfile.TemporaryDirectory() as home:
        os.symlink(model_path(BUNDLED_MODEL), Path(home) / f"{BUNDLED_MODEL}.onnx")
        os.environ["U2NET_HOME"] = home
        try:
            yield
        finally:
            if saved is None:
                os.environ.pop("U2NET_HOME", None)
            else:
                os.environ["U2NET_HOME"] = saved


def _time(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _spread(samples: list[float]) -> str:
    return f"median (min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f})"


if __name__ == "__main__":
    main()
