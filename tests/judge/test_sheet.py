"""The contact sheet: thumbnails at feed size in the format's grid, each with its score and codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from renderer.judge import Finding, Quality
from renderer.judge.sheet import SheetEntry, draw_sheet, feed_picture, summary

ROOT = Path(__file__).resolve().parents[2]
GREEN, AMBER, RED = (22, 128, 61), (180, 83, 9), (200, 30, 30)


def has_colour(image: Image.Image, colour: tuple[int, int, int]) -> bool:
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    return bool((np.abs(pixels - np.array(colour)).max(axis=2) <= 2).sum() > 20)


@pytest.mark.parametrize(("fmt", "size", "expected"), [("youtube", (1280, 720), (168, 94)), ("instagram", (1080, 1080), (130, 173)),
                                                       ("x", (1200, 675), (500, 281)), ("youtube", (2560, 1440), (168, 94))])
def test_the_feed_picture_is_what_the_feed_shows(fmt, size, expected):
    picture = Image.new("RGB", size, (0, 0, 0))
    picture.paste((255, 0, 0), (0, 0, size[0] // 8, size[1]))  # a red left edge: cut by Instagram's 3:4 crop
    shown = feed_picture(picture, fmt)
    assert shown.size == expected
    assert has_colour(shown, (255, 0, 0)) is (fmt != "instagram")
    assert feed_picture(picture, fmt, scale=2).size == (expected[0] * 2, pytest.approx(expected[1] * 2, abs=1))


def test_each_tile_says_its_score_by_colour_and_the_sheet_counts(renderer):
    picture = Image.new("RGB", (1280, 720), (11, 18, 32))
    fail = Quality.from_findings([Finding("contrast", "m", 2.0, 4.5, "fail")])
    warn = Quality.from_findings([Finding("orphan", "m", None, None, "warn")])
    clean = Quality.from_findings([])
    entries = [SheetEntry("Failing", "youtube", "youtube-bold", picture, fail),
               SheetEntry("Warned", "youtube", "youtube-bold", picture, warn),
               SheetEntry("Clean", "youtube", "youtube-bold", picture, clean),
               SheetEntry("Broken", "youtube", error="unknown layout 'nope'")]
    assert summary(entries) == "4 titles: 2 pass (67%), median score 92, 1 not rendered"
    sheet = draw_sheet(entries, fonts=renderer.fonts, heading="test")
    assert sheet.width == 2 * 24 + 4 * 168 + 3 * 16  # four columns of 168 px
    tiles = [sheet.crop((24 + i * (168 + 16), 0, 24 + i * (168 + 16) + 168, sheet.height)) for i in range(4)]
    assert has_colour(tiles[0], RED) and not has_colour(tiles[0], GREEN)
    assert has_colour(tiles[1], AMBER) and not has_colour(tiles[1], RED)
    assert has_colour(tiles[2], GREEN) and not has_colour(tiles[2], AMBER)
    assert has_colour(tiles[3], RED)  # the error, in red on a grey tile
    with pytest.raises(Exception, match="no rows"):
        draw_sheet([], fonts=renderer.fonts, heading="empty")


def test_thumbkit_sheet_renders_a_titles_file(tmp_path):
    (tmp_path / "titles.csv").write_text("title,layout\nWhy your Python code is slow,\n7 Docker tricks,\nBad row,nope\n",
                                         encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "renderer.cli", "sheet", "titles.csv", "-o", "sheet.png", "-f", "instagram"],
                            cwd=tmp_path, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("sheet.png (") and "3 titles:" in result.stdout and "1 not rendered" in result.stdout
    with Image.open(tmp_path / "sheet.png") as sheet:
        assert sheet.format == "PNG" and sheet.width == 2 * 24 + 3 * 130 + 2 * 16  # Instagram's grid: three columns
