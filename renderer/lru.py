"""A small thread-safe least-recently-used cache: the one thumbkit keeps its costly, large values in
(static backgrounds, photo sprites, cutouts, framed photos, emoji tiles, Pillow fonts), shared by
render threads. Bounded by its number of entries and, for caches of images, by bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, overload

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")

__all__ = ["LruCache"]

_MISSING = object()


class LruCache(Generic[K, V]):
    """At most ``max_entries`` values, and at most ``max_bytes`` bytes when given (``size_of`` each
    value: a cache of images stays within its budget whatever the traffic). A hit makes its entry
    the most recently used; a new entry beyond a limit drops the least recently used ones, but the
    entry just put always stays."""

    def __init__(self, max_entries: int, *, max_bytes: int | None = None,
                 size_of: Callable[[V], int] | None = None) -> None:
        if max_entries < 1:
            raise ValueError(f"an LruCache holds at least 1 entry, not {max_entries}")
        if max_bytes is not None and size_of is None:
            raise ValueError("an LruCache with max_bytes needs size_of, to measure its values")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._size_of = size_of
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @overload
    def get(self, key: K) -> V | None: ...

    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: object = None) -> object:
        """The value of ``key``, or ``default`` when it is not (or no longer) cached (a cached None
        is told from a miss by passing a ``default`` of one's own)."""
        with self._lock:
            found = self._entries.get(key, _MISSING)
            if found is _MISSING:
                return default
            self._entries.move_to_end(key)
            return found[0]  # type: ignore[index]

    def put(self, key: K, value: V) -> V:
        """Cache ``value`` under ``key`` (the most recently used entry now) and return it."""
        size = self._size_of(value) if self._size_of is not None else 0
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= previous[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while len(self._entries) > 1 and (len(self._entries) > self.max_entries or self._over_budget()):
                self._bytes -= self._entries.popitem(last=False)[1][1]
        return value

    def _over_budget(self) -> bool:
        return self.max_bytes is not None and self._bytes > self.max_bytes

    @property
    def bytes(self) -> int:
        """What the cached values take, by ``size_of`` (0 without it)."""
        with self._lock:
            return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._entries
