"""Layout and kit files: closed schemas, every problem at once, file:line:column positions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from renderer import Renderer, SpecError
from renderer.paths import data_dir

GOOD = """\
name: {name}
format: youtube
size: {{width: 1280, height: 720}}
layers:
  - kind: background
    fill: "{{{{ palette.background }}}}"
  - kind: text
    box: {{x: 80, y: 80, width: 1120, height: 560}}
    size_px: {{min: 40, max: 160}}
"""


def write_layouts(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "layouts"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        Renderer(layouts_dir=folder)
    return [str(problem) for problem in caught.value.problems]


def test_bundled_layouts_and_kits_load(renderer):
    assert len(renderer.layout_names()) >= 20
    for fmt in ("youtube", "instagram", "x", "blogpost", "linkedin"):
        assert len(renderer.layout_names(fmt)) >= 3


def test_a_good_custom_layout_loads_and_renders(tmp_path):
    folder = write_layouts(tmp_path, {"mine.yaml": GOOD.format(name="mine")})
    thumbnail = Renderer(layouts_dir=folder).render("Hello there", layout="mine")
    assert thumbnail.layout == "mine"


def test_every_problem_is_reported_at_once_with_positions(tmp_path):
    broken = """\
name: broken
format: youtube
size: {width: 1280, height: 720}
layers:
  - kind: background
    fill: "#12345"
  - kind: text
    box: {x: 80, y: 80, width: 1120, height: 560}
    size_px: {min: 40, max: 160}
    fit: {mode: shrnk}
    colour: red
"""
    folder = write_layouts(tmp_path, {"broken.yaml": broken, "other.yaml": GOOD.format(name="wrong-name")})
    problems = problems_of(folder)
    assert any(p.startswith("layouts/broken.yaml:6:5: layers[0].fill") and "'#12345' is not a colour" in p for p in problems), problems
    assert any(p.startswith("layouts/broken.yaml:10:") and "layers[1].fit.mode: expected 'shrink' | 'truncate', got 'shrnk'" in p for p in problems), problems
    assert any(p.startswith("layouts/broken.yaml:11:5: layers[1].colour: unknown key; allowed:") and "color" in p for p in problems), problems
    assert any(p.startswith("layouts/other.yaml:1:1: name:") and "must match the file name 'other'" in p for p in problems), problems
    assert len(problems) == 4, problems


def test_size_must_match_the_format_at_load_time(tmp_path):
    text = GOOD.format(name="small").replace("width: 1280, height: 720", "width: 1200, height: 630")
    problems = problems_of(write_layouts(tmp_path, {"small.yaml": text}))
    assert problems[0] == "layouts/small.yaml:3:1: size: youtube is 1280x720, the layout says 1200x630"
    assert problems[1:] == ["layouts/small.yaml:8:5: layers[1].box: box 80,80 1120x560 leaves the 1200x630 canvas"]


def test_unknown_template_names_and_logic_are_errors(tmp_path):
    undefined = GOOD.format(name="undef").replace("palette.background", "palette.nope")
    logic = GOOD.format(name="logic").replace('"{{ palette.background }}"', '"{% if title %}#000000{% endif %}"')
    problems = problems_of(write_layouts(tmp_path, {"undef.yaml": undefined, "logic.yaml": logic}))
    assert any(p.startswith("layouts/undef.yaml:6:5: layers[0].fill:") and "nope" in p for p in problems), problems
    assert any(p.startswith("layouts/logic.yaml:6:5: layers[0].fill:") and "not logic" in p for p in problems), problems


def test_broken_yaml_syntax_is_located(tmp_path):
    problems = problems_of(write_layouts(tmp_path, {"bad.yaml": "name: bad\nlayers: [\n  - kind: {\n"}))
    assert len(problems) == 1 and problems[0].startswith("layouts/bad.yaml:") and "invalid YAML" in problems[0]


def test_unknown_layer_kind_lists_the_allowed_ones(tmp_path):
    text = GOOD.format(name="kinds").replace("kind: background", "kind: gradient")
    problems = problems_of(write_layouts(tmp_path, {"kinds.yaml": text}))
    assert any("layers[0]" in p and "'background', 'shape', 'text', 'photo', 'logo'" in p and "'gradient'" in p for p in problems), problems


def test_unknown_font_lists_the_bundled_families(tmp_path):
    text = GOOD.format(name="fonty") + "    font: comic-sans\n"
    problems = problems_of(write_layouts(tmp_path, {"fonty.yaml": text}))
    assert len(problems) == 1 and "layers[1].font" in problems[0] and "league-spartan" in problems[0]


def test_a_broken_kit_reports_every_problem(tmp_path):
    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "default", kits / "acme")
    kit_file = kits / "acme" / "kit.yaml"
    text = kit_file.read_text().replace('accent: "#ffcc00"', 'accent: "#12345"').replace("  transform: none", "  transform: none\n  sparkle: true")
    kit_file.write_text(text)
    renderer = Renderer(kit_dirs=(kits,))
    with pytest.raises(SpecError) as caught:
        renderer.render("Hello", brand="acme")
    problems = [str(p) for p in caught.value.problems]
    assert any(p.startswith("kits/acme/kit.yaml:8:3: palette.accent") and "palette.accent" in p and "'#12345' is not a colour" in p for p in problems), problems
    assert any("style.sparkle: unknown key; allowed: transform, emphasis" in p for p in problems), problems
