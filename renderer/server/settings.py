"""Server settings: from CLI flags, or from ``THUMBKIT_*`` environment variables.

Worker processes are started by uvicorn from an import string, so the CLI hands its settings to them
as one JSON environment variable (``THUMBKIT_SERVER_SETTINGS``); API keys themselves are never put
there, only where to find them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from msgspec import Struct
from msgspec.structs import asdict, fields, replace

from ..errors import InputError

SETTINGS_ENV = "THUMBKIT_SERVER_SETTINGS"
DEFAULT_RATE_LIMIT = 10
DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024  # photoImage (2 MB) + logoImage (1 MB) as base64, with room
DEFAULT_MAX_VIDEO_BYTES = 512 * 1024 * 1024  # POST /v1/videos
DEFAULT_READ_TIMEOUT_SECONDS = 30.0  # a request's head, and each wait in its body (see http_protocol, body)


def default_data_dir() -> Path:
    """``$THUMBKIT_DATA_DIR``, else ``$XDG_DATA_HOME/thumbkit``, else ``~/.local/share/thumbkit``."""
    explicit = os.environ.get("THUMBKIT_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "thumbkit"


def default_render_threads(workers: int) -> int:
    """Render threads per worker process: the cores shared out between the processes."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


class ServerSettings(Struct, frozen=True):
    data_dir: Path
    keys_file: Path | None = None  # extra keys, one per line
    rate_limit: int = DEFAULT_RATE_LIMIT  # requests per second per key
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    workers: int = 1  # uvicorn worker processes
    render_threads: int = 0  # per process; 0: default_render_threads(workers)
    job_concurrency: int = 1  # jobs run at once per process; 0: this process queues but runs none
    job_lease_seconds: float = 30.0  # a job whose process died is queued again after this
    job_poll_seconds: float = 0.5  # how often an idle dispatcher looks for jobs from other processes
    max_job_attempts: int = 3
    media_root: Path | None = None  # video jobs may read files under it (by relative path); None: uploads only
    max_video_bytes: int = DEFAULT_MAX_VIDEO_BYTES
    read_timeout_seconds: float = DEFAULT_READ_TIMEOUT_SECONDS  # a slow client is cut off past it

    def __post_init__(self) -> None:
        if self.rate_limit < 1:
            raise InputError(f"rate limit must be at least 1 request per second, got {self.rate_limit}", field="rate_limit")
        if self.workers < 1:
            raise InputError(f"workers must be at least 1, got {self.workers}", field="workers")
        if self.max_body_bytes < 1024:
            raise InputError(f"max body size must be at least 1024 bytes, got {self.max_body_bytes}", field="max_body_bytes")
        if self.render_threads < 0 or self.job_concurrency < 0:
            raise InputError("render threads and job concurrency cannot be negative", field="render_threads")
        if self.job_lease_seconds <= 0 or self.job_poll_seconds <= 0:
            raise InputError("job lease and poll intervals must be positive", field="job_lease_seconds")
        if not self.read_timeout_seconds > 0:
            raise InputError(f"read timeout must be positive, got {self.read_timeout_seconds}", field="read_timeout_seconds")
        if self.max_video_bytes < 1024:
            raise InputError(f"max video size must be at least 1024 bytes, got {self.max_video_bytes}", field="max_video_bytes")

    @property
    def threads(self) -> int:
        return self.render_threads or default_render_threads(self.workers)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "thumbkit.sqlite3"

    @property
    def rate_database_path(self) -> Path:
        return self.data_dir / "ratelimit.sqlite3"

    @property
    def images_dir(self) -> Path:
        return self.data_dir / "images"

    @property
    def videos_dir(self) -> Path:
        return self.data_dir / "videos"

    @property
    def generated_keys_file(self) -> Path:
        return self.data_dir / "api_keys"

    # -- passing to worker processes ---------------------------------------------------------
    def to_json(self) -> str:
        values = asdict(self)
        return json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in values.items()})

    @classmethod
    def from_json(cls, text: str) -> ServerSettings:
        values = json.loads(text)
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in values.items() if k in known}
        values["data_dir"] = Path(values["data_dir"])
        if values.get("keys_file"):
            values["keys_file"] = Path(values["keys_file"])
        if values.get("media_root"):
            values["media_root"] = Path(values["media_root"])
        return cls(**values)

    @classmethod
    def from_env(cls) -> ServerSettings:
        """``THUMBKIT_SERVER_SETTINGS`` when the CLI set it, else the individual variables."""
        packed = os.environ.get(SETTINGS_ENV)
        if packed:
            return cls.from_json(packed)
        keys_file = os.environ.get("THUMBKIT_API_KEYS_FILE")
        settings = cls(data_dir=default_data_dir(), keys_file=Path(keys_file) if keys_file else None)
        rate = os.environ.get("THUMBKIT_RATE_LIMIT")
        if rate:
            settings = replace(settings, rate_limit=parse_rate_limit(rate))
        media_root = os.environ.get("THUMBKIT_MEDIA_ROOT")
        if media_root:
            settings = replace(settings, media_root=Path(media_root).expanduser().resolve())
        return settings


def parse_rate_limit(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise InputError(f"THUMBKIT_RATE_LIMIT must be a whole number of requests per second, got {text!r}", field="rate_limit") from None
    if value < 1:
        raise InputError(f"THUMBKIT_RATE_LIMIT must be at least 1, got {value}", field="rate_limit")
    return value
