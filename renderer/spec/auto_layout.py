"""``layout="auto"``: pick a layout from the format and the title, the way ThumbAPI does.

A quoted title suggests the quote design, "X vs Y" the versus design, a leading number the
listicle design, a notable figure ("$87,000", "100%", "10x") the stat design, a question the
question design, a very short title a huge centred one, a long title a wide text block, a photo
the split design; a picture behind the title (a background image, a kit background, a video
frame) the layouts that take one; a kit's preferred layouts come first.

The title detectors (:func:`versus_parts`, :func:`quote_parts`, :func:`stat_parts`,
:func:`is_question`) are plain functions of the title: the render context fills the layouts'
``versus``, ``quote`` and ``figure`` values from them, and a quality judge can call them too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from msgspec import Struct

from ..errors import InputError, SpecError, shown
from ..text.title import split_leading_number, strip_marks
from .catalog import Layout

SHORT_TITLE_WORDS = 3
SHORT_TITLE_CHARS = 24
LONG_TITLE_CHARS = 64
#: picks a layout is chosen for only when asked: a photo slot, a picture filling the frame
SPECIAL_PICKS = ("photo", "picture")

MAX_VERSUS_SIDES = 3
MAX_SIDE_WORDS = 6
MAX_SPEAKER_WORDS = 6


class Versus(Struct, frozen=True):
    """"Rust vs Go: which is faster?" -> sides ``("Rust", "Go")``, note ``"which is faster?"``."""

    sides: tuple[str, ...]  # 2 or 3, in reading order, emphasis marks kept
    note: str = ""  # the clause before or after the comparison, or ''


class Quote(Struct, frozen=True):
    """``"Stay hungry, stay foolish" — Steve Jobs`` -> body and speaker (``''`` when none)."""

    body: str
    speaker: str = ""


class Stat(Struct, frozen=True):
    """"$87,000 from one side project" -> figure ``"$87,000"``, rest ``"from one side project"``.

    A figure inside the title leaves the whole title as ``rest`` with the figure marked for
    emphasis ("How I made *$87,000* in a year"); ``leading`` says which case it is."""

    figure: str
    rest: str
    leading: bool


_VS = re.compile(r"\s+(?:vs\.?|versus|v\.)\s+(?!code\b)", re.IGNORECASE)
_NOTE_AFTER = re.compile(r"\s*(?::|\?|!|\s[-–—|]|\()\s*")  # where a note starts after the last side
_NOTE_BEFORE = re.compile(r"^(.*?)(?::|\s[-–—|])\s+(?=\S)")  # a lead clause before the first side
_OPEN_QUOTES = "\"“„«‘‚'「『"
_CLOSE_QUOTES = {"\"": "\"", "“": "”", "„": "“”", "«": "»", "‘": "’", "‚": "‘’", "'": "'", "「": "」", "『": "』"}
_DASHES = "—―–"  # em dash, horizontal bar, en dash: an attribution after an unquoted quote
_SPEAKER = re.compile(r"^(?:[-—―–~]+\s*|,\s*|:\s*)?(?:(?:says|said|by)\s+)?(.+?)[.!]?$", re.IGNORECASE)
_FIGURE = re.compile(
    r"(?<![\w$€£¥])("
    r"[$€£¥]\s?\d[\d,.]*(?:\s?(?:[kKmMbB]|million|billion|thousand|bn))?\+?"  # $87,000  €1.5M  £10k+
    r"|\d[\d,.]*(?:\s?%|[xX×])"  # 100%  10x
    r"|\d[\d,.]*(?:[kKmMbB]|\s(?:million|billion|thousand))\+?"  # 10k  4K  1 million
    r"|\d{1,3}(?:,\d{3})+\+?"  # 10,000  1,000,000+
    r")(?![\w%])"
)
_QUESTION_END = ("?", "？", "؟")


def versus_parts(title: str) -> Versus | None:
    """The sides of an "X vs Y" or "X vs Y vs Z" title (``vs``, ``vs.``, ``versus``, ``v.``,
    any case; not "VS Code"), or None: fewer than two sides, more than three, or a side of more
    than six words (a sentence that happens to contain "vs" is no match-up). A clause before the
    first side ("Showdown: ...") or after the last ("...: which is faster?") is the note."""
    parts = _VS.split(title.strip())
    if not 2 <= len(parts) <= MAX_VERSUS_SIDES:
        return None
    lead = tail = ""
    before = _NOTE_BEFORE.match(parts[0])
    if before:
        lead, parts[0] = before.group(1).strip(), parts[0][before.end():]
    after = _NOTE_AFTER.search(parts[-1])
    if after and after.start() > 0 and parts[-1][after.end():].strip():
        tail = parts[-1][after.end():].strip().removesuffix(")").strip()
        parts[-1] = parts[-1][:after.start()]
    sides = tuple(part.strip(" ,;:!?.-–—") for part in parts)
    if any(not strip_marks(side).strip() or len(strip_marks(side).split()) > MAX_SIDE_WORDS for side in sides):
        return None
    note = " ".join(piece for piece in (lead, tail) if piece)
    if note and title.rstrip().endswith("?") and not note.endswith(("?", "!", ".")):
        note += "?"  # "Which is better: Rust vs Go?" asks "Which is better?"
    return Versus(sides, note)


def quote_parts(title: str) -> Quote | None:
    """A quoted title and its speaker: ``"Body" — Speaker``, ``“Body”, says Speaker``,
    ``Speaker: "Body"``, a whole title in quotes, or an unquoted ``Body — Speaker`` whose
    speaker is a short capitalised name; None otherwise."""
    text = title.strip()
    if not text:
        return None
    if text[0] in _OPEN_QUOTES:
        closers = _CLOSE_QUOTES[text[0]]
        end = max(text.rfind(closer) for closer in closers)
        if end > 1:
            body, after = text[1:end].strip(), text[end + 1:].strip()
            if not after:
                return Quote(body) if body else None
            speaker = _speaker(after)
            return Quote(body, speaker) if body and speaker else None
        return None
    head, colon, rest = text.partition(":")
    if colon and rest.strip()[:1] in _OPEN_QUOTES and len(head.split()) <= MAX_SPEAKER_WORDS:
        inner = quote_parts(rest.strip())
        if inner is not None and not inner.speaker:
            return Quote(inner.body, head.strip())
    for dash in _DASHES:
        body, found, after = text.rpartition(f" {dash} ")
        if found and len(body.split()) >= 4 and _is_name(after.strip()) and not _is_title_case(body):
            return Quote(body.strip(), after.strip())
    return None


def _speaker(after: str) -> str:
    match = _SPEAKER.match(after)
    if not match or after[0].isalnum():  # "...” is wrong" continues a sentence: no attribution
        return ""
    speaker = match.group(1).strip()
    return speaker if 0 < len(speaker.split()) <= MAX_SPEAKER_WORDS else ""


def _is_name(text: str) -> bool:
    words = strip_marks(text).split()
    return 1 <= len(words) <= 4 and all(word[:1].isupper() and not any(c.isdigit() for c in word) for word in words)


def _is_title_case(text: str) -> bool:
    """"How I Built My Startup" (a headline), unlike "Stay hungry, stay foolish" (a sentence)."""
    words = [word for word in strip_marks(text).split()[1:] if word[:1].isalpha()]
    return bool(words) and sum(word[:1].isupper() for word in words) * 2 > len(words)


def stat_parts(title: str) -> Stat | None:
    """The title's notable figure: a currency amount, a percentage, a multiplier, a k/M/B or
    thousands-separated number; None when there is none (a plain count or a year is not one)."""
    plain = strip_marks(title).strip()
    match = _FIGURE.search(plain)
    if match is None:
        return None
    figure = match.group(1).strip().rstrip(".,")
    if match.start() == 0:
        rest = plain[match.end():].strip(" :;,-–—")
        return Stat(figure, rest, leading=True)
    marked = title if "*" in title else f"{plain[:match.start()]}*{figure}*{plain[match.end():]}"
    return Stat(figure, marked, leading=False)


def is_question(title: str) -> bool:
    return strip_marks(title).rstrip().endswith(_QUESTION_END)


def title_pick(title: str, *, use_photo: bool) -> str:
    if use_photo:
        return "photo"
    plain = strip_marks(title)
    if quote_parts(title) is not None:
        return "quote"
    if versus_parts(title) is not None:
        return "versus"
    stat = stat_parts(title)
    if stat is not None and stat.leading:  # "1.5M views" leads with a figure, not a count
        return "stat"
    if split_leading_number(plain)[0]:
        return "listicle"
    if stat is not None:
        return "stat"
    if is_question(title) and len(plain.split()) > SHORT_TITLE_WORDS:
        return "question"
    if len(plain.split()) <= SHORT_TITLE_WORDS and len(plain) <= SHORT_TITLE_CHARS:
        return "short"
    if len(plain) > LONG_TITLE_CHARS:
        return "long"
    return "default"


def choose_layout(
    title: str, format_name: str, layouts: dict[str, Layout], *, preferred: tuple[str, ...] = (), use_photo: bool = False,
    picture: bool = False,
) -> Layout:
    """``picture``: a picture goes behind the title (a background image, a kit background, a video
    frame): the layouts that take one come first, the others only when none fits."""
    for_format = [layout for layout in layouts.values() if layout.spec.format == format_name]
    if not for_format:
        raise InputError(f"no layout for format {shown(format_name)}", field="format")
    takes_picture = [layout for layout in for_format if layout.spec.picture is not None]
    others = [layout for layout in for_format if layout.spec.picture is None]
    pool = takes_picture if picture else others
    if picture and use_photo:  # the presenter matters more than the picture: a layout with a slot
        pool = [layout for layout in pool if "photo" in layout.spec.picks]
    return _by_title(title, pool or others or for_format, preferred, use_photo)


def _by_title(title: str, for_format: list[Layout], preferred: tuple[str, ...], use_photo: bool) -> Layout:
    ranked = sorted(for_format, key=lambda l: (preferred.index(l.spec.name) if l.spec.name in preferred else len(preferred), l.spec.name))
    wanted = title_pick(title, use_photo=use_photo)
    for pick in (wanted, "long" if wanted == "default" else "default", "default"):
        for layout in ranked:
            special = [p for p in layout.spec.picks if p in SPECIAL_PICKS]
            if pick in layout.spec.picks and (not special or pick in special):
                return layout
    return ranked[0]


def resolve_layout(
    name: str, title: str, format_name: str, layouts: dict[str, Layout], *, preferred: tuple[str, ...] = (),
    use_photo: bool = False, picture: bool = False, broken: Mapping[str, SpecError] | None = None,
) -> Layout:
    """The layout a render uses: ``name`` for ``format_name``, or with ``"auto"`` the one picked for
    ``title`` (``preferred``: the kit's layouts, first; ``picture``: a picture goes behind the title).
    An ``InputError`` for an unknown name; the ``SpecError`` of a broken user layout (``broken``, by
    name) asked for by name."""
    if name == "auto":
        return choose_layout(title, format_name, layouts, preferred=preferred, use_photo=use_photo, picture=picture)
    return get_layout(name, format_name, layouts, broken=broken)


def get_layout(name: str, format_name: str, layouts: dict[str, Layout], *,
               broken: Mapping[str, SpecError] | None = None) -> Layout:
    layout = layouts.get(name)
    if layout is None and broken and name in broken:
        raise broken[name]
    if layout is None or layout.spec.format != format_name:
        known = sorted(n for n, l in layouts.items() if l.spec.format == format_name)
        raise InputError(f"unknown layout {shown(name)} for format {format_name}; known: auto, {', '.join(known)}", field="layout")
    return layout


__all__ = ["Quote", "Stat", "Versus", "choose_layout", "get_layout", "is_question", "quote_parts", "resolve_layout",
           "stat_parts", "title_pick", "versus_parts"]
