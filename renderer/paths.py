"""Where thumbkit's bundled data lives: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

import os
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


def user_kits_dir() -> Path:
    """Where the user's own brand kits live (``thumbkit kit new`` writes there, every ``Renderer``
    reads there): ``$THUMBKIT_KITS_DIR``, else ``$XDG_DATA_HOME/thumbkit/brand_kits``
    (``~/.local/share/thumbkit/brand_kits``). It need not exist."""
    return _user_dir("THUMBKIT_KITS_DIR", "brand_kits")


def user_layouts_dir() -> Path:
    """Where the user's own layouts live (``thumbkit layout new`` writes there, every ``Renderer``
    reads there): ``$THUMBKIT_LAYOUTS_DIR``, else ``$XDG_DATA_HOME/thumbkit/layouts``
    (``~/.local/share/thumbkit/layouts``). It need not exist."""
    return _user_dir("THUMBKIT_LAYOUTS_DIR", "layouts")


def _user_dir(variable: str, folder: str) -> Path:
    explicit = os.environ.get(variable)
    if explicit:
        return Path(explicit).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "thumbkit" / folder


def cache_root() -> Path:
    """thumbkit's cache folder (face cutouts, the compiled catalog): ``$THUMBKIT_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/thumbkit``, else ``~/.cache/thumbkit``. It need not exist."""
    explicit = os.environ.get("THUMBKIT_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path("~/.cache").expanduser()) / "thumbkit"
