"""The render context that fills layout templates: the title, the format and the brand kit."""

from __future__ import annotations

from typing import Any

from .kit import KitSpec
from ..text.title import split_leading_number, strip_marks


def render_context(title: str, format_name: str, width_px: int, height_px: int, kit: KitSpec) -> dict[str, Any]:
    number, rest = split_leading_number(title)
    if not number:  # a listicle layout chosen by name for a title that does not lead with a number
        number = next((word.strip("*,.:;!?()") for word in title.split() if word.strip("*,.:;!?()$#").isdigit()), "")
    return {
        "title": title,  # normalized, with *emphasis* marks kept for the fitter
        "title_plain": strip_marks(title),
        "number": number,  # the leading number of a listicle title, or ''
        "title_rest": rest,  # the title after that number
        "format": format_name,
        "width": width_px,
        "height": height_px,
        "palette": kit.palette.model_dump(),
        "kit": {"name": kit.name},
    }
