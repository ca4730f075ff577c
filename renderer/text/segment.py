"""Grapheme clusters and line-break units ("atoms") for titles in any script.

A title becomes a sequence of :class:`Atom`; a line may break only between two atoms, never
inside one, and an atom is always whole grapheme clusters (``\\X``, UAX #29 with the Indic
conjunct rule), so emoji ZWJ sequences, skin tones, keycaps, flags and combining marks are never
split.

Break opportunities are the subset of UAX #14 a title needs, built on the ``regex`` module's
Unicode properties (``lb``, ``ea``, ``Emoji_Presentation``, ``Extended_Pictographic``), with
Google's BudouX (small offline models) for the languages written without spaces:

* white space separates atoms (the next atom has ``space_before=True``); U+200B ZERO WIDTH SPACE
  separates them with no space; U+00A0 and the other no-break spaces do not separate;
* Chinese and Japanese (wide or full-width characters, East_Asian_Width W/F, not Hangul) break
  between BudouX phrases (``東京で|一番|おいしい``, ``为什么|你|的|Python|代码``), never inside one,
  and at an ``*emphasis*`` boundary. The model is chosen per title: Japanese when it holds any
  kana (a kanji-only run of a Japanese title is Japanese too), else Traditional Chinese when more
  of its distinct Han characters are only in Big5 than only in GB2312, else Simplified Chinese.
  BudouX reads the whole run between spaces (Latin words and digits included, in their original
  case), so it sees the context it was trained on;
* a Latin word (or number) glues to CJK text that follows it with no space (``Python代码``,
  ``2026年``, ``Pythonの``, ``GPUで``): no break there, whatever the model says, since the CJK
  after a word is nearly always its particle, counter or the noun it qualifies; CJK followed by a
  Latin word breaks only where BudouX puts a phrase boundary (``你的|Python`` but ``学习Python``).
  A Latin word itself never breaks;
* Thai breaks between BudouX (Thai model) phrases; a Thai run and a Latin word touching it glue;
* an emoji glues to the word or character before it when no space separates them
  (``Launch🚀``, ``MACHINE🍝🔥``, ``家族🎉``); a run of emoji alone breaks between emoji, and a
  line may break after an emoji before CJK or Thai. :func:`keep_trailing_emoji` then keeps a
  short emoji group at the end of a title on the line of the word before it;
* Korean breaks at spaces only (``word-break: keep-all``), and Latin, Arabic, Devanagari ... words
  are atoms;
* kinsoku: no break before line-start-prohibited characters (Line_Break CL, CP, EX, IS, NS, CJ,
  IN, closing quotes, plus ``ー … ‥ ・ ゝ ゞ 々`` and Thai ``ๆ ฯ``), none after line-end-prohibited
  ones (OP, opening quotes), so those glue to their neighbour. Kinsoku overrides BudouX.

The fitter still breaks an atom wider than its box between grapheme clusters (at the minimum
size), so a long phrase can never make a title unrenderable.

Emphasis markup: ``*word*`` or ``*several words*`` (also ``**word**``) marks emphasis; the
asterisks are removed and the atoms inside get ``emphasis=True``. An asterisk that opens nothing
(``5 * 3``, a lone ``*``) stays literal. An atom that is only partly inside the markup (``*Apple*'s``)
is emphasised as a whole, since an atom never splits.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from msgspec import Struct
from msgspec.structs import replace

from ..errors import InputError
from .unicode_pattern import UnicodePattern

if TYPE_CHECKING:
    import budoux

_GRAPHEME = UnicodePattern(r"\X", ascii=r"(?s:\r\n|.)")
_SURROGATE = UnicodePattern(r"[\ud800-\udfff]", ascii=None)
# White space that separates words (White_Space minus the no-break spaces), C0/C1 controls too.
_SEPARATOR = UnicodePattern(r"(?V1)[\p{White_Space}\p{Cc}--[\u00a0\u2007\u202f]]", ascii=r"[\x00-\x20\x7f]")
_ZERO_WIDTH_BREAK = "\u200b"
_MARKER = UnicodePattern(r"\*+", ascii=r"\*+")

_NO_BREAK_BEFORE = UnicodePattern(
    r"[\p{lb=CL}\p{lb=CP}\p{lb=EX}\p{lb=IS}\p{lb=NS}\p{lb=CJ}\p{lb=IN}\p{Pf}"
    r"ー…‥・ゝゞ々〻ヽヾๆฯ\u200d]", ascii=r"[!),.:;?\]}]"
)
_NO_BREAK_AFTER = UnicodePattern(r"[\p{lb=OP}\p{Pi}]", ascii=r"[(\[{]")
_HANGUL = UnicodePattern(r"\p{Script=Hangul}", ascii=None)
_HAN = UnicodePattern(r"\p{Script=Han}", ascii=None)
_KANA = UnicodePattern(r"[\p{Script=Hiragana}\p{Script=Katakana}]", ascii=None)
_THAI = UnicodePattern(r"\p{Script=Thai}", ascii=None)
_EMOJI_PRESENTATION = UnicodePattern(r"\p{Emoji_Presentation}", ascii=None)
_PICTOGRAPHIC = UnicodePattern(r"\p{Extended_Pictographic}", ascii=None)
_REGIONAL_INDICATOR = UnicodePattern(r"[\U0001F1E6-\U0001F1FF]", ascii=None)
_EMOJI_MODIFIER = UnicodePattern(r"[\U0001F3FB-\U0001F3FF]", ascii=None)
_TAG = UnicodePattern(r"[\U000E0020-\U000E007F]", ascii=None)

VS15_TEXT = "\ufe0e"
VS16_EMOJI = "\ufe0f"
KEYCAP = "\u20e3"
ZWJ = "\u200d"


class Atom(Struct, frozen=True):
    """An unbreakable piece of a title: a word, or one CJK character with its glued punctuation."""

    text: str
    space_before: bool = True
    emphasis: bool = False
    # A piece of a word cut at a break point (renderer.text.hyphenate): a line may end before it, with a
    # hyphen added ("hyphen") or none ("plain"); "forced"/"forced-hyphen": a cluster of a word too
    # wide for its box (renderer.text.fit); "" for a whole word or a phrase.
    word_break: str = ""


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


def _is_thai(cluster: str) -> bool:
    return bool(_THAI.match(cluster[0]))


def _cjk_language(text: str) -> str:
    """The BudouX model for the Chinese or Japanese of a title (see the module doc)."""
    if _KANA.search(text):
        return "ja"
    simplified = traditional = 0
    for char in set(_HAN.findall(text)):
        in_gb, in_big5 = _encodes(char, "gb2312"), _encodes(char, "big5")
        simplified += in_gb and not in_big5
        traditional += in_big5 and not in_gb
    return "zh-hant" if traditional > simplified else "zh-hans"


def _encodes(char: str, codec: str) -> bool:
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=None)
def _parser(language: str) -> budoux.Parser:
    import budoux  # its models load only for CJK and Thai titles

    loaders = {
        "ja": budoux.load_default_japanese_parser,
        "zh-hans": budoux.load_default_simplified_chinese_parser,
        "zh-hant": budoux.load_default_traditional_chinese_parser,
        "th": budoux.load_default_thai_parser,
    }
    return loaders[language]()


@lru_cache(maxsize=4096)
def phrase_starts(text: str, language: str) -> frozenset[int]:
    """Character offsets in ``text`` where a BudouX phrase other than the first starts."""
    offsets, position = set(), 0
    for phrase in _parser(language).parse(text):
        if position:
            offsets.add(position)
        position += len(phrase)
    return frozenset(offsets)


def _chunk_breaks(clusters: list[str], flags: list[bool], language: str) -> list[int]:
    """Indices of the clusters of one run without spaces that may start a new line."""
    text = "".join(clusters)
    starts, position = [], 0
    for cluster in clusters:
        starts.append(position)
        position += len(cluster)
    cjk = [_is_cjk_unit(c) for c in clusters]
    thai = [_is_thai(c) for c in clusters]
    emoji = [is_emoji_cluster(c) for c in clusters]
    cjk_phrases = phrase_starts(text, language) if sum(cjk) > 1 or (any(cjk) and not all(cjk)) else frozenset()
    thai_phrases = phrase_starts(text, "th") if sum(thai) > 1 else frozenset()
    breaks: list[int] = []
    emoji_only = emoji[0] if clusters else False  # the atom so far holds only emoji
    for i in range(1, len(clusters)):
        before, after = clusters[i - 1], clusters[i]
        if _NO_BREAK_BEFORE.match(after[0]) or _NO_BREAK_AFTER.match(before[-1]):
            allowed = False
        elif emoji[i]:
            allowed = emoji[i - 1] and emoji_only  # an emoji glues to a word before it
        elif emoji[i - 1]:
            allowed = cjk[i] or thai[i]
        elif cjk[i - 1] or cjk[i]:
            if flags[i - 1] != flags[i]:
                allowed = True  # the writer's *emphasis* marks a phrase
            elif not cjk[i - 1]:
                allowed = False  # a Latin word glues to the CJK after it
            else:
                allowed = starts[i] in cjk_phrases
        elif thai[i - 1] and thai[i]:
            allowed = starts[i] in thai_phrases or flags[i - 1] != flags[i]
        else:
            allowed = False
        if allowed:
            breaks.append(i)
            emoji_only = emoji[i]
        else:
            emoji_only = emoji_only and emoji[i]
    return breaks


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
    language = _cjk_language(plain)
    atoms: list[Atom] = []
    clusters: list[str] = []
    emphasis: list[bool] = []
    pending_space = False

    def flush() -> None:
        nonlocal clusters, emphasis, pending_space
        if not clusters:
            return
        bounds = [0, *_chunk_breaks(clusters, emphasis, language), len(clusters)]
        for index, (start, end) in enumerate(zip(bounds, bounds[1:])):
            atoms.append(Atom("".join(clusters[start:end]), pending_space and bool(atoms) and index == 0,
                              any(emphasis[start:end])))
        clusters, emphasis, pending_space = [], [], False

    position = 0
    for cluster in graphemes(plain):
        emphasised = any(flags[position : position + len(cluster)])
        position += len(cluster)
        if cluster == _ZERO_WIDTH_BREAK or _SEPARATOR.match(cluster[0]):
            flush()
            pending_space = pending_space or cluster != _ZERO_WIDTH_BREAK
            continue
        # NFC again per cluster: a mark that followed an emphasis marker (``*a*\u0301``) meets
        # its base only once the marker is gone.
        clusters.append(unicodedata.normalize("NFC", cluster))
        emphasis.append(emphasised)
    flush()
    return atoms


TRAILING_EMOJI_MAX = 3  # a longer closing emoji group may have a line of its own


def keep_trailing_emoji(atoms: list[Atom]) -> list[Atom]:
    """Join a short group of emoji that ends a title (``... MACHINE 🍝🔥``, ``... done 🍝 🔥``) to
    the word before it, spaces kept inside the atom, so no last line holds only emoji (the no-break
    space a typesetter puts before a closing mark). The joined atom takes the word's emphasis. A
    title of emoji only, or one ending in more than ``TRAILING_EMOJI_MAX`` emoji, is left as is.
    """
    start = len(atoms)
    while start > 0 and all(is_emoji_cluster(c) for c in graphemes(atoms[start - 1].text)):
        start -= 1
    if start in (0, len(atoms)):
        return atoms
    group = atoms[start:]
    if sum(len(graphemes(atom.text)) for atom in group) > TRAILING_EMOJI_MAX:
        return atoms
    word = atoms[start - 1]
    joined = word.text + "".join((" " if atom.space_before else "") + atom.text for atom in group)
    return [*atoms[: start - 1], replace(word, text=joined)]


_GREEK_ACCENTS = UnicodePattern(r"(\p{Script=Greek}\p{Mn}*?)[\u0300\u0301\u0342\u0313\u0314]", ascii=None)
_GREEK = UnicodePattern(r"\p{Script=Greek}", ascii=None)


def upper_for_display(text: str) -> str:
    """Upper case for an all-caps title: ``str.upper`` plus Greek's rule that capitals drop
    their accents (``Πώς`` -> ``ΠΩΣ``, not ``ΠΏΣ``); the diaeresis stays."""
    upper = text.upper()
    if not _GREEK.search(upper):
        return upper
    decomposed = unicodedata.normalize("NFD", upper)
    while True:
        stripped = _GREEK_ACCENTS.sub(r"\1", decomposed)
        if stripped == decomposed:
            return unicodedata.normalize("NFC", stripped)
        decomposed = stripped
