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
