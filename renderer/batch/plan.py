"""From a CSV row to a render job: defaults applied, request validated, output name decided, inputs hashed.

Runs in the parent, in row order, and is cheap (no fonts, no images): a bad value fails its row
here without costing a worker anything.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any

import msgspec
from msgspec import Struct

from ..assets.decode import BACKGROUND_MAX_BYTES, as_data_url
from ..errors import InputError
from ..request import GenerateRequest, parse_request
from ..text.title import normalize_title
from .csv_rows import CsvRow
from .names import (
    EXTENSIONS,
    NameRegistry,
    extension_format,
    picture_in_folder,
    safe_relative_name,
    title_slug,
)

HASH_SCHEMA = 1  # bump when the meaning of a request changes, to re-render everything once
_TRUE = frozenset({"true", "1", "yes", "y", "on"})
_FALSE = frozenset({"false", "0", "no", "n", "off"})
_BOOLEAN_FIELDS = ("usePhoto", "useLogo")


class RowDefaults(Struct, frozen=True, kw_only=True):
    """Values for the columns a CSV does not have (or leaves empty). ``format=None``: the brand
    kit's format, else youtube (as ThumbAPI)."""

    format: str | None = None
    image_style: str | None = None
    brand: str | None = None
    layout: str = "auto"
    use_photo: bool = False
    use_logo: bool = False
    output_format: str = "webp"
    category: str = "auto"
    model: str = "sd"

    def body(self) -> dict[str, Any]:
        """These defaults as a ThumbAPI request body (without a title)."""
        body: dict[str, Any] = {
            "format": self.format, "imageStyle": self.image_style, "customAssetsId": self.brand,
            "layout": self.layout, "usePhoto": self.use_photo, "useLogo": self.use_logo,
            "outputFormat": self.output_format, "category": self.category, "model": self.model,
        }
        return {key: value for key, value in body.items() if value is not None}


NO_DEFAULTS = RowDefaults()


class RenderJob(Struct, frozen=True):
    """A row ready to render: ``name`` is its output path relative to the output folder (POSIX).
    With ``variants``, the files are ``variant_names`` (``name``'s stem with ``-1``, ``-2`` ...)."""

    line: int
    number: int
    title: str
    request: GenerateRequest
    name: str
    input_hash: str
    variant_names: tuple[str, ...] = ()

    @property
    def outputs(self) -> tuple[str, ...]:
        """The files this row writes, the best variant first."""
        return self.variant_names or (self.name,)


class RowFailure(Struct, frozen=True):
    line: int
    number: int
    title: str
    error: str


def plan_row(row: CsvRow, *, defaults: RowDefaults, names: NameRegistry, csv_folder: Path | None = None) -> RenderJob | RowFailure:
    """The job for ``row``, or why it cannot be rendered. Claims the row's output name. A
    ``background`` cell is a picture file relative to ``csv_folder`` (and confined to it)."""
    title = normalize_title(row.title)
    try:
        if row.problem:
            raise InputError(row.problem)
        request = row_request(row, defaults, csv_folder=csv_folder)
        name = _name(row, request, names)
        variant_names = tuple(_claim_variant(name, number, names, row.line) for number in range(1, request.variants + 1)) \
            if request.variants > 1 else ()
    except InputError as exc:
        return RowFailure(line=row.line, number=row.number, title=title, error=exc.message)
    return RenderJob(
        line=row.line, number=row.number, title=request.title, request=request, name=name,
        input_hash=input_hash(request), variant_names=variant_names,
    )


def _claim_variant(name: str, number: int, names: NameRegistry, line: int) -> str:
    """``thumbs/hello.webp`` -> ``thumbs/hello-2.webp`` for variant 2, claimed."""
    path = PurePosixPath(name)
    variant = str(path.with_name(f"{path.stem}-{number}{path.suffix}"))
    names.claim(variant, line=line)
    return variant


def input_hash(request: GenerateRequest) -> str:
    """A digest of everything that decides the output's bytes from the row."""
    payload = {"schema": HASH_SCHEMA, "request": msgspec.to_builtins(request)}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_request(row: CsvRow, defaults: RowDefaults, *, csv_folder: Path | None = None) -> GenerateRequest:
    """The ThumbAPI request a row asks for: its cells over ``defaults``; ``InputError`` when invalid.
    A ``background`` cell names a picture relative to ``csv_folder`` (and confined to it)."""
    body = defaults.body()
    for field, cell in row.fields.items():
        if field == "filename":
            continue
        if field == "background":
            if csv_folder is None:
                raise InputError("a background column needs the CSV's folder to find its files", field="background")
            # read here (checked, capped) and sent as a data URL: the workers need no file access,
            # and the input hash covers the picture's bytes, so a changed picture renders again
            body["backgroundImage"] = as_data_url(picture_in_folder(csv_folder, cell), field="background",
                                                  max_bytes=BACKGROUND_MAX_BYTES)
        elif field in _BOOLEAN_FIELDS:
            body[field] = _boolean(field, cell)
        elif field == "variants":
            body[field] = _whole_number(field, cell)
        else:
            body[field] = cell.strip()
    body["title"] = row.title
    request = parse_request(body)
    wanted = extension_format(row.fields.get("filename", "").strip())
    if wanted is not None and wanted != request.output_format:
        if "outputFormat" in row.fields:
            raise InputError(
                f"filename's extension asks for {wanted} but outputFormat is {request.output_format}", field="filename"
            )
        request = msgspec.structs.replace(request, output_format=wanted)
    return request


def _name(row: CsvRow, request: GenerateRequest, names: NameRegistry) -> str:
    filename = row.fields.get("filename", "").strip()
    if filename:
        name = safe_relative_name(filename, request.output_format)
        names.claim(name, line=row.line)
        return name
    return names.claim_slug(title_slug(request.title), EXTENSIONS[request.output_format], line=row.line)


def _whole_number(field: str, cell: str) -> int | str:
    """A cell like ``3`` as a number; anything else as it is, for the request's own message."""
    value = cell.strip()
    return int(value) if value.isascii() and value.isdigit() else value


def _boolean(field: str, cell: str) -> bool:
    value = cell.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InputError(f"{field} must be true or false, got {cell.strip()[:40]!r}", field=field)


__all__ = ["NO_DEFAULTS", "RenderJob", "RowDefaults", "RowFailure", "input_hash", "plan_row", "row_request"]
