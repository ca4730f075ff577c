"""The output formats ThumbAPI knows, with their pixel sizes."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError


@dataclass(frozen=True)
class Format:
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


@dataclass(frozen=True)
class FeedView:
    """How small a format is commonly seen, and which part of it: where a viewer decides to click."""

    width_px: int
    height_px: int
    crop: tuple[float, float, float, float] | None  # left, top, right, bottom as fractions; None: all of it
    where: str


FEED_VIEWS: dict[str, FeedView] = {
    "youtube": FeedView(168, 94, None, "YouTube's sidebar"),
    # the profile grid shows the centre 3:4 of a square post (x 135..945 of 1080), about 130 px wide on a phone
    "instagram": FeedView(130, 173, (0.125, 0.0, 0.875, 1.0), "an Instagram profile-grid tile"),
    "x": FeedView(500, 281, None, "a link preview"),
    "blogpost": FeedView(500, 263, None, "a link preview"),
    "linkedin": FeedView(500, 261, None, "a link preview"),
}


def get_format(name: object) -> Format:
    """The format called ``name``; ThumbAPI's message when there is none."""
    if isinstance(name, str) and name in FORMATS:
        return FORMATS[name]
    raise InputError(f"format must be one of: {', '.join(FORMAT_NAMES)}", field="format")
