"""One request made ready to compose candidates: the kit, the photo, logo and video frame resolved
once, shared by every candidate a render tries (``layout="auto"``, variants).

Also the headline: ``headline="..."`` is drawn instead of the title; ``headline="auto"`` draws
:func:`renderer.text.headline.shorten_headline` of the title only where the title itself would be
illegible at feed size (its letters under ``ILLEGIBLE_CAP_PX``), and only if that reads larger.
Without a headline, an illegible title gets a warning suggesting one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable

from PIL import Image

from ..compose.plan import Plan
from ..compose.scene import Scene
from ..formats import Format
from ..request import GenerateRequest
from ..spec.catalog import Kit
from ..text.headline import shorten_headline
from ..text.legibility import ILLEGIBLE_CAP_PX, feed_cap_px
from .candidates import Candidate, has_photo_slot, treated_kit

if TYPE_CHECKING:
    from ..options import VideoSource
    from ..assets.resolver import AssetResolver
    from ..spec.catalog import Layout
    from ..spec.layout import LayoutSpec
    from ..text.fonts import FontBook


@dataclass(frozen=True)
class Composed:
    """A candidate composed: pixels (not encoded) and plan."""

    candidate: Candidate
    image: Image.Image
    plan: Plan


@dataclass
class RenderJob:
    """``compose_scene`` and ``filled_layout`` are the renderer's (its caches); ``assets`` and
    ``fonts`` too."""

    compose_scene: Callable[[Scene], tuple[Image.Image, Plan]]
    filled_layout: Callable[["Layout", str, Kit], "LayoutSpec"]
    assets: "AssetResolver"
    fonts: "FontBook"
    request: GenerateRequest
    kit: Kit
    fmt: Format
    video: "VideoSource | None" = None
    debug: bool = False
    _resolved: dict[str, Any] = field(default_factory=dict)

    @property
    def frame_as_photo(self) -> bool:
        return self.video is not None and self.video.use == "photo"

    @property
    def use_photo(self) -> bool:
        return self.request.use_photo or bool(self.request.photo_image) or self.frame_as_photo

    @property
    def use_logo(self) -> bool:
        return self.request.use_logo or bool(self.request.logo_image)

    def compose(self, candidate: Candidate) -> Composed:
        """The candidate drawn with the request's headline rules (see the module doc)."""
        request = self.request
        headline = request.headline
        text = headline if headline not in (None, "auto") else request.title
        composed = self._compose(candidate, text)
        small = self._smallest_feed_cap(composed.plan)
        if small is None or small >= ILLEGIBLE_CAP_PX:
            return composed
        short = shorten_headline(request.title)
        if headline == "auto" and short != request.title:
            shorter = self._compose(candidate, short)
            if (self._smallest_feed_cap(shorter.plan) or 0.0) > small:
                note = (f"headline auto: drew {short!r} instead of the title, whose letters were {small:.1f} px "
                        f"tall at feed size (under {ILLEGIBLE_CAP_PX:g} px)")
                return replace(shorter, plan=replace(shorter.plan, warnings=(note, *shorter.plan.warnings)))
        if headline is None and short != request.title:
            note = (f"the title's letters are {small:.1f} px tall at feed size (under {ILLEGIBLE_CAP_PX:g} px, "
                    f"unreadable): give a shorter headline, such as {short!r} (headline='auto' draws it)")
            return replace(composed, plan=replace(composed.plan, warnings=(*composed.plan.warnings, note)))
        return composed

    def _compose(self, candidate: Candidate, text: str) -> Composed:
        assets, request, layout = self.assets, self.request, candidate.layout
        kit = treated_kit(self.kit, candidate.treatment)
        spec = self.filled_layout(layout, text, kit)
        has_slot = has_photo_slot(layout)
        warnings: list[str] = []
        background_image = photo = None
        if self.video is not None and (not self.frame_as_photo or has_slot):
            if self.frame_as_photo:
                photo = self._once("frame-photo", lambda: assets.photo_from_image(*self._picture()))
            else:
                background_image = self._picture()[0]
        elif self.use_photo and not self.frame_as_photo:
            if has_slot:
                photo = self._once("photo", lambda: assets.photo(request.photo_image, self.kit))
            else:
                assets.require_photo(request.photo_image, self.kit)
        if self.use_photo and not has_slot:
            warnings.append(f"layout {spec.name} has no photo slot: the photo was not used")
        if not self.use_photo and has_slot:
            warnings.append(f"layout {spec.name} has a photo slot but no photo was given (usePhoto, photoImage)")
        logo = self._once("logo", lambda: assets.logo(request.logo_image, self.kit)) if self.use_logo else None
        scene = Scene(layout=spec, layout_folder=layout.folder, kit=kit.spec, kit_id=kit.id,
                      scale=2.0 if request.model == "hd" else 1.0, photo=photo, logo=logo,
                      background_image=background_image, debug=self.debug, language=request.language)
        image, plan = self.compose_scene(scene)
        if warnings:
            plan = replace(plan, warnings=tuple(warnings) + plan.warnings)
        return Composed(candidate, image, plan)

    def _picture(self) -> tuple[Image.Image, str]:
        assert self.video is not None
        return self._once("picture", lambda: self.video.picture(self.fmt.width_px, self.fmt.height_px))

    def _once(self, name: str, make):
        if name not in self._resolved:
            self._resolved[name] = make()
        return self._resolved[name]

    def _smallest_feed_cap(self, plan: Plan) -> float | None:
        """The cap height at feed size of the plan's smallest text with letters (None: no text)."""
        sizes = []
        for text in plan.texts:
            if not any(ch.isalnum() for line in text.lines for segment in line.segments for ch in segment.text):
                continue
            family, weight = text.font.rsplit(":", 1) if ":" in text.font else (text.font, "bold")
            cap = self.fonts.face(family, weight).metrics.cap_height_em
            sizes.append(feed_cap_px(text.size_px, cap, plan.format, plan.width_px))
        return min(sizes, default=None)


__all__ = ["Composed", "RenderJob"]
