"""Golden images: one per layout (every format), rendered with the default kit; the photo layouts
with the techpulse kit's logo and cut-out presenter; secondary texts (badge, subtitle, a kit's
site) and a right-to-left match-up on a few; one per background pattern, each drawn alone by a
kit that has only it; and the picture layouts over one of scikit-image's sample photos each
(shipped with it), the astronaut's face among them.

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
    "versus": "Rust vs Go: which is faster in 2026?",
    "quote": '"Talk is cheap. Show me the code." — Linus Torvalds',
    "stat": "$87,000 from one side project",
    "cover": "Budget travel in Japan: the complete guide",
    "question": "Is this the end of JavaScript frameworks?",
}
# (name, title, options): secondary texts, three sides, a kit's site, a right-to-left match-up
EXTRAS = [
    ("youtube-bold-badge-subtitle", "Why your code is slow", dict(layout="youtube-bold", badge="EP 14", subtitle="And how to fix it in an afternoon")),
    ("youtube-versus-three", "Mac vs PC vs Linux", dict(layout="youtube-versus", badge="NEW", subtitle="for developers in 2026")),
    ("instagram-versus-three", "Mac vs PC vs Linux", dict(format="instagram", layout="instagram-versus")),
    ("linkedin-stat-site", "How I made $87,000 from a side project", dict(format="linkedin", layout="linkedin-stat", brand="techpulse",
                                                                          badge="PART 2", subtitle="What I would do differently")),
    ("blogpost-cover-sunrise", "A weekend in Lisbon", dict(format="blogpost", layout="blogpost-cover", brand="sunrise", badge="NEW",
                                                          subtitle="Where to eat, where to stay")),
    ("youtube-versus-rtl", "بايثون vs جافا", dict(layout="youtube-versus", subtitle="أيهما أسرع؟")),
    ("youtube-quote-sunrise", "Stay hungry, stay foolish — Steve Jobs", dict(layout="youtube-quote", brand="sunrise", badge="NEW")),
]
PATTERN_KINDS = ("dots", "grid", "stripes", "grain", "halftone", "rays", "shapes")
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


@pytest.mark.parametrize(("name", "title", "options"), EXTRAS, ids=[extra[0] for extra in EXTRAS])
def test_secondary_texts_match_their_goldens(renderer, golden, name, title, options):
    thumbnail = renderer.render(title, output_format="png", **options)
    assert thumbnail.warnings == ()
    golden.check(name, thumbnail.data, plan=thumbnail.plan, mean_tolerance=1.5, changed_fraction=0.005)


@pytest.fixture(scope="module")
def pattern_renderer(tmp_path_factory):
    """A renderer with one kit per pattern: the default kit's colours and only that pattern."""
    import re

    from renderer import Renderer
    from renderer.paths import data_dir

    kits = tmp_path_factory.mktemp("pattern-kits")
    text = (data_dir("brand_kits") / "default" / "kit.yaml").read_text(encoding="utf-8")
    for kind in PATTERN_KINDS:
        (kits / f"only-{kind}").mkdir()
        only = re.sub(r"\npatterns: \[.*\]\n", f"\npatterns: [{{type: {kind}, strength: 1.5}}]\n", text)
        assert only != text
        (kits / f"only-{kind}" / "kit.yaml").write_text(only, encoding="utf-8")
    return Renderer(kit_dirs=(kits,))


@pytest.mark.parametrize("kind", PATTERN_KINDS)
def test_each_pattern_matches_its_golden(pattern_renderer, golden, kind):
    thumbnail = pattern_renderer.render("Patterns", layout="youtube-minimal", brand=f"only-{kind}", output_format="png")
    golden.check(f"pattern-{kind}", thumbnail.data, plan=thumbnail.plan, mean_tolerance=1.5, changed_fraction=0.005)


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
