"""Decode the images a kit is made from, defensively: reference images (1 to 6, as ThumbAPI's
reference sets), and the logo and photo copied into a new kit.

File sizes are checked before a file is read; images are decoded by the renderer's own safe
decoder (``renderer.assets.decode``), and every failure is an ``InputError`` naming the file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from msgspec import Struct
from PIL import Image

from ..assets.decode import decode_image as decode_user_image
from ..errors import InputError

Source = str | os.PathLike[str] | bytes

MIN_REFERENCES = 1
MAX_REFERENCES = 6
MAX_FILE_BYTES = 25 * 1024 * 1024
SAMPLE_SIDE_PX = 128  # references are reduced to this before their colours are counted
OPAQUE_ALPHA = 128  # pixels at least this opaque count as colour


class ReferencePixels(Struct, frozen=True):
    label: str  # how messages name the image: its file name or "reference 2"
    rgb: np.ndarray  # (n, 3) uint8, the opaque pixels of the reduced image


def load_references(sources: Sequence[Source]) -> tuple[ReferencePixels, ...]:
    """The opaque pixels of each reference image, reduced to at most ``SAMPLE_SIDE_PX`` a side."""
    count = len(sources)
    if not MIN_REFERENCES <= count <= MAX_REFERENCES:
        raise InputError(f"give {MIN_REFERENCES} to {MAX_REFERENCES} reference images, got {count}", field="references")
    references = []
    for index, source in enumerate(sources, start=1):
        label = _label(source, index)
        image = decode_image(source, label=label, reduce_to_px=SAMPLE_SIDE_PX)
        image.thumbnail((SAMPLE_SIDE_PX, SAMPLE_SIDE_PX), Image.Resampling.BOX)
        rgba = np.asarray(image.convert("RGBA"))
        opaque = rgba[rgba[..., 3] >= OPAQUE_ALPHA][:, :3]
        if len(opaque) == 0:
            raise InputError(f"{label} is fully transparent: it has no colours to take", field="references")
        references.append(ReferencePixels(label, np.ascontiguousarray(opaque)))
    return tuple(references)


def decode_image(source: Source, *, label: str, field: str = "references", reduce_to_px: int | None = None) -> Image.Image:
    """A fully decoded image, RGBA, by the renderer's own safe decoder (``assets.decode``: JPEG, PNG
    or WebP, its size checked from the header before any pixel is decoded, at most 50 megapixels, a 4096 px square for PNG and WebP),
    its messages naming ``label``. ``reduce_to_px`` lets JPEG decode at a fraction of its size when
    only a small version is needed."""
    data = read_source(source, label, field)
    try:
        return decode_user_image(data, field=label, max_bytes=None, min_side_px=1, reduce_to_px=reduce_to_px)
    except InputError as exc:
        raise InputError(exc.message, field=field) from None


def read_source(source: Source, label: str, field: str) -> bytes:
    """The bytes of ``source`` (a path or the bytes themselves), at most ``MAX_FILE_BYTES``; an
    ``InputError`` naming ``label`` when it is missing, unreadable, empty or too big."""
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
            if not path.is_file():
                raise InputError(f"{label} is not a file", field=field)
            if size > MAX_FILE_BYTES:
                raise InputError(f"{label} is {size / 2**20:.1f} MiB; images may be at most {MAX_FILE_BYTES // 2**20} MiB", field=field)
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError(f"{label}: no such file", field=field) from None
        except OSError as exc:
            raise InputError(f"{label}: cannot read it ({exc.strerror})", field=field) from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{label} is {len(data) / 2**20:.1f} MiB; images may be at most {MAX_FILE_BYTES // 2**20} MiB", field=field)
    if not data:
        raise InputError(f"{label} is empty", field=field)
    return data


def _label(source: Source, index: int) -> str:
    if isinstance(source, (bytes, bytearray)):
        return f"reference {index}"
    return str(source)
