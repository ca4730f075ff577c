"""renderer.lru: the one LRU cache type (static backgrounds, photo sprites, cutouts, framed photos)."""

from __future__ import annotations

import threading

import pytest

from renderer.lru import LruCache


def test_a_hit_keeps_an_entry_and_the_least_recently_used_one_goes():
    cache: LruCache[str, int] = LruCache(2)
    assert cache.put("a", 1) == 1
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recently used: "b" goes first
    cache.put("c", 3)
    assert "b" not in cache
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2


def test_putting_an_existing_key_replaces_it_and_counts_as_use():
    cache: LruCache[str, int] = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 10)
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b")) == (10, None)


def test_a_cache_holds_at_least_one_entry():
    with pytest.raises(ValueError, match="at least 1 entry, not 0"):
        LruCache(0)


def test_threads_sharing_a_cache_never_exceed_its_size():
    cache: LruCache[int, int] = LruCache(8)
    sizes: list[int] = []

    def work(offset: int) -> None:
        for i in range(2000):
            cache.put(offset + i % 50, i)
            cache.get(offset + (i * 7) % 50)
            sizes.append(len(cache))

    threads = [threading.Thread(target=work, args=(n * 100,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert max(sizes) <= 8
    assert len(cache) == 8


def sized(size_bytes: int) -> bytes:
    return bytes(size_bytes)


def test_cache_keeps_within_its_bytes_dropping_the_least_recently_used() -> None:
    cache: LruCache[str, bytes] = LruCache(10, max_bytes=100, size_of=len)
    cache.put("a", sized(40))
    cache.put("b", sized(40))
    assert cache.get("a") is not None  # a is now the most recently used
    cache.put("c", sized(40))  # 120 bytes: b goes
    assert (cache.get("b"), len(cache), cache.bytes) == (None, 2, 80)
    assert cache.get("a") is not None and cache.get("c") is not None


def test_cache_keeps_within_its_entries() -> None:
    cache: LruCache[int, bytes] = LruCache(3, max_bytes=10**9, size_of=len)
    for key in range(5):
        cache.put(key, sized(1))
    assert [key for key in range(5) if cache.get(key) is not None] == [2, 3, 4]


def test_cache_keeps_the_entry_just_put_even_over_budget() -> None:
    cache: LruCache[str, bytes] = LruCache(4, max_bytes=10, size_of=len)
    cache.put("small", sized(5))
    assert cache.put("huge", sized(50)) == sized(50)
    assert (len(cache), cache.get("huge") is not None, cache.get("small")) == (1, True, None)


def test_cache_replacing_a_key_counts_its_bytes_once() -> None:
    cache: LruCache[str, bytes] = LruCache(4, max_bytes=100, size_of=len)
    cache.put("a", sized(60))
    cache.put("a", sized(30))
    assert (len(cache), cache.bytes) == (1, 30)


def test_cache_tells_a_stored_none_from_a_miss() -> None:
    missing = object()
    cache: LruCache[str, None] = LruCache(4, max_bytes=100, size_of=lambda value: 0)
    cache.put("nothing to draw", None)
    assert cache.get("nothing to draw", missing) is None
    assert cache.get("never put", missing) is missing


def test_a_byte_budget_needs_a_size_of_the_values():
    with pytest.raises(ValueError, match="needs size_of"):
        LruCache(4, max_bytes=100)
