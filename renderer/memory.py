"""The process's native memory: glibc's allocator settings for long-lived workers, and giving
freed memory back to the system.

glibc keeps a heap ("arena") per thread, up to 8 per core, and serves allocations up to a limit that
grows with use (up to 32 MB) from them. Freed image buffers then stay in the process: a server whose
render threads each decoded a large photo kept them all, 9 GB in one measured case. A worker calls
:func:`bound_native_memory` first thing; :func:`release_free_memory` hands freed pages back after an
allocation-heavy step (a large decode, a cutout). Both do nothing where the C library is not glibc.
:data:`heavy_step` lets one memory-heavy step run at a time; :func:`image_bytes` sizes an image for
the byte budget of a cache of images (:class:`renderer.lru.LruCache`).

The limit is 16 MiB, not lower: a render's own buffers (an hd canvas is 14 MiB) are then reused from
the heap render after render, and renders are no slower (a 1 MiB limit made them ~15% slower);
Pillow's blocks are made 64 MiB, so a decoded photo larger than the limit is one mapping, not
16 MiB blocks that would fall just under it.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ctypes

    from PIL import Image

MIB = 1024 * 1024
#: Memory-heavy steps run one at a time per process, whatever the number of threads: a decode of
#: a large photo (a 4096 px square RGBA PNG takes 64 MiB) and a cutout model's inference (~190 MB for u2netp). Any
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
               "MALLOC_TRIM_THRESHOLD_": str(TRIM_THRESHOLD_BYTES), "NUMPY_MADVISE_HUGEPAGE": "0"}


@cache
def _glibc() -> ctypes.CDLL | None:
    import ctypes.util  # here, not at the top: ctypes.util loads subprocess, shutil and tempfile (~5 ms of a one-shot)

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
    _no_numpy_huge_pages()
    Image.core.set_block_size(PILLOW_BLOCK_BYTES)  # type: ignore[attr-defined]  # Pillow's C core, untyped
    libc = _glibc()
    if libc is None:
        return False
    settings = ((_M_ARENA_MAX, ARENAS), (_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES),
                (_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
    return all(libc.mallopt(option, value) == 1 for option, value in settings)


def _no_numpy_huge_pages() -> None:
    """numpy asks for transparent huge pages (2 MB) for its arrays of 4 MB or more, which glibc
    serves from the heaps below the mmap threshold: the kernel then fills and keeps whole 2 MB
    pages around what was freed and trimmed (288 of a soaked worker's 732 MB were huge pages).
    numpy reads ``NUMPY_MADVISE_HUGEPAGE`` when imported; if it already is, it is told here."""
    import sys

    numpy = sys.modules.get("numpy")
    if numpy is None:
        return
    core = getattr(numpy, "_core", None) or getattr(numpy, "core", None)
    setter = getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)
    if setter is not None:
        setter(False)


def image_bytes(image: Image.Image) -> int:
    """About what ``image``'s pixels take (Pillow keeps 1 or 4 bytes a pixel), for bounded caches."""
    return image.width * image.height * (1 if image.mode in ("1", "L", "P") else 4)


def release_free_memory() -> None:
    """Give the free pages of every heap back to the system (``malloc_trim``); a few ms."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


__all__ = ["ARENAS", "ENVIRONMENT", "HEAVY_STEPS_AT_ONCE", "MIB", "MMAP_THRESHOLD_BYTES", "PILLOW_BLOCK_BYTES",
           "TRIM_THRESHOLD_BYTES", "bound_native_memory", "heavy_step", "image_bytes", "release_free_memory"]
