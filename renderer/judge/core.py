"""``judge``: the quality report of one render, from its pixels and its plan."""

from __future__ import annotations

from PIL import Image

from ..text.fonts import FontBook
from ..formats import get_format
from ..compose.plan import Plan
from .contrast import contrast_findings
from .legibility import legibility_findings, text_bodies
from .report import Finding, Quality
from .typography import orphan_findings, tofu_findings, truncation_findings
from .zones import badge_findings, clipping_findings, grid_crop_findings, overlap_findings


def judge(image: Image.Image, plan: Plan, *, format: str, fonts: FontBook) -> Quality:
    """The quality of ``image`` drawn from ``plan`` in ``format``.

    A pure function of its inputs: ``fonts`` (the renderer's font book) gives the glyph bodies and
    word widths of the plan's fonts. Checks: legibility at feed size, contrast on the pixels,
    YouTube's badge and Instagram's grid crop, clipping, text over a face or the logo, tofu, an
    orphan word and truncation (see the modules of :mod:`renderer.judge`)."""
    return Quality.from_findings(_findings(plan, format, fonts, contrast_findings(image, plan, fonts)))


def judge_plan(plan: Plan, *, format: str, fonts: FontBook) -> Quality:
    """Every check of :func:`judge` but the contrast measured on the pixels: what the plan alone
    says, at a tenth of the cost (a first look, as ``layout="auto"`` takes at its first candidate)."""
    return Quality.from_findings(_findings(plan, format, fonts, []))


def _findings(plan: Plan, format: str, fonts: FontBook, contrast: list[Finding]) -> list[Finding]:
    get_format(format)
    findings: list[Finding] = []
    findings += legibility_findings(text_bodies(plan, format=format, fonts=fonts), format=format,
                                    suggestion=plan.headline_suggestion)
    findings += contrast
    if format == "youtube":
        findings += badge_findings(plan)
    if format == "instagram":
        findings += grid_crop_findings(plan)
    findings += clipping_findings(plan)
    findings += overlap_findings(plan)
    findings += tofu_findings(plan)
    findings += orphan_findings(plan, fonts)
    findings += truncation_findings(plan)
    return findings


__all__ = ["judge", "judge_plan"]
