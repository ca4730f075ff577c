"""The compiled catalog: validated layouts, brand kits and font data kept in the cache folder, so
that a new process (a one-shot ``thumbkit render``, a batch or server worker) neither parses nor
validates them again, and imports neither PyYAML, pydantic, Jinja2 nor fontTools to do it.

An entry is keyed by a digest (BLAKE2b) of everything its result depends on: the bytes of every
file it was built from (an edited layout misses, and is loaded and checked again with every problem
located, file:line:col), the source of the modules that define and check the cached classes (a
changed schema never reads an old entry) and the Python version. A build that raises stores
nothing (a broken bundled layout or kit is checked again each time). Entries are pickles written
atomically; they are read back by an unpickler that builds only thumbkit's own Structs and
plain values, and an entry that cannot be read is ignored and rebuilt.
The folder keeps the ``MAX_ENTRIES`` most recently used entries.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from .files import keep_newest, write_atomic
from .paths import cache_root

try:  # the hash without hashlib's import, which loads OpenSSL (~5 ms of a one-shot process)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python
    from hashlib import blake2b

T = TypeVar("T")

#: Entries kept in the folder (each edit of a layout makes a new one); the oldest go first.
MAX_ENTRIES = 64
_PACKAGE_DIR = Path(__file__).resolve().parent
#: What defines, checks or is pickled in an entry: a change to any of these files is a new key.
_CODE = ("spec/*.py", "compiled.py", "colors.py", "errors.py", "formats.py", "paths.py", "rect.py", "request.py", "text/fonts.py",
         "text/itemize.py", "text/title.py")
_SAFE_BUILTINS = frozenset({"frozenset", "set"})
_SAFE_PATHS = frozenset({"Path", "PosixPath", "WindowsPath", "PurePath", "PurePosixPath", "PureWindowsPath"})


def digest(parts: Iterable[bytes | str]) -> str:
    """A hex digest (BLAKE2b, 160 bits) of ``parts``, each length-prefixed."""
    hashed = blake2b(digest_size=20)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "little") + data)
    return hashed.hexdigest()


def code_fingerprint() -> bytes:
    """A digest of the source of the modules in ``_CODE`` and of the Python version."""
    return source_fingerprint(_CODE)


@cache
def source_fingerprint(patterns: tuple[str, ...]) -> bytes:
    """A digest of the Python version and of the source of the package's modules matching
    ``patterns`` (globs relative to the package folder): what a cache of their results is keyed by."""
    hashed = blake2b(repr(sys.version_info[:2]).encode(), digest_size=20)
    for pattern in patterns:
        for path in sorted(_PACKAGE_DIR.glob(pattern)):
            hashed.update(path.relative_to(_PACKAGE_DIR).as_posix().encode() + b"\0")
            hashed.update(path.read_bytes() + b"\0")
    return hashed.digest()


class CompiledCache:
    """Results of loading and checking spec files, by a key of everything they depend on.

    ``folder`` None: nothing is kept (every call builds)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    @classmethod
    def under(cls, cache_dir: Path | None) -> "CompiledCache":
        """The catalog folder inside ``cache_dir`` (default :func:`renderer.paths.cache_root`)."""
        return cls((cache_dir if cache_dir is not None else cache_root()) / "catalog")

    def get(self, kind: str, parts: Iterable[bytes | str], build: Callable[[], T], expected: type) -> T:
        """The stored result for ``kind`` and ``parts`` (the bytes and names it depends on), or
        ``build()``'s, stored when it returns (a build that raises stores nothing)."""
        if self.folder is None:
            return build()
        path = self.folder / f"{kind}-{digest([code_fingerprint(), kind, *parts])}.pickle"
        found = _read(path, expected)
        if found is not None:
            return found  # type: ignore[no-any-return]
        value = build()
        self._store(path, value)
        return value

    def _store(self, path: Path, value: Any) -> None:
        import pickle

        try:
            write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
            self._prune()
        except OSError:
            pass  # a read-only or full cache folder: the next process builds again

    def _prune(self) -> None:
        assert self.folder is not None
        keep_newest(self.folder, ".pickle", MAX_ENTRIES)


def _read(path: Path, expected: type) -> Any:
    """The entry at ``path`` if it is there, readable and of the ``expected`` type, else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        value = _restricted_unpickler()(io.BytesIO(data)).load()
    except Exception:  # a damaged, truncated or foreign entry is a miss, whatever it raises
        return None
    if not isinstance(value, expected):
        return None
    try:
        os.utime(path)  # recently used: kept by the pruning
    except OSError:
        pass
    return value


@cache
def _restricted_unpickler() -> Any:
    """pickle's Unpickler that builds only thumbkit's Structs, paths and sets: the one function an
    entry may call is msgspec's ``rebuild``, which builds a kw-only Struct of a class let through
    here, so a tampered file cannot run code."""
    import pickle

    import msgspec

    class Restricted(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if module == "builtins" and name in _SAFE_BUILTINS or module == "pathlib" and name in _SAFE_PATHS:
                return super().find_class(module, name)
            if module.startswith("renderer.") and "." not in name:
                found = super().find_class(module, name)
                if isinstance(found, type) and issubclass(found, msgspec.Struct):  # plain data, no side effects
                    return found
            if module == "msgspec._utils" and name == "rebuild":  # a kw-only Struct: cls(**fields), cls checked above
                return super().find_class(module, name)
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a compiled catalog entry")

    return Restricted


__all__ = ["MAX_ENTRIES", "CompiledCache", "code_fingerprint", "digest", "source_fingerprint"]
