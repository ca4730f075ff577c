"""The layout and kit files the spec tests break, shared by the loader's tests (test_specs.py) and
the JSON Schema's (test_json_schema.py), so both are checked against the same mistakes."""

from __future__ import annotations

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

#: a bad colour, a misspelt enum value and an unknown key, in one file
BROKEN = """\
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


def good(name: str) -> str:
    return GOOD.format(name=name)


def wrong_size(name: str = "small") -> str:
    """A youtube layout of blogpost size (its text box then leaves the canvas too)."""
    return good(name).replace("width: 1280, height: 720", "width: 1200, height: 630")


def unknown_kind(name: str = "kinds") -> str:
    return good(name).replace("kind: background", "kind: gradient")


def unknown_font(name: str = "fonty") -> str:
    return good(name) + "    font: comic-sans\n"


def undefined_name(name: str = "undef") -> str:
    return good(name).replace("palette.background", "palette.nope")


def template_logic(name: str = "logic") -> str:
    return good(name).replace('"{{ palette.background }}"', '"{% if title %}#000000{% endif %}"')


def default_kit_text() -> str:
    return (data_dir("brand_kits") / "default" / "kit.yaml").read_text(encoding="utf-8")


def broken_kit() -> str:
    """The default kit with a bad colour and an unknown style key."""
    return default_kit_text().replace('accent: "#ffcc00"', 'accent: "#12345"').replace(
        "  transform: none", "  transform: none\n  sparkle: true")


def kit_with_bad_references() -> str:
    """The default kit with a bad colour (the schema's to find) and a font, a weight, a logo file and
    a layout that do not exist (the loader's)."""
    text = (
        default_kit_text()
        .replace('accent: "#ffcc00"', 'accent: "#12345"')
        .replace("heading: {family: league-spartan, weight: black}", "heading: {family: comic-sans, weight: black}")
        .replace("body: {family: inter, weight: bold}", "body: {family: inter, weight: heavy}")
    )
    return text + "logo: {file: missing.png}\nlayouts: [youtube-bold, youtube-nonexistent]\n"
