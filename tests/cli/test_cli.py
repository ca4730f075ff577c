"""The thumbkit command line, run as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.slow  # each test runs the command line in a new process

ROOT = Path(__file__).resolve().parents[2]


def thumbkit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "renderer.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_render_writes_a_thumbnail(tmp_path):
    result = thumbkit("render", "Ship your side project *today*, not next year", "-o", "out.webp", "--plan", "plan.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "out.webp") as image:
        assert image.size == (1280, 720)
    assert '"layout": "youtube-bold"' in (tmp_path / "plan.json").read_text()
    assert "out.webp (1280x720, youtube-bold" in result.stdout


def test_render_quality_prints_the_report_and_keeps_the_exit_code(tmp_path):
    result = thumbkit("render", "Logo corner", "-b", "techpulse", "--use-logo", "--layout", "youtube-bold", "-o", "q.webp",
                      "--plan", "plan.json", "--quality", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("q.webp (1280x720") and lines[1].startswith("quality ")
    import json

    quality = json.loads((tmp_path / "plan.json").read_text())["quality"]
    assert lines[1] == f"quality {quality['score']}/100 ({'passes' if quality['passed'] else 'fails'})"
    assert [line.split()[1].rstrip(":") for line in lines[2:]] == [f["code"] for f in quality["findings"]]
    quiet = thumbkit("render", "Logo corner", "-o", "q2.webp", cwd=tmp_path)
    assert "quality" not in quiet.stdout


def test_render_png_by_extension_and_debug_boxes(tmp_path):
    result = thumbkit("render", "Debug me", "-f", "instagram", "-o", "d.png", "--debug", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    image = Image.open(tmp_path / "d.png")
    assert image.format == "PNG" and image.size == (1080, 1080)
    # the debug overlay outlines text boxes in magenta
    pixels = np.asarray(image.convert("RGB"))
    assert ((pixels[..., 0] == 255) & (pixels[..., 1] == 0) & (pixels[..., 2] == 255)).any()


def test_render_variants_writes_numbered_files_best_first(tmp_path):
    result = thumbkit("render", "The *secret* to fast builds in 2025", "--variants", "3", "-o", "out.webp",
                      "--plan", "plan.json", "--headline", "auto", "--language", "en", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "out-1.webp", "out-2.webp", "out-3.webp", "plan-1.json", "plan-2.json", "plan-3.json"]
    lines = result.stdout.splitlines()
    assert [line.split(" ")[0] for line in lines] == ["out-1.webp", "out-2.webp", "out-3.webp"]
    layouts = {line.split(", ")[1] for line in lines}
    assert len(layouts) == 3  # three layouts
    assert '"candidates"' in (tmp_path / "plan-1.json").read_text()
    bad = thumbkit("render", "x", "--variants", "9", cwd=tmp_path)
    assert bad.returncode == 2 and "9 is not in the range 1<=x<=6" in bad.stderr


def test_a_user_error_is_one_line_and_exit_2(tmp_path):
    result = thumbkit("render", "Hello", "-f", "tiktok", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "thumbkit: format must be one of: youtube, instagram, x, blogpost, linkedin"
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir()), "nothing is written when the render fails"


def test_layouts_and_formats_list(tmp_path):
    layouts = thumbkit("layouts", "-f", "linkedin", cwd=tmp_path)
    assert layouts.returncode == 0 and "linkedin-bold" in layouts.stdout and "youtube" not in layouts.stdout
    formats = thumbkit("formats", cwd=tmp_path)
    assert "x          1200x675" in formats.stdout


def test_the_faceless_path_imports_nothing_heavy(tmp_path):
    code = (
        "import sys, runpy; sys.argv=['thumbkit','render','Light imports','-o','t.webp'];\n"
        "from renderer.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('rembg', 'onnxruntime', 'skimage', 'av', 'fastapi', 'uvicorn', 'dask') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(("command", "one_shot"), [(["formats"], True), (["batch", "--help"], False)])
def test_the_program_collects_garbage_rarely_for_one_shot_commands_and_freezes_at_exit(tmp_path, command, one_shot):
    probe = ("import atexit, gc, sys\n"
             "from renderer.cli.commands import run\n"
             "usual = gc.get_threshold()[0]\n"
             "atexit.register(lambda: print('gc', gc.get_threshold()[0] == usual, gc.get_freeze_count() > 0, file=sys.stderr))\n"
             f"sys.argv = ['thumbkit', *{command!r}]\n"
             "run()\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    usual, frozen = result.stderr.split()[-2:]
    assert usual == str(not one_shot)
    assert frozen == "True"
