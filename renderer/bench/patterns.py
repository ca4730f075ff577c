"""What a decorated background costs: each pattern's mask made from nothing, another variant of it,
the mask painted; and whole compositions with the kit's patterns against the same layouts with
plain backgrounds, measured in the same process."""

from __future__ import annotations

import statistics
import time

from typing import TYPE_CHECKING

from PIL import Image

if TYPE_CHECKING:
    from ..api import Renderer

KIND_ROUNDS = 5


def _ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def mask_costs(*, width_px: int = 1280, height_px: int = 720) -> list[dict[str, object]]:
    """Per pattern kind at a YouTube canvas: its mask made from nothing (``first_ms``), another
    variant's mask once the drawing is cached (``variant_ms``: a window into it and two Pillow
    multiplies), and the cached mask painted over an RGB canvas (``paint_ms``)."""
    from ..compose.patterns import DEFAULTS, clear_cache, params_for, pattern_mask

    canvas = Image.new("RGB", (width_px, height_px), (11, 18, 32))
    paint = Image.new("RGB", canvas.size, (255, 255, 255))
    rows = []
    for kind in DEFAULTS:
        first: list[float] = []
        variant: list[float] = []
        painted: list[float] = []
        for _ in range(KIND_ROUNDS):
            clear_cache()
            started = time.perf_counter()
            pattern_mask(params_for(kind, width_px, height_px, opacity=0.1, variant=0, fade="left"))
            first.append(time.perf_counter() - started)
            params = params_for(kind, width_px, height_px, opacity=0.1, variant=1 + len(variant) % 7, fade="left")
            started = time.perf_counter()
            mask = pattern_mask(params)
            variant.append(time.perf_counter() - started)
            started = time.perf_counter()
            canvas.paste(paint, (0, 0), mask)
            painted.append(time.perf_counter() - started)
        rows.append({"pattern": kind, "first_ms": _ms(first), "variant_ms": _ms(variant), "paint_ms": _ms(painted)})
    return rows


def compose_with_and_without(renderer: Renderer | None = None, *, titles: list[str],
                             layouts: tuple[str, ...] = ("youtube-bold", "youtube-quote"), rounds: int = 3) -> dict[str, float]:
    """Composition time (no encoding) of ``layouts`` for ``titles`` with the default kit's patterns
    against the same layouts without their pattern layers, interleaved; the pattern masks are
    warm after the first pass, as in a batch."""
    from ..api import Renderer
    from ..compose.scene import Scene
    from ..spec.layout import PatternLayer

    renderer = renderer or Renderer()
    kit = renderer.kit("default")
    cases: list[tuple[Scene, Scene]] = []
    for name in layouts:
        layout = renderer.layouts[name]
        for title in titles:
            spec = renderer.filled_layout(layout, title, kit)
            bare = spec.model_copy(update={"layers": [l for l in spec.layers if not isinstance(l, PatternLayer)]})
            cases.append((Scene(layout=spec, layout_folder=layout.folder, kit=kit.spec, kit_id=kit.id),
                          Scene(layout=bare, layout_folder=layout.folder, kit=kit.spec, kit_id=kit.id)))
    with_pattern: list[float] = []
    without: list[float] = []
    for decorated, plain in cases:  # warm: masks, static backgrounds, typefaces
        renderer.compose_scene(decorated)
        renderer.compose_scene(plain)
    for _ in range(rounds):
        for decorated, plain in cases:
            started = time.perf_counter()
            renderer.compose_scene(decorated)
            with_pattern.append(time.perf_counter() - started)
            started = time.perf_counter()
            renderer.compose_scene(plain)
            without.append(time.perf_counter() - started)
    return {"with_ms": _ms(with_pattern), "without_ms": _ms(without), "ratio": _ms(with_pattern) / _ms(without),
            "renders": float(len(cases) * rounds)}


__all__ = ["compose_with_and_without", "mask_costs"]
