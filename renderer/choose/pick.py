"""Scoring candidates and picking among them: the best one (``layout="auto"``) and a few visibly
different good ones (variants).

``evaluate(candidate)`` composes a candidate and judges it (no encoding: losers are never
encoded). Scores are whole numbers up to :data:`PERFECT`; equal scores keep the candidates'
order, so the title heuristics break ties.

**auto** evaluates the candidates in order and stops at the first with a perfect score: none
after it can beat it, ties going to the earlier one. The answer is the same as evaluating them
all; a title that reads well in the heuristics' layout costs one composition.

**Distance** between two thumbnails: the mean absolute difference of their pictures reduced to
:data:`THUMB_SIZE` (0 identical, 1 black against white), and at least :data:`LAYOUT_DISTANCE`
when their layouts differ (a different arrangement is a different design even where the pixels
are alike). Two thumbnails closer than :data:`DISTINCT_MIN` are near-identical.

**Variants**: the best candidate first, then again and again the best-scored candidate at least
``DISTINCT_MIN`` from every one already picked. Candidates are evaluated lazily, in their order,
only as far as needed: until ``count`` are picked and all are perfect, or (with imperfect picks)
until ``EVALUATED_PER_VARIANT`` candidates per variant were seen. Too few distinct candidates in
all: fewer variants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Generic, TypeVar

from msgspec import Struct
from PIL import Image

if TYPE_CHECKING:
    import numpy as np

PERFECT = 100
THUMB_SIZE = (48, 27)
LAYOUT_DISTANCE = 0.2
DISTINCT_MIN = 0.06
EVALUATED_PER_VARIANT = 2  # with imperfect picks, better ones are looked for among this many per variant

C = TypeVar("C")


class Scored(Struct, Generic[C], frozen=True):
    candidate: C
    layout: str
    score: int
    image: Image.Image
    extra: object = None  # whatever evaluate attaches (the plan, the quality report)


def best(candidates: Iterable[C], evaluate: Callable[[C], Scored[C]]) -> tuple[Scored[C], list[Scored[C]]]:
    """The best-scored candidate (the earliest among equals) and every one evaluated, in order."""
    seen: list[Scored[C]] = []
    for candidate in candidates:
        seen.append(evaluate(candidate))
        if seen[-1].score >= PERFECT:
            break
    if not seen:
        raise ValueError("no candidate to choose from")
    return max(seen, key=lambda s: (s.score, -seen.index(s))), seen


def thumbprint(image: Image.Image) -> np.ndarray:
    """The picture reduced for :func:`distance`, as floats 0-1."""
    import numpy as np

    return np.asarray(image.convert("RGB").resize(THUMB_SIZE, Image.Resampling.BOX), dtype=np.float32) / 255.0


def distance(a: Scored[object], b: Scored[object]) -> float:
    """How different two thumbnails look (see the module doc)."""
    return _distance(thumbprint(a.image), thumbprint(b.image), same_layout=a.layout == b.layout)


def _distance(a: np.ndarray, b: np.ndarray, *, same_layout: bool) -> float:
    import numpy as np

    pixels = float(np.abs(a - b).mean())
    return pixels if same_layout else max(pixels, LAYOUT_DISTANCE)


def distinct(candidates: Iterable[C], evaluate: Callable[[C], Scored[C]], count: int,
             seen: list[Scored[C]] | None = None) -> tuple[list[Scored[C]], list[Scored[C]]]:
    """Up to ``count`` visibly different candidates, the best first (see the module doc), and
    every candidate evaluated. ``seen``: candidates already evaluated (by ``best``), in order."""
    import numpy as np

    pool: list[Scored[C]] = list(seen or [])
    pending = iter([c for c in candidates if all(c != s.candidate for s in pool)])
    prints: dict[int, np.ndarray] = {}

    def far(scored: Scored[C], picks: list[Scored[C]]) -> bool:
        mine = prints.setdefault(id(scored), thumbprint(scored.image))
        return all(_distance(mine, prints.setdefault(id(other), thumbprint(other.image)),
                             same_layout=scored.layout == other.layout) >= DISTINCT_MIN for other in picks)

    def select() -> list[Scored[C]]:
        ranked = sorted(range(len(pool)), key=lambda i: (-pool[i].score, i))
        picks: list[Scored[C]] = []
        for index in ranked:
            if len(picks) == count:
                break
            if far(pool[index], picks):
                picks.append(pool[index])
        return picks

    picks = select()
    budget = max(len(pool), EVALUATED_PER_VARIANT * count)
    while len(picks) < count or (any(p.score < PERFECT for p in picks) and len(pool) < budget):
        candidate = next(pending, None)
        if candidate is None:
            break
        pool.append(evaluate(candidate))
        picks = select()
    return picks, pool


__all__ = ["DISTINCT_MIN", "EVALUATED_PER_VARIANT", "LAYOUT_DISTANCE", "PERFECT", "THUMB_SIZE", "Scored", "best", "distance", "distinct",
           "thumbprint"]
