"""``Renderer``: the long-lived object that loads fonts, layouts and kits once and renders many
thumbnails; ``generate()``: ThumbAPI's one call, a thin one-shot over a shared ``Renderer``."""

from __future__ import annotations

import copy
import os
import threading
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image
from pydantic import ValidationError

from .assets.backgrounds import Background, BackgroundData, BackgroundResolver, Picture, kit_background
from .assets.resolver import AssetResolver, Framer
from .spec.auto_layout import resolve_layout
from .spec.catalog import Kit, KitStore, Layout, bundled_layout_names, load_layout_file, load_layouts, load_user_layouts
from .kits.categories import apply_category_to_kit
from .compose.composer import Composer
from .compose.scene import LogoSource, Scene
from .spec.context import render_context
from .encode import MEDIA_TYPES, data_url, encode, normalize_output_format
from .errors import InputError, SpecError
from .files import write_atomic
from .text.fonts import FontBook
from .assets.decode import LOGO_MAX_BYTES, PHOTO_MAX_BYTES, as_data_url, check_image
from .formats import get_format
from .spec.layout import LayoutSpec, PhotoLayer
from .paths import data_dir, user_kits_dir, user_layouts_dir
from .compose.plan import Plan
from .judge import Quality, judge
from .request import GenerateRequest, parse_request
from .spec.templating import TemplateFillError, fill_tree
from .spec.diagnostics import validate_doc
from .spec.yaml_source import SourceDoc

DEFAULT_KIT = "default"


@dataclass(frozen=True)
class Thumbnail:
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
    picture: "Image.Image | None" = field(default=None, repr=False, compare=False)  # the RGB picture before encoding
    fonts: FontBook | None = field(default=None, repr=False, compare=False)  # the fonts it was drawn with

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
    cutouts (default ``$THUMBKIT_CACHE_DIR`` or ``~/.cache/thumbkit``); ``cutout_model`` (or
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
        self.fonts = FontBook(Path(fonts_dir) if fonts_dir else None)
        # kits: the bundled ones, ``kit_dirs``, then the user's folder (where `thumbkit kit new` writes)
        self.kits = KitStore.default(self.fonts, (*(Path(p) for p in kit_dirs), user_kits_dir()))
        default_kit = self.kits.get(DEFAULT_KIT)
        base = load_layouts(Path(layouts_dir) if layouts_dir else data_dir("layouts"), self.fonts, default_kit.spec)
        user = load_user_layouts(user_layouts_dir(), self.fonts, default_kit.spec, taken=base)
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
        clone.kits = KitStore(self.kits.roots, self.fonts)
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
        background: BackgroundData | None = None,
        quality: int | None = None,
        debug: bool = False,
    ) -> Thumbnail:
        """Render ``title``; every option is validated with a message naming what is allowed.

        ``photo``/``logo``: a data URL, raw bytes or a file path (implies use_photo/use_logo).
        ``video`` + ``time`` (seconds, ``"HH:MM:SS.mmm"`` or ``"auto"`` for the best moment): that
        frame becomes the background (``video_use="background"``, with the layout's frame
        treatment for contrast) or the photo that is cut out (``video_use="photo"``).
        ``background``: a picture to put the title over (a file path, bytes, a data URL or a PIL
        image; JPEG, PNG or WebP, at most 5 MB): a layout that takes a picture places the title
        where the picture leaves room (``layout="auto"`` prefers those).
        """
        request = parse_request({
            "title": title, "format": format, "layout": layout, "customAssetsId": brand,
            "outputFormat": output_format, "category": category, "model": "hd" if hd else "sd",
            "usePhoto": use_photo, "useLogo": use_logo,
            "photoImage": _as_data_url(photo, "photo"), "logoImage": _as_data_url(logo, "logo"),
        })
        source = VideoSource.create(video, time, video_use) if video is not None else None
        try:
            return self.render_request(request, quality=quality, debug=debug, video=source,
                                       background=Background(background, "background") if background is not None else None)
        except InputError as exc:
            # the checks speak ThumbAPI (photoImage, logoImage); this caller passed photo=/logo=
            for given, api_name, name in ((photo, "photoImage", "photo"), (logo, "logoImage", "logo")):
                if given is not None and exc.field == api_name and str(exc).startswith(api_name):
                    raise InputError(name + str(exc)[len(api_name):], field=name) from None
            raise

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
        chosen = resolve_layout(request.layout, request.title, fmt.name, self.layouts,
                                preferred=tuple(kit.spec.layouts), use_photo=use_photo, picture=picture,
                                broken=self.broken_layouts)
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
        """Render a parsed request; ``background`` (a picture to put the title over) replaces the
        request's ``backgroundImage`` (the server passes a stored image this way)."""
        if quality is not None and (isinstance(quality, bool) or not isinstance(quality, int) or not 1 <= quality <= 100):
            raise InputError(f"quality must be a whole number from 1 to 100, got {quality!r}", field="quality")
        kit = apply_category_to_kit(self.kits.get(request.custom_assets_id or DEFAULT_KIT), request.category)
        fmt = get_format(request.format or "youtube")
        output_format = normalize_output_format(request.output_format)
        frame_as_photo = video is not None and video.use == "photo"
        use_photo = request.use_photo or bool(request.photo_image) or frame_as_photo
        use_logo = request.use_logo or bool(request.logo_image)
        if background is None and request.background_image:
            background = Background(request.background_image)
        if background is not None and video is not None and not frame_as_photo:
            raise InputError("give a background picture or a video frame as the background, not both", field=background.field)
        # a kit's own backgrounds are for faceless thumbnails, when no picture is given
        kit_file = kit_background(kit, request.title) if background is None and video is None and not use_photo else None
        # The layout first: a bad name fails before any slow work (a video frame, a cutout).
        chosen = resolve_layout(request.layout, request.title, fmt.name, self.layouts, preferred=tuple(kit.spec.layouts),
                                use_photo=use_photo, broken=self.broken_layouts,
                                picture=background is not None or kit_file is not None or (video is not None and not frame_as_photo))
        spec = self.filled_layout(chosen, request.title, kit)
        has_slot = any(isinstance(layer, PhotoLayer) for layer in spec.layers)
        warnings: list[str] = []
        scale = 2.0 if request.model == "hd" else 1.0
        cover = (round(fmt.width_px * scale), round(fmt.height_px * scale))
        picture: Picture | None = None
        photo = None
        if background is not None:
            picture = self._backgrounds.picture(background, *cover)
        elif kit_file is not None and spec.picture is not None:
            picture = self._backgrounds.kit_picture(kit, kit_file, *cover)
        if video is not None and (not frame_as_photo or has_slot):
            frame, key = video.picture(fmt.width_px, fmt.height_px)
            if frame_as_photo:
                photo = self._assets.photo_from_image(frame, key)
            else:
                picture = Picture(frame, key, f"video {video.path.name}")
        elif use_photo and not frame_as_photo:
            if has_slot:
                photo = self._assets.photo(request.photo_image, kit)
            else:
                self._assets.require_photo(request.photo_image, kit)
        if use_photo and not has_slot:
            warnings.append(f"layout {spec.name} has no photo slot: the photo was not used")
        if not use_photo and has_slot:
            warnings.append(f"layout {spec.name} has a photo slot but no photo was given (usePhoto, photoImage)")
        logo = self._assets.logo(request.logo_image, kit) if use_logo else None
        scene = Scene(layout=spec, layout_folder=chosen.folder, kit=kit.spec, kit_id=kit.id,
                      scale=scale, photo=photo, logo=logo, background_image=picture.image if picture else None, debug=debug,
                      background_key=picture.key if picture else None, background_source=picture.source if picture else "")
        image, plan = self._composer.compose(scene)
        if warnings:
            plan = replace(plan, warnings=tuple(warnings) + plan.warnings)
        data = encode(image, output_format, quality=quality)
        return Thumbnail(
            data=data, media_type=MEDIA_TYPES[output_format], output_format=output_format, format=fmt.name,
            width_px=image.width, height_px=image.height, layout=chosen.spec.name, kit=kit.id, composed_plan=plan,
            warnings=plan.warnings, picture=image, fonts=self.fonts,
        )

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

    def filled_layout(self, layout: Layout, title: str, kit: Kit) -> LayoutSpec:
        """``layout`` with its templates filled for ``title`` and ``kit``, validated."""
        spec = layout.spec
        context = render_context(title, spec.format, spec.size.width, spec.size.height, kit.spec)
        try:
            filled = fill_tree(layout.source.data, context)
        except TemplateFillError as exc:
            raise SpecError([layout.source.problem(getattr(exc, "loc", ()), exc.message)]) from exc
        try:
            return LayoutSpec.model_validate(filled)
        except ValidationError:
            _, problems = validate_doc(LayoutSpec, SourceDoc(layout.source.path, filled, layout.source.positions))
            raise SpecError(problems) from None


@dataclass(frozen=True)
class VideoSource:
    """A frame of a video to put the title over: at ``time`` or, with ``"auto"``, the best moment."""

    path: Path
    time: float | str
    use: str

    @classmethod
    def create(cls, video: str | os.PathLike[str], time: float | str, use: str) -> "VideoSource":
        if use not in ("background", "photo"):
            raise InputError(f"video_use must be one of: background, photo, got {use!r}", field="video_use")
        return cls(Path(video), time, use)

    def picture(self, width_px: int, height_px: int) -> tuple[Image.Image, str]:
        """The frame (upright RGB) and a cache key naming the file, its size, mtime and the time."""
        from .video import frame, moments

        time = self.time
        if time == "auto":
            best = moments(self.path, count=1, with_frames=False)
            time = best[0].timestamp_s
        shot = frame(self.path, time, output_format="png" if self.use == "photo" else "jpeg", quality=95)
        stat = self.path.stat()
        return shot.image, f"video:{self.path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{shot.pts_s}"


def _as_data_url(value: str | bytes | os.PathLike[str] | None, what: str) -> str | None:
    """Paths and bytes become data URLs so that every image goes through the same checks."""
    if value is None or isinstance(value, str) and value.startswith("data:"):
        return value
    if not isinstance(value, (str, bytes, bytearray, os.PathLike)):
        raise InputError(f"{what} must be a data URL, bytes or a file path, got {type(value).__name__}", field=what)
    source = Path(value) if isinstance(value, (str, os.PathLike)) else bytes(value)
    return as_data_url(source, field=what, max_bytes=PHOTO_MAX_BYTES if what == "photo" else LOGO_MAX_BYTES)


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
    backgroundImage: str | None = None,
) -> dict[str, Any]:
    """ThumbAPI's ``POST /v1/generate`` as a function: takes its body's field names (so
    ``generate(**request_json)`` works) and returns its response body.

    thumbkit's extensions: ``video`` and ``time`` (seconds, ``"HH:MM:SS.mmm"`` or ``"auto"``) put
    the title over that frame of a local video (see ``Renderer.render``); ``backgroundImage`` (a
    data URL, JPEG/PNG/WebP, at most 5 MB) puts it over that picture, where the picture leaves room;
    ``quality``, the judge's report on the render (see ``Thumbnail.quality``), is added to the body
    as the server does."""
    body = {
        "title": title, "format": format, "category": category, "usePhoto": usePhoto, "useLogo": useLogo,
        "photoImage": photoImage, "logoImage": logoImage, "customAssetsId": customAssetsId,
        "outputFormat": outputFormat, "model": model, "imageStyle": imageStyle, "personImage": personImage,
        "usePersonalPhoto": usePersonalPhoto, "layout": layout, "backgroundImage": backgroundImage,
    }
    request = parse_request({key: value for key, value in body.items() if value is not None})
    source = VideoSource.create(video, time, "background") if video is not None else None
    thumbnail = default_renderer().render_request(request, video=source)
    return {**thumbnail.to_thumbapi(), "quality": thumbnail.quality.to_dict()}


__all__ = ["Renderer", "Thumbnail", "VideoSource", "default_renderer", "generate"]
