"""Render a title with a given ``Kit`` object (not a kit id): for previews of kits that are not in
a store yet, category-biased kits and kit review sheets. The same path as
``Renderer.render_request``: choose the layout, fill its templates, compose."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from msgspec import Struct
from PIL import Image

from ..assets.backgrounds import Picture
from ..compose.plan import Plan
from ..compose.scene import FramedPhoto, LogoSource, Scene
from ..formats import get_format
from ..spec.auto_layout import resolve_layout
from ..spec.catalog import Kit
from ..text.title import normalize_title

if TYPE_CHECKING:
    from ..api import Renderer



class KitRender(Struct, frozen=True):
    image: Image.Image  # RGB, the format's size times ``scale``
    plan: Plan
    layout: str


def render_with_kit(
    renderer: "Renderer",
    kit: Kit,
    title: str,
    *,
    format_name: str = "youtube",
    layout: str = "auto",
    scale: float = 1.0,
    logo: LogoSource | None = None,
    photo: Callable[[int, int], FramedPhoto] | None = None,
    picture: Picture | None = None,
) -> KitRender:
    """``title`` rendered with ``kit`` and ``renderer``'s fonts and layouts, unencoded; with a
    ``photo`` framer (``Renderer.kit_photo``) "auto" picks a layout with a photo slot, with a
    ``picture`` (``Renderer.kit_picture``) one that takes a picture."""
    fmt = get_format(format_name)
    text = normalize_title(title)
    chosen = resolve_layout(layout, text, fmt.name, renderer.layouts, preferred=tuple(kit.spec.layouts),
                            use_photo=photo is not None, picture=picture is not None, broken=renderer.broken_layouts)
    layout_spec = renderer.filled_layout(chosen, text, kit)
    scene = Scene(layout=layout_spec, layout_folder=chosen.folder, kit=kit.spec, kit_id=kit.id, scale=scale, logo=logo,
                  photo=photo, background_image=picture.image if picture else None,
                  background_key=picture.key if picture else None, background_source=picture.source if picture else "")
    image, plan = renderer.compose_scene(scene)
    return KitRender(image=image, plan=plan, layout=layout_spec.name)


def load_logo_source(renderer: "Renderer", kit: Kit) -> LogoSource | None:
    """The kit's logo as the composer's ``LogoSource`` (None when the kit has no logo), loaded the
    way a render loads it (safe decoding, EXIF, cached by file)."""
    if kit.spec.logo is None:
        return None
    return renderer.kit_logo(kit)
