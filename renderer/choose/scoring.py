"""Composing and scoring the candidates of a request, and keeping the chosen ones.

``choose`` is what ``Renderer.render`` (one thumbnail) and ``Renderer.variants`` (several) run:
the candidates of the layouts (see :mod:`.candidates`) are composed (:mod:`.job`), judged
(:mod:`renderer.judge`) and picked (:mod:`.pick`); nothing is encoded here. With ``layout="auto"`` or variants, the plan of each
chosen thumbnail records every candidate scored (``Plan.candidates``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from msgspec.structs import replace
from PIL import Image

from ..compose.contrast import MIN_CONTRAST
from ..compose.plan import Plan, PlanCandidate
from ..spec.catalog import Layout
from .candidates import Candidate, variant_candidates
from .job import Composed, RenderJob
from .pick import PERFECT, Scored, best, distinct

if TYPE_CHECKING:
    from ..judge import Quality

Judge = Callable[[Image.Image, Plan], "Quality"]  # the quality report of a composed render
PlanJudge = Callable[[Plan], "Quality"]  # the report of every check the plan alone can answer


def choose(job: RenderJob, layouts: list[Layout], *, count: int = 1, judge: Judge,
           judge_plan: PlanJudge) -> list[tuple[Composed, Plan]]:
    """The chosen compositions, best first, each with its plan (its quality report, when it was
    judged on its pixels to choose it, and the candidates scored). One layout and one thumbnail:
    nothing to choose, nothing judged here (``Thumbnail.quality`` judges it when asked).

    ``layout="auto"`` looks at its first candidate on the plan first (``judge_plan``, with the
    contrast compose measured as it drew): found perfect, it is kept without judging its pixels,
    since no later candidate can beat it (judged on its pixels only if its quality is asked for).
    Any finding, or a contrast under 4.5:1, and every candidate is judged on its pixels."""
    looked = False

    def evaluate(candidate: Candidate) -> Scored[Candidate]:
        nonlocal looked
        composed = job.compose(candidate)
        if not judging:
            return Scored(candidate, candidate.layout.spec.name, PERFECT, composed.image, composed)
        if count == 1 and not looked:
            looked = True
            if judge_plan(composed.plan).score >= PERFECT and all(
                    text.contrast_ratio >= MIN_CONTRAST for text in composed.plan.texts):
                return Scored(candidate, candidate.layout.spec.name, PERFECT, composed.image, composed)
        quality = judge(composed.image, composed.plan)
        composed = replace(composed, plan=replace(composed.plan, quality=quality))
        return Scored(candidate, candidate.layout.spec.name, quality.score, composed.image, composed)

    judging = count > 1 or len(layouts) > 1
    winner, seen = best([Candidate(layout) for layout in layouts], evaluate)
    if count <= 1:
        picks, pool = [winner], seen
    else:
        picks, pool = distinct(variant_candidates(layouts), evaluate, count, seen)
    record = tuple(PlanCandidate(s.layout, s.candidate.treatment, s.score) for s in pool) if judging else ()
    chosen = []
    for scored in picks:
        composed: Composed = scored.extra  # type: ignore[assignment]
        chosen.append((composed, replace(composed.plan, candidates=record, treatment=scored.candidate.treatment)))
    return chosen


__all__ = ["Judge", "PlanJudge", "choose"]
