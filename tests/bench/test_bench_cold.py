"""``thumbkit bench --cold`` on a small scale: both processes run and write their card, the figures
are there and consistent; the floor card is a real WebP of the format's size."""

from __future__ import annotations

import io
import sys

import pytest
from click.testing import CliRunner
from PIL import Image

from renderer.bench.cold import run_process
from renderer.bench.floor_card import draw_card
from renderer.bench.render import bench_command
from renderer.paths import data_dir


def test_the_floor_card_is_a_webp_of_the_size_asked_for() -> None:
    data = draw_card("Why your code is slow", 1280, 720, str(data_dir("fonts") / "league-spartan" / "LeagueSpartan-Black.otf"))
    with Image.open(io.BytesIO(data)) as card:
        assert (card.format, card.size) == ("WEBP", (1280, 720))
        assert len(card.convert("L").getcolors(65536) or ()) > 20  # a gradient and text, not a flat fill


@pytest.mark.slow  # a whole Python process
def test_a_process_run_reports_its_own_time_and_memory() -> None:
    run = run_process([sys.executable, "-c", "bytearray(64 * 1024 * 1024)"], {"PATH": "/usr/bin:/bin"})
    assert run.wall_s > 0 and run.cpu_s > 0
    assert run.peak_rss_mib >= 64  # the child's peak, not this process's
    with pytest.raises(RuntimeError, match="failed \\(3\\)"):
        run_process([sys.executable, "-c", "raise SystemExit(3)"], {"PATH": "/usr/bin:/bin"})


@pytest.mark.slow  # whole Python processes
def test_bench_cold_prints_medians_ratios_and_memory() -> None:
    result = CliRunner().invoke(bench_command, ["--cold", "--rounds", "1"])
    assert result.exit_code == 0, result.output
    assert "floor (bare Pillow)" in result.output and "thumbkit render" in result.output
    assert "x CPU" in result.output and "MiB" in result.output and "import renderer:" in result.output
