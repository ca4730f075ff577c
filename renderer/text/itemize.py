"""Font itemization: which font of a fallback chain draws each grapheme cluster of a text.

Pure: fonts are given as :class:`Coverage` (a key and the code points of its ``cmap``), so this
module needs no font files and tests can use small fake chains.

Per grapheme cluster:

* every code point that needs a glyph (not a Default_Ignorable one such as ZWJ, a variation
  selector or an emoji tag) must be in the font's cmap;
* an emoji-presentation cluster (UTS #51: VS16, keycap, flag, modifier, ZWJ sequence or an
  Emoji_Presentation character) tries the colour emoji fonts first, then the chain;
  any other cluster tries the chain's text fonts in order, the emoji fonts last;
* a cluster with no letter in it (digits, punctuation, spaces, symbols) keeps the text font of
  the cluster before it, or else takes the text font of the next letter, when that covers it: the
  ``1000`` in ``1000円`` is drawn by the CJK font, the ``2024`` in an Arabic title by the Arabic
  font, and a space never splits a run (what HarfBuzz-based text stacks call script inheritance);
* a cluster no font covers goes to the primary font (where FreeType draws ``.notdef``) and its
  uncovered code points are reported in :attr:`Itemized.missing`, for the renderer's warning.

Adjacent clusters with the same font (and, given a paragraph level, the same bidi level) make
one :class:`Run`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Literal

from msgspec import Struct

from .bidi import resolve_levels
from .segment import graphemes, is_emoji_cluster
from .unicode_pattern import UnicodePattern

Direction = Literal["ltr", "rtl"]

_IGNORABLE = UnicodePattern(r"[\p{Default_Ignorable_Code_Point}\p{Cc}]", ascii=r"[\x00-\x1f\x7f]")


class Coverage:
    """A font as the itemizer sees it: a key and the code points its cmap maps, given as a set or
    as a function that reads them the first time they are needed (a fallback font that no title
    reaches is never opened)."""

    __slots__ = ("_code_points", "_read", "emoji", "key")

    def __init__(self, key: str, code_points: frozenset[int] | Callable[[], frozenset[int]], emoji: bool = False) -> None:
        self.key = key
        self.emoji = emoji
        self._code_points = code_points if isinstance(code_points, frozenset) else None
        self._read = None if isinstance(code_points, frozenset) else code_points

    @property
    def code_points(self) -> frozenset[int]:
        if self._code_points is None:
            assert self._read is not None
            self._code_points = self._read()
        return self._code_points

    def __repr__(self) -> str:
        return f"Coverage({self.key!r}, emoji={self.emoji})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Coverage) and (self.key, self.emoji, self.code_points) == (other.key, other.emoji, other.code_points)

    def __hash__(self) -> int:
        return hash((self.key, self.emoji))

    def covers(self, text: str) -> bool:
        """Whether every character of ``text`` that needs a glyph is in the cmap."""
        code_points = set(map(ord, text))
        if code_points <= self.code_points:  # the common case: one set operation
            return True
        return all(cp in self.code_points for cp in code_points if not _IGNORABLE.match(chr(cp)))


class Run(Struct, frozen=True):
    """Consecutive clusters drawn by one font in one direction (text in logical order)."""

    text: str
    font_key: str
    direction: Direction = "ltr"


class Itemized(Struct, frozen=True):
    runs: tuple[Run, ...]
    missing: tuple[int, ...]  # code points no font of the chain covers, sorted, unique


def needs_glyph(char: str) -> bool:
    """Whether a character must be in a font's cmap to be drawn (ignorables need not)."""
    return not _IGNORABLE.match(char)


def _has_letter(cluster: str) -> bool:
    return any(unicodedata.category(char)[0] == "L" for char in cluster)


def _candidates(cluster: str, chain: Sequence[Coverage]) -> list[Coverage]:
    emoji = [font for font in chain if font.emoji]
    text = [font for font in chain if not font.emoji]
    return emoji + text if is_emoji_cluster(cluster) else text + emoji


def _first_covering(cluster: str, chain: Sequence[Coverage]) -> Coverage | None:
    return next((font for font in _candidates(cluster, chain) if font.covers(cluster)), None)


def itemize(text: str, chain: Sequence[Coverage], *, paragraph_level: int | None = None) -> Itemized:
    """Split ``text`` into runs, each drawn by the first font of ``chain`` (primary first) that
    covers its clusters; with ``paragraph_level`` (0 or 1) runs also split where the bidi level
    changes and carry their direction."""
    if not chain:
        raise ValueError("itemize needs a chain with at least the primary font")
    clusters = graphemes(text)
    primary = chain[0]
    # Pass 1: fonts for clusters that decide for themselves (letters, emoji).
    chosen: list[Coverage | None] = [None] * len(clusters)
    missing: set[int] = set()
    for index, cluster in enumerate(clusters):
        if not any(needs_glyph(char) for char in cluster):
            continue
        if is_emoji_cluster(cluster) or _has_letter(cluster):
            font = _first_covering(cluster, chain)
            if font is None:
                missing.update(_uncovered(cluster, chain))
                font = primary
            chosen[index] = font
    # Pass 2: clusters without letters inherit from the cluster before, or the next letter.
    resolved: list[Coverage] = []
    for index, cluster in enumerate(clusters):
        font = chosen[index]
        if font is None:
            neighbours = [resolved[-1]] if resolved and not resolved[-1].emoji else []
            following = next((f for f in chosen[index + 1 :] if f is not None and not f.emoji), None)
            if following is not None:
                neighbours.append(following)
            font = next((f for f in neighbours if f.covers(cluster)), None) or _first_covering(cluster, chain)
            if font is None:
                missing.update(_uncovered(cluster, chain))
                font = primary
        resolved.append(font)
    levels = _cluster_levels(text, clusters, paragraph_level)
    runs: list[Run] = []
    run_levels: list[int] = []
    for cluster, font, level in zip(clusters, resolved, levels):
        if runs and runs[-1].font_key == font.key and run_levels[-1] == level:
            runs[-1] = Run(runs[-1].text + cluster, font.key, runs[-1].direction)
        else:
            runs.append(Run(cluster, font.key, "rtl" if level % 2 else "ltr"))
            run_levels.append(level)
    return Itemized(tuple(runs), tuple(sorted(missing)))


def _uncovered(cluster: str, chain: Sequence[Coverage]) -> set[int]:
    return {
        ord(char)
        for char in cluster
        if needs_glyph(char) and not any(ord(char) in font.code_points for font in chain)
    } or {ord(char) for char in cluster if needs_glyph(char)}


def _cluster_levels(text: str, clusters: list[str], paragraph_level: int | None) -> list[int]:
    if paragraph_level is None:
        return [0] * len(clusters)
    char_levels = resolve_levels(text, paragraph=paragraph_level)
    levels, position = [], 0
    for cluster in clusters:
        levels.append(char_levels[position])
        position += len(cluster)
    return levels
