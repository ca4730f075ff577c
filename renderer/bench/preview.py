"""``thumbkit bench --preview``: how soon the live preview shows a saved layout, end to end.

A preview of a copy of youtube-bold runs in this process (uvicorn in a thread); the layout is
saved again and again with a small change, and the time from the write to the new render's state
on the event stream is measured, with the render time the preview reports. The baseline, measured
in the same process: one plain ``Renderer.render`` of that layout, times the images a save makes
(two per title, with and without the debug overlay).
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from pathlib import Path


def preview_latency(*, saves: int = 8) -> dict[str, float]:
    import uvicorn

    from ..api import Renderer
    from ..cli.serve import bind_socket
    from ..paths import data_dir
    from ..preview.app import create_preview_app
    from ..preview.events import rendered, states, wait_for
    from ..preview.session import PREVIEW_TITLES, PreviewTarget

    with tempfile.TemporaryDirectory() as folder:
        layout = Path(folder) / "bench.yaml"
        text = (data_dir("layouts") / "youtube-bold.yaml").read_text(encoding="utf-8").replace("name: youtube-bold", "name: bench")
        layout.write_text(text, encoding="utf-8")
        sock = bind_socket("127.0.0.1", 0)
        url = "http://127.0.0.1:%d" % sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_preview_app(PreviewTarget.of(layout)), log_level="warning"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            stream = states(url, timeout=120)
            wait_for(stream, rendered(1), within=120)
            latencies, renders = [], []
            for save in range(saves):
                layout.write_text(text.replace("radius_px: 8", f"radius_px: {save % 8}").replace("max_lines: 5", f"max_lines: {4 + save % 2}"),
                                  encoding="utf-8")
                started = time.perf_counter()
                state = wait_for(stream, rendered(save + 2), within=120)
                latencies.append((time.perf_counter() - started) * 1000)
                renders.append(state["render"]["elapsedMs"])
        finally:
            server.should_exit = True
            thread.join(30)
            sock.close()
    renderer = Renderer()
    renderer.render("warm up", layout="youtube-bold")
    plain = []
    for sample in PREVIEW_TITLES * 3:
        started = time.perf_counter()
        renderer.render(sample.title, layout="youtube-bold", output_format="jpeg", subtitle=sample.subtitle, badge=sample.badge)
        plain.append((time.perf_counter() - started) * 1000)
    images = 2 * len(PREVIEW_TITLES)
    return {
        "saves": saves, "latency_ms": statistics.median(latencies), "latency_max_ms": max(latencies),
        "render_ms": statistics.median(renders), "plain_ms": statistics.median(plain), "images": images,
        "ratio": statistics.median(renders) / (statistics.median(plain) * images),
    }


__all__ = ["preview_latency"]
