"""What choosing costs: ``layout="auto"`` (candidates scored) and 3 variants, each against rendering
the one fixed layout auto ends up with, for the same titles, interleaved in one process.

The titles are the bench's usual ones plus long ones (a 45-letter word, a URL, a German compound,
15+ words, a long Chinese title), where the first candidate is least likely to be perfect and auto
has the most to do.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .render import TITLES

if TYPE_CHECKING:
    from ..api import Renderer

LONG_TITLES = [
    "Pneumonoultramicroscopicsilicovolcanoconiosis explained in 10 minutes",
    "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz erklärt",
    "https://github.com/thumbkit/renderer/blob/main/renderer/textfit.py",
    "Why I stopped using microservices after ten years and what I learned from every single failure along the way",
    "为什么你的Python代码在生产环境中运行得这么慢以及如何用十个简单的技巧让它快十倍",
]


def choice_costs(renderer: "Renderer | None" = None, titles: list[str] | None = None, *, format_name: str = "youtube",
                 rounds: int = 2, variants: int = 3) -> dict[str, Any]:
    """Median ms of a fixed-layout render, of ``layout="auto"`` and of ``variants`` variants, and
    the ratios to the fixed one; how many candidates auto composed per title on average.
    ``renderer``: a ``Renderer`` (a new one by default); ``titles``: the bench's and the long ones."""
    from ..api import Renderer

    renderer = renderer or Renderer()
    calls: dict[str, Callable[[str], object]] = {
        "fixed": lambda title: renderer.render(title, format=format_name, layout=chosen[title].layout),
        "auto": lambda title: renderer.render(title, format=format_name),
        "variants": lambda title: renderer.variants(title, count=variants, format=format_name),
    }
    titles = titles or [*TITLES, *LONG_TITLES]
    chosen = {title: renderer.render(title, format=format_name) for title in titles}  # warms every cache too
    for title in titles:
        renderer.variants(title, count=variants, format=format_name)
    samples: dict[str, list[float]] = {"fixed": [], "auto": [], "variants": []}
    for _ in range(rounds):
        for title in titles:
            for name, call in calls.items():
                started = time.perf_counter()
                call(title)
                samples[name].append(time.perf_counter() - started)
    ms = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    composed = [max(1, len(thumbnail.plan.candidates)) for thumbnail in chosen.values()]
    return {
        "format": format_name, "titles": len(titles), "variants": variants, **{f"{k}_ms": v for k, v in ms.items()},
        "auto_ratio": ms["auto"] / ms["fixed"], "variants_ratio": ms["variants"] / ms["fixed"],
        "candidates_per_auto": sum(composed) / len(composed),
    }


def choice_line(choice: dict[str, Any]) -> str:
    """``choice_costs``' figures as one line of the bench's report."""
    return (f"choosing ({choice['format']}, {choice['titles']} titles, medians): one fixed layout {choice['fixed_ms']:.1f} ms, "
            f"layout=auto {choice['auto_ms']:.1f} ms ({choice['auto_ratio']:.2f}x, {choice['candidates_per_auto']:.1f} "
            f"candidates composed on average), {choice['variants']} variants {choice['variants_ms']:.1f} ms "
            f"({choice['variants_ratio']:.2f}x)")


__all__ = ["LONG_TITLES", "choice_costs", "choice_line"]
