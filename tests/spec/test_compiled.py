"""The compiled catalog and the quick fill: what a new process takes from the cache folder instead
of parsing and validating, and templates filled without Jinja2 and pydantic, must be what the full
way gives; an edited file is checked again, with its problems located, however warm the cache."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from renderer import Renderer, SpecError
from renderer.kits.categories import apply_category_to_kit
from renderer.paths import data_dir
from renderer.spec import yaml_source
from renderer.spec.context import render_context
from renderer.spec.filling import checked_fill, quick_filled
from renderer.spec.quick_templates import fill_quick
from renderer.spec.templating import fill
from tests.spec.test_specs import GOOD, write_layouts

TITLES = ("Why your code is slow", "7 Python tricks you *didn't* know", "10x faster builds, no magic",
          "لماذا الكود بطيء", "")
CATEGORIES = ("auto", "gaming", "education", "beauty-fashion")


def test_quick_fill_is_the_full_fill_for_every_bundled_layout_kit_and_category(renderer):
    compared = 0
    for name, layout in sorted(renderer.layouts.items()):
        for kit_id in renderer.kits.ids():
            for category in CATEGORIES:
                kit = apply_category_to_kit(renderer.kit(kit_id), category)
                for title in TITLES:
                    spec = layout.spec
                    context = render_context(title, spec.format, spec.size.width, spec.size.height, kit.spec)
                    quick = quick_filled(layout, context)
                    # the bundled layouts never need Jinja2 or pydantic at render time
                    assert quick is not None, (name, kit_id, category, title)
                    assert quick == checked_fill(layout, context), (name, kit_id, category, title)
                    compared += 1
    assert compared >= 20 * 3 * len(CATEGORIES) * len(TITLES)


CONTEXT = {
    "title": "7 tips", "number": "7", "title_rest": "tips", "empty": "", "width": 1280, "ratio": 0.5,
    "palette": {"accent": "#22d3ee", "surface": "#0b2a70", "items": "shadowed by dict.items"},
}


@pytest.mark.parametrize("source", [
    "{{ palette.accent }}", "{{palette.surface}}", "{{ palette.surface | alpha(0) }}",
    "{{ palette.surface | glow(palette.accent, 0.35) | alpha(0.22) }}", "{{ palette.surface | mix('#ffffff', 0.1) }}",
    "{{ number or '!' }}", "{{ empty or \"none\" }}", "{{ empty or number or 'x' }}", "Top {{ number }}: {{ title_rest }}!",
    "{{ title | upper }}", "{{ title|lower }}", "{{ width }}px", "{{ ratio }}", "{{ 0.35 }} {{ 12 }} {{ -3 }}",
    "plain }} braces", "{{ palette.accent }}{{ palette.surface }}",
])
def test_quick_templates_fill_as_jinja_does(source):
    assert fill_quick(source, CONTEXT) == fill(source, CONTEXT)


@pytest.mark.parametrize("source", [
    "{{ missing }}", "{{ palette.nope }}", "{{ palette.items }}", "{{ title | truncate(3) }}", "{{- title }}",
    "{{ title -}}", "{{ title ~ '!' }}", "{{ 'it\\'s' }}", "{{ title if number }}", "{% if title %}x{% endif %}",
    "{# note #}{{ title }}", "{{ title }}\n", "{{ title }", "{{ palette['accent'] }}", "{{ title.upper() }}",
    "{{ number and title }}", "{{ palette.accent | alpha('x') }}", "{{ palette.accent | alpha(opacity=1) }}",
    "{{ true }}", "{{ 007 }}", "{{ title }}\r\n", "{{ 1.2.3 }}",
])
def test_what_quick_templates_cannot_prove_is_left_to_jinja(source):
    assert fill_quick(source, CONTEXT) is None


def test_a_value_filled_at_render_time_is_validated_and_located(tmp_path):
    # "#{{ number }}00000" is a colour for the sample title's 7, not for 12 (seven digits) or no number
    text = GOOD.format(name="mine").replace('"{{ palette.background }}"', '"#{{ number }}00000"')
    renderer = Renderer(layouts_dir=write_layouts(tmp_path, {"mine.yaml": text}), cache_dir=tmp_path / "cache")
    assert renderer.render("7 ways to win", layout="mine").layout == "mine"
    for title in ("12 ways to win", "No number here"):
        with pytest.raises(SpecError) as caught:
            renderer.render(title, layout="mine")
        [problem] = [str(p) for p in caught.value.problems]
        assert problem.startswith("layouts/mine.yaml:6:5: layers[0].fill") and "is not a colour" in problem, problem


def test_positions_read_back_from_a_warm_cache_locate_a_problem_as_the_file_did(tmp_path, monkeypatch):
    text = GOOD.format(name="mine").replace('"{{ palette.background }}"', '"#{{ number }}00000"')
    layouts = write_layouts(tmp_path, {"mine.yaml": text})
    Renderer(layouts_dir=layouts, cache_dir=tmp_path / "cache").render("7 ways to win", layout="mine")
    _no_parsing(monkeypatch)  # the second process has the positions from the catalog only, still encoded
    renderer = Renderer(layouts_dir=layouts, cache_dir=tmp_path / "cache")
    assert "mapping" not in renderer.layouts["mine"].source.positions.__dict__
    with pytest.raises(SpecError) as caught:
        renderer.render("12 ways to win", layout="mine")
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith("layouts/mine.yaml:6:5: layers[0].fill") and "is not a colour" in problem, problem


def test_positions_keep_every_key_type_through_the_catalog():
    from renderer.spec.source import Positions

    mapping = {(): (1, 1), ("layers", 0, "fill"): (6, 5), ("sizes", 2.5, True): (7, 3), ("limits", float("inf")): (9, 1)}
    stored = pickle.loads(pickle.dumps(Positions.of(mapping)))
    assert "mapping" not in stored.__dict__ and stored.mapping == mapping


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file was parsed although the compiled catalog had it")

    monkeypatch.setattr(yaml_source, "load_yaml", refuse)


def test_an_edited_layout_is_checked_again_with_a_warm_cache(tmp_path, monkeypatch):
    folder = write_layouts(tmp_path, {"mine.yaml": GOOD.format(name="mine")})
    cache = tmp_path / "cache"
    cold = Renderer(layouts_dir=folder, cache_dir=cache)
    assert any((cache / "catalog").glob("layouts-*.pickle"))
    with monkeypatch.context() as patched:
        _no_parsing(patched)
        warm = Renderer(layouts_dir=folder, cache_dir=cache)
    assert warm.layouts == cold.layouts and warm.kit("default") == cold.kit("default")
    (folder / "mine.yaml").write_text(GOOD.format(name="mine").replace("min: 40", "min: 4"))
    with pytest.raises(SpecError) as caught:
        Renderer(layouts_dir=folder, cache_dir=cache)
    assert [str(p) for p in caught.value.problems] == [
        "layouts/mine.yaml:9:15: layers[1].size_px.min: input should be greater than or equal to 8, got 4"]
    (folder / "mine.yaml").write_text(GOOD.format(name="mine"))
    with monkeypatch.context() as patched:
        _no_parsing(patched)
        assert Renderer(layouts_dir=folder, cache_dir=cache).layouts == cold.layouts


def test_an_edited_kit_and_a_missing_kit_file_are_found_with_a_warm_cache(tmp_path):
    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "techpulse", kits / "acme")
    cache = tmp_path / "cache"
    assert Renderer(kit_dirs=(kits,), cache_dir=cache).render("Hello", brand="acme").kit == "acme"
    kit_file = kits / "acme" / "kit.yaml"
    original = kit_file.read_text()
    kit_file.write_text(original.replace('accent: "#22d3ee"', 'accent: "#22d3e"'))
    line = next(number for number, text in enumerate(original.splitlines(), 1) if text.strip().startswith("accent:"))
    with pytest.raises(SpecError, match=rf"kits/acme/kit.yaml:{line}:3: palette.accent: '#22d3e' is not a colour"):
        Renderer(kit_dirs=(kits,), cache_dir=cache).render("Hello", brand="acme")
    kit_file.write_text(original)
    (kits / "acme" / "logo-dark.png").unlink()  # not part of the entry's key: checked on every load
    with pytest.raises(SpecError, match=r"kits/acme/kit.yaml:\d+:\d+: logo.file_dark: file not found: 'logo-dark.png'"):
        Renderer(kit_dirs=(kits,), cache_dir=cache).render("Hello", brand="acme")


class _Hostile:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (str(_Hostile.marker),))

    marker = Path()


def test_damaged_or_hostile_entries_are_rebuilt_not_run(tmp_path):
    cache = tmp_path / "cache"
    reference = Renderer(cache_dir=cache)
    entries = sorted((cache / "catalog").glob("*.pickle"))
    assert {entry.name.split("-")[0] for entry in entries} >= {"fonts", "kit", "layouts"}
    _Hostile.marker = tmp_path / "ran"
    for index, entry in enumerate(entries):
        entry.write_bytes(pickle.dumps(_Hostile()) if index % 2 else entry.read_bytes()[:40])
    again = Renderer(cache_dir=cache)
    assert not _Hostile.marker.exists()
    assert again.layouts == reference.layouts
    assert again.render("Hello").data == reference.render("Hello").data
