"""Output file names: a slug of the title, or the row's own ``filename``, unique within a run.

Names are decided in row order by one process, so the same CSV always gets the same names (a
resumed run finds its earlier files under the names it gave them). ``NameRegistry`` keeps the names
claimed so far in a private on-disk SQLite database, so memory stays flat however many rows there are.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from pathlib import Path, PurePosixPath

from slugify import slugify
from text_unidecode import unidecode

from ..errors import InputError
from ..files import TEMPORARY_EXTRA_BYTES

SLUG_MAX_CHARS = 80
FALLBACK_STEM = "thumbnail"
NAME_MAX_BYTES = 255  # per path component, the common filesystem limit
FILE_NAME_MAX_BYTES = NAME_MAX_BYTES - TEMPORARY_EXTRA_BYTES  # the temporary written first must fit too
EXTENSIONS = {"webp": "webp", "png": "png", "jpeg": "jpg"}
FORMAT_OF_EXTENSION = {".webp": "webp", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\\:*?\"<>|]")
_APOSTROPHES = [["'", ""], ["\u2019", ""], ["\u2018", ""]]


def title_slug(title: str) -> str:
    """``"7 Python tricks you didn't know"`` -> ``"7-python-tricks-you-didnt-know"``; ASCII, at most 80 chars.

    Transliterated here with text-unidecode (python-slugify's own fallback, always installed), as
    slugify would after NFKD: the same slug on every machine (slugify prefers Unidecode where it is
    installed), and no failed ``import unidecode`` per title (0.25 ms of the batch parent's 0.8)."""
    ascii_title = title if title.isascii() else unidecode(unicodedata.normalize("NFKD", title))
    return slugify(ascii_title, max_length=SLUG_MAX_CHARS, word_boundary=True, replacements=_APOSTROPHES) or FALLBACK_STEM


def extension_format(filename: str) -> str | None:
    """The output format a file name's extension asks for (``x.PNG`` -> ``png``), or None."""
    return FORMAT_OF_EXTENSION.get(PurePosixPath(filename).suffix.lower())


def safe_relative_name(filename: str, output_format: str) -> str:
    """The row's ``filename`` as a relative POSIX path inside the output folder, with an extension.

    Raises ``InputError`` for a name that would leave the folder (absolute, ``..``, a drive), hide
    (a part starting with ``.``), or use characters that are not portable.
    """
    name = unicodedata.normalize("NFC", filename.strip())
    shown = filename.strip()[:120]
    if name.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", name):
        raise InputError(f"filename must be relative to the output folder, got {shown!r}", field="filename")
    if _FORBIDDEN.search(name):
        raise InputError(
            f"filename may not contain control characters or any of \\ : * ? \" < > |, got {shown!r}", field="filename"
        )
    parts = name.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            raise InputError(f"filename must stay inside the output folder (no empty, '.' or '..' parts), got {shown!r}", field="filename")
        if part.startswith("."):
            raise InputError(f"filename parts may not start with '.', got {shown!r}", field="filename")
        if part != part.strip() or part.endswith("."):
            raise InputError(f"filename parts may not start or end with a space or end with '.', got {shown!r}", field="filename")
    if extension_format(name) is None:
        name = f"{name}.{EXTENSIONS[output_format]}"
    *folders, file_name = name.split("/")
    if any(len(part.encode("utf-8")) > NAME_MAX_BYTES for part in folders):
        raise InputError(f"filename folders must be at most {NAME_MAX_BYTES} bytes, got {shown!r}", field="filename")
    if len(file_name.encode("utf-8")) > FILE_NAME_MAX_BYTES:  # checked as the temporary it is written to first
        raise InputError(
            f"filename must be at most {FILE_NAME_MAX_BYTES} bytes after its last '/', extension included (it is "
            f"written under a temporary name {TEMPORARY_EXTRA_BYTES} bytes longer, and names stop at {NAME_MAX_BYTES}), "
            f"got {len(file_name.encode('utf-8'))} bytes: {shown!r}", field="filename")
    return name


def inside(folder: Path, relative: str) -> Path:
    """``folder / relative``; for a name in a subfolder, checked to resolve inside ``folder`` (a
    symlinked subfolder may not lead out). ``folder`` must be resolved already. A file name that is
    itself a symlink is harmless: the atomic rename replaces the link, not what it points to."""
    target = folder / relative
    if "/" in relative and not target.parent.resolve().is_relative_to(folder):
        raise InputError(f"filename {relative!r} leads outside the output folder", field="filename")
    return target


def picture_in_folder(folder: Path, relative: str, *, field: str = "background") -> Path:
    """A row's picture (``background``): a path relative to the CSV's ``folder``, confined to it as
    ``filename`` is to the output folder: absolute paths, ``..`` and symlinks that lead out are
    refused with an ``InputError``."""
    name = relative.strip()
    shown = name[:120]
    if name.startswith(("/", "~", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise InputError(f"{field} must be a path relative to the CSV's folder, got {shown!r}", field=field)
    parts = name.replace("\\", "/").split("/")
    if any(part == ".." for part in parts) or not any(part not in ("", ".") for part in parts):
        raise InputError(f"{field} must stay inside the CSV's folder (no '..' parts), got {shown!r}", field=field)
    root = folder.resolve()
    target = (root / name).resolve()
    if not target.is_relative_to(root):
        raise InputError(f"{field} {shown!r} leads outside the CSV's folder (a symlink?)", field=field)
    return target


class NameRegistry:
    """The names claimed in this run, case-insensitively (two names that differ only by case clash
    on macOS and Windows)."""

    def __init__(self) -> None:
        # "" opens a private temporary database on disk, deleted on close.
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE claimed (key TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE next_suffix (stem TEXT PRIMARY KEY, suffix INTEGER NOT NULL) WITHOUT ROWID;
            """
        )

    def claim(self, name: str, *, line: int) -> None:
        """Claim an exact name (a row's ``filename``); ``InputError`` when an earlier row has it."""
        if not self._try(name, line):
            (holder,) = self._db.execute("SELECT line FROM claimed WHERE key = ?", (_key(name),)).fetchone()
            raise InputError(f"filename {name!r} is already used by the row on line {holder}", field="filename")

    def claim_slug(self, stem: str, extension: str, *, line: int) -> str:
        """``stem.ext``, or ``stem-2.ext``, ``stem-3.ext``... the first free one, in row order."""
        stem_key = _key(f"{stem}.{extension}")
        found = self._db.execute("SELECT suffix FROM next_suffix WHERE stem = ?", (stem_key,)).fetchone()
        suffix = found[0] if found else 1
        while True:
            name = f"{stem}.{extension}" if suffix == 1 else f"{stem}-{suffix}.{extension}"
            suffix += 1
            if self._try(name, line):
                break
        self._db.execute("INSERT OR REPLACE INTO next_suffix VALUES (?, ?)", (stem_key, suffix))
        return name

    def close(self) -> None:
        self._db.close()

    def _try(self, name: str, line: int) -> bool:
        cursor = self._db.execute("INSERT OR IGNORE INTO claimed VALUES (?, ?)", (_key(name), line))
        return cursor.rowcount == 1


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


__all__ = ["NameRegistry", "extension_format", "inside", "picture_in_folder", "safe_relative_name", "title_slug"]
