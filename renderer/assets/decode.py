"""Safe decoding of user images (photoImage, logoImage) into RGBA Pillow images.

Accepts raw bytes, a ``data:image/...;base64,`` URL or a :class:`pathlib.Path`. Every problem is an
:class:`InputError` naming the field: over the byte cap, not an image, SVG or another format than
JPEG/PNG/WebP, bad data URL, truncated data, too small, or too many pixels. The pixel count is read
from the header and checked *before* any pixel is decoded, so a decompression bomb is never
allocated. Pillow's global ``MAX_IMAGE_PIXELS`` is neither relied on nor changed.

Memory: an image is decoded at the size it will be used when the caller says so (``max_side_px``):
a JPEG is decoded already scaled down by its DCT (Pillow's draft mode: a 48 MP photo decodes as
12 MP), any other format is scaled down in its own mode before it becomes RGBA, and no full-size
copy is made on the way. PNG and WebP can only be decoded whole, so an image of more than
``LARGE_DECODE_PIXELS`` is decoded as a heavy step (``memory.heavy_step``: one at a time per
process, whatever the number of threads).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import math
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageFile, ImageOps, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

from ..errors import InputError, shown
from ..memory import heavy_step, release_free_memory

MB = 1024 * 1024
PHOTO_MAX_BYTES = 2 * MB
LOGO_MAX_BYTES = 1 * MB
BACKGROUND_MAX_BYTES = 5 * MB  # thumbkit's backgroundImage: a photo to put the title over
#: ThumbAPI's byte caps by request field (and thumbkit's backgroundImage); see :func:`cap_message`.
MAX_BYTES_BY_FIELD: dict[str, int] = {
    "photoImage": PHOTO_MAX_BYTES, "logoImage": LOGO_MAX_BYTES, "backgroundImage": BACKGROUND_MAX_BYTES,
}

#: 50 megapixels: a 48 MP phone photo fits (a JPEG is decoded scaled down: see draft mode).
DEFAULT_MAX_PIXELS = 50_000_000
#: PNG and WebP are decoded whole, whatever size they are used at: at most a 4096 px square
#: (16.8 megapixels, 64 MiB as RGBA, against 200 MiB at 50 MP). Within the byte caps only flat or
#: synthetic pictures are larger (a photo that size is 25 MB or more as PNG), and they are where
#: a decode's memory went under hostile load.
WHOLE_DECODE_MAX_PIXELS = 4096 * 4096
#: Smaller than this on either side is no usable photo or logo.
DEFAULT_MIN_SIDE_PX = 16
#: Images of more pixels than this are decoded as a heavy step (``memory.heavy_step``: one at a
#: time per process; a 4096 px square RGBA PNG, the largest accepted, takes 64 MiB decoded).
LARGE_DECODE_PIXELS = 12_000_000
_BAND_ROWS = 256  # output rows resized at a time (see _resized_in_bands)
#: A data URL may wrap its base64 in lines (RFC 2045: at most 76 characters and a CRLF each) and
#: have spaces around it and a header; text longer than that for ``max_bytes`` (plus this slack) is
#: over the cap, whatever it holds: 50 MB of whitespace is refused before anything is copied.
_DATA_URL_SLACK_CHARS = 1024

ALLOWED_TEXT = "JPEG, PNG or WebP"
_DATA_URL_TYPES = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/jpg": "JPEG",
    "image/webp": "WEBP",
}
_DATA_URL = re.compile(
    r"data:(?P<type>[^;,]*)(?P<params>(?:;[^;,]*)*),(?P<payload>.*)", re.S | re.I
)

# Formats we recognise only to name them in the refusal.
_OTHER_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"%PDF", "PDF"),
    (b"8BPS", "PSD"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
    (b"\xff\x4f\xff\x51", "JPEG 2000"),
    (b"qoif", "QOI"),
)
_FTYP_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"mif1": "HEIF", b"avif": "AVIF", b"avis": "AVIF"}


def cap_message(field: str, max_bytes: int) -> str:
    """ThumbAPI's message for an over-cap image, e.g. ``photoImage exceeds 2MB cap``."""
    return f"{field} exceeds {max_bytes / MB:g}MB cap"


def content_hash(data: bytes) -> str:
    """A stable hex digest of image bytes, used to key the cutout cache."""
    import hashlib  # here, not with the module: a faceless render does not hash images

    return hashlib.sha256(data).hexdigest()


def read_image_bytes(data: bytes | str | Path, *, field: str, max_bytes: int | None) -> bytes:
    """The raw encoded bytes behind ``data``, checked against ``max_bytes``.

    ``data`` is the bytes themselves, a base64 ``data:`` URL (a ``str``) or a file ``Path``. A plain
    ``str`` is never read as a path, so a request value can't make thumbkit open a local file.
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    elif isinstance(data, str):
        raw = _decode_data_url(data, field=field, max_bytes=max_bytes)
    elif isinstance(data, Path):
        raw = _read_path(data, field=field, max_bytes=max_bytes)
    else:
        raise InputError(
            f"{field} must be image bytes, a data URL or a file path, not {type(data).__name__}",
            field=field,
        )
    if max_bytes is not None and len(raw) > max_bytes:
        raise InputError(cap_message(field, max_bytes), field=field)
    if not raw:
        raise InputError(f"{field} is empty; send a {ALLOWED_TEXT} image", field=field)
    return raw


def as_data_url(source: bytes | Path, *, field: str, max_bytes: int | None) -> str:
    """Image bytes or a file as a ``data:`` URL, after the cap and format checks, so that every
    image of a request goes through the same checks however it was given."""
    raw = read_image_bytes(source, field=field, max_bytes=max_bytes)
    media_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[sniff_format(raw, field=field)]
    return f"data:{media_type};base64," + base64.b64encode(raw).decode("ascii")


def decode_image(
    data: bytes | str | Path,
    *,
    field: str,
    max_bytes: int | None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    min_side_px: int = DEFAULT_MIN_SIDE_PX,
    max_side_px: int | None = None,
    reduce_to_px: int | None = None,
) -> Image.Image:
    """Decode a JPEG, PNG or WebP image into an RGBA image with its EXIF orientation applied.

    Raises :class:`InputError` (``field`` set) for anything that is not a usable image of an
    allowed format within ``max_bytes`` bytes, ``max_pixels`` pixels and ``min_side_px`` per side
    (all checked on the image as sent). With ``max_side_px``, a larger image comes back scaled down
    (LANCZOS, aspect kept, :func:`fitted_size`) and is decoded at about that size when its format
    allows: the full-size pixels are never held as RGBA.
    ``reduce_to_px``: only a small version is needed (at least this many pixels a side, any size
    above), so a JPEG may be decoded at a fraction of its size (a brand kit's reference images,
    sampled for colours).
    """
    draft = (lambda image: (reduce_to_px, reduce_to_px)) if reduce_to_px is not None else None
    return _to_upright_rgba(_loaded(data, field=field, max_bytes=max_bytes, max_pixels=max_pixels,
                                    min_side_px=min_side_px, max_side_px=max_side_px, draft=draft))


def decode_picture(
    data: bytes | str | Path,
    *,
    field: str,
    max_bytes: int | None,
    cover_px: tuple[int, int],
    max_pixels: int = DEFAULT_MAX_PIXELS,
    min_side_px: int = DEFAULT_MIN_SIDE_PX,
) -> Image.Image:
    """A background picture as upright RGB, decoded only as large as covering ``cover_px``
    (width, height) needs: a JPEG is decoded at 1/2, 1/4 or 1/8 of its size (draft mode) when
    that still covers it. Same checks and errors as :func:`decode_image`; transparency is
    flattened onto black."""
    def covering(image: Image.Image) -> tuple[int, int]:
        width, height = cover_px
        if _exif_orientation(image) in (5, 6, 7, 8):  # stored turned a quarter: cover the turned size
            width, height = height, width
        scale = max(width / image.width, height / image.height)
        return max(1, int(image.width * scale + 1)), max(1, int(image.height * scale + 1))

    upright = _upright(_loaded(data, field=field, max_bytes=max_bytes, max_pixels=max_pixels, min_side_px=min_side_px,
                               max_side_px=None, draft=covering))
    if upright.mode == "RGB":
        return upright
    if upright.mode in ("L", "CMYK", "YCbCr") and "transparency" not in upright.info:
        return upright.convert("RGB")
    rgba = upright.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (0, 0, 0))
    flat.paste(rgba, (0, 0), rgba)
    return flat


def _loaded(data: bytes | str | Path, *, field: str, max_bytes: int | None, max_pixels: int, min_side_px: int,
            max_side_px: int | None, draft: Callable[[Image.Image], tuple[int, int]] | None) -> Image.Image:
    """The checked image with its pixels loaded (not yet upright). With ``max_side_px`` a larger
    image comes back scaled down (:func:`fitted_size`, decoded near that size for a JPEG, resized in
    bands otherwise); else a JPEG is decoded at 1/2, 1/4 or 1/8 of its size (draft mode) when
    ``draft(image)`` (the size needed, from the header) allows."""
    raw = read_image_bytes(data, field=field, max_bytes=max_bytes)
    fmt = sniff_format(raw, field=field)
    image = _open_header(raw, fmt, field=field)
    _check_size(image.size, field=field, fmt=fmt, max_pixels=max_pixels, min_side_px=min_side_px)
    target = fitted_size(image.size, max_side_px) if max_side_px is not None else None  # None: as decoded
    if fmt == "JPEG" and target is not None and target != image.size:
        image.draft(image.mode, target)  # DCT scaling by 1/2, 1/4 or 1/8, to at least the target
    elif fmt == "JPEG" and draft is not None:
        image.draft("RGB", draft(image))
    large = image.width * image.height > LARGE_DECODE_PIXELS
    with heavy_step if large else contextlib.nullcontext():
        if large:
            release_free_memory()  # start it from the least memory held, as an inference does
        _load_pixels(image, fmt, field=field)
        if target is not None and image.size != target:
            reduced = _resized_in_bands(image, target)
            reduced.info = image.info  # the EXIF orientation, among others
            image = reduced  # the full-size pixels go here
    if large:
        release_free_memory()  # hand the full-size buffers back now, not at the next big decode
    return image


def _exif_orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except Exception:  # noqa: BLE001 - a broken EXIF block: no rotation
        return 1

def fitted_size(size_px: tuple[int, int], max_side_px: int) -> tuple[int, int]:
    """``size_px`` scaled down, keeping its aspect, so that no side exceeds ``max_side_px``."""
    width_px, height_px = size_px
    if max(size_px) <= max_side_px:
        return size_px
    scale = max_side_px / max(size_px)
    return (max(1, round(width_px * scale)), max(1, round(height_px * scale)))


def check_image(
    data: bytes | str | Path,
    *,
    field: str,
    max_bytes: int | None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    min_side_px: int = DEFAULT_MIN_SIDE_PX,
) -> None:
    """What :func:`decode_image` checks before it decodes pixels (cap, format, header, size), for
    refusing a request early; damage further into the data is found when it is decoded."""
    raw = read_image_bytes(data, field=field, max_bytes=max_bytes)
    fmt = sniff_format(raw, field=field)
    image = _open_header(raw, fmt, field=field)
    _check_size(image.size, field=field, fmt=fmt, max_pixels=max_pixels, min_side_px=min_side_px)


def sniff_format(raw: bytes, *, field: str) -> str:
    """Pillow's name (``JPEG``, ``PNG``, ``WEBP``) of the allowed format ``raw`` starts with."""
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if raw.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return "WEBP"
    if _looks_like_svg(raw):
        raise InputError(
            f"{field} is an SVG image; SVG is not supported, send a {ALLOWED_TEXT} image",
            field=field,
        )
    other = _other_format_name(raw)
    if other is not None:
        raise InputError(
            f"{field} is a {other} image; only {ALLOWED_TEXT} images are allowed", field=field
        )
    raise InputError(f"{field} is not an image; send a {ALLOWED_TEXT} image", field=field)


def _decode_data_url(text: str, *, field: str, max_bytes: int | None) -> bytes:
    if max_bytes is not None:
        encoded_chars = -(-max_bytes // 3) * 4
        if len(text) > encoded_chars + 2 * -(-encoded_chars // 76) + _DATA_URL_SLACK_CHARS:
            raise InputError(cap_message(field, max_bytes), field=field)  # before copying it
    match = _DATA_URL.fullmatch(text.strip())
    example = "data:image/png;base64,..."
    if match is None:
        raise InputError(
            f"{field} must be a base64 data URL like {example} ({ALLOWED_TEXT})", field=field
        )
    media_type = match["type"].strip().lower()
    if media_type == "image/svg+xml":
        raise InputError(
            f"{field} is an SVG image; SVG is not supported, send a {ALLOWED_TEXT} image",
            field=field,
        )
    if media_type not in _DATA_URL_TYPES:
        raise InputError(
            f"{field} data URL has type {shown(media_type or 'no media type')}; allowed: image/jpeg, image/png, image/webp",
            field=field,
        )
    params = [p.strip().lower() for p in match["params"].split(";") if p.strip()]
    if "base64" not in params:
        raise InputError(f"{field} data URL must be base64-encoded, like {example}", field=field)
    payload = re.sub(r"\s+", "", match["payload"])
    if max_bytes is not None and (len(payload) * 3) // 4 - 2 > max_bytes:
        raise InputError(cap_message(field, max_bytes), field=field)
    try:
        return base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InputError(
            f"{field} data URL is not valid base64 ({exc}); expected {example}", field=field
        ) from exc


def _read_path(path: Path, *, field: str, max_bytes: int | None) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise InputError(f"{field} file {str(path)!r} does not exist", field=field) from exc
    except IsADirectoryError as exc:
        raise InputError(
            f"{field} path {str(path)!r} is a folder, not an image", field=field
        ) from exc
    except OSError as exc:
        raise InputError(
            f"{field} file {str(path)!r} can't be read: {exc.strerror}", field=field
        ) from exc


def _looks_like_svg(raw: bytes) -> bool:
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head


def _other_format_name(raw: bytes) -> str | None:
    for signature, name in _OTHER_SIGNATURES:
        if raw.startswith(signature):
            return name
    if raw[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(raw[8:12], "ISO media (HEIC/AVIF/MP4)")
    return None


def _open_header(raw: bytes, fmt: str, *, field: str) -> Image.Image:
    """Parse only the header with the format's own Pillow plugin; no pixel is decoded yet.

    The plugin class is used directly rather than ``Image.open`` so that Pillow's global
    decompression-bomb limit doesn't step in first: :func:`_check_size` decides, with our limit.
    """
    openers: dict[str, Callable[[BinaryIO], ImageFile.ImageFile]] = {
        "PNG": PngImagePlugin.PngImageFile,
        "JPEG": JpegImagePlugin.JpegImageFile,
        "WEBP": WebPImagePlugin.WebPImageFile,
    }
    try:
        return openers[fmt](io.BytesIO(raw))
    except Exception as exc:  # Pillow's plugins raise many types for a broken header
        raise InputError(_corrupt(field, fmt), field=field) from exc


def _check_size(size_px: tuple[int, int], *, field: str, fmt: str, max_pixels: int, min_side_px: int) -> None:
    width_px, height_px = size_px
    limit = max_pixels if fmt == "JPEG" else min(max_pixels, WHOLE_DECODE_MAX_PIXELS)
    if width_px * height_px > limit:
        whole_format = fmt if limit < max_pixels else None
        raise InputError(_too_many_pixels(field, size_px, limit, whole_format=whole_format, jpeg_max=max_pixels),
                         field=field)
    if min(width_px, height_px) < min_side_px:
        raise InputError(
            f"{field} is {width_px}x{height_px} pixels, too small; images must be at least "
            f"{min_side_px} pixels on each side",
            field=field,
        )


def _load_pixels(image: Image.Image, fmt: str, *, field: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.load()
    except Exception as exc:  # truncated or corrupt data: OSError, SyntaxError, EOFError, ...
        raise InputError(_corrupt(field, fmt), field=field) from exc


def _eight_bit(image: Image.Image) -> Image.Image:
    if image.mode.startswith("I;16"):  # 16-bit grey PNG: keep the high byte, don't clip
        import numpy as np  # here, not with the module: only 16-bit images need it

        return Image.fromarray((np.asarray(image, dtype=np.uint16) >> 8).astype(np.uint8))
    return image


def _resized_in_bands(image: Image.Image, size_px: tuple[int, int]) -> Image.Image:
    """``image`` resized (LANCZOS) to ``size_px`` a band of rows at a time, each band read with the
    rows its filter reaches (3 source pixels per output pixel, scaled), so the result is the
    whole-image resize. Pillow's own resize would hold another full-size copy: RGBA is resized
    premultiplied (a converted copy), and its first pass is output width x source height."""
    width_px, height_px = image.size
    scale = height_px / size_px[1]
    reach = math.ceil(3 * max(scale, 1.0)) + 2
    result: Image.Image | None = None
    for top in range(0, size_px[1], _BAND_ROWS):
        bottom = min(top + _BAND_ROWS, size_px[1])
        source_top, source_bottom = top * scale, bottom * scale
        crop_top = max(0, math.floor(source_top) - reach)
        crop_bottom = min(height_px, math.ceil(source_bottom) + reach)
        band = _resizable(image.crop((0, crop_top, width_px, crop_bottom)))
        box = (0.0, source_top - crop_top, float(width_px), source_bottom - crop_top)
        resized = band.resize((size_px[0], bottom - top), Image.Resampling.LANCZOS, box=box)
        if result is None:
            result = Image.new(resized.mode, size_px)
        result.paste(resized, (0, top))
    assert result is not None
    return result


def _resizable(image: Image.Image) -> Image.Image:
    """``image`` in a mode LANCZOS works in (it falls back to nearest for palettes and 1-bit)."""
    image = _eight_bit(image)
    if image.mode in ("P", "PA"):
        return image.convert("RGBA")
    return image.convert("L") if image.mode == "1" else image


def _to_upright_rgba(image: Image.Image) -> Image.Image:
    upright = _upright(image)
    return upright if upright.mode == "RGBA" else upright.convert("RGBA")


def _upright(image: Image.Image) -> Image.Image:
    """In place where it can: no full-size copy is made for an image that needs no rotation."""
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except Exception:  # a broken EXIF block only loses the rotation, not the image
        pass
    return _eight_bit(image)


def _too_many_pixels(field: str, size_px: tuple[int, int], max_pixels: int, *, whole_format: str | None = None,
                     jpeg_max: int = DEFAULT_MAX_PIXELS) -> str:
    limit = f"the limit is {max_pixels / 1e6:g} megapixels"
    if whole_format is not None:
        name = {"WEBP": "WebP"}.get(whole_format, whole_format)
        limit = (f"the limit is {max_pixels:,} pixels (a 4096 px square) for a {name} image, which is decoded whole; "
                 f"a JPEG may have {jpeg_max / 1e6:g} megapixels")
    width_px, height_px = size_px
    megapixels = width_px * height_px / 1e6
    return f"{field} is {width_px}x{height_px} pixels ({megapixels:.1f} megapixels), too large; {limit}"


def _corrupt(field: str, fmt: str) -> str:
    name = {"WEBP": "WebP"}.get(fmt, fmt)
    return f"{field} is a truncated or corrupt {name} image; send a complete {ALLOWED_TEXT} image"
