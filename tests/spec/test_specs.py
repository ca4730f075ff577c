"""Layout and kit files: closed schemas, every problem at once, file:line:column positions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from renderer import InputError, Renderer, SpecError
from renderer.paths import data_dir
from tests.limits import deadline
from tests.spec import spec_files
from tests.spec.spec_files import GOOD


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
    folder = write_layouts(tmp_path, {"broken.yaml": spec_files.BROKEN, "other.yaml": GOOD.format(name="wrong-name")})
    problems = problems_of(folder)
    assert any(p.startswith("layouts/broken.yaml:6:5: layers[0].fill") and "'#12345' is not a colour" in p for p in problems), problems
    assert any(p.startswith("layouts/broken.yaml:10:") and "layers[1].fit.mode: expected 'shrink' | 'truncate', got 'shrnk'" in p for p in problems), problems
    assert any(p.startswith("layouts/broken.yaml:11:5: layers[1].colour: unknown key; allowed:") and "color" in p for p in problems), problems
    assert any(p.startswith("layouts/other.yaml:1:1: name:") and "must match the file name 'other'" in p for p in problems), problems
    assert len(problems) == 4, problems


def test_size_must_match_the_format_at_load_time(tmp_path):
    problems = problems_of(write_layouts(tmp_path, {"small.yaml": spec_files.wrong_size()}))
    assert problems[0] == "layouts/small.yaml:3:1: size: youtube is 1280x720, the layout says 1200x630"
    assert problems[1:] == ["layouts/small.yaml:8:5: layers[1].box: box 80,80 1120x560 leaves the 1200x630 canvas"]


def test_unknown_template_names_and_logic_are_errors(tmp_path):
    files = {"undef.yaml": spec_files.undefined_name(), "logic.yaml": spec_files.template_logic()}
    problems = problems_of(write_layouts(tmp_path, files))
    assert any(p.startswith("layouts/undef.yaml:6:5: layers[0].fill:") and "nope" in p for p in problems), problems
    assert any(p.startswith("layouts/logic.yaml:6:5: layers[0].fill:") and "not logic" in p for p in problems), problems


def test_broken_yaml_syntax_is_located(tmp_path):
    problems = problems_of(write_layouts(tmp_path, {"bad.yaml": "name: bad\nlayers: [\n  - kind: {\n"}))
    assert len(problems) == 1 and problems[0].startswith("layouts/bad.yaml:") and "invalid YAML" in problems[0]


def test_unknown_layer_kind_lists_the_allowed_ones(tmp_path):
    problems = problems_of(write_layouts(tmp_path, {"kinds.yaml": spec_files.unknown_kind()}))
    assert any("layers[0]" in p and "'background', 'pattern', 'shape', 'text', 'stack', 'sides', 'photo', 'logo'" in p and "'gradient'" in p for p in problems), problems


def test_unknown_font_lists_the_bundled_families(tmp_path):
    problems = problems_of(write_layouts(tmp_path, {"fonty.yaml": spec_files.unknown_font()}))
    assert len(problems) == 1 and "layers[1].font" in problems[0] and "league-spartan" in problems[0]


def test_a_broken_kit_reports_every_problem(tmp_path):
    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "default", kits / "acme")
    (kits / "acme" / "kit.yaml").write_text(spec_files.broken_kit())
    renderer = Renderer(kit_dirs=(kits,))
    with pytest.raises(SpecError) as caught:
        renderer.render("Hello", brand="acme")
    problems = [str(p) for p in caught.value.problems]
    assert any(p.startswith("kits/acme/kit.yaml:9:3: palette.accent") and "palette.accent" in p and "'#12345' is not a colour" in p for p in problems), problems
    assert any("style.sparkle: unknown key; allowed: transform, emphasis" in p for p in problems), problems


# -- YAML anchors and aliases: refused before anything is expanded ---------------------------------
ALIAS_MESSAGE = "YAML aliases (*name) are not allowed in thumbkit files; write the value out"
ANCHOR_MESSAGE = "YAML anchors (&name) are not allowed in thumbkit files; write the value out"


def billion_laughs(last_key: str = "name") -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, key in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{key}: &{key} [{', '.join(['*' + previous] * 9)}]")
    return "\n".join([*lines, f"{last_key}: *i"]) + "\n"


def test_a_self_referencing_alias_in_a_layout_is_a_located_problem(tmp_path):
    text = GOOD.format(name="loop").replace("name: loop", "name: &a [*a]")
    problems = problems_of(write_layouts(tmp_path, {"loop.yaml": text}))
    assert problems == [f"layouts/loop.yaml:1:7: name: {ANCHOR_MESSAGE}", f"layouts/loop.yaml:1:11: name[0]: {ALIAS_MESSAGE}"]


def test_aliases_and_merge_keys_are_refused_wherever_they_are(tmp_path):
    text = GOOD.format(name="merge").replace("  - kind: text\n", "  - kind: text\n    <<: *base\n") + "base: &base {font: body}\n"
    problems = problems_of(write_layouts(tmp_path, {"merge.yaml": text}))
    assert f"layouts/merge.yaml:8:9: layers[1].<<: {ALIAS_MESSAGE}" in problems, problems
    assert f"layouts/merge.yaml:11:7: base: {ANCHOR_MESSAGE}" in problems, problems
    assert len(problems) == 2, problems


def test_a_billion_laughs_file_is_refused_at_once(tmp_path):
    folder = write_layouts(tmp_path, {"laughs.yaml": billion_laughs()})
    with deadline(10):
        problems = problems_of(folder)
    assert problems[0] == f"layouts/laughs.yaml:1:4: a: {ANCHOR_MESSAGE}"
    assert f"layouts/laughs.yaml:10:7: name: {ALIAS_MESSAGE}" in problems
    assert all(ALIAS_MESSAGE in p or ANCHOR_MESSAGE in p for p in problems), problems


@pytest.mark.parametrize(("text", "expected"), [
    ("name: " + "[" * 100 + "]" * 100 + "\n", ":1:38: name" + "[0]" * 31 + ": nested too deeply; thumbkit files nest at most 32 levels"),
    ("? [a, b]\n: x\n", ":1:3: a key must be a plain name, not a list or mapping"),
    ("name: !!python/name:os.system x\n", ":1:7: name: invalid YAML: could not determine a constructor"),
    ("name: !!int x\n", ":1:7: name: invalid YAML: 'x' is not a valid int"),  # was a ValueError out of the loader
    ("name: !!timestamp soon\n", ":1:7: name: invalid YAML: 'soon' is not a valid timestamp"),  # was an AttributeError
])
def test_hostile_yaml_is_a_located_problem_not_a_crash(tmp_path, text, expected):
    problems = problems_of(write_layouts(tmp_path, {"odd.yaml": text}))
    assert problems[0].startswith("layouts/odd.yaml" + expected), problems


def test_a_kit_with_aliases_is_refused_with_its_position(tmp_path):
    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "default", kits / "loop")
    kit_file = kits / "loop" / "kit.yaml"
    kit_file.write_text(kit_file.read_text().replace("name: Default", "name: &a [*a]"))
    shutil.copytree(data_dir("brand_kits") / "default", kits / "laughs")
    (kits / "laughs" / "kit.yaml").write_text(billion_laughs())
    renderer = Renderer(kit_dirs=(kits,))
    with pytest.raises(SpecError) as caught:
        renderer.render("Hello", brand="loop")
    assert f"kits/loop/kit.yaml:3:11: name[0]: {ALIAS_MESSAGE}" in [str(p) for p in caught.value.problems]
    with deadline(10), pytest.raises(SpecError, match=r"kits/laughs/kit.yaml:1:4: a: YAML anchors"):
        renderer.render("Hello", brand="laughs")


# -- a kit's fonts and preferred layouts: checked with its schema, in one run ------------------------
def test_a_kit_reports_schema_font_and_layout_problems_in_one_run(tmp_path):
    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "default", kits / "acme")
    (kits / "acme" / "kit.yaml").write_text(spec_files.kit_with_bad_references())
    renderer = Renderer(kit_dirs=(kits,))
    with pytest.raises(SpecError) as caught:
        renderer.render("Hello", brand="acme")
    problems = [str(p) for p in caught.value.problems]
    assert [p.split(": ")[0:2] for p in problems] == [
        ["kits/acme/kit.yaml:9:3", "palette.accent"],
        ["kits/acme/kit.yaml:13:13", "fonts.heading.family"],
        ["kits/acme/kit.yaml:14:25", "fonts.body.weight"],
        ["kits/acme/kit.yaml:20:8", "logo.file"],
        ["kits/acme/kit.yaml:21:25", "layouts[1]"],
    ], problems
    assert "unknown font family 'comic-sans'; bundled: bebas-neue" in problems[1]
    assert "font family 'inter' has no weight 'heavy'; it has: " in problems[2]
    assert problems[3].endswith("file not found: 'missing.png' (relative to kits/acme/)")
    assert problems[4].endswith("unknown layout 'youtube-nonexistent'; known: " + ", ".join(sorted(renderer.layouts)))


def test_a_missing_weight_is_checked_as_the_default_bold(tmp_path):
    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "default", kits / "thin")
    kit_file = kits / "thin" / "kit.yaml"
    kit_file.write_text(kit_file.read_text().replace("body: {family: inter, weight: bold}", "body: {family: noto-color-emoji}"))
    with pytest.raises(SpecError) as caught:
        Renderer(kit_dirs=(kits,)).kit("thin")
    assert [str(p) for p in caught.value.problems] == [
        "kits/thin/kit.yaml:14:3: fonts.body.weight: font family 'noto-color-emoji' has no weight 'bold'; it has: regular"
    ]


def test_a_kit_may_prefer_a_layout_of_the_renderers_own_folder(tmp_path):
    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "default", kits / "mykit")
    kit_file = kits / "mykit" / "kit.yaml"
    kit_file.write_text(kit_file.read_text() + "layouts: [mine, youtube-bold]\n")
    folder = write_layouts(tmp_path, {"mine.yaml": GOOD.format(name="mine")})
    assert Renderer(layouts_dir=folder, kit_dirs=(kits,)).render("Hello there", brand="mykit").layout == "mine"
    with pytest.raises(SpecError, match=r"kits/mykit/kit.yaml:20:11: layouts\[0\]: unknown layout 'mine'; known: blogpost-bold"):
        Renderer(kit_dirs=(kits,)).kit("mykit")


def test_one_layout_resolution_for_auto_and_names(renderer):
    from renderer.spec.auto_layout import resolve_layout

    layouts = renderer.layouts
    assert resolve_layout("auto", "7 tips for better sleep", "youtube", layouts).spec.name == "youtube-listicle"
    assert resolve_layout("auto", "Hello", "youtube", layouts, use_photo=True).spec.name == "youtube-split"
    assert resolve_layout("auto", "Stop doing this", "youtube", layouts).spec.name == "youtube-minimal"
    assert resolve_layout("x-bold", "7 tips", "x", layouts).spec.name == "x-bold"
    with pytest.raises(InputError, match="unknown layout 'x-bold' for format youtube; known: auto, "):
        resolve_layout("x-bold", "7 tips", "youtube", layouts)
