"""Video inputs given by path: resolved under the configured media root, never outside it.

A path is relative to the root (``talks/a.mp4``). Refused before anything is opened or read: any
path when no root is configured, an absolute path, a ``..`` component, a NUL character, and a path
whose real location (symbolic links followed) is outside the root. Jobs check when submitted and
again right before opening the file, so a link changed in between is caught as well.

A video read by path is named by ``path_video_id``: a hash of its real path, size and modification
time, so frames made from it are listed together, and an edited file (new size or mtime) is a new
video.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..errors import AssetError, InputError, shown

PATH_FIELD = "video.path"
HOW_TO_CONFIGURE = (
    "start the server with --media-root DIR (or set THUMBKIT_MEDIA_ROOT) to read videos under DIR, "
    'or upload the video to POST /v1/videos and pass {"upload": "<id>"}'
)


def resolve_media_path(root: Path | None, path: object) -> Path:
    """The real location of ``path`` under ``root``; ``InputError`` when it is not allowed.

    Only names are looked at (the file need not exist yet): nothing is opened.
    """
    if root is None:
        raise InputError(f"{PATH_FIELD}: this server reads no videos by path: {HOW_TO_CONFIGURE}", field=PATH_FIELD)
    if not isinstance(path, str) or not path.strip():
        raise InputError(f'{PATH_FIELD} must be a path relative to the media root, e.g. "talks/a.mp4"', field=PATH_FIELD)
    if "\x00" in path:
        raise InputError(f"{PATH_FIELD} must not contain a NUL character", field=PATH_FIELD)
    relative = PurePosixPath(path)
    if relative.is_absolute() or PureWindowsPath(path).drive:
        raise InputError(f"{PATH_FIELD} {shown(path)} is absolute: give a path relative to the media root", field=PATH_FIELD)
    if ".." in relative.parts:
        raise InputError(f"{PATH_FIELD} {shown(path)} goes up with '..': give a path inside the media root", field=PATH_FIELD)
    real_root = root.resolve()
    try:
        real = (real_root / relative).resolve()
    except (OSError, RuntimeError) as error:  # a symbolic link loop
        raise InputError(f"{PATH_FIELD} {shown(path)} cannot be resolved: {error}", field=PATH_FIELD) from None
    if not real.is_relative_to(real_root):
        raise InputError(f"{PATH_FIELD} {shown(path)} leads outside the media root (through a symbolic link)", field=PATH_FIELD)
    return real


def path_video_id(real: Path, shown: str) -> str:
    """``path_`` + sha256 of the real path, size and mtime; ``AssetError`` when the file is missing."""
    try:
        stat = real.stat()
    except FileNotFoundError:
        raise AssetError(f"video file '{shown}' not found under the media root") from None
    except OSError as error:
        raise AssetError(f"cannot read video file '{shown}': {error.strerror or error}") from None
    if not real.is_file():
        raise AssetError(f"video '{shown}' is not a file")
    key = f"{real}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()
    return "path_" + hashlib.sha256(key).hexdigest()
