"""One request made ready to compose candidates: the kit, the photo, logo and video frame resolved
once, shared by every candidate a render tries (``layout="auto"``, variants).

Also the headline: ``headline="..."`` is drawn instead of the title; ``headline="auto"`` draws
:func:`renderer.text.headline.shorten_headline` of the title only where the title itself would be
unreadable at feed size (the judge's ``legibility_feed`` fail: its glyph body under the script's
``fail_px``), and only if that reads larger. Without a headline, an unreadable title's plan
carries that shortened title as ``headline_suggestion``, which the judge's ``headline_suggested``
finding names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Protocol

from msgspec import Struct, field
from msgspec.structs import replace
from PIL import Image

from ..assets.backgrounds import Background, BackgroundResolver, Picture, kit_background
from ..compose.plan import Plan
from ..compose.scene import Scene
from ..formats import Format
from ..judge.legibility import TextBody, text_bodies
from ..request import GenerateRequest
from ..spec.catalog import Kit
from ..text.headline import shorten_headline
from .candidates import Candidate, has_photo_slot, treated_kit

if TYPE_CHECKING:
    from ..assets.resolver import AssetResolver, Framer
    from ..compose.scene import LogoSource
    from ..options import VideoSource
    from ..spec.catalog import Layout
    from ..spec.layout import LayoutSpec
    from ..text.fonts import FontBook


class PrepareLayout(Protocol):
    """``Renderer.prepare_layout``: a layout filled for a text, kit and secondary texts, resolved."""

    def __call__(self, layout: "Layout", title: str, kit: Kit, *, subtitle: str = "", badge: str = "",
                 picture: bool = False) -> tuple["LayoutSpec", tuple[str, ...]]: ...


class Composed(Struct, frozen=True):
    """A candidate composed: pixels (not encoded) and plan."""

    candidate: Candidate
    image: Image.Image
    plan: Plan


class RenderJob(Struct):
    """``compose_scene`` and ``prepare_layout`` are the renderer's (its caches); ``assets`` and
    ``fonts`` too."""

    compose_scene: Callable[[Scene], tuple[Image.Image, Plan]]
    prepare_layout: "PrepareLayout"
    assets: "AssetResolver"
    fonts: "FontBook"
    request: GenerateRequest
    kit: Kit
    fmt: Format
    video: "VideoSource | None" = None
    debug: bool = False
    background: Background | None = None  # a picture to put the title over (the request's, or the caller's)
    backgrounds: BackgroundResolver | None = None  # decodes it, and the kit's backgrounds
    # resolved on first use, then shared by every candidate
    _frame: tuple[Image.Image, str] | None = field(default=None)
    _pictures: dict[str, Picture] = field(default_factory=dict)
    _photo: "Framer | None" = field(default=None)
    _logo: "LogoSource | None" = field(default=None)

    @property
    def frame_as_photo(self) -> bool:
        return self.video is not None and self.video.use == "photo"

    @property
    def use_photo(self) -> bool:
        return self.request.use_photo or bool(self.request.photo_image) or self.frame_as_photo

    @property
    def kit_file(self) -> str | None:
        """The kit background a faceless title goes over (when no picture is given), or None."""
        if self.background is not None or self.video is not None or self.use_photo:
            return None
        return kit_background(self.kit, self.request.title)

    @property
    def has_picture(self) -> bool:
        """A picture goes behind the title: a background, a kit background, a video frame."""
        return (self.background is not None or self.kit_file is not None
                or (self.video is not None and not self.frame_as_photo))

    @property
    def use_logo(self) -> bool:
        return self.request.use_logo or bool(self.request.logo_image)

    def compose(self, candidate: Candidate) -> Composed:
        """The candidate drawn with the request's headline rules (see the module doc)."""
        request = self.request
        headline = request.headline
        text = headline if headline not in (None, "auto") else request.title
        composed = self._compose(candidate, text)
        worst = self._worst_body(composed.plan)
        if worst is None or worst.feed_px >= worst.limits.fail_px:
            return composed
        short = shorten_headline(request.title)
        if headline == "auto" and short != request.title:
            shorter = self._compose(candidate, short)
            better = self._worst_body(shorter.plan)
            if better is None or better.feed_px / better.limits.fail_px > worst.feed_px / worst.limits.fail_px:
                note = (f"headline auto: drew {short!r} instead of the title, whose letters were {worst.feed_px:.1f} px "
                        f"tall at feed size (under {worst.limits.fail_px:g} px)")
                return replace(shorter, plan=replace(shorter.plan, warnings=(note, *shorter.plan.warnings)))
        if headline is None and short != request.title:
            return replace(composed, plan=replace(composed.plan, headline_suggestion=short))
        return composed

    def _worst_body(self, plan: Plan) -> TextBody | None:
        """The plan's text least legible at feed size, measured as the judge does."""
        bodies = text_bodies(plan, format=plan.format, fonts=self.fonts)
        return min(bodies, key=lambda body: body.feed_px / body.limits.fail_px, default=None)

    def _compose(self, candidate: Candidate, text: str) -> Composed:
        assets, request, layout = self.assets, self.request, candidate.layout
        kit = treated_kit(self.kit, candidate.treatment)
        takes_kit_picture = self.kit_file is not None and layout.spec.picture is not None
        spec, layout_warnings = self.prepare_layout(
            layout, text, kit, subtitle=request.subtitle, badge=request.badge,
            picture=(self.background is not None or takes_kit_picture
                     or (self.video is not None and not self.frame_as_photo)))
        has_slot = has_photo_slot(layout)
        warnings: list[str] = list(layout_warnings)
        picture: Picture | None = None
        photo = None
        scale = 2.0 if request.model == "hd" else 1.0
        if self.background is not None:
            picture = self._background_picture("background", scale)
        elif takes_kit_picture:  # only a layout that takes a picture
            picture = self._background_picture("kit", scale)
        if self.video is not None and (not self.frame_as_photo or has_slot):
            if self.frame_as_photo:
                if self._photo is None:
                    self._photo = assets.photo_from_image(*self._picture())
                photo = self._photo
            else:
                frame, key = self._picture()
                picture = Picture(frame, key, f"video {self.video.path.name}")
        elif self.use_photo and not self.frame_as_photo:
            if has_slot:
                if self._photo is None:
                    self._photo = assets.photo(request.photo_image, self.kit)
                photo = self._photo
            else:
                assets.require_photo(request.photo_image, self.kit)
        if self.use_photo and not has_slot:
            warnings.append(f"layout {spec.name} has no photo slot: the photo was not used")
        if not self.use_photo and has_slot:
            warnings.append(f"layout {spec.name} has a photo slot but no photo was given (usePhoto, photoImage)")
        if self.use_logo and self._logo is None:
            self._logo = assets.logo(request.logo_image, self.kit)
        logo = self._logo if self.use_logo else None
        scene = Scene(layout=spec, layout_folder=layout.folder, kit=kit.spec, kit_id=kit.id,
                      scale=scale, photo=photo, logo=logo, debug=self.debug, language=request.language,
                      background_image=picture.image if picture else None,
                      background_key=picture.key if picture else None,
                      background_source=picture.source if picture else "")
        image, plan = self.compose_scene(scene)
        if warnings:
            plan = replace(plan, warnings=tuple(warnings) + plan.warnings)
        return Composed(candidate, image, plan)

    def _background_picture(self, which: str, scale: float) -> Picture:
        """The request's picture (``background``) or the kit's for this title (``kit``), decoded
        once for every candidate, as large as covering the canvas needs."""
        found = self._pictures.get(which)
        if found is None:
            assert self.backgrounds is not None
            width, height = round(self.fmt.width_px * scale), round(self.fmt.height_px * scale)
            if which == "background":
                assert self.background is not None
                found = self.backgrounds.picture(self.background, width, height)
            else:
                file = self.kit_file
                assert file is not None
                found = self.backgrounds.kit_picture(self.kit, file, width, height)
            self._pictures[which] = found
        return found

    def _picture(self) -> tuple[Image.Image, str]:
        assert self.video is not None
        if self._frame is None:
            self._frame = self.video.picture(self.fmt.width_px, self.fmt.height_px)
        return self._frame


__all__ = ["Composed", "RenderJob"]
