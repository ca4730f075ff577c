"""renderer.compose.masks.max_filter: the photo outline's dilation, done per axis with numpy (Pillow's
rank filter held the GIL for seconds at hd), must give what Pillow's MaxFilter gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFilter

from renderer.compose.masks import max_filter


@settings(max_examples=60, deadline=None)
@given(width=st.integers(1, 40), height=st.integers(1, 40), radius=st.integers(0, 45), seed=st.integers(0, 2**32 - 1))
def test_the_outline_max_filter_is_pillows_value_for_value(width: int, height: int, radius: int, seed: int) -> None:
    """Any mask, any radius (wider than the mask too), edges included."""
    mask = Image.fromarray(np.random.default_rng(seed).integers(0, 256, (height, width), dtype=np.uint8), "L")
    pillows = mask.filter(ImageFilter.MaxFilter(2 * radius + 1)) if radius else mask
    assert np.array_equal(np.asarray(max_filter(mask, radius)), np.asarray(pillows))
