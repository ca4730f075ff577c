"""``Renderer``: the long-lived object that loads fonts, layouts and kits once and renders many
thumbnails; ``generate()``: ThumbAPI's one call, a thin one-shot over a shared ``Renderer``."""

from __future__ import annotations

import copy
import os
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field
from msgspec.structs import replace
from PIL import Image

from .assets.backgrounds import (
    Background,
    BackgroundData,
    BackgroundResolver,
    Picture,
    kit_background,
)
from .assets.decode import LOGO_MAX_BYTES, PHOTO_MAX_BYTES, check_image
from .assets.resolver import AssetResolver, Framer
from .choose.candidates import auto_layouts
from .choose.job import RenderJob
from .choose.scoring import choose
from .compiled import CompiledCache
from .compose.composer import Composer
from .compose.plan import Plan
from .compose.scene import LogoSource, Scene
from .encode import MEDIA_TYPES, data_url, encode, normalize_output_format
from .errors import InputError, SpecError, shown
from .files import write_atomic
from .formats import get_format
from .kits.categories import apply_category_to_kit
from .options import VideoSource, caller_names, options_request
from .paths import data_dir, user_kits_dir, user_layouts_dir
from .request import GenerateRequest, parse_request
from .spec.auto_layout import resolve_layout, versus_parts
from .spec.catalog import (
    Kit,
    KitStore,
    Layout,
    bundled_layout_names,
    load_layout_file,
    load_layouts,
    load_user_layouts,
)
from .spec.context import title_seed
from .spec.expand import expand_layout
from .spec.filling import filled_layout
from .spec.layout import LayoutSpec, PhotoLayer
from .text.fonts import FontBook

if TYPE_CHECKING:
    from .judge import Quality

DEFAULT_KIT = "default"
#: the template names through which a layout shows each secondary text
SECONDARY_TEXT_NAMES = {"subtitle": frozenset({"subtitle", "speaker"}), "badge": frozenset({"badge"})}


class Thumbnail(Struct, frozen=True, dict=True):
    """A rendered thumbnail: the encoded bytes and everything decided to make them.

    ``quality`` (the judge's report, :mod:`renderer.judge`) is measured on the picture as drawn,
    the first time it is asked for, and kept: judging costs ~10-15 % of a render, which a batch
    that never looks at it need not pay. ``plan`` is the composed plan with that report in its
    ``quality`` (so asking for ``plan`` judges too); ``composed_plan`` is the plan without it."""

    data: bytes
    media_type: str
    output_format: str
    format: str
    width_px: int
    height_px: int
    layout: str
    kit: str
    composed_plan: Plan
    warnings: tuple[str, ...]
    picture: "Image.Image | None" = field(default=None)  # the RGB picture before encoding
    fonts: FontBook | None = field(default=None)  # the fonts it was drawn with

    # Two thumbnails are equal when their bytes and decisions are: the picture they were encoded
    # from and the fonts they were drawn with are the means, not the result.
    def _compared(self) -> tuple[Any, ...]:
        return (self.data, self.media_type, self.output_format, self.format, self.width_px, self.height_px,
                self.layout, self.kit, self.composed_plan, self.warnings)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Thumbnail)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    @cached_property
    def quality(self) -> Quality:
        """The judge's report: score 0-100 and findings (see :mod:`renderer.judge`)."""
        if self.composed_plan.quality is not None:
            return self.composed_plan.quality
        picture = self.picture
        if picture is None:  # made elsewhere: judge the encoded image
            import io

            from PIL import Image

            picture = Image.open(io.BytesIO(self.data)).convert("RGB")
        from .judge import judge

        return judge(picture, self.composed_plan, format=self.format, fonts=self.fonts or default_renderer().fonts)

    @cached_property
    def plan(self) -> Plan:
        """The plan with the judge's report in ``quality``."""
        return replace(self.composed_plan, quality=self.quality)

    def data_url(self) -> str:
        return data_url(self.data, self.media_type)


    def to_thumbapi(self) -> dict[str, Any]:
        """ThumbAPI's response body."""
        return {
            "image": self.data_url(),
            "format": self.format,
            "outputFormat": self.output_format,
            "dimensions": {"width": self.width_px, "height": self.height_px},
        }

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the bytes atomically (a temporary file renamed into place)."""
        return write_atomic(Path(path), self.data)


class Renderer:
    """Loads fonts, layouts and brand kits once; renders thumbnails from titles.

    Thread-safe for concurrent ``render`` calls. ``layouts_dir`` replaces the bundled layouts; the
    user's layout folder (``$THUMBKIT_LAYOUTS_DIR`` or ``~/.local/share/thumbkit/layouts``, where
    ``thumbkit layout new`` writes) adds to them, a broken file there failing only when its layout
    is asked for; ``kit_dirs`` are searched for brand kits after the bundled ones, then the user's kit folder
    (``$THUMBKIT_KITS_DIR`` or ``~/.local/share/thumbkit/brand_kits``); ``cache_dir`` holds face
    cutouts and, in its ``catalog`` folder, the layouts, kits and font data loaded and checked
    before (default ``$THUMBKIT_CACHE_DIR`` or ``~/.cache/thumbkit``); ``cutout_model`` (or
    ``$THUMBKIT_CUTOUT_MODEL``) picks a rembg model already in rembg's folder instead of the
    bundled u2netp (checked by md5; never downloaded).
    """

    def __init__(
        self,
        *,
        layouts_dir: str | os.PathLike[str] | None = None,
        kit_dirs: tuple[str | os.PathLike[str], ...] = (),
        fonts_dir: str | os.PathLike[str] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        cutout_model: str | None = None,
    ) -> None:
        # what was loaded and checked before, by the bytes of its files (renderer.compiled)
        self._compiled = compiled = CompiledCache.under(Path(cache_dir) if cache_dir else None)
        self.fonts = FontBook(Path(fonts_dir) if fonts_dir else None, cache=compiled)
        # kits: the bundled ones, ``kit_dirs``, then the user's folder (where `thumbkit kit new` writes)
        self.kits = KitStore.default(self.fonts, (*(Path(p) for p in kit_dirs), user_kits_dir()), cache=compiled)
        default_kit = self.kits.get(DEFAULT_KIT)
        base = load_layouts(Path(layouts_dir) if layouts_dir else data_dir("layouts"), self.fonts, default_kit.spec,
                            cache=compiled)
        user = load_user_layouts(user_layouts_dir(), self.fonts, default_kit.spec, taken=base, cache=compiled)
        self.layouts: dict[str, Layout] = {**base, **user.layouts}
        #: the user's layout files that did not load, by name: the SpecError a render by that name raises
        self.broken_layouts: dict[str, SpecError] = user.broken
        # A kit may prefer a bundled layout or one of these (with layouts_dir, they may differ).
        self.kits.layout_names = bundled_layout_names() | frozenset(self.layouts)
        self._composer = Composer(self.fonts)
        model = cutout_model or os.environ.get("THUMBKIT_CUTOUT_MODEL") or "u2netp"
        self._assets = AssetResolver(cache_dir=Path(cache_dir) if cache_dir else None, model=model)
        self._backgrounds = BackgroundResolver()
        self._lock = threading.Lock()

    def reloaded(self, *, layout_files: tuple[str | os.PathLike[str], ...] = ()) -> "Renderer":
        """A renderer that shares this one's fonts, layouts and caches (all keyed by content), reads
        every brand kit again, and adds ``layout_files`` as they are now, checked strictly
        (``SpecError``), each replacing a layout of the same name: for files being edited
        (``thumbkit preview`` calls it on every save)."""
        clone = copy.copy(self)
        clone.kits = KitStore(self.kits.roots, self.fonts, cache=self._compiled)
        clone.kits.layout_names = self.kits.layout_names
        default_kit = clone.kits.get(DEFAULT_KIT).spec
        clone.layouts = dict(self.layouts)
        for file in layout_files:
            layout, problems = load_layout_file(Path(file), self.fonts, default_kit)
            if layout is None:
                raise SpecError(problems)
            clone.layouts[layout.spec.name] = layout
        return clone

    # -- queries -----------------------------------------------------------------------------
    def layout_names(self, format: str | None = None) -> list[str]:
        if format is not None:
            get_format(format)
        return sorted(name for name, layout in self.layouts.items() if format is None or layout.spec.format == format)

    def kit(self, kit_id: str) -> Kit:
        return self.kits.get(kit_id)

    # -- rendering ---------------------------------------------------------------------------
    def render(
        self,
        title: str,
        *,
        format: str = "youtube",
        layout: str = "auto",
        brand: str = DEFAULT_KIT,
        output_format: str = "webp",
        category: str = "auto",
        hd: bool = False,
        use_photo: bool = False,
        use_logo: bool = False,
        photo: str | bytes | os.PathLike[str] | None = None,
        logo: str | bytes | os.PathLike[str] | None = None,
        video: str | os.PathLike[str] | None = None,
        time: float | str = "auto",
        video_use: str = "background",
        quality: int | None = None,
        debug: bool = False,
        headline: str | None = None,
        language: str = "auto",
        background: BackgroundData | None = None,
        subtitle: str | None = None,
        badge: str | None = None,
    ) -> Thumbnail:
        """Render ``title``; every option is validated with a message naming what is allowed.

        ``layout="auto"``: the format's candidate layouts are scored and the best is drawn (see
        :mod:`renderer.choose`). ``photo``/``logo``: a data URL, raw bytes or a file path (implies
        use_photo/use_logo). ``video`` + ``time`` (seconds, ``"HH:MM:SS.mmm"`` or ``"auto"`` for the
        best moment): that frame becomes the background (``video_use="background"``, with the
        layout's frame treatment for contrast) or the photo that is cut out (``video_use="photo"``).
        ``headline``: a shorter text drawn instead of the title, or ``"auto"`` to shorten the title
        by documented rules only when it would be illegible (:mod:`renderer.text.headline`).
        ``language``: the hyphenation language of long words (a BCP-47 code), or ``"auto"``.
        ``background``: a picture to put the title over (a file path, bytes, a data URL or a PIL
        image; JPEG, PNG or WebP, at most 5 MB): a layout that takes a picture places the title
        where the picture leaves room (``layout="auto"`` prefers those).
        ``subtitle`` (a kicker, tagline or speaker, at most 120 characters) and ``badge`` (a short
        label such as "NEW" or "EP 14", at most 12) are drawn where the layout has room for them;
        a layout without a place for one says so in ``warnings``.
        """
        request, source = options_request(
            title, format=format, layout=layout, brand=brand, output_format=output_format, category=category, hd=hd,
            use_photo=use_photo, use_logo=use_logo, photo=photo, logo=logo, video=video, time=time,
            video_use=video_use, headline=headline, language=language, subtitle=subtitle, badge=badge)
        with caller_names(photo, logo):
            return self.render_request(request, quality=quality, debug=debug, video=source,
                                       background=_background(background))

    def variants(
        self,
        title: str,
        *,
        count: int = 3,
        format: str = "youtube",
        layout: str = "auto",
        brand: str = DEFAULT_KIT,
        output_format: str = "webp",
        category: str = "auto",
        hd: bool = False,
        use_photo: bool = False,
        use_logo: bool = False,
        photo: str | bytes | os.PathLike[str] | None = None,
        logo: str | bytes | os.PathLike[str] | None = None,
        video: str | os.PathLike[str] | None = None,
        time: float | str = "auto",
        video_use: str = "background",
        quality: int | None = None,
        debug: bool = False,
        headline: str | None = None,
        language: str = "auto",
        background: BackgroundData | None = None,
        subtitle: str | None = None,
        badge: str | None = None,
    ) -> list[Thumbnail]:
        """Up to ``count`` (1-6) visibly different thumbnails of ``title``, the best first: other
        layouts, emphasis treatments and arrangements of the kit's colours (see
        :mod:`renderer.choose`); fewer when no more differ enough. Options as :meth:`render`."""
        request, source = options_request(
            title, format=format, layout=layout, brand=brand, output_format=output_format, category=category, hd=hd,
            use_photo=use_photo, use_logo=use_logo, photo=photo, logo=logo, video=video, time=time,
            video_use=video_use, headline=headline, language=language, variants=count, subtitle=subtitle, badge=badge)
        with caller_names(photo, logo):
            return self.variants_request(request, quality=quality, debug=debug, video=source,
                                         background=_background(background))

    def check_request(self, request: GenerateRequest, *, background: Background | None = None) -> None:
        """Raise the ``InputError`` that rendering ``request`` would raise for its inputs, without
        rendering: an unknown kit or layout, a photo or logo asked for and given nowhere, an image
        over its cap, of another format or with a broken header. For queues that accept work now
        and render it later (the server's jobs). ``background`` replaces the request's
        ``backgroundImage``, as for ``render_request``."""
        kit = apply_category_to_kit(self.kits.get(request.custom_assets_id or DEFAULT_KIT), request.category)
        fmt = get_format(request.format or "youtube")
        normalize_output_format(request.output_format)
        use_photo = request.use_photo or bool(request.photo_image)
        picture = background is not None or bool(request.background_image) or (
            not use_photo and kit_background(kit, request.title) is not None)
        chosen = resolve_layout(request.layout, request.title, fmt.name, self.layouts, preferred=tuple(kit.spec.layouts),
                                use_photo=use_photo, picture=picture, broken=self.broken_layouts)
        if use_photo:
            self._assets.require_photo(request.photo_image, kit)
        if request.photo_image and any(isinstance(layer, PhotoLayer) for layer in chosen.spec.layers):
            # as rendering does: a layout without a photo slot never decodes the photo
            check_image(request.photo_image, field="photoImage", max_bytes=PHOTO_MAX_BYTES)
        if request.use_logo or request.logo_image:
            self._assets.require_logo(request.logo_image, kit)
        if request.logo_image:
            check_image(request.logo_image, field="logoImage", max_bytes=LOGO_MAX_BYTES)
        if background is None and request.background_image:
            background = Background(request.background_image)
        if background is not None:
            self._backgrounds.check(background)

    def render_request(
        self,
        request: GenerateRequest,
        *,
        quality: int | None = None,
        debug: bool = False,
        video: VideoSource | None = None,
        background: Background | None = None,
    ) -> Thumbnail:
        """One thumbnail for ``request`` (its ``variants`` count is not looked at: see
        :meth:`variants_request`). ``background`` (a picture to put the title over) replaces the
        request's ``backgroundImage`` (the server passes a stored image this way)."""
        return self._rendered(request, count=1, quality=quality, debug=debug, video=video, background=background)[0]

    def variants_request(
        self,
        request: GenerateRequest,
        *,
        quality: int | None = None,
        debug: bool = False,
        video: VideoSource | None = None,
        background: Background | None = None,
    ) -> list[Thumbnail]:
        """``request.variants`` visibly different thumbnails (fewer when no more differ), the best first."""
        return self._rendered(request, count=request.variants, quality=quality, debug=debug, video=video,
                              background=background)

    def _rendered(self, request: GenerateRequest, *, count: int, quality: int | None, debug: bool,
                  video: VideoSource | None, background: Background | None) -> list[Thumbnail]:
        if quality is not None and (isinstance(quality, bool) or not isinstance(quality, int) or not 1 <= quality <= 100):
            raise InputError(f"quality must be a whole number from 1 to 100, got {shown(quality)}", field="quality")
        kit = apply_category_to_kit(self.kits.get(request.custom_assets_id or DEFAULT_KIT), request.category)
        fmt = get_format(request.format or "youtube")
        output_format = normalize_output_format(request.output_format)
        if background is None and request.background_image:
            background = Background(request.background_image)
        if background is not None and video is not None and video.use == "background":
            raise InputError("give a background picture or a video frame as the background, not both", field=background.field)
        job = RenderJob(self._composer.compose, self.prepare_layout, self._assets, self.fonts, request, kit, fmt,
                        video=video, debug=debug, background=background, backgrounds=self._backgrounds)
        # The layouts first: a bad name fails before any slow work (a video frame, a cutout).
        if request.layout == "auto":
            layouts = auto_layouts(request.title, fmt.name, self.layouts, preferred=tuple(kit.spec.layouts),
                                   use_photo=job.use_photo, picture=job.has_picture)
        else:
            layouts = [resolve_layout(request.layout, request.title, fmt.name, self.layouts, broken=self.broken_layouts)]
        chosen = choose(job, layouts, count=count, judge=lambda image, plan: _judge(image, plan, fmt.name, self.fonts),
                        judge_plan=lambda plan: _judge_plan(plan, fmt.name, self.fonts))
        thumbnails = []
        for composed, plan in chosen:
            data = encode(composed.image, output_format, quality=quality)
            thumbnails.append(Thumbnail(
                data=data, media_type=MEDIA_TYPES[output_format], output_format=output_format, format=fmt.name,
                width_px=composed.image.width, height_px=composed.image.height, layout=plan.layout, kit=kit.id,
                composed_plan=plan, warnings=plan.warnings, picture=composed.image, fonts=self.fonts,
            ))
        return thumbnails

    def kit_logo(self, kit: Kit) -> LogoSource:
        """The kit's logo as the composer draws it (for previews)."""
        return self._assets.logo(None, kit)

    def kit_photo(self, kit: Kit) -> Framer:
        """The kit's presenter photo as the composer frames it (for previews); cut out once."""
        return self._assets.photo(None, kit)

    def kit_picture(self, kit: Kit, title: str, *, width_px: int, height_px: int) -> Picture | None:
        """The kit background a faceless ``title`` goes over, decoded to cover the size (for
        previews); None when the kit lists no backgrounds."""
        file = kit_background(kit, title)
        return self._backgrounds.kit_picture(kit, file, width_px, height_px) if file else None

    def compose_scene(self, scene: Scene) -> tuple[Image.Image, Plan]:
        """Pixels and plan for a prepared scene, with this renderer's caches (kit previews)."""
        return self._composer.compose(scene)

    def filled_layout(self, layout: Layout, title: str, kit: Kit, *, subtitle: str = "", badge: str = "") -> LayoutSpec:
        """``layout`` filled and resolved for ``title`` and ``kit`` (see ``prepare_layout``)."""
        return self.prepare_layout(layout, title, kit, subtitle=subtitle, badge=badge)[0]

    def prepare_layout(self, layout: Layout, title: str, kit: Kit, *, subtitle: str = "", badge: str = "",
                       picture: bool = False) -> tuple[LayoutSpec, tuple[str, ...]]:
        """``layout`` with its templates filled for ``title``, ``subtitle``, ``badge`` and ``kit``,
        validated, its match-up sides and kit patterns resolved (``picture``: a picture is the
        background); and warnings: a subtitle or badge the layout has no place for."""
        warnings = [f"layout {layout.spec.name} has no place for a {name}: it was not drawn"
                    for name, given in (("subtitle", subtitle), ("badge", badge))
                    if given and not layout.uses & SECONDARY_TEXT_NAMES[name]]
        spec = filled_layout(layout, title, kit, subtitle=subtitle, badge=badge)
        versus = versus_parts(title)
        spec, expand_warnings = expand_layout(spec, sides=versus.sides if versus else (title,), kit=kit.spec,
                                              seed=title_seed(title), picture=picture)
        return spec, (*warnings, *expand_warnings)


def _judge(image: Image.Image, plan: Plan, format_name: str, fonts: FontBook) -> Quality:
    from .judge import (
        judge,  # imported when a render is judged (numpy), not with the renderer
    )

    return judge(image, plan, format=format_name, fonts=fonts)


def _judge_plan(plan: Plan, format_name: str, fonts: FontBook) -> Quality:
    from .judge import judge_plan

    return judge_plan(plan, format=format_name, fonts=fonts)


_DEFAULT: Renderer | None = None
_DEFAULT_LOCK = threading.Lock()


def default_renderer() -> Renderer:
    """The process-wide ``Renderer`` behind ``generate()``, created on first use."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Renderer()
        return _DEFAULT


def generate(
    title: str | None = None,
    format: str | None = "youtube",
    *,
    category: str = "auto",
    usePhoto: bool = False,
    useLogo: bool = False,
    photoImage: str | None = None,
    logoImage: str | None = None,
    customAssetsId: str | None = None,
    outputFormat: str = "webp",
    model: str = "sd",
    imageStyle: str | None = None,
    personImage: str | None = None,
    usePersonalPhoto: bool | None = None,
    layout: str = "auto",
    video: str | os.PathLike[str] | None = None,
    time: float | str = "auto",
    headline: str | None = None,
    language: str | None = None,
    variants: int | None = None,
    backgroundImage: str | None = None,
    subtitle: str | None = None,
    badge: str | None = None,
) -> dict[str, Any]:
    """ThumbAPI's ``POST /v1/generate`` as a function: takes its body's field names (so
    ``generate(**request_json)`` works) and returns its response body.

    thumbkit's extensions: ``video`` and ``time`` (seconds, ``"HH:MM:SS.mmm"`` or ``"auto"``) put
    the title over that frame of a local video; ``headline``, ``language``, ``subtitle`` and
    ``badge`` (see ``Renderer.render``); ``quality``, the judge's report on the render (see
    ``Thumbnail.quality``), is added to the body as the server does; ``variants`` (1-6): that many
    visibly different thumbnails, the best in ``image`` as always and all of them, best first, in
    ``variants``: ``[{"image", "layout", "score"}, ...]``; ``backgroundImage`` (a data URL,
    JPEG/PNG/WebP, at most 5 MB) puts the title over that picture, where the picture leaves room."""
    body = {
        "title": title, "format": format, "category": category, "usePhoto": usePhoto, "useLogo": useLogo,
        "photoImage": photoImage, "logoImage": logoImage, "customAssetsId": customAssetsId,
        "outputFormat": outputFormat, "model": model, "imageStyle": imageStyle, "personImage": personImage,
        "usePersonalPhoto": usePersonalPhoto, "layout": layout, "headline": headline, "language": language,
        "variants": variants, "backgroundImage": backgroundImage,
        "variants": variants, "subtitle": subtitle, "badge": badge,
    }
    request = parse_request({key: value for key, value in body.items() if value is not None})
    source = VideoSource.create(video, time, "background") if video is not None else None
    if variants is None:
        thumbnail = default_renderer().render_request(request, video=source)
        return {**thumbnail.to_thumbapi(), "quality": thumbnail.quality.to_dict()}
    return variants_body(default_renderer().variants_request(request, video=source))


def _background(data: BackgroundData | None) -> Background | None:
    """``Renderer.render``'s ``background=`` as a picture named ``background`` in errors."""
    return Background(data, "background") if data is not None else None


def variants_body(thumbnails: list[Thumbnail]) -> dict[str, Any]:
    """ThumbAPI's response for the best of ``thumbnails``, with its ``quality`` and ``variants``
    added (all of them, best first)."""
    best = thumbnails[0]
    return {**best.to_thumbapi(), "quality": best.quality.to_dict(), "variants": [
        {"image": thumbnail.data_url(), "layout": thumbnail.layout, "score": thumbnail.quality.score}
        for thumbnail in thumbnails
    ]}


__all__ = ["Renderer", "Thumbnail", "VideoSource", "default_renderer", "generate", "variants_body"]
