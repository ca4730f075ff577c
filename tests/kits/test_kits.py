"""Brand kits: palette extraction, `kit new`, the kit store's id checks, the sample kits, located
spec problems, category presets, the preview sheet and the `thumbkit kit` commands."""

from __future__ import annotations

import math
import pathlib
import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft7Validator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

import renderer.spec.catalog as catalog
import renderer.kits.references as kit_references
from renderer.api import DEFAULT_KIT, Renderer
from renderer.spec.catalog import KitStore, load_kit
from renderer.kits.categories import DEFAULT_KIT_ID, PRESETS, apply_category, apply_category_to_kit
from renderer.cli import main
from renderer.colors import contrast_ratio, parse_color, relative_luminance
from renderer.errors import InputError, SpecError
from renderer.text.fonts import FontBook
from renderer.kits.logo import logo_variants, one_color
from renderer.kits.palette import assign_roles, dominant_colors, srgb_to_lab
from renderer.kits.preview import SHEET_WIDTH_PX, preview_sheet, preview_tiles
from renderer.kits.render import render_with_kit
from renderer.spec.kit import KitSpec, Palette
from renderer.spec.schema import MODELINE_PREFIX, json_schema, shipped_schema_path
from renderer.kits.new import create_kit
from renderer.paths import data_dir
from renderer.request import CATEGORIES
from tests.limits import deadline

PRESENTER_PHOTO = data_dir("brand_kits") / "techpulse" / "photo.jpg"
SAMPLE_KITS = ("techpulse", "sunrise")


# -- helpers ----------------------------------------------------------------------------------
def contrast(a: str, b: str) -> float:
    return contrast_ratio(relative_luminance(parse_color(a)), relative_luminance(parse_color(b)))


def delta_e(a: str | tuple[int, int, int], b: str | tuple[int, int, int]) -> float:
    rgb = [parse_color(c)[:3] if isinstance(c, str) else c for c in (a, b)]
    lab = srgb_to_lab(np.array(rgb, dtype=np.float64))
    return float(np.linalg.norm(lab[0] - lab[1]))


def hue_deg(color: str | tuple[int, int, int]) -> float:
    rgb = parse_color(color)[:3] if isinstance(color, str) else color
    _, a, b = srgb_to_lab(np.array(rgb, dtype=np.float64))
    return math.degrees(math.atan2(b, a)) % 360


def blocks(parts: list[tuple[tuple[int, int, int], float]], size_px: int = 100) -> Image.Image:
    """An image made of horizontal bands of flat colours covering the given shares."""
    rows = []
    for rgb, share in parts:
        rows += [rgb] * round(size_px * share)
    array = np.array(rows, dtype=np.uint8)[:, None, :].repeat(size_px, axis=1)
    return Image.fromarray(array, "RGB")


def save(image: Image.Image, path: Path, fmt: str = "PNG") -> Path:
    image.save(path, fmt)
    return path


def palette_readable(palette: Palette) -> None:
    assert contrast(palette.text, palette.background) >= 7.0
    assert contrast(palette.accent, palette.background) >= 3.0
    assert contrast(palette.on_accent, palette.accent) >= 4.5
    assert contrast(palette.muted, palette.background) >= 4.5
    assert contrast(palette.text, palette.surface) >= 4.5


def png_header_only(width_px: int, height_px: int) -> bytes:
    """A PNG whose header claims a size; decoding it would fail, reading the header does not."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width_px, height_px, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b"")


@pytest.fixture(autouse=True)
def _no_env_kits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("THUMBKIT_KITS_DIR", raising=False)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("THUMBKIT_KITS_DIR", raising=False)
        return Renderer()


@pytest.fixture()
def refs(tmp_path: Path) -> dict[str, Path]:
    dark = blocks([((12, 16, 44), 0.6), ((250, 250, 250), 0.25), ((235, 0, 120), 0.15)])
    light = blocks([((252, 246, 236), 0.7), ((34, 34, 38), 0.2), ((0, 110, 230), 0.1)])
    return {"dark": save(dark, tmp_path / "dark.png"), "light": save(light, tmp_path / "light.jpg", "JPEG")}


# -- palette extraction -----------------------------------------------------------------------
def test_dark_references_give_their_own_colours_to_the_roles() -> None:
    navy, white, magenta = (12, 16, 44), (250, 250, 250), (235, 0, 120)
    image = np.asarray(blocks([(navy, 0.6), (white, 0.25), (magenta, 0.15)])).reshape(-1, 3)
    swatches = dominant_colors([image])
    assert [s.share for s in swatches] == pytest.approx([0.6, 0.25, 0.15], abs=0.03)
    choice = assign_roles(swatches)
    p = choice.palette
    assert choice.theme == "dark"
    assert delta_e(p.background, navy) < 3
    assert delta_e(p.text, white) < 3
    assert delta_e(p.accent, magenta) < 3
    assert p.on_accent in (p.background, p.text, "#000000", "#ffffff")
    palette_readable(p)


def test_light_references_give_a_light_theme_with_dark_text() -> None:
    cream, charcoal, blue = (252, 246, 236), (34, 34, 38), (0, 110, 230)
    image = np.asarray(blocks([(cream, 0.7), (charcoal, 0.2), (blue, 0.1)])).reshape(-1, 3)
    p = assign_roles(dominant_colors([image])).palette
    assert delta_e(p.background, cream) < 3
    assert delta_e(p.text, charcoal) < 3
    assert abs(hue_deg(p.accent) - hue_deg(blue)) < 8
    palette_readable(p)


def test_a_dark_accent_on_a_dark_ground_is_lightened_keeping_its_hue() -> None:
    deep_blue = (20, 40, 150)
    image = np.asarray(blocks([((8, 8, 10), 0.7), (deep_blue, 0.3)])).reshape(-1, 3)
    p = assign_roles(dominant_colors([image])).palette
    assert contrast(p.accent, p.background) >= 3.0
    assert relative_luminance(parse_color(p.accent)) > relative_luminance(deep_blue)
    assert abs(hue_deg(p.accent) - hue_deg(deep_blue)) < 10


def test_grey_references_still_get_a_readable_accent() -> None:
    image = np.asarray(blocks([((40, 40, 40), 0.5), ((200, 200, 200), 0.5)])).reshape(-1, 3)
    choice = assign_roles(dominant_colors([image]))
    assert not choice.accent_from_references
    palette_readable(choice.palette)


def test_every_reference_counts_the_same_whatever_its_size() -> None:
    big_red = np.full((200 * 200, 3), (220, 20, 20), np.uint8)
    small_blue = np.full((10 * 10, 3), (20, 20, 220), np.uint8)
    shares = sorted(s.share for s in dominant_colors([big_red, small_blue]))
    assert shares == pytest.approx([0.5, 0.5], abs=0.02)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.tuples(*[st.integers(0, 255)] * 3), st.integers(1, 10)), min_size=1, max_size=5))
def test_any_colours_give_a_palette_that_reads(parts: list[tuple[tuple[int, int, int], int]]) -> None:
    pixels = np.concatenate([np.full((weight * 100, 3), rgb, np.uint8) for rgb, weight in parts])
    swatches = dominant_colors([pixels])
    assert sum(s.share for s in swatches) == pytest.approx(1.0, abs=0.01)  # every pixel counted once
    assert [s.share for s in swatches] == sorted((s.share for s in swatches), reverse=True)
    palette_readable(assign_roles(swatches).palette)


# -- kit new ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_kit_new_writes_a_kit_that_loads_and_renders(tmp_path: Path, refs: dict[str, Path]) -> None:
    kits, cutouts = tmp_path / "kits", tmp_path / "cutouts"
    logo = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    logo.paste((255, 255, 255, 255), (20, 20, 280, 80))
    folder = create_kit("my-brand", [refs["dark"], refs["light"]], kits_dir=kits, logo=save(logo, tmp_path / "logo.png"),
                        photo=PRESENTER_PHOTO, category="tech-saas", cutout_cache_dir=cutouts)
    assert folder == kits / "my-brand"
    assert sorted(p.name for p in folder.iterdir()) == ["kit.yaml", "logo-dark.png", "logo.png", "photo.jpg"]
    assert [p.name for p in kits.iterdir()] == ["my-brand"]  # no staging folder left behind
    spec = load_kit("my-brand", folder, FontBook()).spec
    assert spec.name == "My Brand" and spec.category == "tech-saas"
    palette_readable(spec.palette)
    thumbnail = Renderer(kit_dirs=(kits,)).render("x", brand="my-brand", output_format="png")
    assert (thumbnail.kit, thumbnail.width_px) == ("my-brand", 1280)
    cached = sorted(cutouts.rglob("*.png"))
    assert len(cached) == 1  # the subject check cut the photo out once, as a render does ...
    with_assets = Renderer(kit_dirs=(kits,), cache_dir=cutouts).render("x", brand="my-brand", use_photo=True, use_logo=True)
    assert sorted(cutouts.rglob("*.png")) == cached  # ... so the first render found it in the cache
    assert with_assets.layout.endswith("split")


def test_kit_new_accepts_bytes_and_writes_only_the_kit_file(tmp_path: Path, refs: dict[str, Path]) -> None:
    folder = create_kit("bytes_kit", [refs["dark"].read_bytes()], kits_dir=tmp_path)
    assert [p.name for p in folder.iterdir()] == ["kit.yaml"]
    # an editor finds the kit schema from the first line; the kit passes it
    text = (folder / "kit.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == MODELINE_PREFIX + str(shipped_schema_path("kit").resolve())
    assert list(Draft7Validator(json_schema("kit")).iter_errors(yaml.safe_load(text))) == []


def test_a_new_kit_in_the_user_folder_renders_without_configuration(tmp_path: Path, refs: dict[str, Path],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # `thumbkit kit new` writes to the user folder; Renderer(), generate() and the CLI must find it there
    monkeypatch.delenv("THUMBKIT_KITS_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    from renderer.kits.new import default_kits_dir

    create_kit("fresh-brand", [refs["dark"]], kits_dir=default_kits_dir())
    assert default_kits_dir() == tmp_path / "data" / "thumbkit" / "brand_kits"
    thumbnail = Renderer().render("Made with a new kit", brand="fresh-brand")
    assert thumbnail.kit == "fresh-brand"


def test_kit_new_refuses_to_overwrite_without_force(tmp_path: Path, refs: dict[str, Path]) -> None:
    first = create_kit("brand", [refs["dark"]], kits_dir=tmp_path)
    before = (first / "kit.yaml").read_text()
    with pytest.raises(InputError, match="kit 'brand' already exists .*use --force"):
        create_kit("brand", [refs["light"]], kits_dir=tmp_path)
    assert (first / "kit.yaml").read_text() == before
    create_kit("brand", [refs["light"]], kits_dir=tmp_path, force=True)
    assert (first / "kit.yaml").read_text() != before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no staging or old folder left


def test_a_failed_forced_replace_keeps_the_old_kit(tmp_path: Path, refs: dict[str, Path]) -> None:
    folder = create_kit("brand", [refs["dark"]], kits_dir=tmp_path)
    before = (folder / "kit.yaml").read_text()
    junk = tmp_path.parent / "junk.png"
    junk.write_text("not an image")
    with pytest.raises(InputError, match="junk.png is not an image; send a JPEG, PNG or WebP image"):
        create_kit("brand", [junk], kits_dir=tmp_path, force=True)
    assert (folder / "kit.yaml").read_text() == before


@pytest.mark.parametrize("count", [0, 7])
def test_kit_new_wants_one_to_six_references(tmp_path: Path, refs: dict[str, Path], count: int) -> None:
    with pytest.raises(InputError, match=f"give 1 to 6 reference images, got {count}"):
        create_kit("brand", [refs["dark"]] * count, kits_dir=tmp_path)
    assert not (tmp_path / "brand").exists()


def test_kit_new_rejects_files_that_are_not_images(tmp_path: Path) -> None:
    text = tmp_path / "notes.jpg"
    text.write_text("hello")
    with pytest.raises(InputError, match="notes.jpg is not an image; send a JPEG, PNG or WebP image"):
        create_kit("brand", [text], kits_dir=tmp_path / "kits")
    with pytest.raises(InputError, match="missing.png: no such file"):
        create_kit("brand", [tmp_path / "missing.png"], kits_dir=tmp_path / "kits")
    with pytest.raises(InputError, match="is not a file"):
        create_kit("brand", [tmp_path], kits_dir=tmp_path / "kits")
    gif = save(Image.new("RGB", (8, 8), "red"), tmp_path / "a.gif", "GIF")
    with pytest.raises(InputError, match="a.gif is a GIF image; only JPEG, PNG or WebP images are allowed"):
        create_kit("brand", [gif], kits_dir=tmp_path / "kits")


@pytest.mark.parametrize(("width_px", "height_px", "message"), [
    # the renderer's own decoder and limit, as for photoImage and logoImage (Pillow's bomb check never decides)
    # (a PNG is decoded whole, so its limit is a 4096 px square; a JPEG's is 50 MP)
    (4_097, 4_096, r"is 4097x4096 pixels \(16.8 megapixels\), too large; the limit is 16,777,216 pixels \(a 4096 px square\) for a PNG image, which is decoded whole; a JPEG may have 50 megapixels"),
    (8_000, 8_000, r"is 8000x8000 pixels \(64.0 megapixels\), too large; the limit is 16,777,216 pixels \(a 4096 px square\) for a PNG image, which is decoded whole; a JPEG may have 50 megapixels"),
    (20_000, 20_000, r"is 20000x20000 pixels \(400.0 megapixels\), too large; the limit is 16,777,216 pixels \(a 4096 px square\) for a PNG image, which is decoded whole; a JPEG may have 50 megapixels"),
])
def test_huge_images_are_refused_before_their_pixels_are_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width_px: int, height_px: int, message: str
) -> None:
    def no_decoding(self):  # noqa: ANN001
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    huge = tmp_path / "huge.png"
    huge.write_bytes(png_header_only(width_px, height_px))
    with pytest.raises(InputError, match=f"huge.png {message}"):
        create_kit("brand", [huge], kits_dir=tmp_path / "kits")


def test_big_files_are_refused_before_they_are_read(tmp_path: Path, refs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kit_references, "MAX_FILE_BYTES", 64)
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    with pytest.raises(InputError, match="dark.png is .* MiB; images may be at most"):
        create_kit("brand", [refs["dark"]], kits_dir=tmp_path / "kits")


def test_a_truncated_image_is_an_input_error(tmp_path: Path, refs: dict[str, Path]) -> None:
    cut = tmp_path / "cut.jpg"
    data = refs["light"].read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="cut.jpg is a truncated or corrupt JPEG image"):
        create_kit("brand", [cut], kits_dir=tmp_path / "kits")


@pytest.mark.parametrize("name", ["", "../x", "..", "a/b", "/etc", "Brand", "-x", "x" * 65, "brand\n", "my brand"])
def test_kit_new_rejects_bad_names(tmp_path: Path, refs: dict[str, Path], name: str) -> None:
    with pytest.raises(InputError, match="kit name must be 1-64 lowercase letters"):
        create_kit(name, [refs["dark"]], kits_dir=tmp_path / "kits")
    assert not (tmp_path / "kits").exists()


def test_kit_new_refuses_a_bundled_kit_name(tmp_path: Path, refs: dict[str, Path]) -> None:
    with pytest.raises(InputError, match="'techpulse' is a bundled kit"):
        create_kit("techpulse", [refs["dark"]], kits_dir=tmp_path)


def test_kit_new_rejects_an_unknown_category(tmp_path: Path, refs: dict[str, Path]) -> None:
    with pytest.raises(InputError, match="category must be one of: auto, tech-saas"):
        create_kit("brand", [refs["dark"]], kits_dir=tmp_path, category="cooking")


def test_a_transparent_reference_has_no_colours(tmp_path: Path) -> None:
    clear = save(Image.new("RGBA", (20, 20), (255, 0, 0, 0)), tmp_path / "clear.png")
    with pytest.raises(InputError, match="clear.png is fully transparent"):
        create_kit("brand", [clear], kits_dir=tmp_path / "kits")


# -- logo variants ----------------------------------------------------------------------------
def test_a_dark_logo_gets_a_light_one_colour_variant_with_its_holes() -> None:
    logo = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    logo.paste((20, 60, 200, 255), (0, 0, 20, 20))  # a blue badge
    logo.paste((255, 255, 255, 255), (5, 5, 15, 15))  # with a white symbol inside
    logo.paste((10, 10, 20, 255), (24, 4, 40, 16))  # and dark lettering
    palette = PRESETS["gaming"].palette
    variants = logo_variants(logo, palette)
    assert variants.made == "light" and variants.dark is not None
    light = np.asarray(variants.light)
    assert tuple(light[2, 2]) == parse_color(palette.text)[:3] + (255,)  # the badge, in the light colour
    assert light[10, 10, 3] == 0  # the white symbol is a hole
    assert light[10, 30, 3] == 255  # lettering kept


def test_one_color_keeps_the_shape() -> None:
    logo = Image.new("RGBA", (4, 1), (255, 200, 0, 255))
    logo.putpixel((0, 0), (0, 0, 0, 0))
    alpha = np.asarray(one_color(logo, "#123456", holes="dark"))[..., 3]
    assert alpha.tolist() == [[0, 255, 255, 255]]


# -- the kit store ----------------------------------------------------------------------------
@pytest.mark.parametrize("hostile", ["../..", "/etc", "a/b", "..", ".", "default\n", "", "A", "x" * 65, "~root", None, 5])
def test_hostile_kit_ids_are_refused_without_touching_files(renderer: Renderer, hostile: object, monkeypatch: pytest.MonkeyPatch) -> None:
    touched: list[object] = []
    monkeypatch.setattr(catalog, "load_kit", lambda *a, **k: touched.append(a))
    monkeypatch.setattr(pathlib.Path, "is_file", lambda self: touched.append(self) or False)
    store = KitStore(renderer.kits.roots, renderer.fonts)
    with pytest.raises(InputError, match="customAssetsId must be a kit id") as info:
        store.get(hostile)
    assert info.value.field == "customAssetsId"
    assert touched == []


def test_an_unknown_kit_names_the_known_ones(renderer: Renderer) -> None:
    with pytest.raises(InputError, match="unknown customAssetsId 'nope'; known kits: default, sunrise, techpulse"):
        KitStore(renderer.kits.roots, renderer.fonts).get("nope")


def test_a_broken_kit_reports_every_problem_with_its_position(tmp_path: Path, renderer: Renderer) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "kit.yaml").write_text(
        "name: Broken\n"
        "palette:\n"
        "  background: '#0b1220'\n"
        "  surface: navy\n"
        "  text: '#fff'\n"
        "  accent: '#ffcc0'\n"
        "  muted: '#9fb0d0'\n"
        "  on_accent: '#0b1220'\n"
        "fonts:\n"
        "  heading: {family: league-spartan, weight: black}\n"
        "  body: {family: inter, weight: bold}\n"
        "colour: red\n"
    )
    with pytest.raises(SpecError) as info:
        load_kit("broken", folder, renderer.fonts)
    problems = sorted(info.value.problems, key=lambda p: p.line)
    assert [(p.line, p.column, p.where) for p in problems] == [(4, 3, "palette.surface"), (6, 3, "palette.accent"), (12, 1, "colour")]
    assert "'navy' is not a colour" in problems[0].message
    assert "unknown key" in problems[2].message
    assert str(info.value).splitlines()[0] == f"{tmp_path.name}/broken/kit.yaml:4:3: palette.surface: {problems[0].message}"


def test_a_kit_category_must_be_a_thumbapi_category(tmp_path: Path, renderer: Renderer) -> None:
    folder = tmp_path / "k"
    folder.mkdir()
    text = (data_dir("brand_kits") / "default" / "kit.yaml").read_text() + "category: cooking\n"
    (folder / "kit.yaml").write_text(text)
    with pytest.raises(SpecError, match=r"kit.yaml:\d+:1: category: expected one of auto \| tech-saas"):
        load_kit("k", folder, renderer.fonts)


# -- the sample kits --------------------------------------------------------------------------
@pytest.mark.parametrize("kit_id", SAMPLE_KITS)
def test_sample_kits_are_complete(renderer: Renderer, kit_id: str) -> None:
    kit = renderer.kit(kit_id)
    spec = kit.spec
    palette_readable(spec.palette)
    assert spec.category in CATEGORIES and spec.category != "auto"
    assert spec.layouts and all(name in renderer.layouts for name in spec.layouts)
    assert spec.logo is not None and spec.logo.file_dark and spec.photo is not None
    for relative in (spec.logo.file, spec.logo.file_dark, spec.photo.file, "NOTICE"):
        assert kit.asset(relative).is_file(), relative
    for relative in (spec.logo.file, spec.logo.file_dark):
        with Image.open(kit.asset(relative)) as logo:
            assert logo.format == "PNG" and logo.mode == "RGBA"
            assert logo.getchannel("A").getextrema() == (0, 255)  # transparent around the mark
    with Image.open(kit.asset(spec.photo.file)) as photo:
        assert photo.format == "JPEG"
    assert "public domain" in kit.asset("NOTICE").read_text()


@pytest.mark.parametrize("kit_id", SAMPLE_KITS)
def test_sample_kits_render_every_layout(renderer: Renderer, kit_id: str) -> None:
    kit = renderer.kit(kit_id)
    for name, layout in renderer.layouts.items():
        result = render_with_kit(renderer, kit, "7 things I *wish* I knew", format_name=layout.spec.format, layout=name)
        assert result.layout == name
        palette = kit.spec.palette
        for text in result.plan.texts:  # the palette reads as it is: the composer did not adjust a colour
            assert text.contrast_ratio >= 4.5
            words = "".join(segment.text for line in text.lines for segment in line.segments)
            if any(char.isalnum() for char in words):  # a quote mark may be darkened to read, words may not
                assert text.color in (palette.text, palette.on_accent, palette.muted), (name, words, text.color)
            assert text.emphasis_color in (palette.accent, palette.on_accent), (name, text.emphasis_color)


# -- categories -------------------------------------------------------------------------------
def test_there_is_a_preset_for_every_category() -> None:
    assert tuple(PRESETS) == CATEGORIES[1:]
    assert DEFAULT_KIT_ID == DEFAULT_KIT


@pytest.mark.parametrize("category", CATEGORIES[1:])
def test_category_presets_make_valid_readable_kits(renderer: Renderer, category: str) -> None:
    default = renderer.kit("default").spec
    spec = apply_category(default, category, is_default_kit=True)
    assert KitSpec.model_validate(spec.model_dump()) == spec
    assert spec.palette == PRESETS[category].palette and spec.category == category
    palette_readable(spec.palette)
    if spec.style.emphasis == "color":
        assert contrast(spec.palette.accent, spec.palette.background) >= 4.5
    assert renderer.fonts.describe(spec.fonts.heading.family, spec.fonts.heading.weight) is None
    assert spec.layouts[:5] == [f"{fmt}-{PRESETS[category].designs[0]}" for fmt in ("youtube", "instagram", "x", "blogpost", "linkedin")]
    assert all(name in renderer.layouts for name in spec.layouts)
    kit = apply_category_to_kit(renderer.kit("default"), category)
    result = render_with_kit(renderer, kit, "5 *secrets* nobody tells you", format_name="youtube")
    assert result.image.size == (1280, 720)
    assert all(text.contrast_ratio >= 4.5 for text in result.plan.texts)
    assert default.palette != spec.palette  # the input is unchanged (frozen models)


def test_a_brand_kit_keeps_its_colours_and_fonts(renderer: Renderer) -> None:
    brand = renderer.kit("techpulse").spec
    spec = apply_category(brand, "business-finance")
    assert (spec.palette, spec.fonts, spec.style.transform) == (brand.palette, brand.fonts, brand.style.transform)
    assert spec.style.emphasis == "color" and spec.category == "business-finance"
    assert spec.layouts[0] == "youtube-listicle" and set(brand.layouts) <= set(spec.layouts)


def test_a_light_brand_gets_highlights_when_its_accent_cannot_be_text(renderer: Renderer) -> None:
    sunrise = renderer.kit("sunrise").spec
    assert contrast(sunrise.palette.accent, sunrise.palette.background) < 4.5
    assert apply_category(sunrise, "business-finance").style.emphasis == "highlight"


def test_auto_uses_the_kits_own_category(renderer: Renderer) -> None:
    brand = renderer.kit("techpulse")
    biased = apply_category_to_kit(brand, "auto")
    assert biased.spec.layouts[: len(brand.spec.layouts)] == brand.spec.layouts  # the kit's own order leads
    assert biased.spec.style.emphasis == PRESETS["tech-saas"].emphasis
    default = renderer.kit("default")
    assert apply_category_to_kit(default, "auto") is default


def test_an_unknown_category_is_an_input_error(renderer: Renderer) -> None:
    with pytest.raises(InputError, match="category must be one of: auto, tech-saas"):
        apply_category(renderer.kit("default").spec, "cooking")


# -- preview sheet and commands ---------------------------------------------------------------
def test_preview_sheet_shows_every_format(renderer: Renderer) -> None:
    sheet = preview_sheet(renderer, renderer.kit("sunrise"))
    assert sheet.mode == "RGB" and sheet.width == SHEET_WIDTH_PX and sheet.height > 900


def test_preview_shows_the_presenter_when_the_kit_has_a_photo(renderer: Renderer) -> None:
    tiles = preview_tiles(renderer, renderer.kit("techpulse"), None)
    assert [tile.fmt for tile in tiles][-1] == "youtube with the photo" and tiles[-1].layout == "youtube-split"
    assert "youtube with the photo" not in [tile.fmt for tile in preview_tiles(renderer, renderer.kit("default"), None)]


@pytest.mark.slow
def test_kit_commands(tmp_path: Path, refs: dict[str, Path]) -> None:
    runner = CliRunner()
    kits = str(tmp_path / "kits")
    made = runner.invoke(main, ["kit", "new", "cli-kit", "--dir", kits, "--from", str(refs["dark"]), str(refs["light"])])
    assert made.exit_code == 0, made.output
    assert "cli-kit/kit.yaml" in made.stdout and "background" in made.stdout

    again = runner.invoke(main, ["kit", "new", "cli-kit", "--dir", kits, "--from", str(refs["dark"])])
    assert again.exit_code == 2
    assert again.stderr.strip().splitlines() == [f"thumbkit: kit 'cli-kit' already exists in {kits}; use --force to replace it"]

    none = runner.invoke(main, ["kit", "new", "other", "--dir", kits])
    assert none.exit_code == 2 and "give 1 to 6 reference images, got 0" in none.stderr

    listed = runner.invoke(main, ["kit", "list", "--dir", kits])
    assert listed.exit_code == 0
    ids = [line.split()[0] for line in listed.stdout.splitlines()]
    assert ids == ["cli-kit", "default", "sunrise", "techpulse"]

    sheet = tmp_path / "sheet.png"
    shown = runner.invoke(main, ["kit", "show", "cli-kit", "--dir", kits, "-o", str(sheet)])
    assert shown.exit_code == 0, shown.output
    with Image.open(sheet) as image:
        assert image.format == "PNG" and image.width == SHEET_WIDTH_PX

    unknown = runner.invoke(main, ["kit", "show", "../x", "--dir", kits])
    assert unknown.exit_code == 2 and "customAssetsId must be a kit id" in unknown.stderr


def test_kit_list_shows_a_broken_kit_and_still_lists_the_others(tmp_path: Path) -> None:
    kits = tmp_path / "kits"
    for kit_id in ("good", "loop", "laughs"):
        shutil.copytree(data_dir("brand_kits") / "default", kits / kit_id)
    loop = kits / "loop" / "kit.yaml"
    loop.write_text(loop.read_text().replace("name: Default", "name: &a [*a]"))
    laughs = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    laughs += [f"{key}: &{key} [{', '.join(['*' + prev] * 9)}]" for prev, key in zip("abcdefgh", "bcdefghi")]
    (kits / "laughs" / "kit.yaml").write_text("\n".join([*laughs, "name: *i"]) + "\n")
    with deadline(20):
        listed = CliRunner().invoke(main, ["kit", "list", "--dir", str(kits)])
    assert listed.exit_code == 0, listed.output
    lines = {line.split()[0]: line for line in listed.stdout.splitlines()}
    assert sorted(lines) == ["default", "good", "laughs", "loop", "sunrise", "techpulse"]
    assert "(invalid: kits/loop/kit.yaml:3:7: name: YAML anchors (&name) are not allowed" in lines["loop"]
    assert "and 1 more problem" in lines["loop"]
    assert "(invalid: kits/laughs/kit.yaml:1:4: a: YAML anchors" in lines["laughs"]
    assert "Default" in lines["good"] and "invalid" not in lines["good"]


# -- display names ----------------------------------------------------------------------------
@pytest.mark.parametrize(("display_name", "got"), [
    ("", "got an empty name"),
    ("x" * 500, "got 500 characters"),
    ("x" * 65, "got 65 characters"),
    ("Two\nlines", r"got '\\n' at character 4"),
    ("bell\x07", r"got '\\x07' at character 5"),
    ("   ", "got only blank characters"),
    ("\u200b", "got only blank characters"),
])
def test_kit_new_refuses_an_unusable_display_name(tmp_path: Path, refs: dict[str, Path], display_name: str, got: str) -> None:
    with pytest.raises(InputError, match=r"display name \(--name\) must be 1-64 printable characters .*; " + got) as info:
        create_kit("brand", [refs["dark"]], kits_dir=tmp_path / "kits", display_name=display_name)
    assert info.value.field == "display_name"
    assert not (tmp_path / "kits").exists()


@pytest.mark.parametrize("display_name", ["x" * 64, "Ünïcode & Co. 🚀👩‍💻", "عربي", "A"])
def test_kit_new_keeps_a_usable_display_name(tmp_path: Path, refs: dict[str, Path], display_name: str) -> None:
    folder = create_kit("brand", [refs["dark"]], kits_dir=tmp_path, display_name=display_name)
    assert load_kit("brand", folder, FontBook()).spec.name == display_name


def test_kit_new_cli_refuses_an_empty_name(tmp_path: Path, refs: dict[str, Path]) -> None:
    made = CliRunner().invoke(main, ["kit", "new", "brand", "--dir", str(tmp_path), "--from", str(refs["dark"]), "--name", ""])
    assert made.exit_code == 2
    assert made.stderr.startswith("thumbkit: the display name (--name) must be 1-64 printable characters")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dark.png", "light.jpg"]  # the references only


def test_a_kit_file_name_must_be_usable(tmp_path: Path, renderer: Renderer) -> None:
    folder = tmp_path / "k"
    shutil.copytree(data_dir("brand_kits") / "default", folder)
    kit_file = folder / "kit.yaml"
    kit_file.write_text(kit_file.read_text().replace("name: Default", 'name: ""'))
    with pytest.raises(SpecError, match=r"k/kit.yaml:3:1: name: expected 1-64 printable characters \(no line breaks or control characters\), got an empty name"):
        load_kit("k", folder, renderer.fonts)


# -- the logo and photo of `kit new`: the renderer's rules, checked before anything is written ------
def assert_nothing_written(kits: Path) -> None:
    assert not kits.exists() or list(kits.iterdir()) == [], list(kits.iterdir())


@pytest.mark.parametrize(("role", "image", "message"), [
    ("logo", Image.new("RGBA", (1, 1), (255, 0, 0, 255)), "logo .*one.png is 1x1 pixels, too small; images must be at least 16 pixels on each side"),
    ("photo", Image.new("RGB", (15, 400), "navy"), "photo .*one.png is 15x400 pixels, too small; images must be at least 16 pixels on each side"),
    ("logo", Image.new("RGBA", (200, 100), (255, 255, 255, 0)), "logo .*one.png has no visible pixels"),
    ("logo", Image.new("RGBA", (200, 100), (255, 255, 255, 100)), "logo .*one.png has no visible pixels"),
    ("logo", Image.new("RGBA", (16_000, 20), "red"), "logo .*one.png is 16000x20 pixels, too elongated: kept at most 1600 pixels a side it would be 1600x2"),
    ("photo", Image.new("RGB", (30_000, 20), "red"), "photo .*one.png is 30000x20 pixels, too elongated: kept at most 2560 pixels a side"),
])
def test_kit_new_refuses_a_logo_or_photo_that_rendering_would_refuse(
    tmp_path: Path, refs: dict[str, Path], role: str, image: Image.Image, message: str
) -> None:
    kits = tmp_path / "kits"
    with pytest.raises(InputError, match=message) as info:
        create_kit("brand", [refs["dark"]], kits_dir=kits, **{role: save(image, tmp_path / "one.png")})
    assert info.value.field == role
    assert_nothing_written(kits)


@pytest.mark.parametrize("role", ["logo", "photo"])
def test_kit_new_has_the_renderers_pixel_limit_for_logo_and_photo(
    tmp_path: Path, refs: dict[str, Path], monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded") if self.size == (8_000, 7_000) else load(self))
    huge = tmp_path / "huge.png"
    huge.write_bytes(png_header_only(8_000, 7_000))
    with pytest.raises(InputError, match=f"{role} .*huge.png is 8000x7000 pixels \\(56.0 megapixels\\), too large; the limit is 16,777,216 pixels"):
        create_kit("brand", [refs["dark"]], kits_dir=tmp_path / "kits", **{role: huge})
    assert_nothing_written(tmp_path / "kits")


def test_kit_new_refuses_a_photo_without_a_subject(tmp_path: Path, refs: dict[str, Path]) -> None:
    grey = save(Image.new("RGB", (320, 240), (128, 128, 128)), tmp_path / "grey.png")
    with pytest.raises(InputError, match="photo .*grey.png: no person or subject found to cut out; use a photo where") as info:
        create_kit("brand", [refs["dark"]], kits_dir=tmp_path / "kits", photo=grey, cutout_cache_dir=tmp_path / "cutouts")
    assert info.value.field == "photo"
    assert_nothing_written(tmp_path / "kits")


def test_kit_new_cli_refuses_a_tiny_logo_and_leaves_no_kit(tmp_path: Path, refs: dict[str, Path]) -> None:
    kits = tmp_path / "kits"
    one = save(Image.new("RGBA", (1, 1), (255, 0, 0, 255)), tmp_path / "one.png")
    made = CliRunner().invoke(main, ["kit", "new", "brand", "--dir", str(kits), "--from", str(refs["dark"]), "--logo", str(one)])
    assert made.exit_code == 2
    assert made.stderr.strip() == f"thumbkit: logo {one} is 1x1 pixels, too small; images must be at least 16 pixels on each side"
    assert_nothing_written(kits)
