"""Where things are: safe zones, clipping, text over a face or the logo (from the plan's boxes).

* **YouTube's duration badge** covers the bottom-right corner of every thumbnail in every feed:
  x >= 1100, y >= 640 on 1280x720 (:data:`BADGE`, scaled with the image for ``hd``). No text ink,
  face or logo may reach into it (``safe_zone_badge``, a fail: whatever is there is hidden).
* **Instagram's profile grid** shows every post cropped to its centre 3:4, x 135..945 of 1080
  (:data:`GRID_CROP`): text outside it is cut in the grid (``safe_zone_grid_crop``, a fail), a logo
  outside it is hidden there (a warn: the post itself still shows it).
* **Clipping** (``clipped``): a text's ink outside the canvas (a fail: letters are cut) or outside
  its layout box by more than a pixel (a warn: it may run into what the layout put beside it).
* **Overlaps**: a text line's ink over a face (``text_over_face``) or over the logo
  (``text_over_logo``): fails.

A text line's ink is its plan rectangle: from its left end to its right end, and from the text's
highest ink above the baseline to its lowest below (the plan's ``ink`` box per line).
"""

from __future__ import annotations

from ..compose.plan import Plan, PlanText
from ..rect import Rect
from .report import Finding

BADGE = (1100 / 1280, 640 / 720)  # the badge's top-left corner as a fraction of the width and height
GRID_CROP = (135 / 1080, 945 / 1080)  # the 3:4 centre's left and right edges as fractions of the width
_TOLERANCE_PX = 0.5  # overlaps thinner than this are rounding, not overlaps
_BOX_TOLERANCE_PX = 1.0


def line_rects(text: PlanText) -> list[tuple[str, Rect]]:
    """Each line's text and ink rectangle."""
    if not text.lines:
        return []
    ascent = text.lines[0].baseline_px - text.ink.y
    descent = text.ink.bottom - text.lines[-1].baseline_px
    return [("".join(s.text for s in line.segments).strip(),
             Rect(line.x_px, line.baseline_px - ascent, line.width_px, ascent + descent)) for line in text.lines]


def overlap(a: Rect, b: Rect) -> tuple[float, float]:
    """Width and height of the intersection (0 when apart)."""
    return max(0.0, min(a.right, b.right) - max(a.x, b.x)), max(0.0, min(a.bottom, b.bottom) - max(a.y, b.y))


def _overlaps(a: Rect, b: Rect) -> float:
    """The intersection's area, when it is more than rounding on both sides."""
    w, h = overlap(a, b)
    return w * h if w > _TOLERANCE_PX and h > _TOLERANCE_PX else 0.0


def badge_rect(plan: Plan) -> Rect:
    x, y = plan.width_px * BADGE[0], plan.height_px * BADGE[1]
    return Rect(x, y, plan.width_px - x, plan.height_px - y)


def faces(plan: Plan) -> list[Rect]:
    return [image.face for image in plan.images if image.face is not None]


def logos(plan: Plan) -> list[Rect]:
    return [image.box for image in plan.images if image.kind == "logo"]


def _short(text: str) -> str:
    return repr(text if len(text) <= 30 else text[:29] + "…")


def badge_findings(plan: Plan) -> list[Finding]:
    zone = badge_rect(plan)
    hits: list[tuple[float, str]] = []
    for text in plan.texts:
        for words, rect in line_rects(text):
            area = _overlaps(rect, zone)
            if area:
                hits.append((area, f"text {_short(words)}"))
    for rect in faces(plan):
        if area := _overlaps(rect, zone):
            hits.append((area, "a face"))
    for rect in logos(plan):
        if area := _overlaps(rect, zone):
            hits.append((area, "the logo"))
    if not hits:
        return []
    area, what = max(hits)
    others = f" (and {', '.join(h[1] for h in hits if h[1] != what)})" if len(hits) > 1 else ""
    message = (f"{what}{others} reaches under YouTube's duration badge (x >= {zone.x:.0f}, y >= {zone.y:.0f}): "
               f"{area:.0f} px² hidden")
    return [Finding("safe_zone_badge", message, round(sum(h[0] for h in hits), 1), 0.0, "fail")]


def grid_crop_findings(plan: Plan) -> list[Finding]:
    left, right = plan.width_px * GRID_CROP[0], plan.width_px * GRID_CROP[1]
    findings = []
    outside = []
    for text in plan.texts:
        for words, rect in line_rects(text):
            beyond = max(left - rect.x, rect.right - right)
            if beyond > _TOLERANCE_PX:
                outside.append((beyond, words))
    if outside:
        beyond, words = max(outside)
        message = (f"text {_short(words)} reaches {beyond:.0f} px outside the profile grid's 3:4 crop "
                   f"(x {left:.0f}..{right:.0f}): cut in the grid" + (f"; {len(outside)} lines in all" if len(outside) > 1 else ""))
        findings.append(Finding("safe_zone_grid_crop", message, round(beyond, 1), 0.0, "fail"))
    for rect in logos(plan):
        beyond = max(left - rect.x, rect.right - right)
        if beyond > _TOLERANCE_PX:
            findings.append(Finding("safe_zone_grid_crop_logo",
                                    f"the logo reaches {beyond:.0f} px outside the profile grid's 3:4 crop "
                                    f"(x {left:.0f}..{right:.0f}): cut in the grid", round(beyond, 1), 0.0, "warn"))
    return findings


def clipping_findings(plan: Plan) -> list[Finding]:
    canvas = Rect(0, 0, plan.width_px, plan.height_px)
    cut: list[tuple[float, str]] = []
    spilled: list[tuple[float, str]] = []
    for text in plan.texts:
        for words, rect in line_rects(text):
            out_canvas = max(canvas.x - rect.x, canvas.y - rect.y, rect.right - canvas.right, rect.bottom - canvas.bottom)
            if out_canvas > _TOLERANCE_PX:
                cut.append((out_canvas, words))
            out_box = max(text.box.x - rect.x, text.box.y - rect.y, rect.right - text.box.right, rect.bottom - text.box.bottom)
            if out_box > _BOX_TOLERANCE_PX:
                spilled.append((out_box, words))
    if cut:
        beyond, words = max(cut)
        return [Finding("clipped", f"text {_short(words)} runs {beyond:.0f} px off the canvas: its letters are cut",
                        round(beyond, 1), 0.0, "fail")]
    if spilled:
        beyond, words = max(spilled)
        return [Finding("clipped", f"text {_short(words)} runs {beyond:.0f} px outside its layout box",
                        round(beyond, 1), _BOX_TOLERANCE_PX, "warn")]
    return []


def overlap_findings(plan: Plan) -> list[Finding]:
    findings = []
    for code, rects, what in (("text_over_face", faces(plan), "a face"), ("text_over_logo", logos(plan), "the logo")):
        hits = [(_overlaps(line, rect), words) for text in plan.texts for words, line in line_rects(text) for rect in rects]
        hits = [hit for hit in hits if hit[0]]
        if hits:
            area, words = max(hits)
            findings.append(Finding(code, f"text {_short(words)} covers {what} ({sum(h[0] for h in hits):.0f} px²)",
                                    round(sum(h[0] for h in hits), 1), 0.0, "fail"))
    return findings


__all__ = ["BADGE", "GRID_CROP", "badge_findings", "badge_rect", "clipping_findings", "faces", "grid_crop_findings",
           "line_rects", "logos", "overlap", "overlap_findings"]
