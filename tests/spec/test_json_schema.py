"""The JSON Schema of layout and kit files (``thumbkit schema``): shipped as generated, accepted by
every bundled file, rejecting what the loader rejects where a schema can say it, and never
rejecting a file the loader accepts."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from pydantic import BaseModel, ValidationError

from renderer import Renderer, SpecError
from renderer.cli import main
from renderer.colors import parse_color
from renderer.formats import FORMATS
from renderer.paths import data_dir
from renderer.spec.catalog import load_kit
from renderer.spec.kit import KitSpec
from renderer.spec.layout import LayoutSpec
from renderer.spec.schema import MODELINE_PREFIX, SCHEMA_KINDS, json_schema, modeline, schema_text, shipped_schema_path
from renderer.spec.yaml_source import dotted
from tests.spec import spec_files

MODELS: dict[str, type[BaseModel]] = {"layout": LayoutSpec, "kit": KitSpec}


def bundled_files(kind: str) -> list[Path]:
    return sorted(data_dir("layouts").glob("*.yaml")) if kind == "layout" else sorted(data_dir("brand_kits").glob("*/kit.yaml"))


VALIDATORS = {kind: Draft7Validator(json_schema(kind)) for kind in SCHEMA_KINDS}


def schema_problems(kind: str, data: Any) -> list[str]:
    """Where the schema finds problems, as the validator names places (``layers[1].fit.mode``); an
    unknown or missing key is named itself, as the validator names it."""
    places = set()
    for error in VALIDATORS[kind].iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            places.update(dotted((*path, key)) for key in error.instance if key not in error.schema.get("properties", {}))
        elif error.validator == "required":
            places.update(dotted((*path, key)) for key in error.validator_value if key not in error.instance)
        else:
            places.add(dotted(path))
    return sorted(places)


# -- shipped, valid, described ------------------------------------------------------------------
@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_the_shipped_schema_is_the_generated_one(kind: str) -> None:
    shipped = shipped_schema_path(kind).read_text(encoding="utf-8")
    assert shipped == schema_text(kind), f"{shipped_schema_path(kind)} is out of date: run `thumbkit schema --update`"


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_the_schema_is_a_closed_draft_07_schema_with_every_key_described(kind: str) -> None:
    schema = json_schema(kind)
    Draft7Validator.check_schema(schema)
    objects = [("(root)", schema), *schema["definitions"].items()]
    assert all(body.get("additionalProperties") is False for _, body in objects if "properties" in body)
    undescribed = [f"{name}.{key}" for name, body in objects for key, prop in body.get("properties", {}).items()
                   if not prop.get("description")]
    assert undescribed == [], f"describe these in renderer/spec/schema_text.py: {undescribed}"
    text = json.dumps(schema)
    assert "$defs" not in text and "discriminator" not in text and "prefixItems" not in text  # draft-07 words only


def test_every_description_names_a_model_or_a_key() -> None:
    """No description left behind by a renamed or removed key."""
    from renderer.spec.schema_text import DESCRIPTIONS

    names = set()
    for kind, model in MODELS.items():
        schema = json_schema(kind)
        for name, body in [(model.__name__, schema), *schema["definitions"].items()]:
            names.add(name)
            names.update(f"{name}.{key}" for key in body.get("properties", {}))
    assert sorted(set(DESCRIPTIONS) - names) == []


def test_enums_list_the_allowed_values() -> None:
    layout = json_schema("layout")
    assert layout["properties"]["format"]["enum"] == list(FORMATS)
    assert layout["properties"]["layers"]["items"]["properties"]["kind"]["enum"] == ["background", "pattern", "shape", "text", "stack", "sides", "photo", "logo"]
    assert layout["definitions"]["Fit"]["properties"]["mode"]["enum"] == ["shrink", "truncate"]
    assert json_schema("kit")["properties"]["category"]["enum"][:2] == ["auto", "tech-saas"]


# -- bundled files ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_every_bundled_file_names_the_shipped_schema_and_passes_it(kind: str) -> None:
    files = bundled_files(kind)
    assert len(files) >= (20 if kind == "layout" else 3)
    for path in files:
        first_line, _, _ = path.read_text(encoding="utf-8").partition("\n")
        assert first_line == modeline(kind, path), path
        named = (path.parent / first_line.removeprefix(MODELINE_PREFIX)).resolve()
        assert named == shipped_schema_path(kind).resolve(), path
        assert schema_problems(kind, yaml.safe_load(path.read_text(encoding="utf-8"))) == [], path


def test_a_file_elsewhere_names_the_schema_by_its_absolute_path(tmp_path: Path) -> None:
    line = modeline("kit", tmp_path / "acme" / "kit.yaml")
    assert line == MODELINE_PREFIX + str(shipped_schema_path("kit").resolve())


def test_positions_count_the_modeline(tmp_path: Path) -> None:
    """The comment is line 1 of every bundled file: a problem further down is reported at its own line."""
    folder = tmp_path / "layouts"
    folder.mkdir()
    text = (data_dir("layouts") / "youtube-bold.yaml").read_text(encoding="utf-8").replace("    max_lines: 5\n", "    max_lines: 50\n")
    (folder / "youtube-bold.yaml").write_text(text, encoding="utf-8")
    line = text.splitlines().index("    max_lines: 50") + 1  # the title item of youtube-bold's stack
    with pytest.raises(SpecError) as caught:
        Renderer(layouts_dir=folder)
    assert [str(p).split(": ")[0] for p in caught.value.problems] == [f"layouts/youtube-bold.yaml:{line}:5"]
    assert text.startswith(MODELINE_PREFIX)


# -- the spec tests' broken files ---------------------------------------------------------------
# (file text, where the schema finds problems): the loader rejects every one of them.
LAYOUT_CASES = {
    "broken": (spec_files.BROKEN, ["layers[0].fill", "layers[1].colour", "layers[1].fit.mode"]),
    "small": (spec_files.wrong_size(), ["size.height", "size.width"]),  # the box leaving the canvas: on load
    "kinds": (spec_files.unknown_kind(), ["layers[0].kind"]),
    "fonty": (spec_files.unknown_font(), []),  # fonts, template names and logic: checked on load
    "undef": (spec_files.undefined_name(), []),
    "logic": (spec_files.template_logic(), []),
    "other": (spec_files.good("wrong-name"), []),  # the name against the file name: on load
}


@pytest.mark.parametrize("name", LAYOUT_CASES)
def test_the_schema_finds_the_broken_layouts_problems_it_can_see(tmp_path: Path, name: str) -> None:
    text, expected = LAYOUT_CASES[name]
    assert schema_problems("layout", yaml.safe_load(text)) == expected
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        Renderer(layouts_dir=folder)
    found = [problem.where for problem in caught.value.problems]
    if name in ("broken",):
        assert sorted(found) == expected  # the same places as the validator
    assert found


KIT_CASES = {
    "broken": (spec_files.broken_kit(), ["palette.accent", "style.sparkle"]),
    "references": (spec_files.kit_with_bad_references(), ["palette.accent"]),  # fonts, files, layouts: on load
    "unnamed": (spec_files.default_kit_text().replace("name: Default", 'name: ""'), ["name"]),
    "cooking": (spec_files.default_kit_text() + "category: cooking\n", ["category"]),
}


@pytest.mark.parametrize("name", KIT_CASES)
def test_the_schema_finds_the_broken_kits_problems_it_can_see(tmp_path: Path, name: str) -> None:
    text, expected = KIT_CASES[name]
    assert schema_problems("kit", yaml.safe_load(text)) == expected
    folder = tmp_path / "kits" / name
    shutil.copytree(data_dir("brand_kits") / "default", folder)
    (folder / "kit.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_kit(name, folder, Renderer().fonts)
    found = [problem.where for problem in caught.value.problems]
    assert set(expected) <= set(found), found


# -- never stricter than the loader ---------------------------------------------------------------
# Replacement values: none of them is one the loader's lax parsing turns into another type (a quoted
# number, yes/no, 0/1 for a boolean), which the schema rightly calls the wrong type.
POOL = [None, [], {}, "zz", "#12345", "#abc", "#ABCDEF80", "white", "{{ palette.accent }}", 12, -3, 700, 0.25, 2.5,
        "left", "text", "shape", "linear", "image", "youtube", "instagram", {"x": 4}, ["#fff", "#000"], {"min": 9, "max": 30}]
BUNDLED = {kind: [yaml.safe_load(p.read_text(encoding="utf-8")) for p in bundled_files(kind)] for kind in SCHEMA_KINDS}


def leaves(data: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(data, dict):
        found += [p for key, value in data.items() for p in leaves(value, (*path, key))]
    elif isinstance(data, list):
        found += [p for index, value in enumerate(data) for p in leaves(value, (*path, index))]
    return found


def mutated(data: Any, path: tuple, action: str, value: Any) -> Any:
    data = json.loads(json.dumps(data))
    if not path:
        return value if action == "replace" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if action == "replace":
        parent[path[-1]] = value
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent[path[-1]], dict):
        parent[path[-1]]["sparkle"] = value
    return data


def loader_accepts(kind: str, data: Any) -> bool:
    try:
        spec = MODELS[kind].model_validate(data)
    except ValidationError:
        return False
    if kind == "layout":
        fmt = FORMATS.get(spec.format)
        return fmt is not None and (spec.size.width, spec.size.height) == (fmt.width_px, fmt.height_px)
    return True


@given(st.data())
def test_the_schema_never_refuses_what_the_loader_accepts(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(SCHEMA_KINDS))
    document = data.draw(st.sampled_from(BUNDLED[kind]))
    path = data.draw(st.sampled_from(leaves(document)))
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    changed = mutated(document, path, action, data.draw(st.sampled_from(POOL)))
    if loader_accepts(kind, changed):
        assert schema_problems(kind, changed) == [], changed
    else:
        assert schema_problems(kind, changed) != [] or _only_checked_in_code(kind, changed), changed


def _only_checked_in_code(kind: str, data: Any) -> bool:
    """Rules no JSON Schema states: a size range's min above its max, a kit name of blank characters."""
    try:
        MODELS[kind].model_validate(data)
    except ValidationError as exc:
        return all(error["type"] == "value_error" for error in exc.errors())
    return False


# -- colours -----------------------------------------------------------------------------------------
COLOR_ALPHABET = "#0123456789abcdefABCDEFghwitlrnspkxz {}%"


@given(st.text(alphabet=COLOR_ALPHABET, max_size=12) | st.sampled_from(["white", " Black ", "TRANSPARENT", "#fff", "#ffffffff"]))
def test_the_colour_pattern_accepts_what_parse_color_accepts(text: str) -> None:
    pattern = json_schema("kit")["definitions"]["Palette"]["properties"]["accent"]["pattern"]
    try:
        parse_color(text)
        accepted = True
    except ValueError:
        accepted = False
    assert bool(re.search(pattern, text)) == accepted


# -- the command ---------------------------------------------------------------------------------
def test_thumbkit_schema_prints_the_schema_and_its_path() -> None:
    runner = CliRunner()
    printed = runner.invoke(main, ["schema", "layout"])
    assert printed.exit_code == 0 and printed.stdout == schema_text("layout")
    where = runner.invoke(main, ["schema", "kit", "--path"])
    assert where.exit_code == 0 and where.stdout.strip() == str(shipped_schema_path("kit"))
    missing = runner.invoke(main, ["schema"])
    assert missing.exit_code == 2 and "give KIND" in missing.output
