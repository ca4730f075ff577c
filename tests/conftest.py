"""Shared fixtures: one Renderer per test session, and golden-image comparison; the hypothesis
profiles.

Goldens live beside the tests they belong to (tests/compose/golden/ for the layouts,
tests/text/golden/ for the scripts) as lossless WebP, each with its render plan as JSON beside it
(``<name>.plan.json``), so that a layout change shows in a diff as moved boxes and lines, not only
as changed pixels (the comparison: tests/goldens.py). They are regenerated only on purpose:
``pytest --update-goldens``. A failing comparison writes actual, expected and diff PNGs (and the
actual plan) to tests/_failures/ for a person to look at.

Hypothesis profiles: ``dev`` (hypothesis' defaults, random examples) and ``ci`` (derandomised, so a
failure repeats run after run; no deadline or too-slow health check that a busy machine trips, no
example database). ``HYPOTHESIS_PROFILE`` picks one; without it ``CI=true`` picks ``ci``, anything
else ``dev``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.goldens import Golden

settings.load_profile("default")  # both start from hypothesis' defaults, whatever it loaded by itself
settings.register_profile("dev", settings())
settings.register_profile("ci", settings(), derandomize=True, max_examples=100, deadline=None, database=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI", "").lower() in ("true", "1") else "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite the golden images from the current renderer (deliberately)")


@pytest.fixture(scope="session")
def renderer(tmp_path_factory):
    from renderer import Renderer

    return Renderer(cache_dir=tmp_path_factory.mktemp("cutouts"))


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """Goldens of the requesting test's folder (``<its folder>/golden/``)."""
    return Golden(request.config.getoption("--update-goldens"), request.path.parent / "golden")
