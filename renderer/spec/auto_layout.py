"""``layout="auto"``: pick a layout from the format and the title, the way ThumbAPI does.

A leading number suggests the listicle design, a very short title a huge centred one, a long
title a wide text block, a photo the split design; a picture behind the title (a background image,
a kit background, a video frame) the layouts that take one; a kit's preferred layouts come first.
"""

from __future__ import annotations

from collections.abc import Mapping

from .catalog import Layout
from ..errors import InputError, SpecError
from ..text.title import split_leading_number, strip_marks

SHORT_TITLE_WORDS = 3
SHORT_TITLE_CHARS = 24
LONG_TITLE_CHARS = 64


def title_pick(title: str, *, use_photo: bool) -> str:
    if use_photo:
        return "photo"
    plain = strip_marks(title)
    if split_leading_number(plain)[0]:
        return "listicle"
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
        raise InputError(f"no layout for format {format_name!r}", field="format")
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
            if pick in layout.spec.picks and (use_photo or "photo" not in layout.spec.picks or pick == "photo"):
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
        raise InputError(f"unknown layout {name!r} for format {format_name}; known: auto, {', '.join(known)}", field="layout")
    return layout
