"""renderer.assets.decode: decoding user images safely, and refusing everything else with a clear message."""

from __future__ import annotations

import base64
import io
import resource
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from renderer.errors import InputError
from renderer.assets.decode import (
    LOGO_MAX_BYTES,
    MB,
    PHOTO_MAX_BYTES,
    cap_message,
    content_hash,
    decode_image,
    read_image_bytes,
)


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def data_url(raw: bytes, media_type: str = "image/png") -> str:
    return f"data:{media_type};base64,{base64.b64encode(raw).decode()}"


def gradient(width_px: int = 64, height_px: int = 48) -> Image.Image:
    x = np.linspace(0, 255, width_px, dtype=np.uint8)[None, :].repeat(height_px, axis=0)
    y = np.linspace(0, 255, height_px, dtype=np.uint8)[:, None].repeat(width_px, axis=1)
    return Image.fromarray(np.dstack([x, y, 255 - x]))


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(side_px: int) -> bytes:
    """A complete, valid 1-bit PNG of side_px x side_px black pixels, built row by row.

    30000x30000 compresses to about 110 kB, while decoding it would need 900 MB as grey or
    3.6 GB as RGBA. It is streamed through zlib so the test itself never holds the pixels.
    """
    ihdr = struct.pack(">IIBBBBB", side_px, side_px, 1, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = bytes(1 + (side_px + 7) // 8)  # filter byte + packed bits
    idat = b"".join(compressor.compress(row) for _ in range(side_px)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


# --- what is accepted ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_allowed_formats_decode_to_rgba(fmt: str) -> None:
    image = decode_image(encode(gradient(), fmt), field="photoImage", max_bytes=PHOTO_MAX_BYTES)
    assert image.mode == "RGBA"
    assert image.size == (64, 48)
    assert image.getpixel((0, 0))[3] == 255


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("JPEG", "image/jpg"), ("WEBP", "image/webp")],
)
def test_data_urls_decode(fmt: str, media_type: str) -> None:
    image = decode_image(
        data_url(encode(gradient(), fmt), media_type), field="logoImage", max_bytes=LOGO_MAX_BYTES
    )
    assert image.size == (64, 48)


def test_data_url_tolerates_line_breaks_and_missing_padding() -> None:
    raw = encode(gradient(), "PNG")
    text = base64.b64encode(raw).decode().rstrip("=")
    wrapped = "\n".join(text[i : i + 76] for i in range(0, len(text), 76))
    image = decode_image(f"data:image/png;base64,{wrapped}", field="photoImage", max_bytes=None)
    assert image.size == (64, 48)


def test_path_is_read(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(encode(gradient(), "JPEG"))
    assert decode_image(path, field="photoImage", max_bytes=PHOTO_MAX_BYTES).size == (64, 48)


def test_transparency_is_kept() -> None:
    image = gradient().convert("RGBA")
    image.putalpha(Image.new("L", image.size, 0))
    decoded = decode_image(encode(image, "PNG"), field="logoImage", max_bytes=LOGO_MAX_BYTES)
    assert decoded.getpixel((5, 5))[3] == 0


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    raw = encode(gradient(64, 48), "JPEG", exif=exif.tobytes())
    assert decode_image(raw, field="photoImage", max_bytes=None).size == (48, 64)


def test_sixteen_bit_png_keeps_its_grey_levels() -> None:
    grey = Image.fromarray(np.full((20, 20), 40000, dtype=np.uint16))
    decoded = decode_image(encode(grey, "PNG"), field="photoImage", max_bytes=None)
    assert decoded.getpixel((0, 0)) == (156, 156, 156, 255)


def test_cap_counts_decoded_bytes_not_base64_text() -> None:
    raw = encode(gradient(), "PNG")
    raw += bytes(PHOTO_MAX_BYTES - len(raw))  # exactly 2 MB; data after IEND is ignored
    text = data_url(raw)
    assert len(text) > PHOTO_MAX_BYTES
    assert decode_image(text, field="photoImage", max_bytes=PHOTO_MAX_BYTES).size == (64, 48)


def test_content_hash_is_stable_and_distinguishes() -> None:
    assert content_hash(b"abc") == content_hash(b"abc") != content_hash(b"abd")


# --- ThumbAPI's byte caps ------------------------------------------------------------------------


def test_cap_messages_match_thumbapi() -> None:
    assert cap_message("photoImage", PHOTO_MAX_BYTES) == "photoImage exceeds 2MB cap"
    assert cap_message("logoImage", LOGO_MAX_BYTES) == "logoImage exceeds 1MB cap"
    assert PHOTO_MAX_BYTES == 2 * 1024 * 1024


def test_over_cap_bytes() -> None:
    raw = encode(gradient(), "PNG")
    raw += bytes(PHOTO_MAX_BYTES + 1 - len(raw))
    with pytest.raises(InputError, match=r"^photoImage exceeds 2MB cap$") as info:
        decode_image(raw, field="photoImage", max_bytes=PHOTO_MAX_BYTES)
    assert info.value.field == "photoImage"


def test_over_cap_data_url() -> None:
    raw = encode(gradient(), "PNG")
    raw += bytes(LOGO_MAX_BYTES + 1 - len(raw))
    with pytest.raises(InputError, match=r"^logoImage exceeds 1MB cap$"):
        decode_image(data_url(raw), field="logoImage", max_bytes=LOGO_MAX_BYTES)


def test_over_cap_path_reads_no_more_than_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(bytes(3 * MB))
    with pytest.raises(InputError, match=r"^photoImage exceeds 2MB cap$"):
        read_image_bytes(path, field="photoImage", max_bytes=PHOTO_MAX_BYTES)


# --- what is refused ---------------------------------------------------------------------------


def test_truncated_png() -> None:
    raw = encode(gradient(200, 200), "PNG")
    with pytest.raises(
        InputError, match=r"^photoImage is a truncated or corrupt PNG image; send a complete"
    ):
        decode_image(raw[: len(raw) // 2], field="photoImage", max_bytes=PHOTO_MAX_BYTES)


def test_truncated_png_header() -> None:
    raw = encode(gradient(), "PNG")
    with pytest.raises(InputError, match=r"truncated or corrupt PNG"):
        decode_image(raw[:20], field="photoImage", max_bytes=PHOTO_MAX_BYTES)


def test_truncated_jpeg() -> None:
    raw = encode(gradient(200, 200), "JPEG")
    with pytest.raises(InputError, match=r"^photoImage is a truncated or corrupt JPEG image"):
        decode_image(raw[: len(raw) // 2], field="photoImage", max_bytes=PHOTO_MAX_BYTES)


def test_random_bytes() -> None:
    noise = np.random.default_rng(7).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    with pytest.raises(
        InputError, match=r"^photoImage is not an image; send a JPEG, PNG or WebP image$"
    ):
        decode_image(noise, field="photoImage", max_bytes=PHOTO_MAX_BYTES)


def test_empty_bytes() -> None:
    with pytest.raises(InputError, match=r"^photoImage is empty"):
        decode_image(b"", field="photoImage", max_bytes=PHOTO_MAX_BYTES)


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


def test_svg_bytes() -> None:
    with pytest.raises(
        InputError,
        match=r"^logoImage is an SVG image; SVG is not supported, send a JPEG, PNG or WebP",
    ):
        decode_image(SVG, field="logoImage", max_bytes=LOGO_MAX_BYTES)


def test_svg_data_url() -> None:
    with pytest.raises(InputError, match=r"^logoImage is an SVG image; SVG is not supported"):
        decode_image(data_url(SVG, "image/svg+xml"), field="logoImage", max_bytes=LOGO_MAX_BYTES)


def test_svg_disguised_as_png_data_url() -> None:
    with pytest.raises(InputError, match=r"^logoImage is an SVG image"):
        decode_image(data_url(SVG, "image/png"), field="logoImage", max_bytes=LOGO_MAX_BYTES)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO"])
def test_other_formats_are_named_and_refused(fmt: str) -> None:
    raw = encode(gradient(), fmt)
    with pytest.raises(
        InputError,
        match=rf"^photoImage is a {fmt} image; only JPEG, PNG or WebP images are allowed$",
    ):
        decode_image(raw, field="photoImage", max_bytes=PHOTO_MAX_BYTES)


def test_decompression_bomb_is_refused_from_its_header_without_allocating() -> None:
    raw = bomb_png(30000)
    assert len(raw) < 200_000
    peak_before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(
        InputError,
        match=r"^photoImage is 30000x30000 pixels \(900\.0 megapixels\), too large; the limit is 50 megapixels$",
    ):
        decode_image(raw, field="photoImage", max_bytes=PHOTO_MAX_BYTES)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before_kib
    assert grown_kib < 100 * 1024  # decoding would take 900 MB as grey, 3.6 GB as RGBA


def test_jpeg_header_claiming_huge_size_is_refused_before_decoding() -> None:
    raw = bytearray(encode(gradient(), "JPEG"))
    sof = raw.index(b"\xff\xc0")  # baseline frame header: length(2) precision(1) height(2) width(2)
    raw[sof + 5 : sof + 9] = struct.pack(">HH", 60000, 60000)
    with pytest.raises(
        InputError, match=r"^photoImage is 60000x60000 pixels \(3600\.0 megapixels\), too large"
    ):
        decode_image(bytes(raw), field="photoImage", max_bytes=PHOTO_MAX_BYTES)


def test_pixel_limit_is_checked_explicitly_below_pillows_own() -> None:
    raw = encode(gradient(200, 100), "PNG")
    with pytest.raises(
        InputError,
        match=r"^photoImage is 200x100 pixels \(0\.0 megapixels\), too large; the limit is 0\.01 megapixels$",
    ):
        decode_image(raw, field="photoImage", max_bytes=None, max_pixels=10_000)


def test_one_pixel_image() -> None:
    raw = encode(Image.new("RGB", (1, 1), "red"), "PNG")
    with pytest.raises(
        InputError,
        match=r"^photoImage is 1x1 pixels, too small; images must be at least 16 pixels on each side$",
    ):
        decode_image(raw, field="photoImage", max_bytes=PHOTO_MAX_BYTES)


def test_thin_strip_is_too_small() -> None:
    raw = encode(Image.new("RGB", (500, 8), "red"), "PNG")
    with pytest.raises(InputError, match=r"500x8 pixels, too small"):
        decode_image(raw, field="photoImage", max_bytes=PHOTO_MAX_BYTES)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "https://example.com/me.png",
            r"^photoImage must be a base64 data URL like data:image/png;base64,\.\.\. \(JPEG, PNG or WebP\)$",
        ),
        ("/etc/passwd", r"must be a base64 data URL"),
        ("data:image/png;base64", r"must be a base64 data URL"),
        ("data:image/png,iVBORw0KGgo=", r"^photoImage data URL must be base64-encoded"),
        (
            "data:image/png;base64,@@@@",
            r"^photoImage data URL is not valid base64 .*; expected data:image/png;base64,\.\.\.$",
        ),
        ("data:image/png;base64,A", r"^photoImage data URL is not valid base64"),
        (
            "data:text/plain;base64,aGVsbG8=",
            r"^photoImage data URL has type 'text/plain'; allowed: image/jpeg, image/png, image/webp$",
        ),
        ("data:image/gif;base64,R0lGODlh", r"has type 'image/gif'; allowed"),
        ("data:;base64,aGVsbG8=", r"has type 'no media type'"),
        ("data:image/png;base64,", r"^photoImage is empty"),
    ],
)
def test_bad_data_urls(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode_image(text, field="photoImage", max_bytes=PHOTO_MAX_BYTES)


def test_png_data_url_holding_garbage() -> None:
    with pytest.raises(InputError, match=r"^photoImage is not an image"):
        decode_image(
            data_url(b"hello world, not a picture"), field="photoImage", max_bytes=PHOTO_MAX_BYTES
        )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^photoImage file '.*nope\.png' does not exist$"):
        decode_image(tmp_path / "nope.png", field="photoImage", max_bytes=PHOTO_MAX_BYTES)


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"is a folder, not an image"):
        decode_image(tmp_path, field="photoImage", max_bytes=PHOTO_MAX_BYTES)


def test_wrong_type() -> None:
    with pytest.raises(
        InputError, match=r"^photoImage must be image bytes, a data URL or a file path, not int$"
    ):
        decode_image(42, field="photoImage", max_bytes=PHOTO_MAX_BYTES)  # type: ignore[arg-type]


# --- never a crash ---------------------------------------------------------------------------

VALID_PNG = encode(gradient(40, 30), "PNG")
VALID_JPEG = encode(gradient(40, 30), "JPEG")
VALID_WEBP = encode(gradient(40, 30), "WEBP")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from([VALID_PNG, VALID_JPEG, VALID_WEBP]),
    cut=st.integers(min_value=0, max_value=3000),
    flips=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 255)), max_size=6),
)
def test_mangled_images_decode_or_raise_input_error(
    base: bytes, cut: int, flips: list[tuple[int, int]]
) -> None:
    raw = bytearray(base[: max(cut, 1)])
    for position, value in flips:
        if position < len(raw):
            raw[position] = value
    try:
        image = decode_image(bytes(raw), field="photoImage", max_bytes=PHOTO_MAX_BYTES)
    except InputError as error:
        assert error.field == "photoImage"
        assert error.message.startswith("photoImage ")
    else:
        assert image.mode == "RGBA"
        assert min(image.size) >= 16


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(raw: bytes) -> None:
    try:
        decode_image(raw, field="logoImage", max_bytes=LOGO_MAX_BYTES)
    except InputError as error:
        assert error.field == "logoImage"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        decode_image("data:image/png;base64," + text, field="logoImage", max_bytes=LOGO_MAX_BYTES)
    except InputError as error:
        assert error.field == "logoImage"
