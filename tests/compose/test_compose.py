"""Composition: contrast is enforced against what is painted, text makes room for slots."""

from __future__ import annotations

import shutil

import pytest

from renderer import Renderer
from renderer.colors import contrast_ratio, parse_color, relative_luminance
from renderer.paths import data_dir
from renderer.rect import Rect, avoid


def kit_with(tmp_path, **replacements: str):
    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "default", kits / "custom")
    kit_file = kits / "custom" / "kit.yaml"
    text = kit_file.read_text()
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    kit_file.write_text(text)
    return Renderer(kit_dirs=(kits,))


def test_a_low_contrast_text_colour_is_adjusted_to_4_5(tmp_path):
    renderer = kit_with(tmp_path, **{'text: "#ffffff"': 'text: "#1a2438"'})
    thumbnail = renderer.render("Dark on dark would be unreadable", brand="custom", layout="youtube-bold")
    text = thumbnail.plan.texts[0]
    assert text.contrast_ratio >= 4.5
    assert text.color != "#1a2438"


def test_an_unreadable_accent_is_nudged(tmp_path):
    renderer = kit_with(tmp_path, **{'accent: "#ffcc00"': 'accent: "#1d2b50"'})
    thumbnail = renderer.render("The *hidden* cost of things", brand="custom", layout="youtube-bold")
    text = thumbnail.plan.texts[0]
    background = relative_luminance(parse_color("#0b1220"))
    assert contrast_ratio(relative_luminance(parse_color(text.emphasis_color)), background) >= 4.5


def test_highlight_emphasis_keeps_text_readable_on_the_box(tmp_path):
    renderer = kit_with(tmp_path, **{"emphasis: color": "emphasis: highlight", 'on_accent: "#0b1220"': 'on_accent: "#ffdd33"'})
    thumbnail = renderer.render("The *hidden* cost of things", brand="custom", layout="youtube-bold")
    text = thumbnail.plan.texts[0]
    assert text.emphasis_style == "highlight"
    ratio = contrast_ratio(relative_luminance(parse_color(text.emphasis_color)), relative_luminance(parse_color("#ffcc00")))
    assert ratio >= 4.5


@pytest.mark.parametrize(
    ("obstacle", "expected"),
    [
        (Rect(900, 0, 300, 200), Rect(100, 200, 1000, 400)),  # logo top-right: the box keeps its width, starts lower
        (Rect(700, 0, 500, 720), Rect(100, 100, 600, 500)),  # photo on the right: the box ends before it
        (Rect(2000, 0, 10, 10), Rect(100, 100, 1000, 500)),  # not in the way: unchanged
    ],
)
def test_text_boxes_make_room_for_the_photo_and_logo(obstacle, expected):
    assert avoid(Rect(100, 100, 1000, 500), [obstacle]) == expected


def test_an_accent_bar_tracks_the_ink_of_the_text_beside_it(renderer):
    import io

    from PIL import Image

    for title in ("Short one here", "A much longer title that wraps onto several lines of heavy text"):
        thumbnail = renderer.render(title, layout="youtube-bold", output_format="png")
        ink = thumbnail.plan.texts[0].ink
        image = Image.open(io.BytesIO(thumbnail.data)).convert("RGB")
        bar_x = round(ink.x - 36 - 8)  # track.gap_px 36, the bar is 16 px wide
        accent = (255, 204, 0)
        inside = image.getpixel((bar_x, round(ink.y + ink.height / 2)))
        above = image.getpixel((bar_x, max(0, round(ink.y - 30))))
        assert max(abs(a - b) for a, b in zip(inside, accent)) < 30, inside
        assert max(abs(a - b) for a, b in zip(above, accent)) > 100, above


@pytest.mark.parametrize("options", [
    dict(layout="youtube-bold"),
    dict(layout="youtube-split", brand="techpulse", use_photo=True, use_logo=True),
], ids=["faceless", "photo"])
@pytest.mark.slow
def test_cached_backgrounds_are_never_drawn_on(renderer, options):
    # Renders start from shared cached pictures (the background, the background with the
    # presenter) and copy them on first write: another title in between must not leak into them.
    first = renderer.render("The first title", output_format="png", **options)
    renderer.render("A completely different and much longer second title", output_format="png", **options)
    again = renderer.render("The first title", output_format="png", **options)
    assert again.data == first.data


def _flat_logo_png(rgba: tuple[int, int, int, int]) -> bytes:
    import io

    from PIL import Image, ImageDraw

    logo = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    ImageDraw.Draw(logo).rounded_rectangle((8, 8, 292, 112), 24, fill=rgba)
    buffer = io.BytesIO()
    logo.save(buffer, "PNG")
    return buffer.getvalue()


def test_a_logo_lost_against_the_background_gets_a_plate(renderer):
    import io

    from PIL import Image

    dark = renderer.render("Dark logo on a dark kit", brand="techpulse", logo=_flat_logo_png((20, 24, 40, 255)), output_format="png")
    [image] = dark.plan.images
    assert " plate (contrast 1." in image.detail  # e.g. "logo on a #f2f7ff plate (contrast 1.3:1 -> 16.4:1)"
    picture = Image.open(io.BytesIO(dark.data)).convert("L")
    box = image.box
    just_outside_the_logo = picture.getpixel((round(box.x) - 4, round(box.y + box.height / 2)))
    assert just_outside_the_logo > 200  # the light plate, not the navy background
    light = renderer.render("Light logo on a dark kit", brand="techpulse", logo=_flat_logo_png((240, 240, 250, 255)))
    assert [i.detail.split(";")[0] for i in light.plan.images] == ["logo"]  # no plate (and out of the badge's corner)


def _logo_png(size: tuple[int, int]) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", size, (240, 240, 250, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_small_logo_is_not_blown_up_and_a_sliver_is_warned(renderer):
    small = renderer.render("A tiny logo", brand="techpulse", logo=_logo_png((24, 24)))
    [image] = small.plan.images
    assert (image.box.width, image.box.height) == (48, 48)  # at most twice its size, not 90x90
    sliver = renderer.render("A banner logo", brand="techpulse", logo=_logo_png((4000, 50)))
    assert any("too thin to read" in warning for warning in sliver.warnings), sliver.warnings


def test_the_plan_says_why_the_logo_left_the_kits_corner(renderer):
    thumbnail = renderer.render("Presenter and logo", brand="techpulse", layout="youtube-split", use_photo=True, use_logo=True)
    [logo] = [image for image in thumbnail.plan.images if image.kind == "logo"]
    kit_corner = renderer.kit("techpulse").spec.logo.corner
    photo = next(image for image in thumbnail.plan.images if image.kind == "photo")
    assert not logo.box.intersects(photo.box)  # techpulse's corner (bottom-right) is the photo's
    assert f"not {kit_corner}: the photo, a panel or a keep-out area is there" in logo.detail, logo.detail


def test_the_photo_outline_surrounds_the_subject_with_the_colour():
    from PIL import Image, ImageDraw

    from renderer.compose.masks import outline_of

    subject = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    ImageDraw.Draw(subject).ellipse((30, 30, 70, 70), fill=(255, 0, 0, 255))
    outline = outline_of(subject, 5, (0, 255, 0, 255))
    assert outline.size == subject.size
    assert outline.getpixel((50, 27)) == (0, 255, 0, 255)  # 3 px above the subject's top edge: stroke
    assert outline.getpixel((50, 20))[3] == 0  # 10 px above: beyond the stroke
    assert subject.getpixel((50, 27))[3] == 0  # the subject is not modified
