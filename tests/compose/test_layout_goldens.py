"""Golden images: one per layout (every format), rendered with the default kit; the photo layouts
with the techpulse kit's logo and cut-out presenter; the picture layouts over one of scikit-image's
sample photos each (shipped with it), the astronaut's face among them.

Tolerance: the same Pillow/FreeType build renders these byte for byte; another FreeType version
moves anti-aliased glyph edges by a shade. A mean difference of 1.5/255 per channel and at most
0.5% of pixels changed by more than 48 absorb that, while a moved line, a different font size,
a wrong colour or a missing layer all exceed it by far.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from renderer.formats import FORMAT_NAMES

TITLES = {
    "bold": "Why your *Python* code is slow (and how to fix it)",
    "listicle": "7 VS Code extensions I can't live without",
    "minimal": "Stop doing this",
    "split": "I tried every AI coding tool so you don't have to",
}
GOLDEN_DIR = Path(__file__).parent / "golden"
CASES = [(fmt, design) for fmt in FORMAT_NAMES for design in TITLES]


@pytest.mark.parametrize(("fmt", "design"), CASES, ids=[f"{f}-{d}" for f, d in CASES])
def test_layout_matches_its_golden(renderer, golden, fmt, design):
    if design == "split":  # the photo layouts, with a brand kit's logo and cut-out presenter
        thumbnail = renderer.render(TITLES[design], format=fmt, layout=f"{fmt}-{design}", brand="techpulse",
                                    use_photo=True, use_logo=True, output_format="png")
        assert [image.kind for image in thumbnail.plan.images] == ["photo", "logo"]
    else:
        thumbnail = renderer.render(TITLES[design], format=fmt, layout=f"{fmt}-{design}", output_format="png")
    assert thumbnail.warnings == ()
    golden.check(f"{fmt}-{design}", thumbnail.data, plan=thumbnail.plan, mean_tolerance=1.5, changed_fraction=0.005)


SCENE_PHOTOS = {"youtube": "astronaut", "instagram": "coffee", "x": "rocket", "blogpost": "chelsea",
                "linkedin": "hubble_deep_field"}


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_picture_layout_matches_its_golden(renderer, golden, fmt):
    from PIL import Image
    from skimage import data

    picture = Image.fromarray(getattr(data, SCENE_PHOTOS[fmt])()).convert("RGB")
    thumbnail = renderer.render(TITLES["bold"], format=fmt, layout=f"{fmt}-scene", background=picture, output_format="png")
    assert thumbnail.warnings == () and thumbnail.plan.picture is not None
    golden.check(f"{fmt}-scene", thumbnail.data, plan=thumbnail.plan, mean_tolerance=1.5, changed_fraction=0.005)


def test_golden_comparison_catches_a_changed_title(renderer):
    from tests.goldens import Golden

    thumbnail = renderer.render("A completely different title", format="youtube", layout="youtube-bold", output_format="png")
    with pytest.raises(pytest.fail.Exception, match="differs from its golden"):
        Golden(update=False, folder=GOLDEN_DIR).check("youtube-bold", thumbnail.data, plan=thumbnail.plan,
                                                      mean_tolerance=1.5, changed_fraction=0.005)


def test_a_moved_box_in_the_plan_is_a_difference_and_a_subpixel_shift_is_not():
    from tests.goldens import plan_differences

    golden_plan = {"texts": [{"box": {"x": 77.0, "width": 563.0}, "font": "inter:bold", "size_px": 82, "truncated": False}]}
    shifted = {"texts": [{"box": {"x": 77.4, "width": 562.7}, "font": "inter:bold", "size_px": 82, "truncated": False}]}
    assert plan_differences(golden_plan, shifted) == []
    moved = {"texts": [{"box": {"x": 90.0, "width": 563.0}, "font": "inter:bold", "size_px": 80, "truncated": True}]}
    assert plan_differences(golden_plan, moved) == [
        "plan.texts[0].box.x: 77.0 != 90.0", "plan.texts[0].size_px: 82 != 80", "plan.texts[0].truncated: False != True",
    ]
    assert plan_differences(golden_plan, {"texts": []}) == ["plan.texts: 1 items != 0"]
