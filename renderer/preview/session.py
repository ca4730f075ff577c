"""What ``thumbkit preview`` shows: a layout or kit file rendered for a set of sample titles, at
full size with the debug overlay and at feed size, with each render's findings. No HTTP here:
``Previewer.render`` turns the files as they are now into plain frozen data, or raises the
``UserError`` (a ``SpecError`` with file:line:column) that the page shows instead.

A ``Previewer`` keeps one ``Renderer`` (fonts, layouts, caches) and renders each time with
``Renderer.reloaded``: the layout file and every kit are read as they are now.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

from msgspec import Struct
from PIL import Image

from ..api import DEFAULT_KIT, Renderer, Thumbnail
from ..errors import InputError
from ..judge import Quality
from ..judge.legibility import FEED_VIEWS, FeedView
from ..judge.sheet import feed_picture
from ..paths import data_dir
from ..spec.catalog import KIT_ID
from ..spec.layout import PhotoLayer


class SampleTitle(Struct, frozen=True):
    """A title to preview, with the secondary texts a layout may have room for."""

    title: str
    subtitle: str | None = None
    badge: str | None = None


#: short (with a badge), long, a number (with a subtitle), a script that is not Latin (right to
#: left: the layout is mirrored); a layout's badge and subtitle slots show on two of them
PREVIEW_TITLES = (
    SampleTitle("Stop doing this", badge="New"),
    SampleTitle("I tried every productivity app for a month so you don't have to: here is what actually stuck"),
    SampleTitle("7 *habits* that changed how I work", subtitle="A morning routine that sticks"),
    SampleTitle("لماذا لا يتحدث أحد عن هذا؟"),
)
MAX_TITLES = 12  # a titles file longer than this is refused: a save must re-render within a second
KIT_PREVIEW_FORMATS = ("youtube", "instagram", "x")  # a kit without preferred layouts: auto in these
KIT_PREVIEW_LAYOUTS = 3  # at most this many of a kit's preferred layouts
PREVIEW_QUALITY = 92  # JPEG, which encodes a 1280x720 image in ~5 ms (WebP ~40 ms): the page is local


class PreviewTarget(Struct, frozen=True):
    """The file being designed and how to show it."""

    file: Path  # a layout (*.yaml) or a kit (<id>/kit.yaml), absolute
    kind: str  # "layout" or "kit"
    kit: str  # the kit to render with (a kit preview: the kit's own id)
    titles_file: Path | None = None  # one title a line; None: PREVIEW_TITLES

    @classmethod
    def of(cls, file: str | Path, *, kit: str | None = None, titles_file: str | Path | None = None) -> "PreviewTarget":
        """Check what can be checked before the first render: the file exists and is named as a
        layout or kit file must be, the kit id. ``InputError`` otherwise."""
        path = Path(file).expanduser().resolve()
        if not path.is_file():
            raise InputError(f"no such file: {file}", field="file")
        titles = Path(titles_file).expanduser().resolve() if titles_file is not None else None
        if titles is not None and not titles.is_file():
            raise InputError(f"no such titles file: {titles_file}", field="titles")
        if path.name == "kit.yaml":
            kit_id = path.parent.name
            if kit is not None and kit != kit_id:
                raise InputError(f"--kit {kit!r} does not apply to a kit file (its id is {kit_id!r})", field="kit")
            if not KIT_ID.fullmatch(kit_id):
                raise InputError(f"a kit's folder name is its id: lowercase letters, digits, '-' and '_', got {kit_id!r}", field="file")
            bundled = data_dir("brand_kits") / kit_id / "kit.yaml"
            if bundled.is_file() and bundled.resolve() != path:
                raise InputError(f"kit id {kit_id!r} is a bundled kit, which hides {path}; rename its folder", field="file")
            return cls(path, "kit", kit_id, titles)
        if path.suffix != ".yaml":
            raise InputError(f"expected a layout (NAME.yaml) or a kit file (ID/kit.yaml), got {path.name}", field="file")
        kit = kit or DEFAULT_KIT
        if not KIT_ID.fullmatch(kit):
            raise InputError(f"--kit must be a kit id (lowercase letters, digits, '-' and '_'), got {kit[:80]!r}", field="kit")
        return cls(path, "layout", kit, titles)

    def watched(self) -> tuple[Path, ...]:
        """The folders to watch: the file's (editors save by renaming into it), the titles file's."""
        folders = [self.file.parent]
        if self.titles_file is not None and self.titles_file.parent not in folders:
            folders.append(self.titles_file.parent)
        return tuple(folders)

    def concerns(self, changed: Path) -> bool:
        """Whether a change to ``changed`` calls for a new render: the file itself, the titles file,
        or (a kit) anything in the kit's folder: its logo and photo."""
        changed = changed.resolve() if changed.exists() else changed
        return changed in (self.file, self.titles_file) or (self.kind == "kit" and changed.parent == self.file.parent)


class TextFacts(Struct, frozen=True):
    """What fitting decided for one text layer, and how tall its letters are at feed size."""

    layer: int
    size_px: int
    feed_size_px: float
    lines: int
    truncated: bool
    broke_words: bool
    contrast_ratio: float


class PreviewImage(Struct, frozen=True):
    title: str
    subtitle: str | None
    badge: str | None
    format: str
    layout: str
    kit: str
    width_px: int
    height_px: int
    clean_jpeg: bytes  # full size
    debug_jpeg: bytes | None  # full size with the debug overlay (boxes, fit boxes, ink, baselines); layouts only
    feed_png: bytes  # as a feed shows it (renderer.judge.legibility.FEED_VIEWS)
    feed: FeedView
    feed_size: tuple[int, int]
    texts: tuple[TextFacts, ...]
    warnings: tuple[str, ...]
    quality: Quality  # the judge's report: score and findings


class PreviewResult(Struct, frozen=True):
    target: PreviewTarget
    images: tuple[PreviewImage, ...]
    elapsed_ms: float


def read_titles(path: Path) -> tuple[SampleTitle, ...]:
    """One title a line; blank lines are skipped. ``InputError`` for an empty file or too many titles."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the titles file {path}: {exc}", field="titles") from None
    titles = tuple(SampleTitle(line.strip()) for line in text.splitlines() if line.strip())
    if not titles:
        raise InputError(f"the titles file {path} has no titles (one a line)", field="titles")
    if len(titles) > MAX_TITLES:
        raise InputError(f"the titles file {path} has {len(titles)} titles; at most {MAX_TITLES}", field="titles")
    return titles


class Previewer:
    """Renders a ``PreviewTarget`` again and again, as its files change."""

    def __init__(self, target: PreviewTarget) -> None:
        self.target = target
        self._base: Renderer | None = None

    def render(self) -> PreviewResult:
        """Every sample title rendered as the files are now; a ``UserError`` (``SpecError`` located
        in the file) when they cannot be."""
        started = time.perf_counter()
        target = self.target
        titles = read_titles(target.titles_file) if target.titles_file is not None else PREVIEW_TITLES
        if self._base is None:  # made once it can be: a broken bundled layout being edited stops it
            self._base = Renderer(kit_dirs=(target.file.parent.parent,) if target.kind == "kit" else ())
        if target.kind == "layout":
            renderer = self._base.reloaded(layout_files=(target.file,))
            layout = renderer.layouts[target.file.stem]  # a layout's name is its file's, checked on load
            jobs = [(layout.spec.format, layout.spec.name)]
        else:
            renderer = self._base.reloaded()
            preferred = renderer.kit(target.kit).spec.layouts[:KIT_PREVIEW_LAYOUTS]
            jobs = [(renderer.layouts[name].spec.format, name) for name in preferred] or [(fmt, "auto") for fmt in KIT_PREVIEW_FORMATS]
        debug = target.kind == "layout"  # a kit's look is judged without the boxes
        images = tuple(_render(renderer, target.kit, sample, fmt, name, debug=debug) for fmt, name in jobs for sample in titles)
        return PreviewResult(target, images, (time.perf_counter() - started) * 1000)


def _render(renderer: Renderer, kit_id: str, sample: SampleTitle, fmt: str, layout_name: str, *, debug: bool) -> PreviewImage:
    kit = renderer.kit(kit_id).spec

    def render(layout: str, *, use_photo: bool, debug: bool) -> Thumbnail:
        return renderer.render(sample.title, format=fmt, layout=layout, brand=kit_id, output_format="jpeg",
                               quality=PREVIEW_QUALITY, use_logo=kit.logo is not None, use_photo=use_photo, debug=debug,
                               subtitle=sample.subtitle, badge=sample.badge)

    clean = render(layout_name, use_photo=False, debug=False)  # "auto" chooses as it would without a photo
    has_slot = any(isinstance(layer, PhotoLayer) for layer in renderer.layouts[clean.layout].spec.layers)
    use_photo = has_slot and kit.photo is not None  # the kit's photo where the layout has a place for one
    if use_photo:
        clean = render(clean.layout, use_photo=True, debug=False)
    overlay = render(clean.layout, use_photo=use_photo, debug=True).data if debug else None
    view = FEED_VIEWS[fmt]
    feed = _feed_picture(clean, fmt)
    return PreviewImage(
        title=sample.title, subtitle=sample.subtitle, badge=sample.badge, format=fmt, layout=clean.layout, kit=kit_id, width_px=clean.width_px, height_px=clean.height_px,
        clean_jpeg=clean.data, debug_jpeg=overlay, feed_png=_png(feed), feed=view, feed_size=feed.size,
        texts=_text_facts(clean, view), warnings=clean.warnings, quality=clean.quality,
    )


def _feed_picture(thumbnail: Thumbnail, fmt: str) -> Image.Image:
    if thumbnail.picture is not None:
        return feed_picture(thumbnail.picture, fmt)
    with Image.open(io.BytesIO(thumbnail.data)) as image:
        return feed_picture(image, fmt)


def _png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def _text_facts(thumbnail: Thumbnail, view: FeedView) -> tuple[TextFacts, ...]:
    scale = view.scale(thumbnail.width_px)
    return tuple(
        TextFacts(text.layer, text.size_px, round(text.size_px * scale, 1), len(text.lines), text.truncated,
                  text.broke_words, round(text.contrast_ratio, 2))
        for text in thumbnail.plan.texts
    )


__all__ = ["MAX_TITLES", "PREVIEW_TITLES", "PreviewImage", "PreviewResult", "PreviewTarget", "Previewer", "SampleTitle",
           "TextFacts", "read_titles"]
