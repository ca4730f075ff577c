"""Legibility at feed size: how tall the title's letters are where people first see them.

The feed views, the glyph body measured per script and the limits are defined (and justified) in
:mod:`renderer.text.legibility`, where the fitter uses them too, to keep titles legible.
"""


from __future__ import annotations

from functools import lru_cache

from msgspec import Struct

from ..compose.plan import Plan, PlanText
from ..text.fonts import FontBook
from ..text.legibility import (
    FEED_VIEWS,
    LIMITS,
    BodyLimits,
    FeedView,
    body_em,
    main_script,
)
from ..text.typeset import Typeface
from .report import Finding


class TextBody(Struct, frozen=True):
    text: PlanText
    script: str
    body_px: float  # at full size
    feed_px: float  # in the feed view
    limits: BodyLimits


def plan_text_string(text: PlanText) -> str:
    return "\n".join("".join(segment.text for segment in line.segments) for line in text.lines)


def typeface_for(fonts: FontBook, key: str) -> Typeface:
    """The typeface compose drew with: the plan's ``family:weight`` and the fallback chain."""
    return _typeface(fonts, key)


@lru_cache(maxsize=64)
def _typeface(fonts: FontBook, key: str) -> Typeface:
    family, weight = key.split(":", 1)
    return Typeface(fonts.face(family, weight), fonts.fallbacks(weight))


def text_bodies(plan: Plan, *, format: str, fonts: FontBook) -> list[TextBody]:
    """The main glyph body of every text of ``plan`` that has letters or digits."""
    scale = FEED_VIEWS[format].scale(plan.width_px)
    bodies = []
    for text in plan.texts:
        script = main_script(plan_text_string(text))
        if script is None:
            continue
        limits = LIMITS[script]
        body = body_em(typeface_for(fonts, text.font), limits.reference) * text.size_px
        bodies.append(TextBody(text, script, body, body * scale, limits))
    return bodies


def legibility_findings(bodies: list[TextBody], *, format: str, suggestion: str = "") -> list[Finding]:
    """``legibility_feed`` for the text furthest under its limit (with ``headline_suggested`` when
    it fails, naming ``suggestion``: the plan's shortened title): the legible limit for the title's
    texts, the fail limit for secondary ones (a badge, a subtitle, a speaker, marked ``role:
    secondary`` by their layout: made out in the feed, not read at a glance)."""
    if not bodies:
        return []

    def limit_of(body: TextBody) -> float:
        return body.limits.legible_px if body.text.role == "title" else body.limits.fail_px

    worst = min(bodies, key=lambda body: body.feed_px / limit_of(body))
    if worst.feed_px >= limit_of(worst):
        return []
    view = FEED_VIEWS[format]
    failed = worst.feed_px < worst.limits.fail_px
    limit = worst.limits.fail_px if failed else worst.limits.legible_px
    what = "cap height" if worst.limits.reference == "H" else f"{worst.script} glyph body"
    sample = plan_text_string(worst.text).replace("\n", " ")
    sample = sample if len(sample) <= 40 else sample[:39] + "…"
    message = (f"the {what} of {sample!r} is {worst.feed_px:.1f} px in {view.where} "
               f"({worst.text.size_px} px text, {worst.body_px:.0f} px {what} at full size): "
               + (f"under {limit:g} px, unreadable" if failed else f"under the {limit:g} px that reads easily"))
    findings = [Finding("legibility_feed", message, round(worst.feed_px, 2), limit, "fail" if failed else "warn")]
    if failed:
        such = f", such as {suggestion!r}" if suggestion else ""
        findings.append(Finding(
            "headline_suggested",
            f"the title is too long to be legible in this format: give a shorter headline to draw instead{such} "
            "(headline=..., or headline='auto' to shorten it by rule)", None, None, "warn"))
    return findings


__all__ = ["FEED_VIEWS", "LIMITS", "BodyLimits", "FeedView", "TextBody", "body_em", "legibility_findings",
           "main_script", "plan_text_string", "text_bodies", "typeface_for"]
