"""``thumbkit kit new``: a brand kit from 1 to 6 reference images, written so that it renders at once.

The palette comes from ``palette``; fonts, style and preferred layouts follow simple cues
(how colourful the references are, how saturated the accent is). The logo and photo are checked
with the renderer's own rules (``assets.decode.decode_image``: formats, size and pixel limits; a logo
must show something; the photo must have a subject the cutout finds) before anything is written.
The kit folder is assembled beside its destination, validated with the same loader the renderer
uses, then renamed into place: a kit is either complete or absent.
"""

from __future__ import annotations

import functools
import io
import json
import os
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path

from msgspec import Struct
from PIL import Image

from ..assets.decode import DEFAULT_MIN_SIDE_PX, content_hash
from ..assets.decode import decode_image as decode_user_image
from ..colors import contrast_ratio, parse_color, relative_luminance
from ..errors import InputError
from ..paths import data_dir, user_kits_dir
from ..request import CATEGORIES
from ..spec.catalog import KIT_ID, load_kit
from ..spec.kit import KIT_NAME_RULE, kit_name_problem
from ..spec.schema import modeline
from ..text.fonts import FontBook
from .categories import design_layouts
from .logo import (
    LOGO_DARK_FILE,
    LOGO_FILE,
    LOGO_MAX_SIDE_PX,
    logo_variants,
    require_visible_logo,
)
from .palette import READABLE_CONTRAST, PaletteChoice, assign_roles, dominant_colors
from .references import Source, load_references, read_source

PHOTO_MAX_SIDE_PX = 2560  # the largest photo slot at hd is about 1300 px (a background covers 2560x1440 at hd)
MAX_BACKGROUNDS = 32  # as the kit schema allows
PHOTO_JPEG_QUALITY = 90

VIVID_ACCENT_CHROMA = 55.0
VIVID_COLORFULNESS = 22.0
CALM_COLORFULNESS = 10.0


class StyleChoice(Struct, frozen=True):
    """Fonts, style and layout order picked from the palette's cues."""

    mood: str  # vivid, balanced or calm
    heading_family: str
    heading_weight: str
    body_family: str
    body_weight: str
    transform: str
    emphasis: str
    designs: tuple[str, ...]


def default_kits_dir() -> Path:
    """The user's kit folder (:func:`renderer.paths.user_kits_dir`), where every Renderer looks."""
    return user_kits_dir()


def choose_style(choice: PaletteChoice) -> StyleChoice:
    """High saturation: heavy geometric sans and highlight boxes; grey references: a quieter sans
    and minimal layouts first; in between: a bold grotesque with accent-coloured words."""
    palette = choice.palette
    accent_reads = _cr(palette.accent, palette.background) >= READABLE_CONTRAST
    word_emphasis = "color" if accent_reads else "highlight"
    if choice.accent_chroma >= VIVID_ACCENT_CHROMA and choice.colorfulness >= VIVID_COLORFULNESS:
        return StyleChoice("vivid", "league-spartan", "black", "inter", "bold", "upper", "highlight",
                           ("bold", "listicle", "split", "minimal"))
    if choice.colorfulness < CALM_COLORFULNESS:
        return StyleChoice("calm", "open-sans", "extrabold", "open-sans", "bold", "none", word_emphasis,
                           ("minimal", "split", "bold", "listicle"))
    return StyleChoice("balanced", "inter", "black", "inter", "bold", "upper", word_emphasis,
                       ("bold", "minimal", "listicle", "split"))


def create_kit(
    name: str,
    references: Sequence[Source],
    *,
    kits_dir: str | os.PathLike[str],
    logo: Source | None = None,
    photo: Source | None = None,
    backgrounds: Sequence[Source] = (),
    force: bool = False,
    category: str = "auto",
    display_name: str | None = None,
    cutout_cache_dir: str | os.PathLike[str] | None = None,
    cutout_model: str | None = None,
) -> Path:
    """Write the kit ``name`` into ``kits_dir`` and return its folder; ``InputError`` on bad input.

    ``references``: 1 to 6 JPEG/PNG/WebP files (paths or bytes). ``logo``/``photo`` are re-encoded
    into the kit (metadata dropped) after the checks a render makes of them; the photo is cut out
    once (``cutout_cache_dir``/``cutout_model`` as ``Renderer``'s ``cache_dir``/``cutout_model``),
    so a photo without a subject is refused now and the first render finds the cutout cached.
    ``backgrounds``: pictures for faceless thumbnails (re-encoded as JPEG, at most 2560 px a side).
    An existing kit is replaced only with ``force``.
    """
    _check_name(name)
    if display_name is not None and (problem := _display_name_problem(display_name)):
        raise InputError(f"the display name (--name) must be {KIT_NAME_RULE}; {problem}", field="display_name")
    if category not in CATEGORIES:
        raise InputError(f"category must be one of: {', '.join(CATEGORIES)}", field="category")
    root = Path(kits_dir).expanduser()
    target = root / name
    if (target.exists() or target.is_symlink()) and not force:
        raise InputError(f"kit {name!r} already exists in {root}; use --force to replace it", field="name")

    pixels = load_references(references)
    choice = assign_roles(dominant_colors([p.rgb for p in pixels]))
    style = choose_style(choice)
    files: dict[str, bytes] = {}
    logo_made = photo_file = None
    if logo is not None:
        variants = logo_variants(_logo_image(logo), choice.palette)
        files[LOGO_FILE], files[LOGO_DARK_FILE] = _png(variants.light), _png(variants.dark)
        logo_made = variants.made
    if len(backgrounds) > MAX_BACKGROUNDS:
        raise InputError(f"a kit takes at most {MAX_BACKGROUNDS} backgrounds, got {len(backgrounds)}", field="backgrounds")
    background_files = []
    for number, source in enumerate(backgrounds, start=1):
        name_in_kit = f"background-{number}.jpg"
        files[name_in_kit] = _background_file(source)
        background_files.append(name_in_kit)
    if photo is not None:
        photo_file, files[photo_file] = _photo_file(photo)
        _check_subject(files[photo_file], _label(photo, "photo"), cutout_cache_dir, cutout_model)  # last: ~1 s
    text = kit_yaml(
        display_name or _display_name(name), choice, style, reference_count=len(pixels), category=category,
        logo_made=logo_made, photo_file=photo_file, schema_line=modeline("kit", root / name / "kit.yaml"),
        background_files=tuple(background_files),
    )
    files["kit.yaml"] = text.encode("utf-8")
    return _install(root, name, files, force=force)


def kit_yaml(display_name: str, choice: PaletteChoice, style: StyleChoice, *, reference_count: int, category: str,
             logo_made: str | None, photo_file: str | None, schema_line: str, background_files: tuple[str, ...] = ()) -> str:
    """The kit file's text: commented, in the same shape as the bundled kits; ``schema_line`` first
    (``renderer.spec.schema.modeline``: where an editor finds the kit schema)."""
    p = choice.palette
    q = functools.partial(json.dumps, ensure_ascii=False)  # a valid double-quoted YAML scalar (PyYAML reads
    # a \ud83d\ude80 escape pair as two lone surrogates, so non-ASCII is written as itself)
    description = f"Made from {reference_count} reference image{'s' if reference_count != 1 else ''}: {choice.theme} theme, {style.mood} style."
    lines = [
        schema_line,
        f"# Generated by `thumbkit kit new` from {reference_count} reference image(s). Edit freely;",
        "# `thumbkit kit show` renders a preview sheet.",
        f"# Contrast: text {_cr(p.text, p.background):.1f}:1 on background, accent {_cr(p.accent, p.background):.1f}:1,"
        f" on_accent {_cr(p.on_accent, p.accent):.1f}:1 on accent.",
        f"name: {q(display_name)}",
        f"description: {q(description)}",
        "palette:",
        *(f"  {role}: {q(getattr(p, role))}" for role in ("background", "surface", "text", "accent", "muted", "on_accent")),
        "fonts:",
        f"  heading: {{family: {style.heading_family}, weight: {style.heading_weight}}}",
        f"  body: {{family: {style.body_family}, weight: {style.body_weight}}}",
        "style:",
        f"  transform: {style.transform}",
        f"  emphasis: {style.emphasis}",
    ]
    if logo_made:
        made = LOGO_FILE if logo_made == "light" else LOGO_DARK_FILE
        lines += [
            f"# {made} is a one-colour version of your logo, made for {'dark' if logo_made == 'light' else 'light'} grounds.",
            "logo:", f"  file: {LOGO_FILE}", f"  file_dark: {LOGO_DARK_FILE}",
            "  corner: top-right", "  max_width_px: 200", "  max_height_px: 64",
        ]
    if photo_file:
        lines += ["photo:", f"  file: {q(photo_file)}"]
    if background_files:
        lines += ["# pictures for faceless thumbnails: a layout that takes a picture puts the title over one, chosen by the title",
                  f"backgrounds: [{', '.join(q(name) for name in background_files)}]"]
    lines += [f"layouts: [{', '.join(design_layouts(style.designs[:2]))}]", f"category: {category}"]
    return "\n".join(lines) + "\n"


# -- checks and assets ------------------------------------------------------------------------
def _check_name(name: object) -> None:
    if not isinstance(name, str) or not KIT_ID.fullmatch(name):
        raise InputError(
            f"kit name must be 1-64 lowercase letters, digits, '-' and '_', starting with a letter or digit; got {str(name)[:80]!r}",
            field="name",
        )
    if (data_dir("brand_kits") / name / "kit.yaml").is_file():
        raise InputError(f"kit name {name!r} is a bundled kit, which would hide yours; choose another name", field="name")


def _display_name_problem(display_name: object) -> str | None:
    if not isinstance(display_name, str):
        return f"got {type(display_name).__name__}"
    return kit_name_problem(display_name)


def _display_name(name: str) -> str:
    return " ".join(part.capitalize() for part in name.replace("_", "-").split("-") if part) or name


def _user_image(source: Source, role: str) -> Image.Image:
    """The logo or photo decoded with the renderer's rules (``assets.decode.decode_image``: JPEG, PNG or
    WebP, at least 16 px a side, at most 50 megapixels (a 4096 px square for PNG and WebP), EXIF orientation applied), RGBA."""
    label = _label(source, role)
    raw = read_source(source, label, role)
    try:
        return decode_user_image(raw, field=label, max_bytes=None)
    except InputError as exc:
        raise InputError(exc.message, field=role) from None


def _reduced(image: Image.Image, max_side_px: int, label: str, role: str) -> Image.Image:
    """``image`` reduced to fit ``max_side_px``; refused if that leaves a side the renderer would
    refuse (a 16000x20 banner)."""
    original = image.size
    image.thumbnail((max_side_px, max_side_px), Image.Resampling.LANCZOS)
    if min(image.size) < DEFAULT_MIN_SIDE_PX:
        raise InputError(
            f"{label} is {original[0]}x{original[1]} pixels, too elongated: kept at most {max_side_px} pixels a side it"
            f" would be {image.width}x{image.height}, and images must be at least {DEFAULT_MIN_SIDE_PX} pixels on each side",
            field=role,
        )
    return image


def _logo_image(source: Source) -> Image.Image:
    label = _label(source, "logo")
    image = _reduced(_user_image(source, "logo"), LOGO_MAX_SIDE_PX, label, "logo")
    require_visible_logo(image, label, field="logo")
    return image


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _photo_file(source: Source) -> tuple[str, bytes]:
    image = _reduced(_user_image(source, "photo"), PHOTO_MAX_SIDE_PX, _label(source, "photo"), "photo")
    buffer = io.BytesIO()
    lowest_alpha = image.getchannel("A").getextrema()[0]
    if isinstance(lowest_alpha, (int, float)) and lowest_alpha < 255:  # a cut-out: keep its transparency
        image.save(buffer, "PNG", optimize=True)
        return "photo.png", buffer.getvalue()
    image.convert("RGB").save(buffer, "JPEG", quality=PHOTO_JPEG_QUALITY, optimize=True)
    return "photo.jpg", buffer.getvalue()


def _background_file(source: Source) -> bytes:
    image = _reduced(_user_image(source, "background"), PHOTO_MAX_SIDE_PX, _label(source, "background"), "background")
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (0, 0, 0))
    flat.paste(rgba, (0, 0), rgba)
    buffer = io.BytesIO()
    flat.save(buffer, "JPEG", quality=PHOTO_JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def _check_subject(data: bytes, label: str, cache_dir: str | os.PathLike[str] | None, model: str | None) -> None:
    """Cut the subject out of the photo file as a render will (same bytes, so the same cache key):
    a photo the cutout finds nothing in would fail every render that uses the kit's photo."""
    from ..cutout.engine import CutoutEngine
    from ..cutout.model import BUNDLED_MODEL

    engine = CutoutEngine(
        model=model or os.environ.get("THUMBKIT_CUTOUT_MODEL") or BUNDLED_MODEL,
        cache_dir=Path(cache_dir) if cache_dir is not None else None,
    )
    image = decode_user_image(data, field=label, max_bytes=None)
    try:
        engine.cutout(image, image_bytes_hash=content_hash(data))
    except InputError:
        raise InputError(
            f"{label}: no person or subject found to cut out; use a photo where the presenter stands out "
            "clearly from the background",
            field="photo",
        ) from None


def _label(source: Source, role: str) -> str:
    return f"the {role} image" if isinstance(source, (bytes, bytearray)) else f"{role} {source}"


def _cr(a: str, b: str) -> float:
    return contrast_ratio(relative_luminance(parse_color(a)), relative_luminance(parse_color(b)))


# -- writing ----------------------------------------------------------------------------------
def _install(root: Path, name: str, files: dict[str, bytes], *, force: bool) -> Path:
    """Assemble the kit in a hidden folder beside the target, validate it, rename it into place."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / name
    staging = _fresh_dir(root, name, "new")
    try:
        for file_name, data in files.items():
            _write_synced(staging / file_name, data)
        load_kit(name, staging, FontBook())  # the renderer's own checks: raises SpecError if anything is off
        _sync_dir(staging)
        if target.exists() or target.is_symlink():
            if not force:
                raise InputError(f"kit {name!r} already exists in {root}; use --force to replace it", field="name")
            _replace(staging, target)
        else:
            try:
                os.rename(staging, target)  # fails if another process created the kit meanwhile
            except OSError:
                raise InputError(f"kit {name!r} already exists in {root}; use --force to replace it", field="name") from None
        _sync_dir(root)
        return target
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _replace(staging: Path, target: Path) -> None:
    old = target.parent / f".{target.name}.{secrets.token_hex(6)}.old"
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(old, target)  # put the previous kit back
        raise
    if old.is_symlink() or old.is_file():
        old.unlink()
    else:
        shutil.rmtree(old, ignore_errors=True)


def _fresh_dir(root: Path, name: str, purpose: str) -> Path:
    """A new hidden folder beside the kit; ``os.mkdir`` so the user's umask applies (mkdtemp is 0700)."""
    while True:
        path = root / f".{name}.{secrets.token_hex(6)}.{purpose}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
