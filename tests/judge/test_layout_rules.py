"""The rules every bundled layout follows so that the judge finds nothing to say about where
things are: YouTube layouts keep out of the duration badge, Instagram layouts keep their text and
logo in the profile grid's 3:4 centre. Plus the ``keepout`` spec feature they use."""

from __future__ import annotations

from pathlib import Path

import pytest

from renderer import Renderer
from renderer.judge.zones import BADGE, GRID_CROP
from renderer.spec.layout import LogoLayer, StackLayer, TextLayer
from tests.spec.test_specs import GOOD, problems_of, write_layouts


def test_every_youtube_layout_keeps_out_of_the_duration_badge(renderer):
    badge = (1280 * BADGE[0], 720 * BADGE[1])
    for name in renderer.layout_names("youtube"):
        spec = renderer.layouts[name].spec
        covered = [box for box in spec.keepout if box.x <= badge[0] and box.y <= badge[1]
                   and box.rect().right >= 1280 and box.rect().bottom >= 720]
        assert covered, f"{name}: add keepout [{{x: 1100, y: 640, width: 180, height: 80}}] (YouTube's duration badge)"


def test_every_instagram_layout_keeps_text_and_logo_in_the_grid_crop(renderer):
    left, right = 1080 * GRID_CROP[0], 1080 * GRID_CROP[1]
    for name in renderer.layout_names("instagram"):
        for layer in renderer.layouts[name].spec.layers:
            if isinstance(layer, (TextLayer, StackLayer, LogoLayer)):
                assert left <= layer.box.x and layer.box.rect().right <= right, \
                    f"{name}: {layer.kind} box x {layer.box.x}..{layer.box.rect().right} leaves the 3:4 crop x {left:.0f}..{right:.0f}"


@pytest.mark.parametrize("brand", ["default", "techpulse", "sunrise"])
def test_no_bundled_layout_puts_anything_in_a_safe_zone(renderer, brand):
    titles = ["Why your Python code is slow and how to fix it today", "7 things nobody tells you about remote work",
              "Launch day", "العربية and English in one title"]
    for name in renderer.layout_names("youtube") + renderer.layout_names("instagram"):
        spec = renderer.layouts[name].spec
        for title in titles:
            thumbnail = renderer.render(title, format=spec.format, layout=name, brand=brand, use_logo=brand != "default",
                                        use_photo="split" in name and brand != "default")
            codes = thumbnail.quality.codes
            assert not {"safe_zone_badge", "safe_zone_grid_crop", "safe_zone_grid_crop_logo"} & set(codes), \
                (name, brand, title, [f.message for f in thumbnail.quality.findings])


def test_text_and_logo_give_way_to_a_keepout(tmp_path: Path):
    layout = GOOD.format(name="kept") + "  - kind: logo\n    box: {x: 0, y: 0, width: 1280, height: 720}\n"
    layout = layout.replace("layers:\n", "keepout:\n  - {x: 0, y: 560, width: 1280, height: 160}\nlayers:\n")
    kept = Renderer(layouts_dir=write_layouts(tmp_path, {"kept.yaml": layout}))
    thumbnail = kept.render("A title long enough to fill several lines of its box", layout="kept", brand="sunrise", use_logo=True)
    [text] = thumbnail.plan.texts
    assert text.fit_box.bottom <= 560 and text.ink.bottom <= 560
    [logo] = [image for image in thumbnail.plan.images if image.kind == "logo"]
    assert logo.box.bottom <= 560 and "keep-out" in logo.detail  # the kit's bottom-left corner is kept out


def test_a_keepout_outside_the_canvas_is_a_spec_error(tmp_path: Path):
    layout = GOOD.format(name="far").replace("layers:\n", "keepout:\n  - {x: 1200, y: 640, width: 180, height: 80}\nlayers:\n")
    problems = problems_of(write_layouts(tmp_path, {"far.yaml": layout}))
    assert problems == ["layouts/far.yaml:5:5: keepout[0]: keep-out box 1200,640 180x80 leaves the 1280x720 canvas"]


def test_the_plan_places_the_photos_face_on_the_canvas(renderer):
    thumbnail = renderer.render("Morning routine of a night-shift nurse", layout="youtube-split", brand="sunrise", use_photo=True)
    [photo] = [image for image in thumbnail.plan.images if image.kind == "photo"]
    face = photo.face
    assert face is not None and photo.detail.startswith("face at ")
    x, y = (float(v) for v in photo.detail.split()[2].split(","))  # the detail gives it in the slot's pixels
    assert (face.x, face.y) == (pytest.approx(photo.box.x + x, abs=1), pytest.approx(photo.box.y + y, abs=1))
    assert photo.box.x <= face.x and face.right <= photo.box.right
    assert "text_over_face" not in thumbnail.quality.codes


def test_a_background_pictures_face_is_in_the_plan_and_the_title_avoids_it(renderer):
    from PIL import Image

    from renderer.compose.scene import Scene
    from renderer.judge import judge
    from renderer.paths import data_dir

    with Image.open(data_dir("brand_kits") / "sunrise" / "photo.jpg") as source:
        portrait = source.convert("RGB").resize((720, 720))
    picture = Image.new("RGB", (1280, 720), (40, 40, 40))
    picture.paste(portrait, (540, 0))  # a whole face right of the middle, where a left-aligned title would run
    kit = renderer.kit("default")
    layout = renderer.layouts["youtube-bold"]
    scene = Scene(layout=renderer.filled_layout(layout, "A title over a portrait", kit), layout_folder=layout.folder,
                  kit=kit.spec, kit_id=kit.id, background_image=picture)
    image, plan = renderer.compose_scene(scene)
    [background] = [entry for entry in plan.images if entry.kind == "background"]
    assert background.face is not None and background.box.width == 1280
    assert 540 <= background.face.x and background.face.right <= 1260
    assert "text_over_face" not in judge(image, plan, format="youtube", fonts=renderer.fonts).codes
    [text] = plan.texts
    assert not text.ink.intersects(background.face)  # the title made way (below it, here)
