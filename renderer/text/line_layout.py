"""One fitted line of atoms as pieces to draw left to right: bidi levels, emphasis, visual order.

A line's logical text is its atoms joined by single spaces (where ``space_before``); a space
between an emphasised and a plain atom is plain. The line is cut where the emphasis or the bidi
embedding level changes (UAX #9, with the paragraph level of the whole title), and the pieces are
put in visual order (rule L2). Each piece has one direction; the painter draws a right-to-left
piece with its font runs from right to left.

Fast path: a line with no right-to-left character, in a left-to-right paragraph, is all level 0.
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct

from .bidi import paragraph_level, resolve_levels, visual_order
from .segment import Atom, graphemes
from .unicode_pattern import UnicodePattern

_NEEDS_BIDI = UnicodePattern(
    r"[\p{Bidi_Class=R}\p{Bidi_Class=AL}\p{Bidi_Class=AN}\u202a-\u202e\u2066-\u2069]", ascii=None
)


class LinePiece(Struct, frozen=True):
    """Part of a line with one emphasis and one direction; ``text`` in logical order."""

    text: str
    emphasis: bool
    rtl: bool = False


def title_direction(atoms: Sequence[Atom]) -> int:
    """The paragraph level of a title: 1 when its first strong character is right-to-left."""
    text = " ".join(atom.text for atom in atoms)
    if not _NEEDS_BIDI.search(text):
        return 0
    return paragraph_level(text)


def line_pieces(atoms: Sequence[Atom], *, paragraph: int = 0) -> tuple[LinePiece, ...]:
    """The pieces of one line in left-to-right visual order."""
    chars: list[str] = []
    emphasis: list[bool] = []
    for index, atom in enumerate(atoms):
        if index and atom.space_before:
            chars.append(" ")
            emphasis.append(atom.emphasis and atoms[index - 1].emphasis)
        chars.extend(atom.text)
        emphasis.extend([atom.emphasis] * len(atom.text))
    text = "".join(chars)
    if not text:
        return ()
    if paragraph == 0 and not _NEEDS_BIDI.search(text):
        levels = [0] * len(text)
    else:
        levels = _cluster_levels(text, resolve_levels(text, paragraph=paragraph))
    pieces: list[LinePiece] = []
    piece_levels: list[int] = []
    start = 0
    for end in range(1, len(text) + 1):
        if end == len(text) or emphasis[end] != emphasis[start] or levels[end] != levels[start]:
            pieces.append(LinePiece(text[start:end], emphasis[start], rtl=levels[start] % 2 == 1))
            piece_levels.append(levels[start])
            start = end
    return tuple(pieces[index] for index in visual_order(piece_levels))


def _cluster_levels(text: str, levels: list[int]) -> list[int]:
    """Every character of a grapheme cluster at the level of its first, so no cut splits one."""
    position = 0
    for cluster in graphemes(text):
        levels[position : position + len(cluster)] = [levels[position]] * len(cluster)
        position += len(cluster)
    return levels
