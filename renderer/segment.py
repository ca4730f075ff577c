"""Grapheme clusters and line-break units ("atoms") for titles in any script.

A title becomes a sequence of :class:`Atom`; a line may break only between two atoms, never
inside one, and an atom is always whole grapheme clusters (``\\X``, UAX #29 with the Indic
conjunct rule), so emoji ZWJ sequences, skin tones, keycaps, flags and combining marks are never
split.

Break opportunities are the subset of UAX #14 a title needs, built on the ``regex`` module's
Unicode properties (``lb``, ``ea``, ``Emoji_Presentation``, ``Extended_Pictographic``):

* white space separates atoms (the next atom has ``space_before=True``); U+200B ZERO WIDTH SPACE
  separates them with no space; U+00A0 and the other no-break spaces do not separate;
* inside a run of non-space text, a break is allowed before and after each Chinese or Japanese
  character (wide or full-width, East_Asian_Width W/F, not Hangul) and between two emoji, so CJK
  text yields one atom per character; Korean breaks at spaces only (``word-break: keep-all``),
  and Latin, Arabic, Devanagari ... words are atoms;
* kinsoku: no break before line-start-prohibited characters (Line_Break CL, CP, EX, IS, NS, CJ,
  IN, closing quotes, plus ``ー … ‥ ・ ゝ ゞ 々``), none after line-end-prohibited ones (OP, opening
  quotes), so those glue to their neighbour.

Emphasis markup: ``*word*`` or ``*several words*`` (also ``**word**``) marks emphasis; the
asterisks are removed and the atoms inside get ``emphasis=True``. An asterisk that opens nothing
(``5 * 3``, a lone ``*``) stays literal. An atom that is only partly inside the markup (``*Apple*'s``)
is emphasised as a whole, since an atom never splits.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

from .errors import InputError

_GRAPHEME = regex.compile(r"\X")
_SURROGATE = regex.compile(r"[\ud800-\udfff]")
# White space that separates words (White_Space minus the no-break spaces), C0/C1 controls too.
_SEPARATOR = regex.compile(r"[\p{White_Space}\p{Cc}--[\u00a0\u2007\u202f]]", flags=regex.V1)
_ZERO_WIDTH_BREAK = "\u200b"
_MARKER = regex.compile(r"\*+")

_NO_BREAK_BEFORE = regex.compile(
    r"[\p{lb=CL}\p{lb=CP}\p{lb=EX}\p{lb=IS}\p{lb=NS}\p{lb=CJ}\p{lb=IN}\p{Pf}"
    r"ー…‥・ゝゞ々〻ヽヾ\u200d]"
)
_NO_BREAK_AFTER = regex.compile(r"[\p{lb=OP}\p{Pi}]")
_HANGUL = regex.compile(r"\p{Script=Hangul}")
_EMOJI_PRESENTATION = regex.compile(r"\p{Emoji_Presentation}")
_PICTOGRAPHIC = regex.compile(r"\p{Extended_Pictographic}")
_REGIONAL_INDICATOR = regex.compile(r"[\U0001F1E6-\U0001F1FF]")
_EMOJI_MODIFIER = regex.compile(r"[\U0001F3FB-\U0001F3FF]")
_TAG = regex.compile(r"[\U000E0020-\U000E007F]")

VS15_TEXT = "\ufe0e"
VS16_EMOJI = "\ufe0f"
KEYCAP = "\u20e3"
ZWJ = "\u200d"


@dataclass(frozen=True)
class Atom:
    """An unbreakable piece of a title: a word, or one CJK character with its glued punctuation."""

    text: str
    space_before: bool = True
    emphasis: bool = False


def graphemes(text: str) -> list[str]:
    """The extended grapheme clusters of ``text``, in order."""
    return _GRAPHEME.findall(text)


def is_emoji_cluster(cluster: str) -> bool:
    """Whether a grapheme cluster is shown as a colour emoji (UTS #51 presentation rules)."""
    if not cluster:
        return False
    if VS15_TEXT in cluster:
        return False
    if VS16_EMOJI in cluster or KEYCAP in cluster:
        return True
    first = cluster[0]
    if _REGIONAL_INDICATOR.match(first):
        return True
    if _EMOJI_PRESENTATION.match(first):
        return True
    if _PICTOGRAPHIC.match(first) and (
        _EMOJI_MODIFIER.search(cluster) or ZWJ in cluster or _TAG.search(cluster)
    ):
        return True
    return False


def _is_cjk_unit(cluster: str) -> bool:
    """A character that CJK typesetting may break before and after (not Korean, not emoji)."""
    first = cluster[0]
    if _HANGUL.match(first) or is_emoji_cluster(cluster):
        return False
    return unicodedata.east_asian_width(first) in ("W", "F") and unicodedata.category(first)[0] in "LNPS"


def _break_allowed(before: str, after: str) -> bool:
    """Whether a line may break between two adjacent grapheme clusters with no space between."""
    if _NO_BREAK_BEFORE.match(after[0]) or _NO_BREAK_AFTER.match(before[-1]):
        return False
    if _is_cjk_unit(before) or _is_cjk_unit(after):
        return True
    return is_emoji_cluster(before) and is_emoji_cluster(after)


def check_text(text: str) -> None:
    """Raise :class:`InputError` if ``text`` can't be drawn at all (an unpaired surrogate)."""
    found = _SURROGATE.search(text)
    if found:
        raise InputError(
            f"title contains an unpaired surrogate U+{ord(found.group()):04X}; send valid Unicode text",
            field="title",
        )


def parse_emphasis(text: str) -> tuple[str, tuple[bool, ...]]:
    """Remove ``*emphasis*`` markers: the plain text and, per character of it, whether emphasised."""
    markers = list(_MARKER.finditer(text))
    opens: dict[int, int] = {}  # start index of an opening marker -> index of its closing marker
    index = 0
    while index < len(markers):
        marker = markers[index]
        after = text[marker.end() : marker.end() + 1]
        if after and not _SEPARATOR.match(after):
            for closing_index in range(index + 1, len(markers)):
                closing = markers[closing_index]
                before = text[closing.start() - 1]
                if not _SEPARATOR.match(before):
                    opens[index] = closing_index
                    index = closing_index
                    break
        index += 1
    removed: dict[int, int] = {}  # start -> end of the marker spans that disappear
    emphasised: list[tuple[int, int]] = []
    for open_index, close_index in opens.items():
        opening, closing = markers[open_index], markers[close_index]
        removed[opening.start()] = opening.end()
        removed[closing.start()] = closing.end()
        emphasised.append((opening.end(), closing.start()))
    chars: list[str] = []
    flags: list[bool] = []
    position = 0
    while position < len(text):
        if position in removed:
            position = removed[position]
            continue
        chars.append(text[position])
        flags.append(any(start <= position < end for start, end in emphasised))
        position += 1
    return "".join(chars), tuple(flags)


def atoms_from_text(text: str) -> list[Atom]:
    """Split a title into atoms (see the module doc); NFC-normalised, markup removed."""
    check_text(text)
    plain, flags = parse_emphasis(unicodedata.normalize("NFC", text))
    atoms: list[Atom] = []
    pending_space = False
    current: list[str] = []
    current_emphasis = False
    position = 0

    def flush(*, space_after: bool) -> None:
        nonlocal current, current_emphasis, pending_space
        if current:
            atoms.append(Atom("".join(current), pending_space and bool(atoms), current_emphasis))
            current, current_emphasis = [], False
            pending_space = False
        pending_space = pending_space or space_after

    previous: str | None = None
    for cluster in graphemes(plain):
        emphasis = any(flags[position : position + len(cluster)])
        position += len(cluster)
        if cluster == _ZERO_WIDTH_BREAK:
            flush(space_after=False)
            previous = None
            continue
        if _SEPARATOR.match(cluster[0]):
            flush(space_after=True)
            previous = None
            continue
        if previous is not None and _break_allowed(previous, cluster):
            flush(space_after=False)
        current.append(cluster)
        current_emphasis = current_emphasis or emphasis
        previous = cluster
    flush(space_after=False)
    return atoms


_GREEK_ACCENTS = regex.compile(r"(\p{Script=Greek}\p{Mn}*?)[\u0300\u0301\u0342\u0313\u0314]")


def upper_for_display(text: str) -> str:
    """Upper case for an all-caps title: ``str.upper`` plus Greek's rule that capitals drop
    their accents (``Πώς`` -> ``ΠΩΣ``, not ``ΠΏΣ``); the diaeresis stays."""
    upper = text.upper()
    if not regex.search(r"\p{Script=Greek}", upper):
        return upper
    decomposed = unicodedata.normalize("NFD", upper)
    while True:
        stripped = _GREEK_ACCENTS.sub(r"\1", decomposed)
        if stripped == decomposed:
            return unicodedata.normalize("NFC", stripped)
        decomposed = stripped
