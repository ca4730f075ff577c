"""The process's native memory: glibc's allocator settings for long-lived workers, and giving
freed memory back to the system.

glibc keeps a heap ("arena") per thread, up to 8 per core, and serves allocations up to a limit that
grows with use (up to 32 MB) from them. Freed image buffers then stay in the process: a server whose
render threads each decoded a large photo kept them all, 9 GB in one measured case. A worker calls
:func:`bound_native_memory` first thing; :func:`release_free_memory` hands freed pages back after an
allocation-heavy step (a large decode, a cutout). Both do nothing where the C library is not glibc.
:data:`heavy_step` lets one memory-heavy step run at a time; :class:`BoundedCache` keeps each cache
of images within a byte budget.

The limit is 16 MiB, not lower: a render's own buffers (an hd canvas is 14 MiB) are then reused from
the heap render after render, and renders are no slower (a 1 MiB limit made them ~15% slower);
Pillow's blocks are made 64 MiB, so a decoded photo larger than the limit is one mapping, not
16 MiB blocks that would fall just under it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cache
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from PIL import Image

MIB = 1024 * 1024
#: Memory-heavy steps run one at a time per process, whatever the number of threads: a decode of
#: a large photo (a 50 MP RGBA PNG takes 200 MB) and a cutout model's inference (~250 MB). Any
#: number of threads then costs one such peak, not one each.
HEAVY_STEPS_AT_ONCE = 1
heavy_step = threading.BoundedSemaphore(HEAVY_STEPS_AT_ONCE)
#: Heaps for all threads together (glibc's default is 8 per core).
ARENAS = 2
#: Blocks at least this large get their own mapping, given back as soon as they are freed.
MMAP_THRESHOLD_BYTES = 16 * MIB
#: Free memory at the top of a heap beyond this is given back (glibc's dynamic value for the limit).
TRIM_THRESHOLD_BYTES = 2 * MMAP_THRESHOLD_BYTES
#: Pillow allocates an image in blocks of this size (its default, 16 MiB, falls just under the limit).
PILLOW_BLOCK_BYTES = 64 * MIB
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
#: The same settings for child processes (glibc reads them when a process starts).
ENVIRONMENT = {"MALLOC_ARENA_MAX": str(ARENAS), "MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD_BYTES),
               "MALLOC_TRIM_THRESHOLD_": str(TRIM_THRESHOLD_BYTES)}


@cache
def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def bound_native_memory() -> bool:
    """Use at most ``ARENAS`` heaps, and map blocks of ``MMAP_THRESHOLD_BYTES`` or more (decoded
    photos, model tensors) on their own, so freeing them returns them; child processes started
    from here get the same settings. Call it before threads start. True when glibc took them."""
    from PIL import Image

    os.environ.update(ENVIRONMENT)
    Image.core.set_block_size(PILLOW_BLOCK_BYTES)
    libc = _glibc()
    if libc is None:
        return False
    settings = ((_M_ARENA_MAX, ARENAS), (_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES),
                (_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
    return all(libc.mallopt(option, value) == 1 for option, value in settings)


def image_bytes(image: Image.Image) -> int:
    """About what ``image``'s pixels take (Pillow keeps 1 or 4 bytes a pixel), for bounded caches."""
    return image.width * image.height * (1 if image.mode in ("1", "L", "P") else 4)


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A least-recently-used map bounded by its number of entries and by bytes (``size_of`` each
    value, when given): a cache of images stays within its budget whatever the traffic (unique
    titles of emoji, every format at hd, a new photo each request). The entry just put always
    stays. Thread-safe."""

    def __init__(self, *, max_entries: int, max_bytes: int | None = None, size_of: Callable[[V], int] | None = None) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes if max_bytes is not None else float("inf")
        self._size_of = size_of or (lambda value: 0)
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: K, default: V | None = None) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return default
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: K, value: V) -> V:
        size = self._size_of(value)
        with self._lock:
            previous = self._items.pop(key, None)
            if previous is not None:
                self._bytes -= previous[1]
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > 1 and (len(self._items) > self.max_entries or self._bytes > self.max_bytes):
                self._bytes -= self._items.popitem(last=False)[1][1]
        return value

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


def release_free_memory() -> None:
    """Give the free pages of every heap back to the system (``malloc_trim``); a few ms."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


__all__ = ["ARENAS", "ENVIRONMENT", "HEAVY_STEPS_AT_ONCE", "MIB", "MMAP_THRESHOLD_BYTES", "PILLOW_BLOCK_BYTES",
           "TRIM_THRESHOLD_BYTES", "BoundedCache", "bound_native_memory", "heavy_step", "image_bytes", "release_free_memory"]
