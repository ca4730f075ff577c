"""The static prefix kept in the cache folder (renderer/compose/prefix_store.py): a new process
starts from the painted background instead of painting it again, and gets the same pixels."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from renderer import Renderer
from renderer.compose import prefix_store
from renderer.compose.canvas import LuminanceGrid
from renderer.files import keep_newest

TITLE = "Why your code is slow"


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("THUMBKIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "prefixes"


def _render(layout: str, fmt: str = "youtube") -> tuple[Image.Image, dict[str, object]]:
    thumbnail = Renderer().render(TITLE, format=fmt, layout=layout, output_format="png")  # a new renderer: no memory cache
    return thumbnail.picture, thumbnail.plan.to_dict()


@pytest.mark.parametrize("layout", ["youtube-bold", "youtube-listicle", "instagram-stat"])
def test_a_new_renderer_reads_the_stored_prefix_and_draws_the_same(cache_dir: Path, layout: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    fmt = layout.split("-")[0]
    painted, painted_plan = _render(layout, fmt)
    entries = list(cache_dir.glob("*.prefix"))
    assert len(entries) == 1

    loads: list[bool] = []
    real_load = prefix_store.load

    def counting_load(key: str, size: tuple[int, int]) -> object:
        found = real_load(key, size)
        loads.append(found is not None)
        return found

    monkeypatch.setattr(prefix_store, "load", counting_load)
    again, again_plan = _render(layout, fmt)
    assert loads == [True]
    assert ImageChops.difference(painted.convert("RGB"), again.convert("RGB")).getbbox() is None
    assert again_plan == painted_plan  # the same colours chosen: the grid is the painted one, exactly


def test_a_damaged_entry_is_painted_again_and_replaced(cache_dir: Path) -> None:
    painted, _ = _render("youtube-bold")
    (entry,) = cache_dir.glob("*.prefix")
    entry.write_bytes(entry.read_bytes()[:200])  # truncated
    again, _ = _render("youtube-bold")
    assert ImageChops.difference(painted.convert("RGB"), again.convert("RGB")).getbbox() is None
    assert entry.stat().st_size > 200


def test_an_entry_of_another_size_is_a_miss(cache_dir: Path) -> None:
    canvas = Image.new("RGB", (64, 32), (10, 20, 30))
    grid = LuminanceGrid(8, 4, tuple(0.5 for _ in range(32)))
    prefix_store.save("key", canvas, grid)
    assert prefix_store.load("key", (64, 32)) is not None
    assert prefix_store.load("key", (65, 32)) is None
    loaded = prefix_store.load("key", (64, 32))
    assert loaded is not None and loaded[1] == grid and loaded[0].tobytes() == canvas.tobytes()


def test_the_folder_keeps_only_the_newest_entries(tmp_path: Path) -> None:
    for index in range(5):
        path = tmp_path / f"{index}.prefix"
        path.write_bytes(b"x")
        os.utime(path, ns=(index * 10**9, index * 10**9))
    (tmp_path / "other.txt").write_bytes(b"y")
    keep_newest(tmp_path, ".prefix", 2)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["3.prefix", "4.prefix", "other.txt"]
