"""The programs outside Python that some tests drive for real, found once for the whole suite.

* ffmpeg (the oracle for video frames): the ``ffmpeg`` on PATH, else the static build that the
  ``imageio-ffmpeg`` wheel ships (in the ``test`` extra), so those tests always run.
* Chromium (the playground page): Debian's ``chromium`` on PATH, else the browser playwright
  downloaded (``python -m playwright install chromium``) when there is one. Without either, a
  browser test module skips as a whole with :data:`NO_CHROMIUM`, one line under ``pytest -ra``
  (:func:`chromium_or_skip`).
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import pytest

__all__ = ["NO_CHROMIUM", "chromium_executable", "chromium_or_skip", "ffmpeg_executable"]

NO_CHROMIUM = "no Chromium: apt-get install chromium, or python -m playwright install chromium"


@cache
def ffmpeg_executable() -> str:
    """The ffmpeg command to run: the one on PATH, else imageio-ffmpeg's static build."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@cache
def chromium_executable() -> str | None:
    """Debian's Chromium on PATH, else playwright's own downloaded Chromium; None when neither is there."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as playwright:
        downloaded = playwright.chromium.executable_path
    return downloaded if Path(downloaded).is_file() else None


def chromium_or_skip() -> str:
    """The Chromium to drive; called at the top of a browser test module, it skips the whole module
    (one line under ``pytest -ra``, naming that module) when the machine has none."""
    __tracebackhide__ = True  # the skip is reported at the caller's line
    found = chromium_executable()
    if found is None:
        pytest.skip(NO_CHROMIUM, allow_module_level=True)
    return found
