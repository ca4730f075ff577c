"""Memory under hostile load: ``python -m renderer.bench.soak --minutes N``.

Three measurements, each in a fresh child process so that one does not inherit another's memory:

1. **The reproducer** of issue 17: 32 renders of a 48 KB PNG of 7070x7070 grey as the photo, on 16
   threads taking turns, in-process as a library user would (no allocator settings): peak and final
   RSS. Before the fix: 9.8 GB peak, 5.3 GB after.
2. **One photo render's peak** in a worker (``memory.bound_native_memory`` applied, as ``thumbkit
   serve`` and batch workers do), for the kit's photo and three hostile photos of ~50 megapixels
   (goal: at most 400 MiB).
3. **The soak**: ``thumbkit serve`` (child process, loopback, fresh data and cache folders) under
   ``--clients`` concurrent clients for ``--minutes``, a mix of hostile and normal requests: every
   hostile photo unique (so no cache answers it), normal renders of unique titles with and without
   the kit's photo, junk bodies and gallery listings. RSS of each worker is printed every
   ``--interval`` seconds (goal: under 1 GiB per worker, whatever the traffic).

Figures are Linux ``/proc`` readings (VmRSS, VmHWM). Every loop is bounded; only loopback is used.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import click

MIB = 1024 * 1024
REPRODUCER_SIDE_PX = 7070  # 49.98 megapixels: just under the 50 MP limit
PHOTO_KINDS = ("kit photo", "grey PNG 50 MP", "RGBA PNG 49 MP", "RGBA PNG 16.8 MP", "JPEG 48 MP")
#: The largest PNG accepted (decode.WHOLE_DECODE_MAX_PIXELS): the heaviest decode a request can cause.
LARGEST_PNG_SIDE_PX = 4096


# -- hostile images (made here, deterministic) ---------------------------------------------------------------


def _png(width_px: int, height_px: int, color_type: int, rows: Any) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for row in rows) + compressor.flush()
    header = struct.pack(">IIBBBBB", width_px, height_px, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def grey_png(side_px: int = REPRODUCER_SIDE_PX) -> bytes:
    """The issue's reproducer: a flat grey PNG of ``side_px`` squared, ~48 KB for 50 MP."""
    return _png(side_px, side_px, 0, (b"\0" * (side_px + 1) for _ in range(side_px)))


def rgba_png(side_px: int = 7000) -> bytes:
    """An RGBA PNG of ``side_px`` squared (196 MB decoded) with a soft round subject, ~1 MB."""
    import numpy as np

    band = 64
    ys, xs = np.mgrid[0:band, 0:side_px]

    def rows() -> Any:
        for top in range(0, side_px, band):
            y = ys + top
            inside = ((xs - side_px / 2) ** 2 + (y - side_px * 0.55) ** 2) < (side_px * 0.3) ** 2
            pixels = np.zeros((band, side_px, 4), dtype=np.uint8)
            pixels[..., 0] = (xs * 255 // side_px).astype(np.uint8)
            pixels[..., 1] = 90
            pixels[..., 2] = np.where(inside, 200, 40)
            pixels[..., 3] = 255
            for row in pixels[: min(band, side_px - top)]:
                yield b"\0" + row.tobytes()

    return _png(side_px, side_px, 6, rows())


def big_jpeg() -> bytes:
    """A 8000x6000 JPEG (48 MP, a phone photo's size) of the kit's presenter, under 2 MB."""
    from PIL import Image

    from ..paths import data_dir

    photo = Image.open(data_dir("brand_kits") / "sunrise" / "photo.jpg").convert("RGB")
    buffer = io.BytesIO()
    photo.resize((8000, 6000), Image.Resampling.BILINEAR).save(buffer, "JPEG", quality=40)
    return buffer.getvalue()


def unique(image: bytes, n: int) -> bytes:
    """``image`` with bytes added after its end (ignored by decoders): a new content hash, so no
    cache (cutout, store) answers it."""
    return image + f"soak-{os.getpid()}-{n}".encode()


def data_url(image: bytes) -> str:
    import base64

    media_type = "image/jpeg" if image.startswith(b"\xff\xd8") else "image/png"
    return f"data:{media_type};base64," + base64.b64encode(image).decode("ascii")


# -- /proc readings --------------------------------------------------------------------------------------------


def status_mib(pid: int | str, field: str) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    return int(text.split(f"{field}:")[1].split()[0]) / 1024


def reset_peak() -> None:
    """Make VmHWM start again from the current RSS (Linux ``clear_refs``)."""
    Path("/proc/self/clear_refs").write_text("5")


def worker_pids(server_pid: int) -> list[int]:
    """The processes that serve: the server itself with one worker, else its worker children."""
    try:
        children = [int(pid) for pid in Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()]
    except OSError:
        children = []
    python_children = [pid for pid in children if "python" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]
    return python_children or [server_pid]


# -- the child processes ----------------------------------------------------------------------------------------


def _child_reproducer() -> dict[str, Any]:
    """Issue 17's reproducer, as written there (16 threads taking turns, 32 renders)."""
    import threading as threads
    from concurrent.futures import ThreadPoolExecutor

    from .. import Renderer, UserError

    png = grey_png()
    renderer, lock = Renderer(cache_dir=tempfile.mkdtemp(prefix="thumbkit-soak-cache-")), threads.Lock()
    refused = Counter[str]()

    def job(n: int) -> None:
        with lock:
            try:
                renderer.render(f"t{n}", use_photo=True, photo=png)
            except UserError as error:
                refused[str(error)[:60]] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(job, range(32)))
    return {"peak_mib": status_mib("self", "VmHWM"), "rss_mib": status_mib("self", "VmRSS"),
            "seconds": time.perf_counter() - started, "refused": sum(refused.values()),
            "why": refused.most_common(1)[0][0] if refused else ""}


def _child_photo(kind: str) -> dict[str, Any]:
    from ..memory import bound_native_memory

    bound_native_memory()
    from .. import Renderer, UserError
    from ..paths import data_dir

    photo = {"kit photo": lambda: (data_dir("brand_kits") / "sunrise" / "photo.jpg").read_bytes(),
             "grey PNG 50 MP": grey_png, "RGBA PNG 49 MP": rgba_png,
             "RGBA PNG 16.8 MP": lambda: rgba_png(LARGEST_PNG_SIDE_PX), "JPEG 48 MP": big_jpeg}[kind]()
    renderer = Renderer(cache_dir=tempfile.mkdtemp(prefix="thumbkit-soak-cache-"))
    renderer.render("warm up the fonts and layouts")
    before = status_mib("self", "VmRSS")
    reset_peak()
    started = time.perf_counter()
    try:
        renderer.render("A title over the photo", use_photo=True, photo=photo, hd=True)
        outcome = "rendered"
    except UserError as error:
        outcome = f"refused: {str(error)[:50]}"
    return {"kind": kind, "bytes": len(photo), "before_mib": before, "peak_mib": status_mib("self", "VmHWM"),
            "after_mib": status_mib("self", "VmRSS"), "seconds": time.perf_counter() - started, "outcome": outcome}


def run_child(name: str, *args: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "renderer.bench.soak", "--child", name, *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    if result.returncode != 0:
        raise click.ClickException(f"{name} failed:\n{result.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


# -- the soak --------------------------------------------------------------------------------------------------


class Traffic:
    """The requests the clients send, in turn: hostile ones (unique big photos, junk) between normal renders."""

    def __init__(self) -> None:
        self.grey, self.rgba, self.jpeg = grey_png(), rgba_png(), big_jpeg()
        self.largest_png = rgba_png(LARGEST_PNG_SIDE_PX)
        self._n = 0
        self._lock = threading.Lock()

    def next(self) -> tuple[str, str, bytes | None, str]:
        """(method, path, body, kind) for the next request."""
        with self._lock:
            n = self._n
            self._n += 1
        turn = n % 12
        title = f"Soak {os.getpid()} number {n}: what nobody tells you"
        formats = ("youtube", "instagram", "x", "linkedin", "blogpost")
        if turn == 0 and n % 24 == 0:  # both refused from their headers: PNGs are decoded whole
            return "POST", "/v1/generate", self._json({"title": title, "photoImage": data_url(unique(self.grey, n))}), "grey 50 MP"
        if turn == 0:
            return "POST", "/v1/generate", self._json({"title": title, "photoImage": data_url(unique(self.rgba, n))}), "RGBA 49 MP"
        if turn == 4:
            photo = data_url(unique(self.largest_png, n))
            return "POST", "/v1/generate", self._json({"title": title, "photoImage": photo}), "RGBA 16.8 MP"
        if turn == 8:
            return "POST", "/v1/generate", self._json({"title": title, "photoImage": data_url(unique(self.jpeg, n))}), "JPEG 48 MP"
        if turn == 2:
            return "POST", "/v1/generate", self._json({"title": title, "layout": "x" * 100_000}), "junk"
        if turn == 6:
            return "POST", "/v1/generate", b'{"title": "unclosed', "junk"
        if turn == 10:
            return "GET", "/v1/images?limit=200", None, "listing"
        body: dict[str, Any] = {"title": title, "format": formats[n % len(formats)], "model": "hd" if n % 3 == 0 else "sd"}
        if turn in (3, 9):
            body.update(customAssetsId="sunrise", usePhoto=True, useLogo=True)
        return "POST", "/v1/generate", self._json(body), "normal"

    @staticmethod
    def _json(body: dict[str, Any]) -> bytes:
        return json.dumps(body).encode()


def soak(minutes: float, workers: int, threads: int, clients: int, interval_s: float) -> dict[str, Any]:
    from .server import KEY
    from ..server.launcher import start_server

    traffic = Traffic()
    statuses: Counter[str] = Counter()
    counts_lock = threading.Lock()
    stop = threading.Event()

    with tempfile.TemporaryDirectory(prefix="thumbkit-soak-") as folder:
        args = ["--workers", str(workers), "--rate-limit", "100000"] + (["--threads", str(threads)] if threads else [])
        env = {"THUMBKIT_API_KEYS": KEY, "THUMBKIT_CACHE_DIR": str(Path(folder) / "cache")}
        server = start_server(Path(folder) / "data", args, env=env)
        host, port = server.url.removeprefix("http://").rsplit(":", 1)

        def client() -> None:
            connection: http.client.HTTPConnection | None = None
            while not stop.is_set():
                method, path, body, kind = traffic.next()
                try:
                    if connection is None:
                        connection = http.client.HTTPConnection(host, int(port), timeout=300)
                    headers = {"x-api-key": KEY, "content-type": "application/json"}
                    connection.request(method, path, body=body, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    outcome = f"{kind} {response.status}"
                except (OSError, http.client.HTTPException):
                    if connection is not None:
                        connection.close()
                    connection = None
                    outcome = f"{kind} connection failed"
                with counts_lock:
                    statuses[outcome] += 1
            if connection is not None:
                connection.close()

        samples: list[dict[str, Any]] = []
        pool = [threading.Thread(target=client, name=f"soak-client-{i}", daemon=True) for i in range(clients)]
        started = time.monotonic()
        try:
            for thread in pool:
                thread.start()
            click.echo(f"{'time':>6} {'requests':>8}  {'RSS MiB per worker':<22} {'peak MiB':<16} last interval")
            deadline = started + minutes * 60
            previous: Counter[str] = Counter()
            while (now := time.monotonic()) < deadline:
                stop.wait(min(interval_s, deadline - now))
                pids = worker_pids(server.process.pid)
                rss = [status_mib(pid, "VmRSS") for pid in pids]
                peak = [status_mib(pid, "VmHWM") for pid in pids]
                with counts_lock:
                    current = Counter(statuses)
                delta = current - previous
                previous = current
                samples.append({"seconds": round(time.monotonic() - started), "requests": sum(current.values()),
                                "rss_mib": rss, "peak_mib": peak})
                shown = ", ".join(f"{key} {value}" for key, value in sorted(delta.items()))
                click.echo(f"{samples[-1]['seconds']:>5}s {samples[-1]['requests']:>8}  "
                           f"{str([round(value) for value in rss]):<22} {str([round(value) for value in peak]):<16} {shown}")
        finally:
            stop.set()
            for thread in pool:
                thread.join(timeout=330)
            if not server.stop():
                click.echo(server.output(), err=True)
    return {"samples": samples, "statuses": dict(sorted(statuses.items())), "seconds": time.monotonic() - started}


@click.command()
@click.option("--minutes", type=click.FloatRange(0.1, 24 * 60), default=3.0, show_default=True, help="length of the soak")
@click.option("--workers", type=click.IntRange(1, 16), default=1, show_default=True)
@click.option("--threads", type=click.IntRange(0, 64), default=0, help="render threads per worker  [default: the server's]")
@click.option("--clients", type=click.IntRange(1, 200), default=16, show_default=True)
@click.option("--interval", "interval_s", type=click.FloatRange(1), default=15.0, show_default=True, help="seconds between RSS readings")
@click.option("--skip-reproducer", is_flag=True, help="leave out the in-process reproducer (~40 s)")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--child", hidden=True, default=None)
@click.argument("child_args", nargs=-1, type=click.UNPROCESSED)
def main(minutes: float, workers: int, threads: int, clients: int, interval_s: float, skip_reproducer: bool,
         json_path: Path | None, child: str | None, child_args: tuple[str, ...]) -> None:
    """Measure memory under hostile load: the reproducer, one photo render's peak, and a soak."""
    if child is not None:
        result = _child_reproducer() if child == "reproducer" else _child_photo(" ".join(child_args))
        click.echo(json.dumps(result))
        return
    if not Path("/proc/self/status").exists():
        raise click.ClickException("this benchmark reads /proc: run it on Linux")
    report: dict[str, Any] = {"cpus": os.cpu_count(), "load_average_before": os.getloadavg()}
    click.echo(f"cpus {os.cpu_count()}, load average {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    if not skip_reproducer:
        result = run_child("reproducer")
        report["reproducer"] = result
        click.echo(f"\nreproducer (32 renders of a 7070x7070 grey PNG, 16 threads taking turns, in-process): "
                   f"peak {result['peak_mib']:.0f} MiB, {result['rss_mib']:.0f} MiB after, {result['seconds']:.1f} s, "
                   f"{result['refused']} refused ({result.get('why', '')}...)  [before the fix: 9773 MiB peak, 5353 MiB after]")
    click.echo("\none photo render (hd) in a worker, fresh process, peak RSS (goal <= 400 MiB):")
    report["photo_renders"] = []
    for kind in PHOTO_KINDS:
        result = run_child("photo", kind)
        report["photo_renders"].append(result)
        click.echo(f"  {kind:<16} {result['bytes'] / 1024:7.0f} KiB: {result['before_mib']:4.0f} MiB before, "
                   f"peak {result['peak_mib']:4.0f} MiB, {result['after_mib']:4.0f} MiB after, {result['seconds']:5.2f} s, "
                   f"{result['outcome']}")
    click.echo(f"\nsoak: {minutes:g} min, {workers} worker(s), {clients} clients, hostile and normal requests in turn")
    result = soak(minutes, workers, threads, clients, interval_s)
    report["soak"] = result
    largest = max((value for sample in result["samples"] for value in sample["peak_mib"]), default=float("nan"))
    last = result["samples"][-1]["rss_mib"] if result["samples"] else []
    click.echo(f"\nlargest worker peak {largest:.0f} MiB (goal < 1024 MiB), RSS at the end {[round(v) for v in last]} MiB")
    click.echo("answers: " + ", ".join(f"{key} {value}" for key, value in result["statuses"].items()))
    report["load_average_after"] = os.getloadavg()
    click.echo(f"load average {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    if json_path is not None:
        json_path.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
