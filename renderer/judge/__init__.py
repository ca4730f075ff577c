"""The quality judge: a report on every render, measured on its pixels and its plan.

``judge(image, plan, format=..., fonts=...) -> Quality``: a score 0-100 and findings with stable
codes (``legibility_feed``, ``headline_suggested``, ``contrast``, ``safe_zone_badge``,
``safe_zone_grid_crop``, ``safe_zone_grid_crop_logo``, ``clipped``, ``text_over_face``,
``text_over_logo``, ``tofu``, ``orphan``, ``truncated``). One module per concern:
:mod:`.legibility` (feed sizes and glyph bodies), :mod:`.contrast` (pixels), :mod:`.zones`
(badge, grid crop, clipping, overlaps), :mod:`.typography` (tofu, orphan, truncation),
:mod:`.report` (the data and the score).
"""

from .core import judge, judge_plan
from .report import Finding, Quality

__all__ = ["Finding", "Quality", "judge", "judge_plan"]
