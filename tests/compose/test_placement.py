"""Placement over a picture (detail map, faces, crop and text position) and the treatment that
makes the text read (blur and scrim only as far as contrast needs), on synthetic pictures whose
answer is known and on scikit-image's sample photos (shipped with it: no download)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from renderer.colors import contrast_ratio, luminance_array, relative_luminance
from renderer.spec.layout import LayoutSpec
from renderer.compose.placement import analyse, choose, cover, cover_crops, detail_map, text_at
from renderer.rect import Rect
from renderer.compose.treatment import MIN_CONTRAST, calm_under_text

WHITE, BLACK, NAVY = (255, 255, 255, 255), (0, 0, 0, 255), (11, 18, 32, 255)
LEFT, RIGHT = ("left", Rect(64, 64, 540, 592)), ("right", Rect(676, 64, 540, 592))


def flat(width: int, height: int, value: int = 90) -> np.ndarray:
    return np.full((height, width, 3), value, np.uint8)


def busy(array: np.ndarray, x0: int, x1: int, y0: int = 0, y1: int | None = None, seed: int = 1) -> np.ndarray:
    """``array`` with random texture (bright and dark specks) between x0..x1, y0..y1."""
    rng = np.random.default_rng(seed)
    region = array[y0:y1, x0:x1]
    array[y0:y1, x0:x1] = rng.integers(0, 256, region.shape, dtype=np.uint8)
    return array


def skimage_photo(name: str) -> Image.Image:
    from skimage import data

    return Image.fromarray(getattr(data, name)()).convert("RGB")


def test_the_detail_map_is_high_where_the_picture_is_busy_and_low_where_it_is_flat():
    picture = Image.fromarray(busy(flat(640, 360), 320, 640))
    detail = detail_map(picture)
    half = detail.shape[1] // 2
    assert detail[:, : half - 8].mean() < 0.05
    assert detail[:, half + 8 :].mean() > 0.4


def test_the_text_goes_to_the_calm_side():
    for x0, x1, expected in ((640, 1280, "left"), (0, 640, "right")):
        picture = Image.fromarray(busy(flat(1280, 720), x0, x1))
        placement = choose(analyse(picture), 1280, 720, [LEFT, RIGHT])
        assert placement.at == expected
        assert dict(placement.scores)[expected] < dict(placement.scores)["right" if expected == "left" else "left"]


def test_the_crop_keeps_the_subject_in_frame():
    """A wide picture with its subject at the far right: the 16:9 crop slides right to keep it."""
    picture = Image.fromarray(busy(flat(2400, 600), 1900, 2300, 150, 450))
    placement = choose(analyse(picture), 1280, 720, [LEFT, RIGHT])
    assert placement.crop.right >= 2300 and placement.crop.x <= 1900
    assert placement.kept > 0.95
    assert placement.at == "left"  # the subject ends up on the right of the canvas


def test_cover_crops_have_the_canvas_shape_and_stay_inside_the_picture():
    crops = cover_crops(2400, 600, 1280, 720)
    assert len(crops) > 1
    for crop in crops:
        assert crop.width / crop.height == pytest.approx(1280 / 720)
        assert crop.x >= 0 and crop.right <= 2400 + 1e-6 and crop.y >= 0 and crop.bottom <= 600 + 1e-6
    assert len(cover_crops(1280, 720, 1280, 720)) == 1  # same shape: nothing to slide


def test_a_face_is_never_under_the_chosen_position():
    """The astronaut's face is left of centre and the right side is calmer nowhere: still the text
    goes where the face is not."""
    picture = skimage_photo("astronaut")
    analysis = analyse(picture)
    assert len(analysis.faces) == 1
    regions = [LEFT, RIGHT, ("bottom", Rect(64, 470, 1000, 200)), ("top", Rect(64, 48, 1150, 200))]
    placement = choose(analysis, 1280, 720, regions)
    box = dict(regions)[placement.at]
    assert placement.faces and not any(face.intersects(box) for face in placement.faces)
    head = analysis.faces[0]  # hair to chin, in the picture's pixels
    assert placement.crop.y <= head.y + 0.1 * head.height, "the crop cut the head off (it is at the top of the picture)"


def test_obstacles_push_the_text_to_the_other_side():
    picture = Image.fromarray(flat(1280, 720))
    photo_slot = Rect(600, 0, 680, 720)
    assert choose(analyse(picture), 1280, 720, [RIGHT, LEFT], obstacles=(photo_slot,)).at == "left"


def test_the_analysis_is_remembered_by_key():
    picture = Image.fromarray(busy(flat(320, 180), 0, 160))
    assert analyse(picture, key="test-key") is analyse(picture, key="test-key")
    assert analyse(picture) is not analyse(picture)


def test_cover_returns_the_crop_at_the_canvas_size():
    picture = Image.fromarray(busy(flat(2400, 600), 1900, 2300))
    covered = cover(picture, Rect(1200, 0, 1066.67, 600), 1280, 720)
    assert covered.size == (1280, 720) and covered.mode == "RGB"


def scene_spec() -> LayoutSpec:
    return LayoutSpec.model_validate({
        "name": "t", "format": "youtube", "size": {"width": 1280, "height": 720},
        "layers": [
            {"kind": "background", "fill": "#000000", "picture": {"positions": [
                {"at": "left", "box": {"x": 100, "y": 100, "width": 500, "height": 500}},
                {"at": "bottom", "box": {"x": 100, "y": 500, "width": 1000, "height": 200}, "align": "center", "valign": "bottom"},
            ]}},
            {"kind": "shape", "box": {"x": 100, "y": 150, "width": 12, "height": 400}, "fill": "#ff0000",
             "track": {"edge": "left", "gap_px": 20}},
            {"kind": "text", "box": {"x": 150, "y": 100, "width": 450, "height": 500}, "size_px": {"min": 20, "max": 80}},
            {"kind": "text", "text": "fixed", "box": {"x": 700, "y": 20, "width": 200, "height": 50}, "size_px": {"min": 20, "max": 40}},
        ],
    })


def test_text_at_moves_and_stretches_the_text_into_the_position_chosen():
    spec = scene_spec()
    assert text_at(spec, 0) is spec  # the first position is where the file draws the text
    moved = text_at(spec, 1)
    shape, title, fixed = moved.layers[1], moved.layers[2], moved.layers[3]
    # x: 100 + (150 - 100) * 2 = 200, width 450 * 2; y: 500 + 0 * 0.4, height 500 * 0.4
    assert (title.box.x, title.box.y, title.box.width, title.box.height) == (200, 500, 900, 200)
    assert (title.align, title.valign) == ("center", "bottom")
    assert (shape.box.width, shape.box.height) == (12, 400)  # a tracking shape keeps its size
    assert fixed.box == spec.layers[3].box  # outside the first position's box: not moved


def canvas_of(array: np.ndarray) -> Image.Image:
    return Image.fromarray(array).convert("RGB")


def measured(canvas: Image.Image, rect: Rect, text) -> float:
    pixels = np.asarray(canvas.crop((int(rect.x), int(rect.y), int(rect.right), int(rect.bottom))), np.float32) / 255
    worst = float(np.percentile(luminance_array(pixels.reshape(-1, 3)), 99))
    return contrast_ratio(relative_luminance(text), worst)


def test_a_busy_bright_picture_gets_a_scrim_just_strong_enough():
    canvas = canvas_of(busy(flat(1280, 720, 200), 0, 1280))
    ink = Rect(100, 200, 480, 260)
    treatment = calm_under_text(canvas, ink, at="left", size_px=80, text_color=WHITE, scrim_color=NAVY,
                                blur_max_px=6, scrim_max=0.9, swap=False)
    assert 0 < treatment.scrim_opacity <= 0.9
    assert treatment.contrast_before < MIN_CONTRAST <= treatment.contrast_after
    assert measured(canvas, ink, WHITE) >= MIN_CONTRAST
    # the far side of the picture is left as it was
    right = np.asarray(canvas, np.float32)[:, 1100:].mean()
    assert right > 120


def test_a_dark_calm_picture_is_left_alone():
    canvas = canvas_of(flat(1280, 720, 20))
    before = np.asarray(canvas).copy()
    treatment = calm_under_text(canvas, Rect(100, 200, 480, 260), at="left", size_px=80, text_color=WHITE,
                                scrim_color=NAVY, blur_max_px=6, scrim_max=0.9, swap=True)
    assert (treatment.scrim_opacity, treatment.blur_px, treatment.swapped) == (0.0, 0.0, False)
    assert np.array_equal(np.asarray(canvas), before)


def test_on_a_light_picture_the_colours_trade_places_when_that_needs_less_scrim():
    canvas = canvas_of(flat(1280, 720, 235))
    treatment = calm_under_text(canvas, Rect(100, 450, 900, 200), at="bottom", size_px=80, text_color=WHITE,
                                scrim_color=NAVY, blur_max_px=0, scrim_max=0.9, swap=True)
    assert treatment.swapped and treatment.text_color == NAVY and treatment.scrim_opacity == 0.0
    kept = calm_under_text(canvas_of(flat(1280, 720, 235)), Rect(100, 450, 900, 200), at="bottom", size_px=80,
                           text_color=WHITE, scrim_color=NAVY, blur_max_px=0, scrim_max=0.9, swap=False)
    assert not kept.swapped and kept.scrim_opacity > 0.5 and kept.contrast_after >= MIN_CONTRAST


def test_blur_is_used_where_scattered_lights_would_otherwise_need_more_scrim():
    rng = np.random.default_rng(3)
    array = flat(1280, 720, 15)
    ys, xs = rng.integers(0, 720, 3000), rng.integers(0, 1280, 3000)
    for y, x in zip(ys, xs):  # small bright stars on a dark sky
        array[max(0, y - 1) : y + 2, max(0, x - 1) : x + 2] = 255
    canvas = canvas_of(array)
    treatment = calm_under_text(canvas, Rect(100, 200, 480, 260), at="left", size_px=80, text_color=WHITE,
                                scrim_color=NAVY, blur_max_px=8, scrim_max=0.9, swap=False)
    assert treatment.blur_px > 0
    assert treatment.contrast_after >= MIN_CONTRAST


@pytest.mark.parametrize("at", ["left", "right", "top", "bottom", "center"])
@pytest.mark.parametrize("size", [(1280, 720), (1080, 1920), (333, 211)])
def test_the_scrim_mask_is_the_small_mask_enlarged(at: str, size: tuple[int, int]) -> None:
    """A side's mask is made from one enlarged row or column: the same pixels as enlarging the
    whole small mask."""
    from renderer.compose import treatment

    ink, size_px = Rect(size[0] * 0.1, size[1] * 0.3, size[0] * 0.45, size[1] * 0.4), max(8, size[1] // 12)
    step = treatment._MASK_STEP_PX
    ramp_x, ramp_y = treatment._ramps(at, -(-size[0] // step), -(-size[1] // step), ink, 0.3 * size_px, size_px, step=step)
    whole = Image.fromarray((np.outer(ramp_y, ramp_x) * 255 + 0.5).astype(np.uint8), "L").resize(size, Image.Resampling.BILINEAR)
    made = treatment._mask(at, size, ink, 0.3 * size_px, size_px)
    assert made.size == size and made.tobytes() == whole.tobytes()
    assert 0 < np.asarray(made).mean() < 255  # a ramp, not a flat mask


def test_the_pixels_behind_the_text_are_sampled_as_floats_of_the_8_bit_values() -> None:
    from renderer.compose import treatment

    rng = np.random.default_rng(7)
    canvas = Image.fromarray(rng.integers(0, 256, (300, 500, 3), dtype=np.uint8))
    mask = Image.fromarray(rng.integers(0, 256, (300, 500), dtype=np.uint8), "L")
    region = Rect(13.5, 20.2, 401.0, 211.7)
    pixels, weights = treatment._sample(canvas, region, mask)
    x0, y0, x1, y1 = 13, 20, int(np.ceil(region.right)), int(np.ceil(region.bottom))
    step = max(1, int(np.ceil(((x1 - x0) * (y1 - y0) / treatment._SAMPLE_PIXELS) ** 0.5)))
    whole = np.asarray(canvas, dtype=np.float32)[y0:y1:step, x0:x1:step].reshape(-1, 3) / 255.0
    assert step > 1 and np.array_equal(pixels, whole)
    assert np.array_equal(weights, np.asarray(mask, dtype=np.float32)[y0:y1:step, x0:x1:step].reshape(-1) / 255.0)
