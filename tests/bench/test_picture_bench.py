"""The background-picture benchmark runs and reports what it claims to measure (its figures are
printed by ``thumbkit bench``, never asserted as speeds)."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from renderer.bench.picture import PICTURE_SIZE, picture_bytes, picture_vs_faceless, report


def test_every_cold_render_gets_new_bytes_of_the_same_2_megapixel_picture() -> None:
    first, second = picture_bytes(2)
    assert hashlib.sha256(first).digest() != hashlib.sha256(second).digest()  # nothing is found in a cache
    pictures = [Image.open(io.BytesIO(data)) for data in (first, second)]
    assert {picture.size for picture in pictures} == {PICTURE_SIZE}
    assert PICTURE_SIZE[0] * PICTURE_SIZE[1] >= 2_000_000
    assert pictures[0].convert("RGB").tobytes() == pictures[1].convert("RGB").tobytes()


@pytest.mark.slow  # a few dozen renders
def test_a_short_run_reports_every_figure() -> None:
    result = picture_vs_faceless(rounds=1)
    assert set(result["ms"]) == {"cold", "warm", "layout", "faceless"}
    assert all(ms > 0 for ms in result["ms"].values())
    lines = report(result)
    assert any("new picture each render" in line and "x the faceless render" in line for line in lines)
