"""From a title string to atoms: the unbreakable pieces the fitter wraps.

An atom is a word, or a Chinese/Japanese/Thai phrase found by BudouX with the punctuation glued to
it (the line breaking rules are in :mod:`renderer.text.segment`). ``*marked words*`` are emphasised; with ``auto``
emphasis and no marks, numbers and a few thumbnail power words are.
"""

from __future__ import annotations

import re
import unicodedata

from msgspec.structs import replace

from .segment import Atom, upper_for_display
from .segment import atoms_from_text as _segment_atoms

MAX_TITLE_CHARS = 200

_WHITESPACE = re.compile(r"\s+")
_MARKED = re.compile(r"\*([^*\s][^*]*?)\*")
_NUMBER = re.compile(r"^[#$€£¥]?\d[\d.,:]*(?:[%xX+kKmMbB]|st|nd|rd|th|s)?[!?.,:;]*$")
_LEADING_NUMBER = re.compile(r"^\s*(?:top\s+)?(#?\d{1,4})(?=[\s.:)\-–—])[.:)]?\s*(.+)$", re.I)
_POWER_WORDS = frozenset(
    """never always best worst secret secrets free fast faster fastest easy mistake mistakes
    stop ultimate insane huge truth actually everything nobody everyone
    dead killer hidden crazy impossible simple beginner beginners""".split()
)


def normalize_title(title: str) -> str:
    """Whitespace (newlines and tabs included) folded to single spaces, other control
    characters dropped, ends stripped."""
    folded = _WHITESPACE.sub(" ", title)
    return "".join(ch for ch in folded if ch == " " or unicodedata.category(ch) != "Cc").strip()


def split_leading_number(title: str) -> tuple[str, str]:
    """``'7 Python tricks'`` -> ``('7', 'Python tricks')``; ``('', title)`` when none leads."""
    match = _LEADING_NUMBER.match(title)
    if not match:
        return "", title
    return match.group(1), match.group(2).strip()


def strip_marks(text: str) -> str:
    """The title without emphasis asterisks (``*Actually*`` -> ``Actually``)."""
    return _MARKED.sub(r"\1", text)


def atoms_from_text(text: str, *, auto_emphasis: bool = False, uppercase: bool = False) -> tuple[Atom, ...]:
    """Split a (normalized) title into atoms, honouring ``*emphasis*`` marks."""
    atoms = _segment_atoms(text)
    if auto_emphasis and not any(atom.emphasis for atom in atoms):
        atoms = _auto_emphasis(atoms)
    if uppercase:
        atoms = [replace(atom, text=upper_for_display(atom.text)) for atom in atoms]
    return tuple(atoms)


def _auto_emphasis(atoms: list[Atom]) -> list[Atom]:
    def key(word: str) -> str:
        return word.strip("!?.,:;\"'()").lower()

    chosen = {i for i, atom in enumerate(atoms) if _NUMBER.match(atom.text)}
    if not chosen:
        chosen = {i for i, atom in enumerate(atoms) if key(atom.text) in _POWER_WORDS}
    if len(chosen) * 2 > len(atoms):  # emphasis on most words is no emphasis
        return atoms
    return [replace(atom, emphasis=True) if i in chosen else atom for i, atom in enumerate(atoms)]
