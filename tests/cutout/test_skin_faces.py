"""Faces anywhere in a picture (renderer.cutout.faces.skin_faces): the skin check made before the
cascade skips it only where no box it could return would pass, so it never changes a result."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from renderer.cutout import faces

SKIN = (224, 172, 140)  # a skin tone: Cb 110, Cr 151 in Pillow's YCbCr
NOT_SKIN = (60, 110, 200)  # a blue


def sample(name: str) -> Image.Image:
    from skimage import data  # the sample files ship inside scikit-image: nothing is downloaded

    return Image.fromarray(getattr(data, name)()).convert("RGB")


def small(image: Image.Image, width: int) -> Image.Image:
    return image.resize((width, max(20, round(image.height * width / image.width))), Image.Resampling.BILINEAR)


@pytest.mark.parametrize("name", ["astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "retina", "camera",
                                  "colorwheel", "horse"])
@pytest.mark.parametrize("width", [160, 200, 240])
def test_the_skin_check_never_changes_what_is_found(name: str, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    picture = small(sample(name), width)
    found = faces.skin_faces(picture)
    monkeypatch.setattr(faces, "_room_for_skin", lambda ycbcr: True)  # the cascade everywhere, as before the check
    assert faces.skin_faces(picture) == found


def test_the_astronaut_is_still_found() -> None:
    found = faces.skin_faces(small(sample("astronaut"), 200))
    assert len(found) == 1 and 60 < found[0].x < 80 and 20 < found[0].y < 35  # her face, at about (70, 26)


def test_a_picture_without_skin_is_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    def searched(*args: object, **kwargs: object) -> list[dict[str, int]]:
        raise AssertionError("the cascade ran on a picture without skin")

    monkeypatch.setattr(faces, "detect_multi_scale", searched)
    assert faces.skin_faces(small(sample("camera").convert("L").convert("RGB"), 200)) == []  # greyscale
    assert faces.skin_faces(Image.new("RGB", (200, 133), NOT_SKIN)) == []


def test_the_check_counts_skin_as_the_faces_boxes_do() -> None:
    """A 20 px square that is 30% skin is room enough (the box test is >= 30%); one pixel less is not."""
    needed = int(np.ceil(0.3 * 20 * 20))  # 120 pixels
    for count, room in ((needed, True), (needed - 1, False)):
        picture = Image.new("RGB", (200, 133), NOT_SKIN)
        pixels = np.array(picture)
        flat = pixels.reshape(-1, 3)
        # the skin pixels spread over a 20x20 square, none elsewhere
        square = [(50 + i // 20) * 200 + (60 + i % 20) for i in range(0, 400, 400 // count)][:count]
        flat[square] = SKIN
        ycbcr = np.asarray(Image.fromarray(pixels).convert("YCbCr"))
        assert int(faces._skin(ycbcr).sum()) == count
        assert faces._room_for_skin(ycbcr) is room
