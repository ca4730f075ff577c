"""Pattern masks: each kind draws something, at the asked opacity, faded where asked, the same for
the same parameters (cached), different between variants."""

from __future__ import annotations

import numpy as np
import pytest

from renderer.compose.patterns import DEFAULTS, clear_cache, params_for, pattern_mask

KINDS = tuple(DEFAULTS)


@pytest.mark.parametrize("kind", KINDS)
def test_every_pattern_draws_within_its_opacity(kind):
    mask = np.asarray(pattern_mask(params_for(kind, 320, 180, opacity=0.5)), dtype=np.float32)
    assert mask.shape == (180, 320)
    assert mask.max() <= 0.5 * 255 + 1  # never more than the opacity asked
    assert mask.max() >= 0.3 * 255  # and something visible somewhere
    assert 0.02 < (mask > 8).mean() < 0.98  # a pattern: neither empty nor a flat fill


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_parameters_give_the_same_mask_and_variants_differ(kind):
    first = params_for(kind, 320, 180, opacity=0.4, variant=1)
    mask = pattern_mask(first)
    assert pattern_mask(first) is mask  # cached
    clear_cache()
    assert np.array_equal(np.asarray(pattern_mask(first)), np.asarray(mask))  # and drawn again the same
    other = np.asarray(pattern_mask(params_for(kind, 320, 180, opacity=0.4, variant=2)))
    assert not np.array_equal(other, np.asarray(mask))


@pytest.mark.parametrize(("fade", "calm"), [("left", (slice(None), slice(0, 30))), ("right", (slice(None), slice(290, 320))),
                                            ("top", (slice(0, 18), slice(None))), ("bottom", (slice(162, 180), slice(None))),
                                            ("center", (slice(65, 115), slice(130, 190)))])
def test_a_fade_calms_its_side(fade, calm):
    faded = np.asarray(pattern_mask(params_for("dots", 320, 180, opacity=1.0, fade=fade)), dtype=np.float32)
    plain = np.asarray(pattern_mask(params_for("dots", 320, 180, opacity=1.0)), dtype=np.float32)
    assert faded[calm].max() < 0.1 * plain[calm].max()
    assert faded.max() > 0.8 * plain.max()


def test_lengths_scale_with_an_hd_render():
    sd = params_for("dots", 100, 100, opacity=0.1)
    hd = params_for("dots", 200, 200, opacity=0.1, scale=2.0)
    assert (hd.spacing_px, hd.size_px) == (2 * sd.spacing_px, 2 * sd.size_px)


def test_unknown_kinds_and_fades_are_refused():
    with pytest.raises(ValueError, match="unknown pattern 'zigzag'; known: dots, grid"):
        params_for("zigzag", 10, 10, opacity=0.1)
    with pytest.raises(ValueError, match="unknown fade 'middle'"):
        params_for("dots", 10, 10, opacity=0.1, fade="middle")
