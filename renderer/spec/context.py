"""The render context that fills layout templates: the title and its parts, the secondary texts,
the format and the brand kit."""

from __future__ import annotations

try:  # the hash without hashlib's import, which loads OpenSSL (as renderer.compiled does)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python
    from hashlib import blake2b
from typing import Any

from .auto_layout import quote_parts, stat_parts, versus_parts
from .kit import KitSpec
from ..text.title import split_leading_number, strip_marks


def title_seed(title: str) -> int:
    """A stable number from the title (unlike ``hash()``, the same in every process and run): what
    varies a series of thumbnails (a pattern, its offset) while each title renders the same."""
    return int.from_bytes(blake2b(strip_marks(title).casefold().encode("utf-8"), digest_size=8).digest(), "big")


def render_context(title: str, format_name: str, width_px: int, height_px: int, kit: KitSpec, *,
                   subtitle: str = "", badge: str = "") -> dict[str, Any]:
    number, rest = split_leading_number(title)
    if not number:  # a listicle layout chosen by name for a title that does not lead with a number
        number = next((word.strip("*,.:;!?()") for word in title.split() if word.strip("*,.:;!?()$#").isdigit()), "")
    versus = versus_parts(title)
    quote = quote_parts(title)
    stat = stat_parts(title)
    return {
        "title": title,  # normalized, with *emphasis* marks kept for the fitter
        "title_plain": strip_marks(title),
        "number": number,  # the leading number of a listicle title, or ''
        "title_rest": rest,  # the title after that number
        "subtitle": subtitle,  # a kicker, tagline or speaker, or ''
        "badge": badge,  # a short label ("NEW", "EP 14"), or ''
        "versus": {  # "X vs Y: note": the sides (the whole title as one side when it is no match-up)
            "sides": list(versus.sides) if versus else [title],
            "note": versus.note if versus else "",
        },
        "quote": quote.body if quote else title,  # the quoted words without their quote marks
        "speaker": subtitle or (quote.speaker if quote else ""),  # who said it: the subtitle, else the title's attribution
        "figure": stat.figure if stat else "",  # a notable figure ("$87,000", "100%", "10x"), or ''
        "figure_rest": stat.rest if stat else title,  # the title after a leading figure, else all of it
        "seed": title_seed(title),
        "format": format_name,
        "width": width_px,
        "height": height_px,
        "palette": kit.palette.model_dump(),
        "kit": {"name": kit.name},
        "site": kit.site or "",
    }
