"""Legibility at feed size: how tall a title's letters are where people first see them.

Shared by the fitter (which sizes titles to stay legible: :func:`legible_size_px`) and the judge
(which reports what was drawn: :mod:`renderer.judge.legibility`).

**The feed views** (in CSS pixels, the unit people read in; :data:`FEED_VIEWS`):

* ``youtube``: 168 px wide, the thumbnail in the watch page's "Up next" column (its smallest
  common size; the home grid shows it 2-3 times larger);
* ``instagram``: a profile-grid tile. A phone 390 px wide (iPhone 12 to 15) shows three columns
  with 1 px gaps, tiles ~130 px wide, and the grid crops each square post to its centre 3:4: the
  tile's 130 px show 3/4 of the post's width (so the post is seen at 130 / (0.75 * 1080));
* ``x``, ``linkedin``, ``blogpost``: a link preview (summary card, shared-link card, Open Graph
  unfurl in a chat or feed) about 500 px wide on a desktop feed.

**The measure**: the height of the script's main glyph body, from the font's own outlines at the
fitted size, scaled to the feed view: the cap height (``H``) for Latin, Greek, Cyrillic and
digits; the letter height of ``ה`` for Hebrew, of ``ه`` (heh, the bowl without ascender) for
Arabic, the headline-to-baseline body of ``क`` for Devanagari, the body of ``ก`` for Thai, the
ideograph body of ``国`` for Chinese, Japanese and Korean (kana and Hangul fill the same square). Each
glyph is drawn by the face that draws that script in the title's typeface (the fallback chain).
A text is measured on the script most of its letters are in; emoji and punctuation do not count.

**The limits** (:data:`LIMITS`): a body of at least 7 px is legible; under 5 px the title fails;
between, a warning. Why: screen text needs a font size of about 10-11 px to be read without
effort and ~7-8 px to be made out at all; a Latin cap height is ~0.66-0.73 em, so 7 px of cap is a
~10 px font and 5 px a ~7 px one. The bodies chosen for Hebrew, Arabic, Devanagari and Thai are
0.55-0.63 em, so the same 7/5 px ask for a 11-13 px font: these scripts' usual minimum sizes,
higher than Latin's for their marks and joins. A CJK body fills ~0.82 em of the square and its
glyphs carry many more strokes, so Chinese, Japanese and Korean (one ``CJK`` body) get 9/6.5 px: the same ~11/8 px font, the common minimum
for Chinese and Japanese screen text (12 px).
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

from msgspec import Struct

from .typeset import Typeface
from .unicode_pattern import UnicodePattern

_REFERENCE_PX = 256


class FeedView(Struct, frozen=True):
    width_css_px: float  # how wide the image (or the part of it shown) is in the feed
    shown_fraction: float  # the share of the image's width shown at that width (a 3:4 crop: 0.75)
    where: str  # said in messages

    def scale(self, image_width_px: int) -> float:
        """Feed pixels per image pixel."""
        return self.width_css_px / (self.shown_fraction * image_width_px)


FEED_VIEWS: dict[str, FeedView] = {
    "youtube": FeedView(168, 1.0, "YouTube's 168 px sidebar"),
    "instagram": FeedView(130, 0.75, "an Instagram profile-grid tile (130 px, centre 3:4)"),
    "x": FeedView(500, 1.0, "a 500 px link preview"),
    "linkedin": FeedView(500, 1.0, "a 500 px link preview"),
    "blogpost": FeedView(500, 1.0, "a 500 px link preview"),
}


class BodyLimits(Struct, frozen=True):
    reference: str  # the glyph whose ink height is the script's main body
    legible_px: float  # at least this at feed size: legible
    fail_px: float  # under this: fails


_ALPHABETIC = BodyLimits("H", 7.0, 5.0)
LIMITS: dict[str, BodyLimits] = {
    "Latin": _ALPHABETIC, "Greek": _ALPHABETIC, "Cyrillic": _ALPHABETIC, "Common": _ALPHABETIC,
    "Hebrew": BodyLimits("ה", 7.0, 5.0), "Arabic": BodyLimits("ه", 7.0, 5.0),
    "Devanagari": BodyLimits("क", 7.0, 5.0), "Thai": BodyLimits("ก", 7.0, 5.0),
    "CJK": BodyLimits("国", 9.0, 6.5),  # Han, kana and Hangul: one body (the same CJK face draws them)
}
_PATTERNS = {
    "Latin": r"\p{Script=Latin}", "Greek": r"\p{Script=Greek}", "Cyrillic": r"\p{Script=Cyrillic}",
    "Hebrew": r"\p{Script=Hebrew}", "Arabic": r"\p{Script=Arabic}", "Devanagari": r"\p{Script=Devanagari}",
    "Thai": r"\p{Script=Thai}", "CJK": r"[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]",
    "Common": r"[\p{L}\p{N}]",
}
_ASCII_PATTERNS = {"Latin": "[A-Za-z]", "Common": "[0-9]"}  # the others match no ASCII character
_SCRIPT = UnicodePattern("|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS.items()),
                         ascii="|".join(f"(?P<{name}>{_ASCII_PATTERNS.get(name, '(?!)')})" for name in _PATTERNS))


def main_script(text: str) -> str | None:
    """The script most letters and digits of ``text`` are in (``Common``: digits, other scripts);
    None when it has none (emoji, punctuation)."""
    counts: Counter[str] = Counter(match.lastgroup for match in _SCRIPT.finditer(text))
    if not counts:
        return None
    return max(counts.items(), key=lambda item: (item[1], item[0] != "Common"))[0]


@lru_cache(maxsize=256)
def body_em(typeface: Typeface, reference: str) -> float:
    """The ink height of ``reference`` in em, in the face of ``typeface`` that draws it."""
    run = typeface.runs(reference)[0]
    face = run.face
    if face.is_bitmap:
        return 1.0
    _, top, _, bottom = face.at(_REFERENCE_PX).getbbox(reference, anchor="ls", features=face.feature_list)
    return (bottom - top) / _REFERENCE_PX


def legible_size_px(typeface: Typeface, text: str, format_name: str, canvas_width_px: int) -> int:
    """The least font size at which ``text`` (by its main script's glyph body in ``typeface``)
    reaches its script's legible limit where the format is shown small."""
    script = main_script(text) or "Latin"
    limits = LIMITS[script]
    scale = FEED_VIEWS[format_name].scale(canvas_width_px)
    return math.ceil(limits.legible_px / (body_em(typeface, limits.reference) * scale) - 1e-9)


__all__ = ["FEED_VIEWS", "LIMITS", "BodyLimits", "FeedView", "body_em", "legible_size_px", "main_script"]
