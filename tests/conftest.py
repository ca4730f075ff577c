"""Shared fixtures: one Renderer per test session, and golden-image comparison; the hypothesis
profiles.

Goldens live in tests/golden/ as lossless WebP. They are regenerated only on purpose:
``pytest --update-goldens``. A failing comparison writes actual, expected and diff PNGs to
tests/_failures/ for a person to look at.

Hypothesis profiles: ``dev`` (hypothesis' defaults, random examples) and ``ci`` (derandomised, so a
failure repeats run after run; no deadline or too-slow health check that a busy machine trips, no
example database). ``HYPOTHESIS_PROFILE`` picks one; without it ``CI=true`` picks ``ci``, anything
else ``dev``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from PIL import Image, ImageChops

settings.load_profile("default")  # both start from hypothesis' defaults, whatever it loaded by itself
settings.register_profile("dev", settings())
settings.register_profile("ci", settings(), derandomize=True, max_examples=100, deadline=None, database=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI", "").lower() in ("true", "1") else "dev"))

GOLDEN_DIR = Path(__file__).parent / "golden"
FAILURE_DIR = Path(__file__).parent / "_failures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite the golden images from the current renderer (deliberately)")


@pytest.fixture(scope="session")
def renderer(tmp_path_factory):
    from renderer import Renderer

    return Renderer(cache_dir=tmp_path_factory.mktemp("cutouts"))


class Golden:
    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, name: str, data: bytes, *, mean_tolerance: float, changed_fraction: float) -> None:
        """Compare an encoded image with ``tests/golden/<name>.webp``.

        ``mean_tolerance``: mean absolute difference per channel (0-255) allowed;
        ``changed_fraction``: share of pixels allowed to differ by more than 48 in some channel.
        """
        actual = Image.open(io.BytesIO(data)).convert("RGB")
        path = GOLDEN_DIR / f"{name}.webp"
        if self.update:
            GOLDEN_DIR.mkdir(exist_ok=True)
            actual.save(path, "WEBP", lossless=True, method=3)
            return
        assert path.exists(), f"no golden image {path}; create it deliberately with pytest --update-goldens"
        expected = Image.open(path).convert("RGB")
        assert actual.size == expected.size, f"{name}: size {actual.size} != golden {expected.size}"
        diff = ImageChops.difference(actual, expected)
        pixels = np.asarray(diff, dtype=np.uint8)
        mean = float(pixels.mean())
        changed = float((pixels.max(axis=2) > 48).mean())
        if mean > mean_tolerance or changed > changed_fraction:
            FAILURE_DIR.mkdir(exist_ok=True)
            actual.save(FAILURE_DIR / f"{name}-actual.png")
            expected.save(FAILURE_DIR / f"{name}-expected.png")
            Image.eval(diff, lambda v: min(255, v * 4)).save(FAILURE_DIR / f"{name}-diff.png")
            pytest.fail(
                f"{name}: differs from its golden (mean {mean:.3f} > {mean_tolerance} or changed pixels "
                f"{changed:.4%} > {changed_fraction:.4%}); see {FAILURE_DIR}/{name}-*.png"
            )


@pytest.fixture(scope="session")
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(request.config.getoption("--update-goldens"))
