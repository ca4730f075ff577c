"""The title over a video frame: generate(video=..., time=...), Renderer.render and the CLI."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from renderer import InputError, generate
from video_fixtures import edit_video

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def video(tmp_path_factory) -> Path:
    return edit_video(tmp_path_factory.mktemp("video") / "edit.mp4")


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


def test_a_frame_becomes_the_background(renderer, video):
    plain = renderer.render("What I learned this year", layout="youtube-bold")
    over = renderer.render("What I learned this year", layout="youtube-bold", video=video, time=0.5)
    # the right half of the bold layout is background only: it shows the frame now, not the gradient
    difference = np.abs(pixels(over.data)[:, 900:] - pixels(plain.data)[:, 900:]).mean()
    assert difference > 20
    assert over.plan.texts[0].contrast_ratio >= 4.5


def test_auto_time_avoids_black_and_blurred_stretches(renderer, video):
    thumbnail = renderer.render("Best moment please", layout="youtube-minimal", video=video, time="auto")
    right_edge = pixels(thumbnail.data)[:, 1200:]
    assert right_edge.mean() > 25, "a black frame was chosen"


def test_generate_takes_video_and_time(video):
    body = generate("Over a frame", format="instagram", video=str(video), time="00:00:02.0")
    image = Image.open(io.BytesIO(base64.b64decode(body["image"].split(",", 1)[1])))
    assert image.size == (1080, 1080)


def test_the_frame_can_be_the_cut_out_photo(renderer, video):
    thumbnail = renderer.render("My honest take", video=video, time=0.5, video_use="photo")
    assert thumbnail.layout == "youtube-split"
    assert [image.kind for image in thumbnail.plan.images] == ["photo"]


def test_a_time_outside_the_video_names_its_duration(renderer, video):
    with pytest.raises(InputError, match=r"9\.\d+ ?s|00:00:09"):
        renderer.render("Too late", video=video, time=60)
    with pytest.raises(InputError, match="video_use must be one of: background, photo"):
        renderer.render("Bad use", video=video, time=1, video_use="sticker")


@pytest.mark.slow
def test_cli_renders_over_a_frame(tmp_path, video):
    result = subprocess.run(
        [sys.executable, "-m", "renderer.cli", "render", "From the CLI", "--video", str(video), "--at", "1.0", "-o", "v.png"],
        cwd=tmp_path, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "v.png") as image:
        assert image.size == (1280, 720)
