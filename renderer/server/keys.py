"""API keys: where they come from, and checking one in constant time.

Sources, all added together: ``THUMBKIT_API_KEYS`` (comma-separated), a keys file (one key a line,
``#`` comments), and, only when neither gives a key, ``api_keys`` in the data directory, created on
first start with one new key (mode 0600).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from msgspec import Struct

from ..errors import InputError
from .settings import ServerSettings

KEYS_ENV = "THUMBKIT_API_KEYS"
KEY_PREFIX = "tk_"


def fingerprint(key: str) -> str:
    """A key's stable, non-secret id (for rate buckets and job owners): never the key itself."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


class KeyRing(Struct, frozen=True):
    """The accepted keys, kept as SHA-256 digests; ``match`` looks at every one of them."""

    digests: tuple[bytes, ...]

    @classmethod
    def of(cls, keys: Iterable[str]) -> KeyRing:
        return cls(tuple(hashlib.sha256(key.encode("utf-8")).digest() for key in keys))

    def match(self, presented: str) -> bool:
        """Constant time in the presented key: every digest is compared, no early exit."""
        digest = hashlib.sha256(presented.encode("utf-8", "surrogatepass")).digest()
        found = False
        for known in self.digests:
            found |= hmac.compare_digest(digest, known)
        return found

    def __len__(self) -> int:
        return len(self.digests)


class KeySource(Struct, frozen=True):
    keys: tuple[str, ...]
    where: str  # for the startup message: "THUMBKIT_API_KEYS", a file path ...
    created: bool = False  # a new key was just generated and should be shown once


def parse_keys(text: str, *, separator: str | None = None) -> tuple[str, ...]:
    """Keys one a line (``#`` starts a comment) or split on ``separator``. A key must be printable
    ASCII without spaces: an HTTP client sends header values as bytes that only ASCII survives
    the same on every side, so any other key could never be matched."""
    parts = text.split(separator) if separator else text.splitlines()
    keys = []
    for number, part in enumerate(parts, start=1):
        key = part.split("#", 1)[0].strip() if separator is None else part.strip()
        if not key:
            continue
        wrong = next((ch for ch in key if not "!" <= ch <= "~"), None)
        if wrong is not None:
            where = f"key {number}" if separator else f"line {number}"
            raise InputError(f"API key on {where} has {wrong!r} (U+{ord(wrong):04X}); keys must be printable ASCII "
                             "without spaces (letters, digits and punctuation)", field="keys")
        keys.append(key)
    return tuple(keys)


def read_keys_file(path: Path) -> tuple[str, ...]:
    try:
        return parse_keys(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the API keys file {path}: {exc.strerror or exc}", field="keys_file") from None


def configured_keys(settings: ServerSettings, environ: dict[str, str] | None = None) -> KeySource | None:
    """Keys from the environment and the keys file, or ``None`` when neither gives one."""
    env = os.environ if environ is None else environ
    keys: list[str] = []
    where: list[str] = []
    from_env = parse_keys(env.get(KEYS_ENV, ""), separator=",")
    if from_env:
        keys.extend(from_env)
        where.append(KEYS_ENV)
    if settings.keys_file is not None:
        from_file = read_keys_file(settings.keys_file)
        if not from_file:
            raise InputError(f"the API keys file {settings.keys_file} has no key in it", field="keys_file")
        keys.extend(from_file)
        where.append(str(settings.keys_file))
    if not keys:
        return None
    return KeySource(tuple(dict.fromkeys(keys)), " and ".join(where))


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def load_or_create_keys(settings: ServerSettings, environ: dict[str, str] | None = None) -> KeySource:
    """The configured keys; else the data directory's generated key, made on first use."""
    configured = configured_keys(settings, environ)
    if configured is not None:
        return configured
    path = settings.generated_keys_file
    created = _create_key_file(path)
    keys = read_keys_file(path)
    if not keys:
        raise InputError(f"the API keys file {path} has no key in it; delete it to get a new key", field="keys_file")
    return KeySource(keys, str(path), created=created)


def _create_key_file(path: Path) -> bool:
    """Write a new key file unless one exists. The key is written to a temporary file first and
    linked into place, so no process can read a half-written file and two cannot both create one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return False
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("# thumbkit API keys, one a line; made on first start. Send one as the x-api-key header.\n")
            handle.write(new_key() + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        temporary.unlink(missing_ok=True)
