"""The newer layer kinds in layout files (pattern, stack, sides, polygons, text plates) and a kit's
patterns and site: closed schemas, every problem at once with its file:line:column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from renderer import Renderer, SpecError
from renderer.paths import data_dir

HEAD = "name: {name}\nformat: youtube\nsize: {{width: 1280, height: 720}}\nlayers:\n  - kind: background\n    fill: '#101010'\n"


def problems_of(tmp_path: Path, files: dict[str, str]) -> list[str]:
    folder = tmp_path / "layouts"
    folder.mkdir()
    for name, layers in files.items():
        (folder / f"{name}.yaml").write_text(HEAD.format(name=name) + layers, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        Renderer(layouts_dir=folder)
    return [str(problem) for problem in caught.value.problems]


def test_pattern_layers_name_their_pattern_and_ranges(tmp_path):
    problems = problems_of(tmp_path, {"pat": (
        "  - kind: pattern\n    pattern: zigzag\n"
        "  - kind: pattern\n    pattern: dots\n    opacity: 1.5\n    fade: middle\n    variant: 9\n"
        "  - kind: text\n    box: {x: 80, y: 80, width: 1120, height: 560}\n    size_px: {min: 40, max: 160}\n")})
    assert problems == [
        "layouts/pat.yaml:8:5: layers[1].pattern: expected 'dots' | 'grid' | 'stripes' | 'grain' | 'halftone' | 'rays' | 'shapes' "
        "| 'kit', got 'zigzag'",
        "layouts/pat.yaml:11:5: layers[2].opacity: input should be less than or equal to 1, got 1.5",
        "layouts/pat.yaml:12:5: layers[2].fade: expected 'none' | 'left' | 'right' | 'top' | 'bottom' | 'center' | 'edges', got 'middle'",
        "layouts/pat.yaml:13:5: layers[2].variant: input should be less than or equal to 7, got 9",
    ]


def test_a_stack_has_items_of_which_one_grows(tmp_path):
    problems = problems_of(tmp_path, {
        "grows": ("  - kind: stack\n    box: {x: 80, y: 80, width: 1120, height: 560}\n    items:\n"
                  "      - {size_px: {min: 40, max: 160}, grow: true}\n      - {size_px: {min: 20, max: 40}, grow: true}\n"),
        "empty": "  - kind: stack\n    box: {x: 80, y: 80, width: 1120, height: 560}\n    items: []\n",
        "fonty": ("  - kind: stack\n    box: {x: 80, y: 80, width: 1120, height: 560}\n    items:\n"
                  "      - {size_px: {min: 40, max: 160}, font: comic-sans, grow: true}\n"),
    })
    assert "layouts/grows.yaml:7:5: layers[1]: at most one item may grow, items 0, 1 do" in problems, problems
    assert "layouts/empty.yaml:9:5: layers[1].items: List should have at least 1 item after validation, not 0" in problems, problems
    assert any(p.startswith("layouts/fonty.yaml:10:40: layers[1].items[0].font: expected a kit role") and "league-spartan" in p
               for p in problems), problems


def test_polygons_need_points_and_only_polygons_have_them(tmp_path):
    problems = problems_of(tmp_path, {"poly": (
        "  - kind: shape\n    shape: polygon\n    box: {x: 0, y: 0, width: 100, height: 100}\n    fill: '#ffffff'\n    points: [[0, 0], [10, 10]]\n"
        "  - kind: shape\n    box: {x: 0, y: 0, width: 100, height: 100}\n    fill: '#ffffff'\n    points: [[0, 0], [10, 10], [0, 10]]\n"
        "  - kind: text\n    box: {x: 80, y: 80, width: 1120, height: 560}\n    size_px: {min: 40, max: 160}\n")})
    assert problems == [
        "layouts/poly.yaml:7:5: layers[1]: a polygon needs points: at least three [x, y] pairs, in pixels from the box's corner",
        "layouts/poly.yaml:12:5: layers[2]: points are for shape: polygon, not rect",
    ]


def test_sides_need_two_fills_and_a_text_style(tmp_path):
    problems = problems_of(tmp_path, {"sides": (
        "  - kind: sides\n    box: {x: 0, y: 0, width: 1280, height: 720}\n    fills: ['#ff0000']\n    direction: diagonal\n")})
    assert sorted(problems) == [
        "layouts/sides.yaml:10:5: layers[1].direction: expected 'columns' | 'rows', got 'diagonal'",
        "layouts/sides.yaml:7:5: layers[1].text: required key is missing",
        "layouts/sides.yaml:9:5: layers[1].fills: List should have at least 2 items after validation, not 1",
    ]


def test_a_plate_colour_is_checked_like_any_colour(tmp_path):
    problems = problems_of(tmp_path, {"plate": (
        "  - kind: text\n    box: {x: 80, y: 80, width: 1120, height: 560}\n    size_px: {min: 40, max: 160}\n"
        "    plate: {fill: '#12345', per: word}\n")})
    assert any(p.startswith("layouts/plate.yaml:10:13: layers[1].plate.fill: '#12345' is not a colour") for p in problems), problems
    assert "layouts/plate.yaml:10:29: layers[1].plate.per: expected 'block' | 'line', got 'word'" in problems, problems


def test_templates_reach_the_new_names_and_refuse_unknown_ones(tmp_path):
    problems = problems_of(tmp_path, {"names": (
        "  - kind: stack\n    box: {x: 80, y: 80, width: 1120, height: 560}\n    items:\n"
        "      - {text: '{{ badge }} {{ subtitle }} {{ versus.note }} {{ quote }} {{ speaker }} {{ figure }} {{ site }}', "
        "size_px: {min: 40, max: 160}}\n"
        "      - {text: '{{ kicker }}', size_px: {min: 20, max: 40}}\n")})
    assert len(problems) == 1 and problems[0].startswith("layouts/names.yaml:11:10: layers[1].items[1].text: 'kicker' is undefined"), problems


def test_a_kits_patterns_and_site_are_checked(tmp_path):
    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "default", kits / "acme")
    kit_file = kits / "acme" / "kit.yaml"
    text = kit_file.read_text()
    text = text.replace("patterns: [dots, rays, grid, {type: shapes, color: muted, strength: 2.5}]",
                        "patterns: [dots, zigzag, {type: rays, color: purple, strength: 9}]")
    kit_file.write_text(text + "site: \"a\\nb\"\n")
    with pytest.raises(SpecError) as caught:
        Renderer(kit_dirs=(kits,)).kit("acme")
    problems = [str(p) for p in caught.value.problems]
    assert problems == [
        "kits/acme/kit.yaml:19:18: patterns[1]: expected 'dots' | 'grid' | 'stripes' | 'grain' | 'halftone' | 'rays' | 'shapes', got 'zigzag'",
        "kits/acme/kit.yaml:19:39: patterns[2].color: expected 'background' | 'surface' | 'text' | 'accent' | 'muted' | 'on_accent', got 'purple'",
        "kits/acme/kit.yaml:19:54: patterns[2].strength: input should be less than or equal to 4, got 9",
        "kits/acme/kit.yaml:20:1: site: expected a short printable site name (example.com), got '\\n' at character 2",
    ]
