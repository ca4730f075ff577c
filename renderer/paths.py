"""Where thumbkit's bundled data lives: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .errors import AssetError

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The bundled folder ``name`` (``layouts``, ``brand_kits``, ``fonts``)."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise AssetError(
        f"thumbkit's bundled '{name}' folder is missing (looked in {_PACKAGE_DIR / '_data'} and "
        f"{_PACKAGE_DIR.parent}); reinstall thumbkit"
    )
