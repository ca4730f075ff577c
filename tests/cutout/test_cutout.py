"""renderer.cutout: the real rembg cutout on a real portrait, the cache, the model checks, framing.

The photo is scikit-image's astronaut (Eileen Collins, NASA, public domain), made at test time.
One engine per module keeps the suite fast: the model loads once.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from renderer.cutout import masks as cutout_masks
from renderer.cutout import model as cutout_model
from renderer.cutout.disk_cache import default_cache_dir
from renderer.cutout.engine import NO_FACE_WARNING, PHOTO_CUT_TOP_WARNING, CutoutEngine
from renderer.cutout.framing import frame_subject
from renderer.cutout.model import MODEL_MD5, ModelSession, model_path
from renderer.cutout.results import Cutout
from renderer.errors import AssetError, InputError
from renderer.rect import Rect
from renderer.assets.decode import content_hash, decode_image

pytestmark = pytest.mark.slow  # the real cutout model on real photos

# Where the astronaut's face is (by eye): it must be inside the detected box's neighbourhood.
FACE_CENTRE_PX = (222, 118)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def astronaut_bytes() -> bytes:
    from skimage.data import astronaut

    return png_bytes(Image.fromarray(astronaut()))


@pytest.fixture(scope="module")
def astronaut(astronaut_bytes: bytes) -> Image.Image:
    return decode_image(astronaut_bytes, field="photoImage", max_bytes=None)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> CutoutEngine:
    return CutoutEngine(cache_dir=tmp_path_factory.mktemp("cutouts"))


@pytest.fixture(scope="module")
def astronaut_cutout(
    engine: CutoutEngine, astronaut: Image.Image, astronaut_bytes: bytes
) -> Cutout:
    return engine.cutout(astronaut, image_bytes_hash=content_hash(astronaut_bytes))


@pytest.fixture
def predict_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every inference: wraps the model session's ``predict``."""
    calls: list[int] = []
    real_predict = ModelSession.predict

    def counting_predict(self, image):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real_predict(self, image)

    monkeypatch.setattr(ModelSession, "predict", counting_predict)
    return calls


@pytest.fixture
def no_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Makes any attempt by rembg to download a model fail the test loudly."""
    import pooch

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError(f"a model download was attempted: {args} {kwargs}")

    monkeypatch.setattr(pooch, "retrieve", refuse)


# --- the real cutout ------------------------------------------------------------------------


def test_background_corners_come_out_transparent(astronaut_cutout: Cutout) -> None:
    alpha = np.asarray(astronaut_cutout.image.getchannel("A"))
    assert alpha[:12, :12].max() <= 2  # top-left: wall behind the flag
    assert alpha[:12, -12:].max() <= 2  # top-right: wall above the shuttle model
    assert astronaut_cutout.image.size == (512, 512)
    assert astronaut_cutout.image.mode == "RGBA"


def test_face_is_found_and_stays_opaque(astronaut_cutout: Cutout) -> None:
    face = astronaut_cutout.face_box
    assert face is not None
    assert face.x < FACE_CENTRE_PX[0] < face.right and face.y < FACE_CENTRE_PX[1] < face.bottom
    assert 70 <= face.width <= 140  # the face is about 100 px wide
    alpha = np.asarray(astronaut_cutout.image.getchannel("A"))
    # The box is a square around an oval face: its middle 60% must be solid subject.
    inset_x, inset_y = round(face.width * 0.2), round(face.height * 0.2)
    inner = alpha[
        face.y + inset_y : face.bottom - inset_y, face.x + inset_x : face.right - inset_x
    ]
    assert inner.min() >= 250
    assert astronaut_cutout.mask_box.contains(face)
    assert astronaut_cutout.warnings == ()


def test_face_is_found_in_a_crop_ending_at_the_collar(
    engine: CutoutEngine, astronaut: Image.Image
) -> None:
    short = engine.cutout(astronaut.crop((0, 0, 512, 220)))
    face = short.face_box
    assert face is not None
    assert face.x < FACE_CENTRE_PX[0] < face.right and face.y < FACE_CENTRE_PX[1] < face.bottom
    assert 70 <= face.width <= 140


def test_transparent_pixels_carry_no_colour(astronaut_cutout: Cutout) -> None:
    pixels = np.asarray(astronaut_cutout.image)
    assert not pixels[pixels[..., 3] == 0][:, :3].any()


def test_photo_without_subject_is_refused(engine: CutoutEngine) -> None:
    flat = Image.new("RGBA", (320, 240), (128, 128, 128, 255))
    with pytest.raises(
        InputError,
        match=r"^no person or subject found in photoImage; use a photo where the presenter stands out",
    ) as info:
        engine.cutout(flat)
    assert info.value.field == "photoImage"


def test_photo_without_face_is_framed_by_the_subject_with_a_warning(engine: CutoutEngine) -> None:
    from skimage.data import chelsea  # a cat: a clear subject, no human face

    cat = engine.cutout(Image.fromarray(chelsea()).convert("RGBA"))
    assert cat.face_box is None
    # The close-up cuts the cat's head at the top of the photo: that is said too.
    assert cat.warnings == (NO_FACE_WARNING, PHOTO_CUT_TOP_WARNING)
    framed = frame_subject(cat, slot_width_px=400, slot_height_px=400)
    assert framed.warnings == (NO_FACE_WARNING, PHOTO_CUT_TOP_WARNING)
    assert framed.face_box is None
    alpha = np.asarray(framed.image.getchannel("A"))
    # The photo cuts the cat at its top, left and bottom: the cuts are on the slot's edges (the
    # top one not under headroom, the bottom one not floating above the slot's bottom edge).
    assert alpha[0].max() == 255 and alpha[-1].max() >= 200 and alpha[:, 0].max() == 255
    assert framed.cut_edges == (None, None, None, None)


# --- framing -------------------------------------------------------------------------------


SLOTS = [(600, 720), (400, 720), (720, 360), (1280, 720), (300, 300), (200, 720), (1280, 200)]


@pytest.mark.parametrize("align", ["bottom", "center", "top"])
@pytest.mark.parametrize(("width_px", "height_px"), SLOTS)
def test_framing_keeps_the_whole_head_inside_the_slot(
    astronaut_cutout: Cutout, width_px: int, height_px: int, align: str
) -> None:
    framed = frame_subject(
        astronaut_cutout, slot_width_px=width_px, slot_height_px=height_px, align=align
    )
    assert framed.image.size == (width_px, height_px)
    assert framed.image.mode == "RGBA"
    face = framed.face_box
    assert face is not None
    margin_x, margin_y = 0.05 * width_px, 0.05 * height_px
    assert face.x >= margin_x and face.right <= width_px - margin_x
    assert face.y >= margin_y and face.bottom <= height_px - margin_y
    alpha = np.asarray(framed.image.getchannel("A"))
    # The hair is the subject's highest point: a clear top row means the head is not cut.
    assert alpha[: max(1, height_px // 50)].max() == 0


def test_tall_slot_is_a_head_and_shoulders_shot(astronaut_cutout: Cutout) -> None:
    framed = frame_subject(astronaut_cutout, slot_width_px=600, slot_height_px=720)
    face = framed.face_box
    assert face is not None
    assert 0.2 <= face.height / 720 <= 0.35  # the head is the main thing, not a speck
    alpha = np.asarray(framed.image.getchannel("A"))
    assert alpha[-1].max() == 255  # the body runs off the bottom edge
    centre_x = (face.x + face.right) / 2
    assert abs(centre_x - 300) <= 30  # the face is centred


@settings(max_examples=40, deadline=None)
@given(
    width_px=st.integers(min_value=40, max_value=1600),
    height_px=st.integers(min_value=40, max_value=1600),
    align=st.sampled_from(["bottom", "center", "top"]),
)
def test_framing_never_cuts_the_face_whatever_the_slot(
    astronaut_cutout: Cutout, width_px: int, height_px: int, align: str
) -> None:
    framed = frame_subject(
        astronaut_cutout, slot_width_px=width_px, slot_height_px=height_px, align=align
    )
    assert framed.image.size == (width_px, height_px)
    assert framed.face_box is not None
    assert Rect.from_edges(0, 0, width_px, height_px).contains(framed.face_box)


def synthetic_person(*, photo_height_px: int) -> Cutout:
    """A drawn head (circle) on shoulders, cut off at ``photo_height_px``; face box given."""
    image = Image.new("RGBA", (400, photo_height_px), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 40, 250, 160), fill=(230, 190, 160, 255))  # head: 40..160
    draw.rounded_rectangle((60, 170, 340, photo_height_px + 50), radius=60, fill=(30, 60, 200, 255))
    mask_box = Rect.from_edges(*image.getchannel("A").getbbox())
    return Cutout(image=image, mask_box=mask_box, face_box=Rect.from_edges(160, 70, 240, 150))


def test_short_photo_is_anchored_to_the_bottom(astronaut_cutout: Cutout) -> None:
    person = synthetic_person(photo_height_px=200)  # the photo ends just below the shoulders
    framed = frame_subject(person, slot_width_px=300, slot_height_px=600, align="bottom")
    alpha = np.asarray(framed.image.getchannel("A"))
    assert alpha[-1].max() == 255  # no gap under the subject
    assert alpha[0].max() == 0  # and the head still has room above it
    assert framed.face_box is not None and framed.face_box.y > 0


def test_short_photo_aligned_top_keeps_the_standard_headroom() -> None:
    person = synthetic_person(photo_height_px=200)
    framed = frame_subject(person, slot_width_px=300, slot_height_px=600, align="top")
    rows = np.flatnonzero(np.asarray(framed.image.getchannel("A")).max(axis=1))
    assert 0.05 * 600 <= rows[0] <= 0.2 * 600  # head top near the 10% top margin
    assert rows[-1] < 599  # the photo's end is visible: that's what "top" asks for


def test_framing_without_a_face_fits_the_whole_subject() -> None:
    person = synthetic_person(photo_height_px=400)
    faceless = Cutout(
        image=person.image, mask_box=person.mask_box, face_box=None, warnings=(NO_FACE_WARNING,)
    )
    framed = frame_subject(faceless, slot_width_px=500, slot_height_px=500)
    alpha = np.asarray(framed.image.getchannel("A"))
    columns = np.flatnonzero(alpha.max(axis=0))
    rows = np.flatnonzero(alpha.max(axis=1))
    assert columns[0] > 0 and columns[-1] < 499  # nothing cut at the sides
    assert rows[0] > 0  # nor at the top
    assert framed.warnings == (NO_FACE_WARNING,)


def test_framing_rejects_a_bad_align(astronaut_cutout: Cutout) -> None:
    with pytest.raises(InputError, match=r"^align must be one of: bottom, center, top$"):
        frame_subject(astronaut_cutout, slot_width_px=100, slot_height_px=100, align="middle")


def test_framing_rejects_an_empty_slot(astronaut_cutout: Cutout) -> None:
    with pytest.raises(
        InputError, match=r"^the photo slot must be at least 1x1 pixels, not 0x100$"
    ):
        frame_subject(astronaut_cutout, slot_width_px=0, slot_height_px=100)


# --- the photo's own edges: a subject cut by the picture -------------------------------------

#: The split layouts' photo slots (youtube, instagram, blogpost).
SPLIT_SLOTS = [(589, 684), (778, 605), (552, 598)]


@pytest.fixture(scope="module")
def cut_at_the_eyes_bytes() -> bytes:
    """The astronaut with the photo's top edge through her eyes (the face is not found)."""
    from skimage.data import astronaut

    return png_bytes(Image.fromarray(astronaut()).crop((0, 100, 512, 512)))


@pytest.fixture(scope="module")
def cut_at_the_eyes(engine: CutoutEngine, cut_at_the_eyes_bytes: bytes) -> Cutout:
    photo = decode_image(cut_at_the_eyes_bytes, field="photoImage", max_bytes=None)
    return engine.cutout(photo, image_bytes_hash=content_hash(cut_at_the_eyes_bytes))


@pytest.fixture(scope="module")
def cut_in_the_hair(engine: CutoutEngine, astronaut: Image.Image) -> Cutout:
    return engine.cutout(astronaut.crop((0, 40, 512, 512)))


def test_a_subject_cut_by_the_photos_top_is_said(
    cut_at_the_eyes: Cutout, cut_in_the_hair: Cutout
) -> None:
    assert cut_at_the_eyes.warnings == (NO_FACE_WARNING, PHOTO_CUT_TOP_WARNING)
    assert cut_in_the_hair.face_box is not None
    assert cut_in_the_hair.warnings == (PHOTO_CUT_TOP_WARNING,)
    assert PHOTO_CUT_TOP_WARNING.startswith("the photo cuts the subject at the top; ")


@pytest.mark.parametrize(("width_px", "height_px"), SPLIT_SLOTS)
@pytest.mark.parametrize("photo", ["cut_at_the_eyes", "cut_in_the_hair"])
def test_the_photos_top_cut_is_put_on_the_slots_top_edge(
    request: pytest.FixtureRequest, photo: str, width_px: int, height_px: int
) -> None:
    # The head sliced by the photo's top edge used to float mid-slot under headroom, with the
    # slice as a flat edge (and an outline along it): it goes on the slot's top edge instead.
    cutout: Cutout = request.getfixturevalue(photo)
    framed = frame_subject(cutout, slot_width_px=width_px, slot_height_px=height_px)
    alpha = np.asarray(framed.image.getchannel("A"))
    solid_rows = np.flatnonzero((alpha >= 128).any(axis=1))
    assert solid_rows[0] == 0
    assert (alpha[0] >= 128).sum() >= 0.15 * width_px  # the head's slice, across the slot's top
    assert framed.cut_edges == (None, None, None, None)  # no cut shows inside the slot
    if framed.face_box is not None:  # and the face the photo kept is still whole in the slot
        assert Rect.from_edges(0, 0, width_px, height_px).contains(framed.face_box)


def photo_cut_person(*, width_px: int = 400, head_top_px: int = 40) -> Cutout:
    """A drawn person whose shoulders run off both sides and the bottom of the photo, and whose
    head runs off its top when ``head_top_px`` is negative; face box given."""
    image = Image.new("RGBA", (width_px, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = width_px // 2
    draw.ellipse((centre - 50, head_top_px, centre + 50, 160), fill=(230, 190, 160, 255))
    draw.rounded_rectangle((-60, 170, width_px + 60, 450), radius=60, fill=(30, 60, 200, 255))
    mask_box = Rect.from_edges(*image.getchannel("A").getbbox())
    return Cutout(image=image, mask_box=mask_box, face_box=Rect.from_edges(centre - 40, 70, centre + 40, 150))


@pytest.mark.parametrize(("width_px", "height_px"), [*SPLIT_SLOTS, (300, 600), (1280, 720)])
def test_a_head_cut_by_the_photo_starts_at_the_slots_top(width_px: int, height_px: int) -> None:
    person = photo_cut_person(head_top_px=-30)
    framed = frame_subject(person, slot_width_px=width_px, slot_height_px=height_px)
    alpha = np.asarray(framed.image.getchannel("A"))
    assert alpha[0, width_px // 2] == 255  # the cut is on the slot's edge
    assert framed.face_box is not None
    assert Rect.from_edges(0, 0, width_px, height_px).contains(framed.face_box)
    assert framed.cut_edges[1] is None


def test_a_head_within_the_photo_keeps_its_headroom() -> None:
    framed = frame_subject(photo_cut_person(head_top_px=40), slot_width_px=589, slot_height_px=684)
    rows = np.flatnonzero(np.asarray(framed.image.getchannel("A")).max(axis=1))
    assert 0.05 * 684 <= rows[0] <= 0.2 * 684


def test_shoulders_cut_by_the_photos_sides_reach_the_slots_sides() -> None:
    # In a slot wider than the photo's shape, the shoulders used to stop on two vertical lines
    # inside the slot: the framing zooms in (the head still fits) so they run off its sides.
    framed = frame_subject(photo_cut_person(), slot_width_px=1280, slot_height_px=720)
    alpha = np.asarray(framed.image.getchannel("A"))
    assert framed.cut_edges == (None, None, None, None)
    assert alpha[-1, 0] == 255 and alpha[-1, -1] == 255
    assert framed.face_box is not None
    assert Rect.from_edges(0, 0, 1280, 720).contains(framed.face_box)


def test_a_cut_the_framing_cannot_avoid_is_reported_where_it_shows() -> None:
    # A very wide slot: zooming in enough to hide the photo's sides would crop into the head.
    framed = frame_subject(photo_cut_person(), slot_width_px=1600, slot_height_px=300)
    left, top, right, _ = framed.cut_edges
    assert left is not None and right is not None and top is None
    alpha = np.asarray(framed.image.getchannel("A"))
    assert alpha[:, : left - 1].max() == 0 and alpha[:, right + 1 :].max() == 0
    assert alpha[-1, left + 1] == 255 and alpha[-1, right - 2] == 255
    assert framed.face_box is not None
    assert Rect.from_edges(0, 0, 1600, 300).contains(framed.face_box)


def longest_run(flags: np.ndarray) -> int:
    """The longest run of True along the rows of ``flags``."""
    padded = np.pad(flags.astype(np.int8), ((0, 0), (1, 1)))
    steps = np.diff(padded, axis=1)
    starts, ends = np.nonzero(steps == 1), np.nonzero(steps == -1)
    return int((ends[1] - starts[1]).max()) if starts[1].size else 0


@pytest.mark.parametrize("fmt", ["youtube", "blogpost"])
@pytest.mark.parametrize("top_px", [100, 40])  # the photo's top through her eyes, in her hair
def test_a_head_cut_by_the_photo_is_drawn_from_the_slots_top_without_an_outline_along_the_cut(
    renderer, astronaut: Image.Image, fmt: str, top_px: int
) -> None:
    # The head cut at the eyes used to float a third of the way down the slot with a cyan
    # stroke along the cut (and the hair cut, a flat stroke across the head): the head now
    # fades in from the slot's top edge, which ends inside the canvas, and the kit's outline
    # only follows the subject's own contour.
    photo = png_bytes(astronaut.crop((0, top_px, 512, 512)))
    title = "I tried every AI coding tool so you don't have to"
    options = {"format": fmt, "layout": f"{fmt}-split", "brand": "techpulse", "output_format": "png"}
    shown = renderer.render(title, photo=photo, **options)
    bare = renderer.render(title, **options)
    assert PHOTO_CUT_TOP_WARNING in shown.warnings
    (slot,) = [image.box for image in shown.plan.images if image.kind == "photo"]
    x0, y0, x1, y1 = round(slot.x), round(slot.y), round(slot.right), round(slot.bottom)
    assert y0 > 0  # the slot ends inside the canvas at the top: the cut is faded, not flush
    with_photo = np.asarray(Image.open(io.BytesIO(shown.data)).convert("RGB"), dtype=np.int16)
    without = np.asarray(Image.open(io.BytesIO(bare.data)).convert("RGB"), dtype=np.int16)
    inside = (slice(y0, y1), slice(x0, x1))
    drawn = (np.abs(with_photo[inside] - without[inside]).max(axis=2) > 60).mean(axis=1)
    assert np.flatnonzero(drawn > 0.1)[0] <= 0.12 * (y1 - y0)  # within the fade of the top edge
    cyan = np.abs(with_photo[inside] - np.array([0x22, 0xD3, 0xEE])).max(axis=2) < 48
    assert longest_run(cyan) < 0.15 * (x1 - x0)  # an outline along a cut is a long straight run


def test_no_outline_or_shadow_is_drawn_beyond_a_cut_inside_the_slot() -> None:
    from renderer.compose.photo import photo_sprite
    from renderer.spec.layout import PhotoEffects

    framed = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    framed.paste((200, 120, 90, 255), (50, 100, 150, 200))  # the photo starts at row 100
    effects = PhotoEffects(outline_px=6, outline_color="#22d3ee", shadow=True)
    plain = np.asarray(photo_sprite(framed, effects, 1.0, (False,) * 4).getchannel("A"))
    assert plain[94:100, 50:150].min() == 255  # without a cut: the outline runs along that edge
    sprite = photo_sprite(framed, effects, 1.0, (False,) * 4, (None, 100, None, None))
    alpha = np.asarray(sprite.getchannel("A"))
    assert alpha[:101].max() == 0  # nothing beyond the cut, and the subject fades in from it
    column = alpha[100:200, 100]
    assert (np.diff(column.astype(int)) >= 0).all() and column[-1] == 255
    assert alpha[140:200, 44:50].max() > 0  # the outline still follows the sides
    rgb = np.asarray(sprite)[..., :3]
    assert np.abs(rgb[101:130, 60:140].astype(int) - (200, 120, 90)).max() <= 2  # no cyan haze


# --- keeping the subject, dropping what the model half believed in ---------------------------


def test_the_ghost_of_the_flag_behind_the_shoulder_is_dropped(astronaut_cutout: Cutout) -> None:
    # The model keeps the flag behind her left shoulder semi-transparent: it showed as a
    # washed-out strip next to the presenter. Nothing semi-transparent stays away from the
    # solid subject; the soft fringe along its edges (a few pixels) is all that is left.
    from scipy import ndimage

    alpha = np.asarray(astronaut_cutout.image.getchannel("A"))
    assert alpha[230:360, 0:20].max() == 0  # where the flag showed through
    semi = (alpha > 0) & (alpha < 128)
    from_solid = ndimage.distance_transform_edt(alpha < 128)
    assert from_solid[semi].max() <= 0.02 * 512
    _, count = ndimage.label(alpha > 0, structure=np.ones((3, 3)))
    assert count == 1


def test_hair_edges_are_kept_as_the_model_gave_them(
    engine: CutoutEngine, astronaut: Image.Image, astronaut_cutout: Cutout
) -> None:
    levelled = np.asarray(
        engine._predict_mask(astronaut.convert("RGBA")).point(cutout_masks.MASK_LEVELS)
    )
    face = astronaut_cutout.face_box
    assert face is not None
    hair = (slice(0, face.bottom), slice(face.x - face.width, face.right + face.width))
    alpha = np.asarray(astronaut_cutout.image.getchannel("A"))
    assert np.array_equal(alpha[hair], levelled[hair])
    assert ((alpha[hair] > 0) & (alpha[hair] < 255)).sum() > 500  # soft edges, not a hard cut


def drawn_mask(side_px: int = 512) -> tuple[Image.Image, dict[str, tuple[slice, slice]]]:
    """A levelled mask: a solid body, and around it what the model leaves behind."""
    k = side_px / 512
    mask = Image.new("L", (side_px, side_px), 0)
    draw = ImageDraw.Draw(mask)

    def box(left: float, top: float, right: float, bottom: float) -> tuple[int, ...]:
        return tuple(round(v * k) for v in (left, top, right, bottom))

    draw.ellipse(box(200, 40, 300, 160), fill=255)  # head
    draw.rectangle(box(150, 160, 350, 511), fill=255)  # body
    draw.rectangle(box(90, 200, 149, 400), fill=90)  # a weak, thick ghost against the body
    draw.rectangle(box(351, 250, 356, 420), fill=90)  # a thin soft strand along the body
    draw.rectangle(box(351, 200, 420, 240), fill=180)  # a mostly solid soft part (a held thing)
    draw.rectangle(box(460, 20, 480, 40), fill=255)  # a speck, far from the subject
    draw.rectangle(box(20, 20, 60, 60), fill=60)  # faint haze, touching nothing
    def region(left: int, top: int, right: int, bottom: int) -> tuple[slice, slice]:
        left, top, right, bottom = box(left, top, right, bottom)
        return (slice(top, bottom), slice(left, right))

    regions = {
        "ghost": region(90, 205, 145, 395),
        "strand": region(351, 260, 357, 410),
        "held": region(360, 205, 415, 235),
        "speck": region(460, 20, 481, 41),
        "haze": region(20, 20, 61, 61),
    }
    return mask, regions


@pytest.mark.parametrize("side_px", [512, 2048])
def test_weak_regions_and_specks_apart_from_the_subject_are_dropped(side_px: int) -> None:
    mask, regions = drawn_mask(side_px)
    cleaned = np.asarray(cutout_masks.clean_mask(mask))
    original = np.asarray(mask)
    for dropped in ("ghost", "speck", "haze"):
        assert cleaned[regions[dropped]].max() == 0, dropped
    for kept in ("strand", "held"):
        assert np.array_equal(cleaned[regions[kept]], original[regions[kept]]), kept
    k = side_px / 512
    assert cleaned[round(170 * k) : round(500 * k), round(150 * k) : round(350 * k)].min() == 255
    # The speck no longer stretches the subject's box (which framing goes by).
    assert cutout_masks.mask_box_of(Image.fromarray(cleaned)).y == round(40 * side_px / 512)


def test_the_blob_holding_the_face_is_kept_even_when_smaller() -> None:
    mask = Image.new("L", (512, 512), 0)
    draw = ImageDraw.Draw(mask)
    draw.rectangle((0, 300, 300, 511), fill=255)  # a big object, the largest blob
    draw.ellipse((400, 40, 480, 140), fill=255)  # a small person's head, far from it
    cleaned = np.asarray(cutout_masks.clean_mask(mask, Rect.from_edges(410, 60, 470, 130)))
    assert cleaned[90, 440] == 255 and cleaned[400, 100] == 255
    assert np.asarray(cutout_masks.clean_mask(mask))[90, 440] == 0  # without the face: a speck


# --- the cache -----------------------------------------------------------------------------


def test_second_cutout_runs_no_inference_and_a_fresh_engine_reads_the_disk(
    tmp_path: Path, astronaut_bytes: bytes, predict_calls: list[int]
) -> None:
    photo_hash = content_hash(astronaut_bytes)
    first_engine = CutoutEngine(cache_dir=tmp_path)
    first = first_engine.cutout(
        decode_image(astronaut_bytes, field="photoImage", max_bytes=None),
        image_bytes_hash=photo_hash,
    )
    assert len(predict_calls) == 1

    again = first_engine.cutout(
        decode_image(astronaut_bytes, field="photoImage", max_bytes=None),
        image_bytes_hash=photo_hash,
    )
    assert len(predict_calls) == 1
    assert again is first

    fresh_engine = CutoutEngine(cache_dir=tmp_path)
    from_disk = fresh_engine.cutout(
        decode_image(astronaut_bytes, field="photoImage", max_bytes=None),
        image_bytes_hash=photo_hash,
    )
    assert len(predict_calls) == 1
    assert not fresh_engine.has_session  # the model was not even loaded
    assert from_disk.face_box == first.face_box and from_disk.mask_box == first.mask_box
    assert from_disk.warnings == first.warnings
    assert from_disk.image.tobytes() == first.image.tobytes()
    assert [path.suffix for path in tmp_path.iterdir()] == [".png"]  # no temp file left behind


def test_cache_without_bytes_hash_keys_on_pixels(
    tmp_path: Path, astronaut: Image.Image, predict_calls: list[int]
) -> None:
    engine = CutoutEngine(cache_dir=tmp_path)
    engine.cutout(astronaut)
    engine.cutout(astronaut.copy())
    assert len(predict_calls) == 1
    engine.cutout(astronaut.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    assert len(predict_calls) == 2


def test_damaged_cache_file_is_recomputed(
    tmp_path: Path, astronaut: Image.Image, predict_calls: list[int]
) -> None:
    CutoutEngine(cache_dir=tmp_path).cutout(astronaut, image_bytes_hash="photo-1")
    (cached,) = tmp_path.iterdir()
    cached.write_bytes(b"not a png")
    again = CutoutEngine(cache_dir=tmp_path).cutout(astronaut, image_bytes_hash="photo-1")
    assert len(predict_calls) == 2
    assert again.face_box is not None
    assert cached.read_bytes().startswith(b"\x89PNG")  # rewritten


def test_unwritable_cache_dir_still_cuts_out(tmp_path: Path, astronaut: Image.Image) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    result = CutoutEngine(cache_dir=blocker / "cutouts").cutout(
        astronaut, image_bytes_hash="photo-2"
    )
    assert result.face_box is not None


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("THUMBKIT_CACHE_DIR", str(tmp_path / "tk"))
    assert default_cache_dir() == tmp_path / "tk" / "cutouts"
    monkeypatch.delenv("THUMBKIT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "thumbkit" / "cutouts"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "thumbkit" / "cutouts"
    assert CutoutEngine().cache_dir == default_cache_dir()


# --- the model -----------------------------------------------------------------------------


def test_bundled_model_is_the_pinned_u2netp_with_its_notice() -> None:
    path = model_path("u2netp")
    assert path.parent.name == "models"
    assert (
        hashlib.md5(path.read_bytes()).hexdigest()
        == MODEL_MD5["u2netp"]
        == "8e83ca70e441ab06c318d82300c84806"
    )
    notice = (path.parent / "NOTICE").read_text()
    assert "Apache" in notice and "U-2-Net" in notice


def test_corrupt_bundled_model_is_an_asset_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, astronaut: Image.Image, no_downloads: None
) -> None:
    (tmp_path / "u2netp.onnx").write_bytes(b"\x00" * 1000)
    monkeypatch.setattr(cutout_model, "BUNDLED_MODELS_DIR", tmp_path)
    engine = CutoutEngine(cache_dir=tmp_path / "cache")
    with pytest.raises(
        AssetError,
        match=r"cutout model file .*u2netp\.onnx is corrupt \(md5 [0-9a-f]{32}, expected 8e83ca70e441ab06c318d82300c84806\); reinstall thumbkit",
    ):
        engine.cutout(astronaut, image_bytes_hash="corrupt-model")


def test_missing_bundled_model_is_an_asset_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, astronaut: Image.Image, no_downloads: None
) -> None:
    monkeypatch.setattr(cutout_model, "BUNDLED_MODELS_DIR", tmp_path)
    engine = CutoutEngine(cache_dir=tmp_path / "cache")
    with pytest.raises(
        AssetError,
        match=r"cutout model file .*u2netp\.onnx is missing or unreadable .*; reinstall thumbkit",
    ):
        engine.cutout(astronaut, image_bytes_hash="missing-model")


def test_other_model_not_present_is_an_asset_error_not_a_download(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, astronaut: Image.Image, no_downloads: None
) -> None:
    monkeypatch.setenv("U2NET_HOME", str(tmp_path / "u2net-home"))
    engine = CutoutEngine(model="u2net_human_seg", cache_dir=tmp_path / "cache")
    with pytest.raises(
        AssetError,
        match=r"cutout model 'u2net_human_seg' is not in rembg's model folder .*thumbkit never downloads models",
    ):
        engine.cutout(astronaut, image_bytes_hash="absent-model")


def test_other_model_with_a_wrong_checksum_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, astronaut: Image.Image, no_downloads: None
) -> None:
    home = tmp_path / "u2net-home"
    home.mkdir()
    (home / "u2net.onnx").write_bytes(b"truncated download")
    monkeypatch.setenv("U2NET_HOME", str(home))
    with pytest.raises(
        AssetError,
        match=r"u2net\.onnx is corrupt \(md5 .*expected 60024c5c889badc19c04ad937298a77b\); "
        r"delete it and fetch it again with `rembg d u2net`$",
    ):
        CutoutEngine(model="u2net", cache_dir=tmp_path / "cache").cutout(
            astronaut, image_bytes_hash="bad-u2net"
        )


def test_model_session_predicts_what_rembg_predicts(engine: CutoutEngine, astronaut: Image.Image) -> None:
    """thumbkit runs the model itself (rembg's package import alone costs ~150 MB): the mask must be
    rembg's own, bit for bit, on the same onnxruntime options, on a photo and on a flat one (rembg's
    0/0 case); with onnxruntime's default options (more memory) a mask may differ by 1 level in a
    few pixels, no more. An RGBA photo gives the mask of its RGB pixels, as rembg's does."""
    import onnxruntime as ort
    from rembg.sessions.u2netp import U2netpSession

    class BundledU2netp(U2netpSession):
        @classmethod
        def download_models(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
            return str(model_path("u2netp"))

    same_options = BundledU2netp("u2netp", cutout_model.session_options(ort), providers=["CPUExecutionProvider"])
    default_options = BundledU2netp("u2netp", ort.SessionOptions(), providers=["CPUExecutionProvider"])
    for photo in (astronaut.convert("RGB"), Image.new("RGB", (300, 200), (90, 90, 90))):
        with np.errstate(all="ignore"):
            ours = np.asarray(engine.session().predict(photo)[0])
            theirs = np.asarray(same_options.predict(photo)[0])
            by_default = np.asarray(default_options.predict(photo)[0])
            from_rgba = np.asarray(engine.session().predict(photo.convert("RGBA"))[0])
        assert ours.shape == theirs.shape == (photo.height, photo.width)
        assert np.array_equal(ours, theirs)
        assert np.array_equal(ours, from_rgba)
        difference = np.abs(ours.astype(int) - by_default.astype(int))
        assert difference.max() <= 1 and (difference > 0).mean() < 0.01
    assert np.asarray(engine.session().predict(astronaut.convert("RGB"))[0]).max() > 200  # a real mask


def test_an_inference_is_a_heavy_step(engine: CutoutEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    """~190 MB each: one at a time per process (``memory.heavy_step``), whatever the threads."""
    held: list[bool] = []

    class Recorder:
        def __enter__(self) -> None:
            held.append(True)

        def __exit__(self, *exc_info: object) -> None:
            return None

    monkeypatch.setattr(cutout_model, "heavy_step", Recorder())
    engine.session().predict(Image.new("RGB", (64, 64), "white"))
    assert held == [True]


def test_cutout_session_leaves_rembg_unimported() -> None:
    """The bundled model's cutout imports no rembg (nor its pymatting/numba): ~150 MB a process."""
    script = (
        "import sys; from PIL import Image; from renderer.cutout.engine import CutoutEngine; import tempfile; "
        "CutoutEngine(cache_dir=__import__('pathlib').Path(tempfile.mkdtemp()))"
        ".session().predict(Image.new('RGB', (64, 64), 'white')); "
        "print([name for name in ('rembg', 'pymatting', 'numba') if name in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_unknown_model_name() -> None:
    with pytest.raises(
        AssetError, match=r"^unknown cutout model 'birefnet'; thumbkit can use: u2netp, u2net, "
    ):
        CutoutEngine(model="birefnet")


def test_importing_the_module_stays_light() -> None:
    heavy = ["rembg", "onnxruntime", "skimage", "scipy"]
    script = (
        "import sys, renderer.cutout.engine, renderer.cutout.framing, renderer.cutout.faces, renderer.assets.decode; "
        f"print([name for name in {heavy!r} if name in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip() == "[]"


def test_missing_onnxruntime_is_an_asset_error_not_an_exit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, astronaut: Image.Image
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # makes `import onnxruntime` fail
    with pytest.raises(
        AssetError, match=r"^the face cutout needs rembg and onnxruntime, which are not installed"
    ):
        CutoutEngine(cache_dir=tmp_path).cutout(astronaut, image_bytes_hash="no-onnxruntime")


def test_photo_transparency_is_kept_in_the_cutout(
    engine: CutoutEngine, astronaut: Image.Image
) -> None:
    holed = astronaut.copy()
    holed.paste((0, 0, 0, 0), (200, 300, 260, 360))  # a transparent square on the suit
    result = engine.cutout(holed)
    alpha = np.asarray(result.image.getchannel("A"))
    assert alpha[300:360, 200:260].max() == 0
    assert alpha[380:400, 200:260].min() == 255  # the suit around it stays solid


def test_a_small_photo_enlarged_past_sharpness_is_warned() -> None:
    import io

    from PIL import Image
    from skimage import data

    from renderer import Renderer

    small = Image.fromarray(data.astronaut()).resize((96, 96))
    buffer = io.BytesIO()
    small.save(buffer, "PNG")
    thumbnail = Renderer().render("A small photo", layout="youtube-split", photo=buffer.getvalue())
    assert any(w.startswith("the photo's subject is enlarged") and "a photo about" in w for w in thumbnail.warnings), \
        thumbnail.warnings


def test_a_faceless_subject_cut_on_both_sides_keeps_its_top_whatever_the_alignment() -> None:
    import numpy as np
    from PIL import Image

    from renderer.cutout.framing import frame_subject
    from renderer.cutout.results import Cutout
    from renderer.rect import Rect

    pixels = np.zeros((400, 400, 4), np.uint8)
    pixels[50:150] = (255, 0, 0, 255)  # the top of the subject ("head"), as wide as the photo
    pixels[150:] = (0, 0, 255, 255)
    cutout = Cutout(image=Image.fromarray(pixels, "RGBA"), mask_box=Rect.from_edges(0, 50, 400, 400), face_box=None)
    for align in ("bottom", "center", "top"):
        framed = np.asarray(frame_subject(cutout, slot_width_px=640, slot_height_px=360, align=align).image)
        assert (framed[:, 320, 0] > 200).sum() > 100, align  # the red top is in the slot, not cropped away


def test_specks_go_even_when_the_subject_is_faint() -> None:
    import numpy as np

    from renderer.cutout.masks import _keep_subject

    alpha = np.zeros((512, 512), np.uint8)
    alpha[160:512, 150:351] = 200  # a half-transparent subject: below the confident core level
    alpha[20:24, 470:474] = 200  # a speck far from it
    kept = _keep_subject(alpha, None)
    assert kept[20:24, 470:474].max() == 0 and kept[300, 250] == 200
