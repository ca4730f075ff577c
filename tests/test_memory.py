"""renderer.memory: bounded caches, one heavy step at a time, glibc's allocator settings for workers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from renderer.memory import ENVIRONMENT, MIB, BoundedCache, image_bytes

ROOT = Path(__file__).parent.parent


def sized(size_bytes: int) -> bytes:
    return bytes(size_bytes)


def test_cache_keeps_within_its_bytes_dropping_the_least_recently_used() -> None:
    cache: BoundedCache[str, bytes] = BoundedCache(max_entries=10, max_bytes=100, size_of=len)
    cache.put("a", sized(40))
    cache.put("b", sized(40))
    assert cache.get("a") is not None  # a is now the most recently used
    cache.put("c", sized(40))  # 120 bytes: b goes
    assert (cache.get("b"), len(cache), cache.bytes) == (None, 2, 80)
    assert cache.get("a") is not None and cache.get("c") is not None


def test_cache_keeps_within_its_entries() -> None:
    cache: BoundedCache[int, bytes] = BoundedCache(max_entries=3, max_bytes=10**9, size_of=len)
    for key in range(5):
        cache.put(key, sized(1))
    assert [key for key in range(5) if cache.get(key) is not None] == [2, 3, 4]


def test_cache_keeps_the_entry_just_put_even_over_budget() -> None:
    cache: BoundedCache[str, bytes] = BoundedCache(max_entries=4, max_bytes=10, size_of=len)
    cache.put("small", sized(5))
    assert cache.put("huge", sized(50)) == sized(50)
    assert (len(cache), cache.get("huge") is not None, cache.get("small")) == (1, True, None)


def test_cache_replacing_a_key_counts_its_bytes_once() -> None:
    cache: BoundedCache[str, bytes] = BoundedCache(max_entries=4, max_bytes=100, size_of=len)
    cache.put("a", sized(60))
    cache.put("a", sized(30))
    assert (len(cache), cache.bytes) == (1, 30)


def test_cache_tells_a_stored_none_from_a_miss() -> None:
    missing = object()
    cache: BoundedCache[str, None] = BoundedCache(max_entries=4, max_bytes=100, size_of=lambda value: 0)
    cache.put("nothing to draw", None)
    assert cache.get("nothing to draw", missing) is None
    assert cache.get("never put", missing) is missing


def test_image_bytes_counts_pillows_storage() -> None:
    assert image_bytes(Image.new("RGBA", (100, 50))) == 20_000
    assert image_bytes(Image.new("RGB", (100, 50))) == 20_000  # Pillow keeps RGB in 4 bytes a pixel
    assert image_bytes(Image.new("L", (100, 50))) == 5_000


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator settings: Linux only")
def test_workers_bound_their_allocator_and_pass_it_on() -> None:
    """``bound_native_memory`` sets glibc's limits in this process and the environment its children
    start with (uvicorn's worker processes, batch workers' fork server)."""
    script = (
        "import os, subprocess, sys; from renderer.memory import bound_native_memory; "
        "print(bound_native_memory()); "
        "print(subprocess.run([sys.executable, '-c', 'import os; print(os.environ.get(\"MALLOC_ARENA_MAX\"))'],"
        " capture_output=True, text=True).stdout.strip()); "
        "from PIL import Image; print(Image.core.get_block_size())"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    applied, child_arenas, block_size = result.stdout.split()
    assert applied == "True"  # mallopt accepted every setting
    assert child_arenas == ENVIRONMENT["MALLOC_ARENA_MAX"] == "2"
    assert int(block_size) == 64 * MIB


def test_cache_without_a_byte_budget_counts_entries_only() -> None:
    cache: BoundedCache[int, bytes] = BoundedCache(max_entries=2)
    for key in range(3):
        cache.put(key, sized(10**6))
    assert (len(cache), cache.get(0), cache.get(2) is not None) == (2, None, True)


def test_a_font_face_keeps_a_bounded_number_of_sizes() -> None:
    """Each Pillow font kept costs FreeType 0.3-1 MB; titles at every size must not add them up."""
    from renderer.fonts import SIZES_PER_FACE, FontBook

    face = FontBook().face("inter", "bold")
    fonts = [face.at(size) for size in range(10, 10 + 3 * SIZES_PER_FACE)]
    assert len(face._sizes) == SIZES_PER_FACE
    assert face.at(10 + 3 * SIZES_PER_FACE - 1) is fonts[-1]  # the last used are kept
