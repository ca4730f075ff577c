"""What the composer is given: the filled layout, the kit, and the photo and logo ready to draw."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from msgspec import Struct
from PIL import Image

from ..rect import Rect
from ..spec.kit import KitSpec
from ..spec.layout import LayoutSpec


class FramedPhoto(Struct, frozen=True):
    image: Image.Image  # RGBA, exactly the slot size
    face: Rect | None  # in slot coordinates
    warnings: tuple[str, ...] = ()
    # Where the photo's own edge cuts the subject inside the slot (left, top, right, bottom), in
    # slot pixels, or None: faded out from there, with no outline or shadow along it.
    cut_edges: tuple[int | None, int | None, int | None, int | None] = (None, None, None, None)


class LogoSource(Struct, frozen=True):
    light: Image.Image  # RGBA; drawn on dark backgrounds (or always when there is no dark variant)
    dark: Image.Image | None  # RGBA; drawn on light backgrounds
    corner: str
    max_width_px: int
    max_height_px: int
    margin_px: int
    shadow: bool


class Scene(Struct, frozen=True):
    """Everything compose needs besides the font book: filled layout, kit and assets."""

    layout: LayoutSpec
    layout_folder: Path
    kit: KitSpec
    kit_id: str
    scale: float = 1.0
    photo: Callable[[int, int], FramedPhoto] | None = None
    logo: LogoSource | None = None
    background_image: Image.Image | None = None  # a picture to put the text over (upright RGB)
    debug: bool = False
    language: str = "auto"  # for hyphenation: a BCP-47 code, or auto (from the title's script)
    background_key: str | None = None  # the picture's content key: its analysis is remembered under it
    background_source: str = "backgroundImage"  # what the picture is, for the plan


def keepouts(scene: Scene) -> list[Rect]:
    """The layout's keep-out areas in canvas pixels."""
    return [box.rect(scene.scale) for box in scene.layout.keepout]
