"""Read a batch CSV lazily: one ``CsvRow`` per record, whatever real-world CSV looks like.

Handles UTF-8 with or without a BOM, CRLF or LF, quoted commas and newlines, blank lines, and a
headerless file with one title per line. A title list (``lines=True``; a ``.txt`` file by default, see
:func:`is_title_list`) is read line by line with no CSV quoting at all: ``"I quit my job" — one year
later`` is a title, quotes included. Column names are matched loosely (``Output Format``,
``output_format`` and ``outputFormat`` are the same column) and mapped to ThumbAPI's field names.
File-level problems (not UTF-8, no title column, broken quoting) raise ``InputError`` naming the
line; row-level problems are left to the caller, which fails that row alone.

Nothing here holds more than one record in memory.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from collections.abc import Iterator
from pathlib import Path

from msgspec import Struct

from ..errors import InputError

# normalised column name -> ThumbAPI field name (plus ``filename`` and ``background``, thumbkit's own)
COLUMN_ALIASES: dict[str, str] = {
    "title": "title",
    "format": "format",
    "style": "imageStyle",
    "imagestyle": "imageStyle",
    "customassetsid": "customAssetsId",
    "brand": "customAssetsId",
    "layout": "layout",
    "usephoto": "usePhoto",
    "uselogo": "useLogo",
    "outputformat": "outputFormat",
    "filename": "filename",
    "background": "background",
    "category": "category",
    "model": "model",
    "subtitle": "subtitle",
    "badge": "badge",
    "headline": "headline",
    "language": "language",
    "variants": "variants",
}
_SEPARATORS = re.compile(r"[\s_\-]+")
_LONE_CR = re.compile(r"(?<=\r)(?!\n)")  # splits after a CR that no LF follows (old Mac line ends)
_LONE_CR_BYTES = re.compile(rb"\r(?!\n)")


def normalize_column(name: str) -> str:
    """``' Output_Format '`` -> ``'outputformat'``."""
    return _SEPARATORS.sub("", name).casefold()


class CsvRow(Struct, frozen=True):
    """One data record. ``line``: the physical line it starts on; ``number``: 1-based among data rows.

    ``fields`` maps ThumbAPI field names to the non-empty cells of the row; ``problem`` is set when
    the record itself is malformed (more cells than the header has columns).
    """

    line: int
    number: int
    fields: dict[str, str]
    problem: str | None = None

    @property
    def title(self) -> str:
        return self.fields.get("title", "")


class CsvShape(Struct, frozen=True):
    """What the first record said: a header (its columns, mapped) or none (one title per line)."""

    has_header: bool
    columns: tuple[str | None, ...]  # per position: a ThumbAPI field name, or None for an ignored column
    ignored_columns: tuple[str, ...]


TITLE_LIST = CsvShape(has_header=False, columns=("title",), ignored_columns=())


def is_title_list(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is read as one title per line by default: a ``.txt`` file."""
    return Path(path).suffix.lower() == ".txt"


def read_rows(path: str | os.PathLike[str], *, delimiter: str = ",", lines: bool = False) -> Iterator[CsvRow]:
    """The data rows of ``path``, lazily. Raises ``InputError`` (naming the line) for file-level
    problems. ``lines``: every non-blank line is a title, as written (no header, no quoting)."""
    shape: CsvShape | None = TITLE_LIST if lines else None
    number = 0
    for line, record in _records(Path(path), delimiter, lines):
        if shape is None:
            shape = _shape(Path(path), line, record)
            if shape.has_header:
                continue
        number += 1
        yield _row(shape, line, number, record, delimiter)


def read_shape(path: str | os.PathLike[str], *, delimiter: str = ",", lines: bool = False) -> CsvShape:
    """The header of ``path`` (read from its first record only)."""
    if lines:
        return TITLE_LIST
    for line, record in _records(Path(path), delimiter, False):
        return _shape(Path(path), line, record)
    return CsvShape(has_header=False, columns=(), ignored_columns=())


def count_rows(path: str | os.PathLike[str], *, delimiter: str = ",", lines: bool = False) -> int:
    """How many data rows ``path`` has; reads it whole, so every file-level problem surfaces here."""
    return sum(1 for _ in read_rows(path, delimiter=delimiter, lines=lines))


def _records(path: Path, delimiter: str, lines: bool) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) for each non-blank record; a title list's records are its lines."""
    if lines:
        for number, text in enumerate(_decoded_lines(path), start=1):
            if text.strip():
                yield number, [text.rstrip("\r\n")]
        return
    reader = csv.reader(_decoded_lines(path), delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(
                f"{path}:{start}: not valid CSV ({exc}); a value that starts with a quote must end with one, "
                'and a quote inside a quoted value is written twice ("")'
            ) from None
        if any(cell.strip() for cell in record):
            yield start, record


def _decoded_lines(path: Path) -> Iterator[str]:
    """The file's lines, decoded, line ends kept, as ``open(newline="")`` would give them (a lone
    CR ends a line too), but read in binary so that a decoding error can name its line."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    lines_before = 0
    with handle:
        for index, raw in enumerate(handle):
            if index == 0:
                if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    raise InputError(f"{path}:1: the file is UTF-16, not UTF-8; save it as 'CSV UTF-8'")
                raw = raw.removeprefix(codecs.BOM_UTF8)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                before = raw[: exc.start]
                breaks = _LONE_CR_BYTES.findall(before)
                line_start = before.rfind(b"\r") + 1 if breaks else 0
                column = len(before[line_start:].decode("utf-8", "replace")) + 1
                raise InputError(
                    f"{path}:{lines_before + len(breaks) + 1}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at "
                    f"column {column}); save the file as UTF-8"
                ) from None
            for piece in _LONE_CR.split(text):
                if piece:
                    lines_before += 1
                    yield piece


def _shape(path: Path, line: int, record: list[str]) -> CsvShape:
    names = [normalize_column(cell) for cell in record]
    if "title" not in names:
        known = [cell.strip() for cell, name in zip(record, names, strict=True) if name in COLUMN_ALIASES]
        if len(record) > 1 and known:
            raise InputError(
                f"{path}:{line}: no title column; the header has {', '.join(c.strip() for c in record)} "
                f"(known columns: title, {', '.join(sorted(set(COLUMN_ALIASES) - {'title'}))})"
            )
        return CsvShape(has_header=False, columns=("title",), ignored_columns=())
    columns: list[str | None] = []
    seen: dict[str, str] = {}
    ignored: list[str] = []
    for cell, name in zip(record, names, strict=True):
        field = COLUMN_ALIASES.get(name)
        if field is None:
            if cell.strip():
                ignored.append(cell.strip())
        elif field in seen:
            raise InputError(f"{path}:{line}: columns {seen[field]!r} and {cell.strip()!r} both give {field}; keep one")
        else:
            seen[field] = cell.strip()
        columns.append(field)
    return CsvShape(has_header=True, columns=tuple(columns), ignored_columns=tuple(ignored))


def _row(shape: CsvShape, line: int, number: int, record: list[str], delimiter: str) -> CsvRow:
    if not shape.has_header:
        # One title per line: a comma is part of the title, not a separator.
        return CsvRow(line=line, number=number, fields={"title": delimiter.join(record)})
    problem = None
    if len(record) > len(shape.columns) and any(cell.strip() for cell in record[len(shape.columns):]):
        problem = (
            f"{len(record)} cells but the header has {len(shape.columns)} columns; "
            "put quotes around a value that contains a comma"
        )
    fields = {
        field: cell for field, cell in zip(shape.columns, record, strict=False) if field is not None and cell.strip()
    }
    return CsvRow(line=line, number=number, fields=fields, problem=problem)


__all__ = ["COLUMN_ALIASES", "TITLE_LIST", "CsvRow", "CsvShape", "count_rows", "is_title_list", "normalize_column",
           "read_rows", "read_shape"]
