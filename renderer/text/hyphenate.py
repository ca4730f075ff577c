"""Where a long token may break across lines: dictionary hyphenation by language, and the break
points of URLs, paths and code.

:func:`word_pieces` cuts atoms into pieces at those points. A piece after the first of its atom
has ``space_before=False`` and ``word_break``: ``"hyphen"`` (a line ending before it ends with a
hyphen: a dictionary break inside a word) or ``"plain"`` (no hyphen is added: after ``/ . - _ ::``
in a URL, path or identifier, after the hyphen of a compound such as ``state-of-the-art``, before
``<`` and after ``>`` in markup). The fitter uses these breaks only when a title would otherwise be
too small to read (see :mod:`renderer.text.fit`).

Rules, all deterministic:

* **Code** is a token holding ``://``, ``::``, ``/``, ``\\``, ``_``, ``<``, ``>``, ``@``, ``=`` or a
  dot between two letters (``example.com``, ``Node.js``): it breaks only at the plain points above,
  never with a hyphen. A dot is a break point only before a letter (``3.5`` never breaks).
* **Words** break after an inner hyphen (plain) and, inside each run of letters of at least
  ``HYPHENATE_MIN_LETTERS`` grapheme clusters, at the points of pyphen's dictionary (Hunspell's
  patterns, shipped in its wheel: nothing is downloaded), at least 2 clusters from the run's start
  and 3 from its end.
* **Language**: the ``language`` option (a BCP-47 code such as ``de``, ``en-GB``, ``pt-BR``), else
  the script of the word: Cyrillic ``ru``, Greek ``el``, Latin ``de`` when the title holds ä, ö,
  ü or ß, ``es`` when it holds ñ, ¿ or ¡, ``fr`` when it holds ç, œ, è, ê, à, ù or û, else ``en``.
  Other scripts (CJK, Thai, Arabic, Indic ...) get no dictionary hyphenation; their titles already
  break between BudouX phrases or words.
* Every piece holds at least two letters or digits, and every break is between grapheme clusters
  (``\\X``): a combining mark, an emoji sequence or a conjunct is never split.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from msgspec.structs import replace

from ..errors import InputError, shown
from .segment import Atom, graphemes
from .unicode_pattern import UnicodePattern

if TYPE_CHECKING:
    import pyphen  # imported when a word is hyphenated or a language named (~20 ms of a one-shot)

HYPHENATE_MIN_LETTERS = 8  # shorter words are never hyphenated (a headline reads "PY-THON" badly)
_LEFT_MIN, _RIGHT_MIN = 3, 3  # clusters kept before the first and after the last dictionary break
_TAG = UnicodePattern(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$", ascii=r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_CODE = UnicodePattern(r"://|::|[/\\_<>@=]|\p{L}\.\p{L}", ascii=r"://|::|[/\\_<>@=]|[A-Za-z]\.[A-Za-z]")
_LETTERS = UnicodePattern(r"(?:\p{L}\p{M}*)+", ascii="[A-Za-z]+")
_ALNUM = UnicodePattern(r"[\p{L}\p{N}]", ascii="[A-Za-z0-9]")
_LETTER = UnicodePattern(r"\p{L}", ascii="[A-Za-z]")
_BY_SCRIPT = ((UnicodePattern(r"\p{Script=Cyrillic}", ascii=None), "ru"), (UnicodePattern(r"\p{Script=Greek}", ascii=None), "el"))
_LATIN = UnicodePattern(r"\p{Script=Latin}", ascii="[A-Za-z]")
_LATIN_HINTS = (("de", UnicodePattern(r"[äöüßÄÖÜẞ]", ascii=None)), ("es", UnicodePattern(r"[ñÑ¿¡]", ascii=None)),
                ("fr", UnicodePattern(r"[çœèêàùûÇŒÈÊÀÙÛ]", ascii=None)))


def check_language(language: str) -> str:
    """``language`` as given when it is ``"auto"`` or shaped like a BCP-47 code, else InputError.
    A well-formed code without a dictionary (``ja``, ``ar``) is accepted: it just hyphenates nothing."""
    if not isinstance(language, str) or not (language == "auto" or _TAG.match(language)):
        raise InputError(f"language must be auto or a BCP-47 language code such as de, en-GB or pt-BR, got {shown(language)}",
                         field="language")
    return language


def title_language(text: str, language: str = "auto") -> str | None:
    """The pyphen dictionary for a title's words: the option's, else guessed from the script
    (see the module doc); None when there is none."""
    if language != "auto":
        import pyphen

        found: str | None = pyphen.language_fallback(language.replace("-", "_"))
        return found
    for pattern, code in _BY_SCRIPT:
        if pattern.search(text):
            return code
    if _LATIN.search(text):
        return next((code for code, hint in _LATIN_HINTS if hint.search(text)), "en")
    return None


def word_pieces(atoms: tuple[Atom, ...], *, language: str | None) -> tuple[Atom, ...]:
    """The atoms cut at their break points (pieces keep the atom's emphasis)."""
    result: list[Atom] = []
    for atom in atoms:
        pieces = _pieces(atom.text, language)
        if len(pieces) == 1:
            result.append(atom)
            continue
        for index, (text, kind) in enumerate(pieces):
            result.append(atom if index == 0 and text == atom.text else replace(
                atom, text=text, space_before=atom.space_before if index == 0 else False, word_break=kind if index else ""))
    return tuple(result)


@lru_cache(maxsize=8192)
def _pieces(text: str, language: str | None) -> tuple[tuple[str, str], ...]:
    """``text`` cut into ``(piece, kind of the break before it)``; the first kind is ``""``."""
    clusters = graphemes(text)
    if len(clusters) < 4:
        return ((text, ""),)
    starts = [0]
    for cluster in clusters:
        starts.append(starts[-1] + len(cluster))
    boundaries = set(starts[1:-1])
    breaks: dict[int, str] = {}
    code = bool(_CODE.search(text))
    for offset in _plain_points(text, code=code):
        breaks[offset] = "plain"
    if not code and language is not None:
        dictionary = _dictionary(language)
        for run in _LETTERS.finditer(text):
            run_clusters = graphemes(run.group())
            if len(run_clusters) < HYPHENATE_MIN_LETTERS:
                continue
            low = run.start() + len("".join(run_clusters[:_LEFT_MIN]))
            high = run.end() - len("".join(run_clusters[-_RIGHT_MIN:]))
            for position in dictionary.positions(run.group()):
                offset = run.start() + position
                if low <= offset <= high:
                    breaks.setdefault(offset, "hyphen")
    cuts = sorted(offset for offset in breaks if offset in boundaries)
    pieces: list[tuple[str, str]] = []
    previous, kind = 0, ""
    for offset in cuts:
        if _enough(text[previous:offset]) and _enough(text[offset:]):
            pieces.append((text[previous:offset], kind))
            previous, kind = offset, breaks[offset]
    pieces.append((text[previous:], kind))
    return tuple(pieces)


def _plain_points(text: str, *, code: bool) -> list[int]:
    """Offsets where a line may break with no hyphen added."""
    points = []
    for index, char in enumerate(text):
        after = text[index + 1 : index + 2]
        if not after or index == 0:
            continue
        if char in "-–—" and after not in "-–—" and _ALNUM.match(text[index - 1]):
            points.append(index + 1)  # state-of-|the-|art (an inner hyphen or dash)
        elif not code:
            continue
        elif char in "/\\_" and after not in "/\\_":
            points.append(index + 1)
        elif char == ":" and text[index - 1] == ":" and after != ":":
            points.append(index + 1)
        elif char == "." and _LETTER.match(after):
            points.append(index + 1)
        elif char == ">" and after != ">":
            points.append(index + 1)
        elif after == "<":
            points.append(index + 1)
    return points


def _enough(piece: str) -> bool:
    return len(_ALNUM.findall(piece)) >= 2


@lru_cache(maxsize=32)
def _dictionary(language: str) -> pyphen.Pyphen:
    import pyphen

    return pyphen.Pyphen(lang=language)


__all__ = ["HYPHENATE_MIN_LETTERS", "check_language", "title_language", "word_pieces"]
