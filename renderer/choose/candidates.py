"""What ``layout="auto"`` and ``variants`` choose among: layouts, and treatments of the brand kit.

**Layouts.** The candidates of ``layout="auto"`` are the format's layouts that suit the request:
with a photo, those with a photo slot; without, those without one (a slot left empty is a hole
in the design); without a picture behind the title, those that take none; all of the format's
layouts when none suits. Their order, which breaks ties
between equal scores: the layout today's title heuristics pick first
(:func:`renderer.spec.auto_layout.choose_layout`), then, with a picture behind the title (a
background image, a kit background, a video frame), the layouts that take one, then the kit's
preferred layouts in its order, then the layouts whose ``picks`` the heuristics would try next,
then by name.

**Treatments** (for variants): the same kit arranged differently, never a colour from outside it.

* ``kit``: the kit as it is;
* ``swap-emphasis``: the emphasised words the other way: accent-coloured words become highlight
  boxes and highlight boxes accent-coloured words (a kit without emphasis gets highlight boxes);
* ``accent-ground``: the accent becomes the ground: background and surface take the accent, the
  text the kit's on-accent colour, and emphasis becomes boxes of the kit's background colour with
  accent letters (the listicle's panel turns the background colour, its number the accent).
"""

from __future__ import annotations

from msgspec import Struct

from ..errors import InputError, shown
from ..spec.auto_layout import choose_layout, title_pick
from ..spec.catalog import Kit, Layout
from ..spec.layout import PhotoLayer

TREATMENTS = ("kit", "swap-emphasis", "accent-ground")


class Candidate(Struct, frozen=True):
    """A layout drawn with a treatment of the kit."""

    layout: Layout
    treatment: str = "kit"

    @property
    def label(self) -> str:
        return self.layout.spec.name if self.treatment == "kit" else f"{self.layout.spec.name}+{self.treatment}"


def has_photo_slot(layout: Layout) -> bool:
    return any(isinstance(layer, PhotoLayer) for layer in layout.spec.layers)


def auto_layouts(title: str, format_name: str, layouts: dict[str, Layout], *, preferred: tuple[str, ...] = (),
                 use_photo: bool = False, picture: bool = False) -> list[Layout]:
    """The candidate layouts of ``layout="auto"``, in tie-breaking order (see the module doc);
    ``picture``: a picture goes behind the title: the layouts that take one come first."""
    first = choose_layout(title, format_name, layouts, preferred=preferred, use_photo=use_photo, picture=picture)
    for_format = [layout for layout in layouts.values() if layout.spec.format == format_name]
    by_slot = [layout for layout in for_format if has_photo_slot(layout) == use_photo] or for_format
    suited = by_slot if picture else [layout for layout in by_slot if layout.spec.picture is None] or by_slot
    wanted = title_pick(title, use_photo=use_photo)
    next_picks = (wanted, "long" if wanted == "default" else "default", "default")

    def rank(layout: Layout) -> tuple[int, int, int, str]:
        name = layout.spec.name
        picture_rank = 0 if (layout.spec.picture is not None) == picture else 1
        kit_rank = preferred.index(name) if name in preferred else len(preferred)
        pick_rank = min((next_picks.index(p) for p in layout.spec.picks if p in next_picks), default=len(next_picks))
        return (picture_rank, kit_rank, pick_rank, name)

    rest = sorted((layout for layout in suited if layout.spec.name != first.spec.name), key=rank)
    return [first, *rest]


def treated_kit(kit: Kit, treatment: str) -> Kit:
    """``kit`` arranged by ``treatment`` (see the module doc)."""
    if treatment == "kit":
        return kit
    spec = kit.spec
    if treatment == "swap-emphasis":
        emphasis = "color" if spec.style.emphasis == "highlight" else "highlight"
        return Kit(kit.id, spec.model_copy(update={"style": spec.style.model_copy(update={"emphasis": emphasis})}), kit.folder)
    if treatment == "accent-ground":
        palette = spec.palette
        swapped = palette.model_copy(update={
            "background": palette.accent, "surface": palette.accent, "text": palette.on_accent,
            "muted": palette.on_accent, "accent": palette.background, "on_accent": palette.accent,
        })
        style = spec.style.model_copy(update={"emphasis": "highlight"})
        return Kit(kit.id, spec.model_copy(update={"palette": swapped, "style": style}), kit.folder)
    raise InputError(f"treatment must be one of: {', '.join(TREATMENTS)}, got {shown(treatment)}", field="treatment")


def variant_candidates(layouts: list[Layout]) -> list[Candidate]:
    """Every candidate for variants, in the order they are tried: each layout with the kit as it
    is, then each layout with each other treatment (so different layouts come before different
    colours of one layout)."""
    return [Candidate(layout, treatment) for treatment in TREATMENTS for layout in layouts]


__all__ = ["TREATMENTS", "Candidate", "auto_layouts", "has_photo_slot", "treated_kit", "variant_candidates"]
