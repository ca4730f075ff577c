"""`thumbkit layout new` and the user's layout folder: a copy under a new name, found by Renderer,
generate(), the CLI, batch and the server as user kits are; hostile and taken names refused; a
broken file there fails only the renders that ask for it."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

import renderer.api as renderer_api
from renderer import Renderer, SpecError, generate
from renderer.cli import main
from renderer.errors import InputError
from renderer.paths import data_dir
from renderer.server.launcher import PROJECT_ROOT, start_server
from renderer.spec.new_layout import create_layout
from renderer.spec.schema import MODELINE_PREFIX, shipped_schema_path
from tests.spec import spec_files


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "my-layouts"
    monkeypatch.setenv("THUMBKIT_LAYOUTS_DIR", str(folder))
    # generate()'s process-wide renderer is made anew, seeing this folder (an earlier test may have made one)
    monkeypatch.setattr("renderer.api._DEFAULT", None)
    return folder


def test_a_copy_under_a_new_name_with_the_schema_line(user_dir: Path) -> None:
    path = create_layout("mine", source="youtube-listicle")
    assert path == user_dir / "mine.yaml"
    source = (data_dir("layouts") / "youtube-listicle.yaml").read_text(encoding="utf-8").splitlines()
    copied = path.read_text(encoding="utf-8").splitlines()
    assert copied[0] == MODELINE_PREFIX + str(shipped_schema_path("layout").resolve())
    assert copied[1] == "name: mine"
    assert copied[2:] == source[2:]  # everything else as it was, comments and layout included
    assert [p.name for p in user_dir.iterdir()] == ["mine.yaml"]  # no temporary file left


@pytest.mark.slow  # a batch process with a worker process
def test_every_interface_finds_a_user_layout(user_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # generate()'s renderer is made on first use and kept: as in a process that starts now
    monkeypatch.setattr(renderer_api, "_DEFAULT", None)
    create_layout("mine", source="youtube-bold")
    renderer = Renderer()
    assert "mine" in renderer.layout_names("youtube")
    assert renderer.render("Hello from mine", layout="mine").layout == "mine"
    response = generate("Hello from mine", layout="mine")
    assert Image.open(io.BytesIO(base64.b64decode(response["image"].split(",", 1)[1]))).size == (1280, 720)
    cli = CliRunner().invoke(main, ["render", "Hello", "--layout", "mine", "-o", str(tmp_path / "cli.webp")])
    assert cli.exit_code == 0 and ", mine," in cli.stdout, cli.output
    listed = CliRunner().invoke(main, ["layouts", "--format", "youtube"])
    assert f"mine                   [default, long]" in listed.stdout and str(user_dir / "mine.yaml") in listed.stdout
    csv_path = tmp_path / "titles.csv"
    csv_path.write_text("title,layout\nHello from a worker,mine\n", encoding="utf-8")
    # thumbkit batch in its own process with a worker process, as users run it (a worker pool made
    # earlier in this process would keep the environment of its start)
    batch = subprocess.run([sys.executable, "-m", "renderer.cli", "batch", str(csv_path), "-o", str(tmp_path / "out"), "-w", "1", "-q"],
                           capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
                           env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert batch.returncode == 0, batch.stdout + batch.stderr  # 1 if the row failed: "unknown layout 'mine'"
    with Image.open(tmp_path / "out" / "hello-from-a-worker.webp") as made:
        assert made.size == (1280, 720)


@pytest.mark.slow  # a real server process
def test_the_server_finds_a_user_layout(user_dir: Path, tmp_path: Path) -> None:
    create_layout("mine", source="x-split")
    server = start_server(tmp_path / "data", env={"THUMBKIT_API_KEYS": "k", "THUMBKIT_LAYOUTS_DIR": str(user_dir)})
    try:
        headers = {"x-api-key": "k", "Content-Type": "application/json"}
        with urllib.request.urlopen(urllib.request.Request(f"{server.url}/v1/catalog", headers=headers), timeout=30) as answer:
            catalog = json.loads(answer.read())
        assert "mine" in next(f for f in catalog["formats"] if f["name"] == "x")["layouts"]
        body = json.dumps({"title": "Served from mine", "format": "x", "layout": "mine"}).encode()
        with urllib.request.urlopen(urllib.request.Request(f"{server.url}/v1/generate", body, headers), timeout=60) as answer:
            assert json.loads(answer.read())["dimensions"] == {"width": 1200, "height": 675}
    finally:
        assert server.stop(), server.output()


@pytest.mark.parametrize("name", ["../x", "x/y", "Mine", "mine.yaml", "-mine", "", "a" * 65, "mine\n", "mi ne", ".hidden"])
def test_hostile_names_are_refused(user_dir: Path, name: str) -> None:
    with pytest.raises(InputError, match=r"layout name must be 1-64 lowercase letters, digits and '-'"):
        create_layout(name)
    with pytest.raises(InputError, match=r"--from must be 1-64 lowercase letters"):
        create_layout("fine", source=name)
    assert not user_dir.exists()


def test_taken_names_unknown_sources_and_force(user_dir: Path) -> None:
    with pytest.raises(InputError, match="'youtube-bold' is a bundled layout, which would hide yours"):
        create_layout("youtube-bold", force=True)
    with pytest.raises(InputError, match=r"unknown layout 'nope' to copy \(--from\); known: blogpost-bold, "):
        create_layout("mine", source="nope")
    first = create_layout("mine", source="youtube-minimal")
    with pytest.raises(InputError, match="layout 'mine' already exists in .*; use --force to replace it"):
        create_layout("mine", source="youtube-bold")
    assert "youtube-minimal" not in first.read_text(encoding="utf-8").splitlines()[1]
    assert "Minimal" in first.read_text(encoding="utf-8")  # not replaced
    create_layout("mine", source="youtube-bold", force=True)
    assert "accent bar" in first.read_text(encoding="utf-8")
    again = create_layout("yours", source="mine")  # a user layout may be copied too
    assert again.read_text(encoding="utf-8").splitlines()[1] == "name: yours"


def test_the_command_prints_where_and_what_next(user_dir: Path) -> None:
    made = CliRunner().invoke(main, ["layout", "new", "mine", "--from", "instagram-bold"])
    assert made.exit_code == 0, made.output
    assert made.stdout.splitlines()[0] == str(user_dir / "mine.yaml")
    assert f"thumbkit preview {user_dir / 'mine.yaml'}" in made.stdout
    refused = CliRunner().invoke(main, ["layout", "new", "mine"])
    assert refused.exit_code == 2 and refused.stderr.startswith("thumbkit: layout 'mine' already exists")


def test_a_broken_user_layout_fails_only_when_asked_for(user_dir: Path) -> None:
    path = create_layout("mine")
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("    max_lines: 5\n", "    max_lines: 50\n"), encoding="utf-8")  # the title of youtube-bold's stack
    line = path.read_text(encoding="utf-8").splitlines().index("    max_lines: 50") + 1
    renderer = Renderer()  # the other layouts still load
    assert "mine" not in renderer.layouts
    with pytest.raises(SpecError, match=rf"my-layouts/mine.yaml:{line}:5: layers\[4\].items\[1\].max_lines: "):
        renderer.render("Hello", layout="mine")
    assert renderer.render("Why nobody talks about this anymore", layout="auto").layout == "youtube-bold"  # a good copy would come first
    listed = CliRunner().invoke(main, ["layouts"])
    assert f"(invalid: my-layouts/mine.yaml:{line}:5:" in listed.stdout
    path.write_text(good, encoding="utf-8")  # fixed: layout=auto may choose it by its picks, as youtube-bold's
    assert Renderer().render("Why nobody talks about this anymore", layout="auto").layout == "mine"


def test_a_reloaded_renderer_reads_kits_again_and_adds_layout_files(user_dir: Path, tmp_path: Path) -> None:
    copy = create_layout("youtube-bold-copy")
    edited = tmp_path / "youtube-bold.yaml"  # the same name as a bundled layout: replaces it
    edited.write_text(copy.read_text(encoding="utf-8").replace("name: youtube-bold-copy", "name: youtube-bold")
                      .replace("    max_lines: 5\n", "    max_lines: 2\n"), encoding="utf-8")
    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "default", kits / "acme")
    renderer = Renderer(kit_dirs=(kits,))
    assert renderer.kit("acme").spec.palette.accent == "#ffcc00"
    (kits / "acme" / "kit.yaml").write_text(spec_files.default_kit_text().replace("#ffcc00", "#ff0000"), encoding="utf-8")
    reloaded = renderer.reloaded(layout_files=(edited,))
    assert reloaded.layouts["youtube-bold"].spec.layers[4].items[1].max_lines == 2
    assert renderer.layouts["youtube-bold"].spec.layers[4].items[1].max_lines == 5  # the original is left as it was
    assert (reloaded.kit("acme").spec.palette.accent, renderer.kit("acme").spec.palette.accent) == ("#ff0000", "#ffcc00")
    edited.write_text("name: youtube-bold\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"youtube-bold.yaml:1:1: format: required key is missing"):
        renderer.reloaded(layout_files=(edited,))
