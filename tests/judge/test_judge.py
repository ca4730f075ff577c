"""The judge's findings tied to measured pixels: text of a known size and colour drawn on a plain
canvas, with the plan that says where, and the report compared with what the pixels show."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PIL import Image

from renderer.colors import contrast_ratio, parse_color, relative_luminance
from renderer.compose.plan import PlanImage, Rect
from renderer.judge import Finding, Quality, judge
from renderer.judge.contrast import text_contrasts
from renderer.judge.legibility import FEED_VIEWS, LIMITS, text_bodies, typeface_for
from renderer.judge.report import FAIL_COST, WARN_COST
from tests.judge.synthetic import draw_lines, ink_rows, plan_of

NAVY = (11, 18, 32)


def canvas(size=(1280, 720), color=NAVY) -> Image.Image:
    return Image.new("RGB", size, color)


@pytest.fixture(scope="module")
def fonts(renderer):
    return renderer.fonts


# -- legibility ------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(size=st.integers(min_value=24, max_value=220))
def test_feed_cap_height_is_the_drawn_cap_height_scaled_to_168_px(fonts, size):
    """The value of legibility_feed is the height of the drawn capitals at 168/1280, within one
    full-size pixel (anti-aliasing) scaled down."""
    image = canvas()
    text = draw_lines(image, fonts, ["HIH"], size=size, x=40, first_baseline=40 + size)
    plan = plan_of(image, [text])
    [body] = text_bodies(plan, format="youtube", fonts=fonts)
    drawn = ink_rows(image, (255, 255, 255))
    scale = 168 / 1280
    assert abs(body.feed_px - drawn * scale) <= 1.0 * scale + 1e-9
    codes = {f.code: f for f in judge(image, plan, format="youtube", fonts=fonts).findings}
    if body.feed_px < 5:
        assert codes["legibility_feed"].severity == "fail" and "headline_suggested" in codes
        assert codes["legibility_feed"].value == pytest.approx(body.feed_px, abs=0.01)
    elif body.feed_px < 7:
        assert codes["legibility_feed"].severity == "warn" and "headline_suggested" not in codes
    else:
        assert "legibility_feed" not in codes


def test_the_limits_are_7_and_5_px_of_cap_height():
    assert (LIMITS["Latin"].legible_px, LIMITS["Latin"].fail_px) == (7.0, 5.0)
    assert FEED_VIEWS["youtube"].scale(1280) == pytest.approx(168 / 1280)
    assert FEED_VIEWS["youtube"].scale(2560) == pytest.approx(168 / 2560)  # hd: the same feed size
    assert FEED_VIEWS["instagram"].scale(1080) == pytest.approx(130 / 810)  # the 3:4 centre in a 130 px tile
    assert FEED_VIEWS["x"].scale(1200) == pytest.approx(500 / 1200)


def test_cjk_is_measured_on_its_ideograph_body(fonts):
    image = canvas()
    text = draw_lines(image, fonts, ["国国国"], size=120, x=40, first_baseline=200)
    [body] = text_bodies(plan_of(image, [text]), format="youtube", fonts=fonts)
    assert body.script == "CJK"
    drawn = ink_rows(image, (255, 255, 255))
    assert abs(body.body_px - drawn) <= 1.5
    assert body.limits.legible_px == 9.0


def test_a_text_without_letters_is_not_measured(fonts):
    image = canvas()
    text = draw_lines(image, fonts, ["!!"], size=20, x=40, first_baseline=200)
    assert text_bodies(plan_of(image, [text]), format="youtube", fonts=fonts) == []


# -- contrast --------------------------------------------------------------------------------
colors = st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))


@settings(max_examples=30, deadline=None)
@given(background=colors, ink=colors, size=st.integers(min_value=40, max_value=180))
def test_contrast_is_wcag_between_the_text_colour_and_the_background(fonts, background, ink, size):
    expected = contrast_ratio(relative_luminance(ink), relative_luminance(background))
    assume(max(abs(a - b) for a, b in zip(ink, background)) > 40)  # else ink and background are one colour to it
    image = canvas(color=background)
    hexcolor = "#%02x%02x%02x" % ink
    text = draw_lines(image, fonts, ["HELLO WORLD"], size=size, x=60, first_baseline=100 + size, color=hexcolor)
    [run] = text_contrasts(image, text, typeface_for(fonts, text.font))
    assert run.ratio == pytest.approx(expected, rel=0.02)
    found = [f for f in judge(image, plan_of(image, [text]), format="x", fonts=fonts).findings if f.code == "contrast"]
    if expected < 4.4:
        assert found and found[0].severity == "fail" and found[0].value == pytest.approx(expected, rel=0.02)
    elif expected > 4.6:
        assert not found


def test_contrast_is_measured_behind_each_run_not_across_the_canvas(fonts):
    """Light text on a canvas half dark, half light: the run over the light half fails, alone."""
    image = canvas()
    image.paste((235, 235, 235), (640, 0, 1280, 720))
    left = draw_lines(image, fonts, ["DARK SIDE"], size=80, x=40, first_baseline=200, layer=1)
    right = draw_lines(image, fonts, ["LIGHT SIDE"], size=80, x=700, first_baseline=400, layer=2)
    ratios = {run.text: run.ratio for text in (left, right)
              for run in text_contrasts(image, text, typeface_for(fonts, text.font))}
    assert ratios["DARK SIDE"] > 15 and ratios["LIGHT SIDE"] < 1.3
    [finding] = [f for f in judge(image, plan_of(image, [left, right]), format="x", fonts=fonts).findings if f.code == "contrast"]
    assert "LIGHT SIDE" in finding.message


def test_a_shadow_behind_the_letters_counts_as_what_is_behind_them(fonts):
    """A light grey title on white fails; the same title on a dark plate drawn behind it passes."""
    image = canvas(color=(255, 255, 255))
    image.paste((20, 20, 20), (30, 110, 700, 230))
    text = draw_lines(image, fonts, ["PLATE"], size=100, x=60, first_baseline=200, color="#dddddd")
    assert text_contrasts(image, text, typeface_for(fonts, text.font))[0].ratio > 10


def test_invisible_text_has_a_contrast_of_one(fonts):
    image = canvas(color=(255, 255, 255))
    text = draw_lines(image, fonts, ["GHOST"], size=100, x=60, first_baseline=200, color="#ffffff")
    [run] = text_contrasts(image, text, typeface_for(fonts, text.font))
    assert run.ratio == 1.0


def test_the_emphasis_colour_is_judged_as_its_own_run(fonts):
    image = canvas()
    text = draw_lines(image, fonts, ["PLAIN", "ACCENT"], size=90, x=60, first_baseline=150, emphasis={1})
    runs = {run.text: run for run in text_contrasts(image, text, typeface_for(fonts, text.font))}
    assert runs["ACCENT"].color == "#ffcc00"
    assert runs["ACCENT"].ratio == pytest.approx(contrast_ratio(relative_luminance(parse_color("#ffcc00")),
                                                                relative_luminance(NAVY)), rel=0.02)


def test_a_dark_picture_beside_light_words_is_not_taken_for_the_highlights_ink(fonts):
    """White words over navy, navy words on a yellow highlight below: the navy around the white
    words is what they are read against, not ink of the highlighted word's colour."""
    from msgspec.structs import replace

    image = canvas()
    white = draw_lines(image, fonts, ["WHY YOUR"], size=90, x=60, first_baseline=150)
    image.paste((255, 204, 0), (50, 150 + 18, 600, 150 + 110))
    navy = draw_lines(image, fonts, ["PYTHON"], size=90, x=60, first_baseline=240, color="#0b1220")
    line = replace(navy.lines[0], segments=tuple(replace(s, emphasis=True) for s in navy.lines[0].segments))
    text = replace(white, lines=(white.lines[0], line), ink=Rect(60, white.ink.y, 560, navy.ink.bottom - white.ink.y),
                   emphasis_style="highlight", emphasis_color="#0b1220")
    runs = {run.text: run.ratio for run in text_contrasts(image, text, typeface_for(fonts, text.font))}
    assert runs["WHY YOUR"] > 15 and runs["PYTHON"] > 10


# -- safe zones ------------------------------------------------------------------------------
@pytest.mark.parametrize(("x", "baseline", "inside"), [(1110, 700, True), (1000, 700, True), (900, 700, False),
                                                       (1110, 600, False)])
def test_text_under_the_duration_badge_is_found(fonts, x, baseline, inside):
    image = canvas()
    text = draw_lines(image, fonts, ["LIVE"], size=50, x=x, first_baseline=baseline)
    codes = judge(image, plan_of(image, [text]), format="youtube", fonts=fonts).codes
    assert ("safe_zone_badge" in codes) is inside
    assert "safe_zone_badge" not in judge(image, plan_of(image, [text], format="x"), format="x", fonts=fonts).codes


def test_the_badge_scales_with_hd(fonts):
    image = canvas((2560, 1440))
    text = draw_lines(image, fonts, ["LIVE"], size=100, x=1950, first_baseline=1400)
    assert "safe_zone_badge" not in judge(image, plan_of(image, [text]), format="youtube", fonts=fonts).codes
    text = draw_lines(image, fonts, ["LIVE"], size=100, x=2220, first_baseline=1400)
    assert "safe_zone_badge" in judge(image, plan_of(image, [text]), format="youtube", fonts=fonts).codes


def test_a_logo_or_face_under_the_badge_is_found(fonts):
    image = canvas()
    logo = PlanImage(5, "logo", Rect(1130, 650, 120, 50))
    face = PlanImage(3, "photo", Rect(800, 300, 480, 420), face=Rect(1120, 600, 100, 100))
    for images in ((logo,), (face,)):
        quality = judge(image, plan_of(image, [], images=images), format="youtube", fonts=fonts)
        assert quality.codes == ("safe_zone_badge",) and not quality.passed


@pytest.mark.parametrize(("x", "inside"), [(140, True), (100, False)])
def test_instagram_text_must_stay_in_the_grid_crop(fonts, x, inside):
    image = canvas((1080, 1080))
    text = draw_lines(image, fonts, ["GRID"], size=120, x=x, first_baseline=500)
    found = [f for f in judge(image, plan_of(image, [text], format="instagram"), format="instagram", fonts=fonts).findings
             if f.code == "safe_zone_grid_crop"]
    assert bool(found) is not inside
    if found:
        assert found[0].value == pytest.approx(135 - x, abs=1)


# -- clipping, overlaps, tofu, orphans -------------------------------------------------------
def test_text_off_the_canvas_is_clipped(fonts):
    image = canvas()
    text = draw_lines(image, fonts, ["OFF THE EDGE"], size=120, x=700, first_baseline=300)
    [finding] = [f for f in judge(image, plan_of(image, [text]), format="x", fonts=fonts).findings if f.code == "clipped"]
    assert finding.severity == "fail" and finding.value == pytest.approx(text.lines[0].x_px + text.lines[0].width_px - 1280, abs=1)


def test_text_outside_its_box_is_a_warning(fonts):
    image = canvas()
    text = draw_lines(image, fonts, ["SPILL"], size=80, x=100, first_baseline=300, box=Rect(100, 200, 150, 200))
    [finding] = [f for f in judge(image, plan_of(image, [text]), format="x", fonts=fonts).findings if f.code == "clipped"]
    assert finding.severity == "warn"


def test_text_over_a_face_or_the_logo_fails(fonts):
    image = canvas()
    text = draw_lines(image, fonts, ["COVER"], size=100, x=100, first_baseline=300)
    face = PlanImage(2, "photo", Rect(0, 0, 640, 720), face=Rect(200, 180, 150, 150))
    logo = PlanImage(4, "logo", Rect(300, 250, 100, 40))
    codes = judge(image, plan_of(image, [text], images=(face, logo)), format="x", fonts=fonts).codes
    assert "text_over_face" in codes and "text_over_logo" in codes
    apart = PlanImage(2, "photo", Rect(0, 0, 640, 720), face=Rect(200, 450, 150, 150))
    assert "text_over_face" not in judge(image, plan_of(image, [text], images=(apart,)), format="x", fonts=fonts).codes


def test_tofu_counts_the_characters_no_font_draws(fonts):
    image = canvas()
    plan = plan_of(image, [], warnings=("no bundled font covers U+E000 U+10FFFD",))
    [finding] = judge(image, plan, format="x", fonts=fonts).findings
    assert (finding.code, finding.value, finding.severity) == ("tofu", 2.0, "fail")


def test_an_orphan_word_is_found_when_it_fits_beside_the_word_above(fonts):
    image = canvas()
    orphaned = draw_lines(image, fonts, ["WHY YOUR", "PYTHON CODE IS", "SLOW"], size=60, x=60, first_baseline=150)
    assert "orphan" in judge(image, plan_of(image, [orphaned]), format="x", fonts=fonts).codes
    balanced = draw_lines(canvas(), fonts, ["WHY YOUR", "PYTHON CODE", "IS SLOW"], size=60, x=60, first_baseline=150)
    assert "orphan" not in judge(image, plan_of(image, [balanced]), format="x", fonts=fonts).codes
    # the word above cannot move down without leaving one word alone in its place
    forced = draw_lines(canvas(), fonts, ["WHY YOUR", "PYTHON CODE", "SLOW"], size=60, x=60, first_baseline=150)
    assert "orphan" not in judge(image, plan_of(image, [forced]), format="x", fonts=fonts).codes


# -- the report ------------------------------------------------------------------------------
def test_the_score_costs_30_per_fail_and_8_per_warning_and_nothing_for_advice():
    fail = Finding("contrast", "m", 2.0, 4.5, "fail")
    warn = Finding("orphan", "m", None, None, "warn")
    advice = Finding("headline_suggested", "m", None, None, "warn")
    quality = Quality.from_findings([warn, advice, fail])
    assert quality.score == 100 - FAIL_COST - WARN_COST == 62
    assert quality.findings[0] is fail and not quality.passed
    assert Quality.from_findings([warn]).passed
    assert Quality.from_findings([fail] * 5).score == 0
    assert Quality.from_dict(quality.to_dict()) == quality


def test_the_judge_is_deterministic(renderer):
    thumbnail = renderer.render("Why your Python code is slow (and how to fix it)", brand="techpulse", use_logo=True)
    again = judge(thumbnail.picture, thumbnail.composed_plan, format="youtube", fonts=renderer.fonts)
    assert thumbnail.quality == again


def test_colour_emoji_are_not_measured_as_letters(fonts):
    """An emoji's own white and colours are a picture: the letters beside it are judged alone."""
    image = canvas()
    text = draw_lines(image, fonts, ["HI 🤖 1️⃣"], size=120, x=60, first_baseline=300)
    [run] = text_contrasts(image, text, typeface_for(fonts, text.font))
    assert run.ratio == pytest.approx(contrast_ratio(1.0, relative_luminance(NAVY)), rel=0.02)
    pictures = canvas()
    only_emoji = draw_lines(pictures, fonts, ["🤖🚀"], size=120, x=60, first_baseline=300)
    assert text_contrasts(pictures, only_emoji, typeface_for(fonts, only_emoji.font)) == []


@settings(max_examples=50, deadline=None)
@given(color=colors)
def test_channel_luminance_is_wcag_relative_luminance(color):
    import numpy as np

    from renderer.colors import channel_luminance

    channels = [np.array([value], dtype=np.uint8) for value in color]
    assert float(channel_luminance(*channels)[0]) == pytest.approx(relative_luminance(color), abs=1e-5)
