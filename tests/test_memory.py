"""renderer.memory: image sizes for caches' budgets, one heavy step at a time, glibc's allocator settings for workers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from renderer.memory import ENVIRONMENT, MIB, image_bytes

ROOT = Path(__file__).parent.parent


def test_image_bytes_counts_pillows_storage() -> None:
    assert image_bytes(Image.new("RGBA", (100, 50))) == 20_000
    assert image_bytes(Image.new("RGB", (100, 50))) == 20_000  # Pillow keeps RGB in 4 bytes a pixel
    assert image_bytes(Image.new("L", (100, 50))) == 5_000


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator settings: Linux only")
def test_workers_bound_their_allocator_and_pass_it_on() -> None:
    """``bound_native_memory`` sets glibc's limits in this process and the environment its children
    start with (uvicorn's worker processes, batch workers' fork server)."""
    huge_pages = "import numpy; print(numpy._core.multiarray._get_madvise_hugepage())"
    script = (
        "import os, subprocess, sys, numpy; from renderer.memory import bound_native_memory; "
        "print(bound_native_memory()); "
        "print(subprocess.run([sys.executable, '-c', 'import os; print(os.environ.get(\"MALLOC_ARENA_MAX\"))'],"
        " capture_output=True, text=True).stdout.strip()); "
        "from PIL import Image; print(Image.core.get_block_size()); "
        f"{huge_pages}; "
        f"print(subprocess.run([sys.executable, '-c', {huge_pages!r}], capture_output=True, text=True).stdout.strip())"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    applied, child_arenas, block_size, numpy_huge_pages, child_numpy_huge_pages = result.stdout.split()
    assert applied == "True"  # mallopt accepted every setting
    assert child_arenas == ENVIRONMENT["MALLOC_ARENA_MAX"] == "2"
    assert int(block_size) == 64 * MIB
    assert numpy_huge_pages == child_numpy_huge_pages == "False"  # numpy imported before, and in a child


def test_a_font_face_keeps_a_bounded_number_of_sizes() -> None:
    """Each Pillow font kept costs FreeType 0.3-1 MB; titles at every size must not add them up."""
    from renderer.text.fonts import SIZES_PER_FACE, FontBook

    face = FontBook().face("inter", "bold")
    fonts = [face.at(size) for size in range(10, 10 + 3 * SIZES_PER_FACE)]
    assert len(face._sizes) == SIZES_PER_FACE
    assert face.at(10 + 3 * SIZES_PER_FACE - 1) is fonts[-1]  # the last used are kept
