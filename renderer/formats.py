"""The output formats ThumbAPI knows, with their pixel sizes."""

from __future__ import annotations

from msgspec import Struct

from .errors import InputError


class Format(Struct, frozen=True):
    name: str
    width_px: int
    height_px: int

    @property
    def aspect(self) -> float:
        return self.width_px / self.height_px


# ThumbAPI's order, used in its error message.
FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format("youtube", 1280, 720),
        Format("instagram", 1080, 1080),
        Format("x", 1200, 675),
        Format("blogpost", 1200, 630),
        Format("linkedin", 1200, 627),
    )
}

FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS)



def get_format(name: object) -> Format:
    """The format called ``name``; ThumbAPI's message when there is none."""
    if isinstance(name, str) and name in FORMATS:
        return FORMATS[name]
    raise InputError(f"format must be one of: {', '.join(FORMAT_NAMES)}", field="format")
