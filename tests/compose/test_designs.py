"""The designs as a channel uses them: auto picks versus, quote, stat and question from real titles
in every format; every design keeps out of YouTube's duration badge and inside Instagram's 3:4
grid crop, reads at 4.5:1, keeps the title big at feed size; match-ups share one size per side;
patterns vary with the title and stay put for one title; right-to-left titles mirror stacks and
sides; a logo's shadow has room for its blur."""

from __future__ import annotations

import io
import re
import shutil

import numpy as np
import pytest
from PIL import Image

from renderer import Renderer
from renderer.formats import FORMAT_NAMES
from renderer.paths import data_dir

DESIGN_TITLES = {
    "versus": ["Rust vs Go: which is faster in 2026?", "Mac vs. PC vs Linux", "iPhone 16 Pro Max vs Galaxy S24 Ultra (camera test)"],
    "quote": ['"Talk is cheap. Show me the code." — Linus Torvalds', "“Premature optimization is the root of all evil”",
              "Stay hungry, stay foolish — Steve Jobs"],
    "stat": ["$87,000 from one side project", "100% test coverage is a lie", "How I made $87,000 from a side project"],
    "question": ["Is this the end of JavaScript frameworks?", "Should you learn Rust in 2026?"],
}
ALL_DESIGNS = ("bold", "listicle", "minimal", "versus", "quote", "stat", "cover", "question")
CHANNEL = [
    "Why your Python code is slow (and how to fix it)", "7 VS Code extensions I can't live without", "Stop doing this",
    *[title for titles in DESIGN_TITLES.values() for title in titles], "A weekend in Lisbon: the complete guide",
]
CAP_EM = 0.66  # League Spartan's cap height, the default kit's heading
FEED_WIDTH_PX = 168  # YouTube's "Up next" column


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
@pytest.mark.parametrize("design", DESIGN_TITLES)
def test_auto_picks_the_design_of_the_title(renderer, fmt, design):
    for title in DESIGN_TITLES[design]:
        assert renderer.render(title, format=fmt).layout == f"{fmt}-{design}", title


def test_every_format_has_at_least_seven_designs(renderer):
    for fmt in FORMAT_NAMES:
        names = renderer.layout_names(fmt)
        assert len(names) >= 7 and {f"{fmt}-{design}" for design in ALL_DESIGNS} <= set(names), names


def test_a_kit_preference_still_leads_and_a_photo_still_gets_the_split(renderer):
    assert renderer.render("Rust vs Go", brand="techpulse").layout == "youtube-versus"  # no preferred match-up layout
    assert renderer.render("Rust vs Go", brand="techpulse", use_photo=True).layout == "youtube-split"
    assert renderer.render("A weekend in Lisbon").layout != "youtube-cover"  # cover waits for a picture


def _all_renders(renderer, fmt):
    for design in ALL_DESIGNS:
        for title in CHANNEL[:: 3 if design not in DESIGN_TITLES else 1][:6]:
            for kit in ("default", "sunrise"):
                yield design, title, renderer.render(title, format=fmt, layout=f"{fmt}-{design}", brand=kit,
                                                     subtitle="What nobody tells you", badge="EP 14")


def test_youtube_designs_keep_clear_of_the_duration_badge_and_read(renderer):
    badge_zone_x, badge_zone_y = 1100, 640
    for design, title, thumbnail in _all_renders(renderer, "youtube"):
        for text in thumbnail.plan.texts:
            assert not (text.ink.right > badge_zone_x and text.ink.bottom > badge_zone_y), (design, title, text.ink)
            assert text.contrast_ratio >= 4.5, (design, title, text.color, text.contrast_ratio)


def test_instagram_text_stays_inside_the_grid_crop(renderer):
    for design, title, thumbnail in _all_renders(renderer, "instagram"):
        for text in thumbnail.plan.texts:
            assert text.ink.x >= 135 - 1 and text.ink.right <= 945 + 1, (design, title, text.ink)


def test_titles_stay_big_at_feed_size(renderer):
    """The largest text of a channel's titles: a cap height of at least 7 px at 168 px wide."""
    for title in CHANNEL:
        thumbnail = renderer.render(title)
        largest = max(text.size_px for text in thumbnail.plan.texts)
        assert largest * CAP_EM * FEED_WIDTH_PX / 1280 >= 7, (title, thumbnail.layout, largest)


def test_match_up_sides_share_one_size_and_the_first_side_leads(renderer):
    two = renderer.render("Rust vs Go", layout="youtube-versus")
    three = renderer.render("Mac vs PC vs Linux", layout="youtube-versus")
    sides_of = lambda t: [x for x in t.plan.texts if x.lines[0].segments[0].text not in ("VS",)]
    assert [x.lines[0].segments[0].text for x in sides_of(two)] == ["RUST", "GO"]
    assert len({x.size_px for x in sides_of(three)}) == 1 and len(sides_of(three)) == 3
    left, right = sides_of(two)
    assert left.ink.right < 640 < right.ink.x  # one side each side of the middle
    assert [x.lines[0].segments[0].text for x in three.plan.texts].count("VS") == 2
    one = renderer.render("Just a title", layout="youtube-versus")
    assert one.warnings == ("the title has no 'X vs Y': layer 1 shows it as one side",)


def test_right_to_left_titles_mirror_sides_and_stacks(renderer):
    versus = renderer.render("بايثون vs جافا", layout="youtube-versus")
    first, second = [x for x in versus.plan.texts if x.lines[0].segments[0].text != "VS"]
    assert first.ink.x > 640 > second.ink.right  # the first side reads first: on the right
    bold = renderer.render("لماذا برنامج بايثون الخاص بك بطيء", layout="youtube-bold", badge="NEW", subtitle="وكيف تصلحه")
    badge, title, subtitle = bold.plan.texts
    # right-aligned: the subtitle with the title, the badge's plate (0.6 em around its text) too
    assert abs(subtitle.ink.right - title.ink.right) < 2 and title.ink.right > 1100
    assert abs(badge.ink.right + 0.6 * badge.size_px - title.ink.right) < 2 and badge.ink.x > 900


def _pixels(thumbnail) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(thumbnail.data)).convert("RGB"), dtype=np.int16)


def test_patterns_vary_with_the_title_and_not_between_renders(renderer):
    # the pattern shows where no text is: the right of youtube-bold (its pattern fades out on the left)
    backgrounds = []
    for title in ("Why your code is slow", "The hidden cost of microservices", "Never deploy on a Friday",
                  "What I learned shipping side projects"):
        thumbnail = renderer.render(title, layout="youtube-bold", output_format="png")
        again = renderer.render(title, layout="youtube-bold", output_format="png")
        assert thumbnail.data == again.data
        backgrounds.append(_pixels(thumbnail)[660:720, 900:1280])
    differing = sum(np.abs(a - b).mean() > 1.0 for i, a in enumerate(backgrounds) for b in backgrounds[i + 1:])
    assert differing >= 4, "most pairs of titles should get different backgrounds"


def test_a_kit_without_patterns_draws_none(tmp_path):
    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "default", kits / "plain")
    kit_file = kits / "plain" / "kit.yaml"
    text = kit_file.read_text()
    assert "\npatterns: [" in text
    kit_file.write_text(re.sub(r"\npatterns: \[.*\]\n", "\npatterns: []\n", text))
    renderer = Renderer(kit_dirs=(kits,))
    plain = renderer.render("A pattern-free title", layout="youtube-bold", brand="plain", output_format="png")
    corner = _pixels(plain)[0:200, 1000:1280]
    # a gradient only: neighbouring pixels differ by the gradient's step, never by a dot or a line
    assert np.abs(np.diff(corner, axis=1)).max() <= 2


def test_a_square_logos_shadow_fades_out_instead_of_stopping_at_a_straight_edge(tmp_path):
    kits = tmp_path / "kits"
    kit = kits / "light"
    kit.mkdir(parents=True)
    Image.new("RGBA", (256, 256), (30, 90, 200, 255)).save(kit / "logo.png")
    (kit / "kit.yaml").write_text(
        'name: Light\npalette: {background: "#f5f1eb", surface: "#dbd7d2", text: "#26231f", accent: "#cf6e51", '
        'muted: "#716e69", on_accent: "#000000"}\nfonts: {heading: {family: inter, weight: black}, body: {family: inter}}\n'
        "logo: {file: logo.png, corner: top-right, max_width_px: 200, max_height_px: 64}\npatterns: []\n", encoding="utf-8")
    thumbnail = Renderer(kit_dirs=(kits,)).render("Shadow test", layout="youtube-minimal", brand="light", use_logo=True,
                                                  output_format="png")
    logo = next(image.box for image in thumbnail.plan.images if image.kind == "logo")
    pixels = _pixels(thumbnail).sum(axis=2)
    x, bottom = round(logo.x + logo.width / 2), round(logo.bottom)
    column = pixels[bottom + 1: bottom + 24, x]  # below the logo: the shadow, offset 4 px, blurred 6 px
    background = pixels[bottom + 60, x]
    assert column[4] < background - 20  # there is a shadow ...
    assert (np.diff(column[3:]) >= -1).all()  # ... getting lighter downwards ...
    assert column[12] < background - 2 and abs(int(column[-1]) - int(background)) <= 3  # ... all the way, then gone
    left = pixels[round(logo.y + logo.height / 2), round(logo.x) - 4]
    assert left < background - 2  # the blur reaches past the logo's left edge too
