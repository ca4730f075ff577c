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
        match=r"^photoImage is 30000x30000 pixels \(900\.0 megapixels\), too large; the limit is 16,777,216 pixels \(a 4096 px "
              r"square\) for a PNG image, which is decoded whole; a JPEG may have 50 megapixels$",
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


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_a_png_or_webp_is_refused_past_a_4096_px_square_and_a_jpeg_that_size_is_not(fmt: str) -> None:
    """PNG and WebP can only be decoded whole (a JPEG is decoded scaled down), so their limit is
    lower: the largest is decoded, one pixel more is refused from the header."""
    largest = encode(Image.new("L", (4096, 4096), 128), fmt)
    assert decode_image(largest, field="photoImage", max_bytes=None, max_side_px=1024).size == (1024, 1024)
    name = {"WEBP": "WebP"}.get(fmt, fmt)
    over = encode(Image.new("L", (4097, 4096), 128), fmt)
    with pytest.raises(InputError, match=rf"^photoImage is 4097x4096 pixels \(16\.8 megapixels\), too large; the limit is "
                                         rf"16,777,216 pixels \(a 4096 px square\) for a {name} image, which is decoded "
                                         rf"whole; a JPEG may have 50 megapixels$"):
        decode_image(over, field="photoImage", max_bytes=None, max_side_px=1024)
    jpeg = encode(Image.new("RGB", (5000, 4000), "grey"), "JPEG")
    assert decode_image(jpeg, field="photoImage", max_bytes=None, max_side_px=1024).size == (1024, 819)


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


# --- decoding at the size of use (max_side_px) ----------------------------------------------------


def test_large_image_comes_back_at_the_fitted_size() -> None:
    raw = encode(gradient(1200, 900), "PNG")
    image = decode_image(raw, field="photoImage", max_bytes=None, max_side_px=400)
    assert (image.size, image.mode) == ((400, 300), "RGBA")
    small = decode_image(encode(gradient(300, 200), "PNG"), field="photoImage", max_bytes=None, max_side_px=400)
    assert small.size == (300, 200)  # never enlarged


def test_banded_reduction_matches_a_whole_image_resize() -> None:
    """The reduction goes a band of rows at a time (no second full-size copy): the pixels must be
    what Pillow's own whole-image LANCZOS gives, transparency included (1 level of rounding)."""
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, size=(1500, 1100, 4), dtype=np.uint8)
    pixels[..., 3] = np.linspace(0, 255, 1100, dtype=np.uint8)[None, :]  # alpha from clear to opaque
    source = Image.fromarray(pixels, "RGBA")
    decoded = decode_image(encode(source, "PNG"), field="photoImage", max_bytes=None, max_side_px=700)
    expected = source.resize(decoded.size, Image.Resampling.LANCZOS)
    assert decoded.size == (513, 700)

    def premultiplied(image: Image.Image) -> np.ndarray:  # what shows once drawn over anything
        rgba = np.asarray(image, dtype=np.float64)
        return np.dstack([rgba[..., :3] * rgba[..., 3:] / 255, rgba[..., 3]])

    # Colour of a nearly clear pixel is premultiplied rounding divided by its alpha: compare what shows.
    assert np.abs(premultiplied(decoded) - premultiplied(expected)).max() <= 2
    opaque = decode_image(encode(source.convert("RGB"), "PNG"), field="photoImage", max_bytes=None, max_side_px=700)
    same = np.abs(np.asarray(opaque, dtype=np.int16) - np.asarray(source.convert("RGB").resize((513, 700), Image.Resampling.LANCZOS).convert("RGBA"), dtype=np.int16))
    assert same.max() <= 1


def test_reduced_palette_image_is_filtered_not_sampled() -> None:
    """A palette PNG is made RGBA before it is reduced: LANCZOS on a palette falls back to nearest."""
    checker = Image.fromarray(((np.indices((600, 600)).sum(axis=0) % 2) * 255).astype(np.uint8)).convert("P")
    image = decode_image(encode(checker, "PNG"), field="photoImage", max_bytes=None, max_side_px=150)
    grey = np.asarray(image)[10:-10, 10:-10, 0]
    assert image.size == (150, 150)
    assert 100 <= grey.min() and grey.max() <= 155  # averaged: no pure black or white left


def test_reduced_jpeg_keeps_its_exif_orientation() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    raw = encode(gradient(1600, 1200), "JPEG", exif=exif.tobytes())
    assert decode_image(raw, field="photoImage", max_bytes=None, max_side_px=400).size == (300, 400)


def test_jpeg_is_decoded_scaled_down_by_its_dct(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pillow's draft mode: a 4000x3000 JPEG for a 500 px use decodes at 500x375 (1/8), not whole."""
    from PIL import JpegImagePlugin

    loaded: list[tuple[int, int]] = []
    real_load = JpegImagePlugin.JpegImageFile.load

    def recording_load(self):  # type: ignore[no-untyped-def]
        loaded.append(self.size)
        return real_load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", recording_load)
    raw = encode(gradient(4000, 3000), "JPEG", quality=70)
    image = decode_image(raw, field="photoImage", max_bytes=None, max_side_px=500)
    assert image.size == (500, 375)
    assert set(loaded) == {(500, 375)}  # every load (exif_transpose loads too) at the drafted size


def test_large_decodes_are_heavy_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """A decode of more than LARGE_DECODE_PIXELS holds ``memory.heavy_step`` (one at a time per
    process, whatever the threads); a small one never waits for it."""
    import renderer.assets.decode as images_module

    entered: list[int] = []

    class Recorder:
        def __enter__(self) -> None:
            entered.append(1)

        def __exit__(self, *exc_info: object) -> None:
            return None

    monkeypatch.setattr(images_module, "heavy_step", Recorder())
    monkeypatch.setattr(images_module, "LARGE_DECODE_PIXELS", 100_000)
    decode_image(encode(gradient(300, 300), "PNG"), field="photoImage", max_bytes=None)
    assert entered == []
    decode_image(encode(gradient(400, 300), "PNG"), field="photoImage", max_bytes=None, max_side_px=200)
    assert entered == [1]


_PEAK_SCRIPT = """
import io, struct, sys, zlib
from pathlib import Path
from PIL import Image
from renderer.assets.decode import decode_image
kind = sys.argv[1]
if kind == "png":
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    side = 4096
    z = zlib.compressobj(9)
    idat = b"".join(z.compress(b"\\0" * (side + 1)) for _ in range(side)) + z.flush()
    raw = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
else:
    buffer = io.BytesIO()
    Image.linear_gradient("L").convert("RGB").resize((8000, 6000)).save(buffer, "JPEG", quality=50)
    raw = buffer.getvalue()
def mib(field): return int(Path("/proc/self/status").read_text().split(field + ":")[1].split()[0]) / 1024
before = mib("VmRSS")
Path("/proc/self/clear_refs").write_text("5")
image = decode_image(raw, field="photoImage", max_bytes=None, max_side_px=2048)
print(image.size, round(mib("VmHWM") - before))
"""


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="reads peak memory from Linux /proc: run on Linux")
@pytest.mark.parametrize(
    ("kind", "size", "bound_mib", "whole_mib"),
    [
        # 4096x4096 grey, the largest PNG accepted (issue 17's 7070 px reproducer is now refused from
        # its header): decoding it whole as grey is 16 MiB, unavoidable for PNG; as RGBA 64 MiB more,
        # plus the copies made on the way (~100 MiB)
        ("png", (2048, 2048), 50, 100),
        # 8000x6000 JPEG (48 MP): whole it would be 183 MiB as RGB and 183 MiB more as RGBA; drafted
        # it decodes at 4000x3000 (46 MiB)
        ("jpeg", (2048, 1536), 120, 366),
    ],
)
def test_a_large_photo_is_never_held_whole_as_rgba(kind: str, size: tuple[int, int], bound_mib: int, whole_mib: int) -> None:
    """Peak memory of the decode itself, measured in a fresh process (Linux's VmHWM, reset before):
    generous bounds, far below what a whole-size RGBA decode costs."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", _PEAK_SCRIPT, kind], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).parent.parent)
    shown_size, grown_mib = result.stdout.rsplit(")", 1)
    assert shown_size + ")" == str(size)
    assert int(grown_mib) < bound_mib < whole_mib


def test_data_url_padded_with_whitespace_is_over_the_cap() -> None:
    """Whitespace is allowed in a data URL (line breaks), not 50 MB of it: the text's length is
    checked against the cap before the whitespace is taken out (nothing that size is copied)."""
    raw = encode(gradient(), "PNG")
    padded = "data:image/png;base64," + base64.b64encode(raw).decode() + " " * (50 * MB)
    with pytest.raises(InputError, match=r"^photoImage exceeds 2MB cap$"):
        decode_image(padded, field="photoImage", max_bytes=PHOTO_MAX_BYTES)
    encoded = base64.b64encode(bytes(PHOTO_MAX_BYTES - 3)).decode()
    wrapped = "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))  # MIME lines: allowed
    assert len(read_image_bytes("data:image/png;base64," + wrapped, field="photoImage", max_bytes=PHOTO_MAX_BYTES)) == PHOTO_MAX_BYTES - 3
