"""What the words look like: tofu, an orphan word, a truncated title.

* ``tofu`` (a fail): characters no bundled font draws, shown as empty boxes. Compose names them
  in the plan's warnings (``no bundled font covers U+xxxx ...``); the value is how many.
* ``orphan`` (a warn): the last line of a text of three lines or more holds one word alone,
  when a better break exists: the line above keeps at least two words after giving its last one,
  and the two words together fit the widest line already set (so the size would not change).
  Not for Chinese, Japanese or Thai lines (no spaces: their phrases are the break units) nor for
  lines mixing directions.
* ``truncated`` (a warn): the text was cut with an ellipsis to fit (a layout in truncate mode).
"""

from __future__ import annotations

import re

from ..text.fonts import FontBook
from ..compose.plan import Plan, PlanLine, PlanText
from .legibility import typeface_for
from .report import Finding

_TOFU = re.compile(r"no bundled font covers ((?:U\+[0-9A-F]{4,6} ?)+)")


def tofu_findings(plan: Plan) -> list[Finding]:
    missing: list[str] = []
    for warning in plan.warnings:
        match = _TOFU.search(warning)
        if match:
            missing.extend(code for code in match.group(1).split() if code not in missing)
    if not missing:
        return []
    shown = " ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
    return [Finding("tofu", f"no bundled font draws {shown}: drawn as empty boxes", float(len(missing)), 0.0, "fail")]


def _logical_text(line: PlanLine) -> str | None:
    """The line's text in reading order, or None when it mixes directions."""
    directions = {segment.rtl for segment in line.segments}
    if len(directions) > 1:
        return None
    segments = reversed(line.segments) if directions == {True} else line.segments
    return "".join(segment.text for segment in segments)


def orphan(text: PlanText, fonts: FontBook) -> str | None:
    """The orphaned word of ``text`` when a better break exists, else None."""
    if len(text.lines) < 3:
        return None
    last, above = _logical_text(text.lines[-1]), _logical_text(text.lines[-2])
    if last is None or above is None:
        return None
    last_words, above_words = last.split(), above.split()
    if len(last_words) != 1 or len(above_words) < 3 or not any(ch.isalpha() for ch in last_words[0]):
        return None
    typeface = typeface_for(fonts, text.font)
    joined = f"{above_words[-1]} {last_words[0]}"
    widest = max(line.width_px for line in text.lines)
    pad = 0.24 * text.size_px if text.emphasis_style == "highlight" else 0.0
    if typeface.width_px(joined, text.size_px) + pad > widest:
        return None
    return last_words[0]


def orphan_findings(plan: Plan, fonts: FontBook) -> list[Finding]:
    for text in plan.texts:
        word = orphan(text, fonts)
        if word is not None:
            return [Finding("orphan", f"{word!r} stands alone on the last line; it fits beside the word above it",
                            None, None, "warn")]
    return []


def truncation_findings(plan: Plan) -> list[Finding]:
    cut = [text for text in plan.texts if text.truncated]
    if not cut:
        return []
    return [Finding("truncated", f"the text of layer {cut[0].layer} was cut with an ellipsis to fit its box",
                    None, None, "warn")]


__all__ = ["orphan", "orphan_findings", "tofu_findings", "truncation_findings"]
