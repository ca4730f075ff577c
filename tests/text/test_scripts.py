"""Every title renders: golden images per script and for mixed titles, RTL alignment, colour
emoji, uncovered code points reported, and any Unicode string renders or raises a UserError.

Goldens (tests/text/golden/) follow tests/compose/test_layout_goldens.py (same tolerance, ``--update-goldens`` to regenerate).
"""

from __future__ import annotations

import io
import unicodedata

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from renderer.errors import InputError

SCRIPT_TITLES = {
    "arabic": "أفضل *10* نصائح للبرمجة بلغة بايثون في 2026",
    "hebrew": "איך ללמוד Python ב-30 יום: המדריך *המלא*",
    "japanese": "東京で一番おいしい「ラーメン」ランキング！*ベスト10*を発表します。",
    "chinese": "2026年最值得购买的*十款*手机，你选对了吗？",
    "traditional-chinese": "這個週末要去哪裡？*台北*美食地圖",
    "korean": "초보자를 위한 *파이썬* 완벽 가이드 2026",
    "hindi": "हिन्दी में *पाइथन* सीखें: शुरुआती के लिए पूरी गाइड",
    "russian": "Как выучить *Python* за 30 дней",
    "greek": "Πώς να μάθετε *Python* σε 30 ημέρες",
    "thai": "เรียน Python ใน *30 วัน*",
    "emoji": "🔥 *Top 10* Gadgets 2026 🚀👨‍👩‍👧‍👦 👍🏽 1️⃣ 🇯🇵",
    "mixed": "Learn 日本語, العربية & עברית in *30 days* 🎉",
    "mixed-rtl": "תוכנית *AI* חדשה: 5 טיפים ל-ChatGPT 🤖",
}


@pytest.mark.parametrize("name", list(SCRIPT_TITLES))
def test_script_title_matches_its_golden(renderer, golden, name):
    thumbnail = renderer.render(SCRIPT_TITLES[name], format="youtube", layout="youtube-bold", output_format="png")
    assert thumbnail.warnings == ()
    golden.check(f"script-{name}", thumbnail.data, plan=thumbnail.plan, mean_tolerance=1.5, changed_fraction=0.005)


@pytest.mark.parametrize("name", ["arabic", "hebrew", "mixed-rtl"])
def test_rtl_titles_are_right_aligned_in_a_left_aligned_layout(renderer, name):
    (text,) = renderer.render(SCRIPT_TITLES[name], layout="youtube-bold", output_format="png").plan.texts
    rights = {round(line.x_px + line.width_px) for line in text.lines}
    lefts = {round(line.x_px) for line in text.lines}
    assert len(text.lines) > 1
    assert max(rights) - min(rights) <= 1, rights
    assert len(lefts) > 1


def test_ltr_titles_stay_left_aligned(renderer):
    (text,) = renderer.render(SCRIPT_TITLES["mixed"], layout="youtube-bold", output_format="png").plan.texts
    assert len({round(line.x_px) for line in text.lines}) == 1


def test_rtl_line_segments_are_in_visual_order(renderer):
    (text,) = renderer.render("איך ללמוד *Python* היום ומחר", layout="youtube-bold", output_format="png").plan.texts
    for line in text.lines:
        xs = [segment.x_px for segment in line.segments]
        assert xs == sorted(xs)  # segments are listed left to right
    first_line = text.lines[0]
    assert "איך" in first_line.segments[-1].text and first_line.segments[-1].rtl  # the first word is at the right
    segments = [segment for line in text.lines for segment in line.segments]
    python = next(s for s in segments if s.text.strip().upper() == "PYTHON")
    assert python.emphasis and not python.rtl


def test_emoji_are_drawn_in_colour(renderer):
    data = renderer.render("🔥🔥🔥", layout="youtube-bold", output_format="png").data
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    orange = (red > 200) & (green > 60) & (green < 170) & (blue < 80)
    assert orange.sum() > 2000


def test_cjk_lines_wrap_between_characters(renderer):
    (text,) = renderer.render(SCRIPT_TITLES["japanese"], layout="youtube-bold", output_format="png").plan.texts
    lines = ["".join(s.text for s in line.segments) for line in text.lines]
    assert len(lines) >= 2
    for line in lines[1:]:
        assert line[0] not in "、。，．！？）」』…ー", lines  # kinsoku: nothing line-start-prohibited
    for line in lines[:-1]:
        assert line[-1] not in "（「『", lines


def test_uncovered_code_points_are_a_warning_naming_them(renderer):
    thumbnail = renderer.render("Tamil தமிழ் title", layout="youtube-bold", output_format="png")
    assert any(w.startswith("no bundled font covers U+0BA4 U+0BAE") for w in thumbnail.warnings), thumbnail.warnings


INTERESTING = list("aZ 1*()「」、。") + [
    "\u200d", "\ufe0f", "\ufe0e", "\u20e3", "\u0301", "\u064b", "\u200f", "\u202e", "\u2067", "\u2069", "\u00ad",
    "\U0001F468", "\U0001F3FD", "\U0001F1EF", "\U0001F1F5", "\U0001F525", "\U000E0067", "\U000E007F",
    "ש", "م", "ك", "क", "्", "ष", "東", "あ", "한", "ก", "\u0e49", "\ud800", "\udfff", "\x00", "\n", "\t",
    "\ufffe", "\U0010ffff", "\ue000", "\u0bae", "\u3000", "\u2028",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(INTERESTING) | st.characters(), max_size=40).map("".join),
))
@pytest.mark.slow
def test_any_unicode_string_renders_or_is_refused_for_what_it_is(renderer, title):
    """Which strings are refused is decided here from the string alone, not from whether rendering
    raised: a lone surrogate (half of a character cut in two), or nothing visible to draw (only
    spaces, controls and zero-width format characters). Everything else renders."""
    lone_surrogate = next((i for i, ch in enumerate(title) if 0xD800 <= ord(ch) <= 0xDFFF), None)
    nothing_visible = all(unicodedata.category(ch)[0] == "Z" or unicodedata.category(ch) in ("Cc", "Cf")
                          for ch in unicodedata.normalize("NFC", title) if not 0xD800 <= ord(ch) <= 0xDFFF)
    if lone_surrogate is not None:
        with pytest.raises(InputError, match=rf"^title must be valid Unicode text: a lone surrogate \\u{ord(title[lone_surrogate]):04x} "
                                             rf"at character {lone_surrogate + 1} "):
            renderer.render(title, format="youtube", layout="youtube-bold", output_format="png")
    elif nothing_visible:
        with pytest.raises(InputError, match="^title is required$"):
            renderer.render(title, format="youtube", layout="youtube-bold", output_format="png")
    else:
        thumbnail = renderer.render(title, format="youtube", layout="youtube-bold", output_format="png")
        assert thumbnail.data.startswith(b"\x89PNG")
        assert thumbnail.plan.texts, "a visible title draws a text layer"


# -- line breaking by phrase, leading, mirroring, closing emoji -------------------------------
import budoux  # noqa: E402

from renderer.compose.mirror import mirror_corner, mirror_for_rtl, mirror_layout  # noqa: E402
from renderer.text.segment import graphemes, is_emoji_cluster  # noqa: E402
from renderer.text.fit import FitRules, fit_text  # noqa: E402
from renderer.text.title import atoms_from_text  # noqa: E402
from renderer.text.typeset import INK_CLEARANCE_EM, SCRIPT_LINE_HEIGHT, Typeface, fit_with_leading  # noqa: E402

PARSERS = {
    "ja": budoux.load_default_japanese_parser(),
    "zh-hans": budoux.load_default_simplified_chinese_parser(),
    "zh-hant": budoux.load_default_traditional_chinese_parser(),
    "th": budoux.load_default_thai_parser(),
}
PHRASE_TITLES = [
    ("ja", "東京で一番おいしいラーメンランキングベスト10を発表します"),
    ("ja", "あなたのコードが遅い本当の理由と今日からできる対策"),
    ("ja", "初心者でもわかるプログラミング入門講座"),
    ("zh-hans", "为什么你的Python代码这么慢"),
    ("zh-hans", "2026年最值得购买的十款手机你选对了吗"),
    ("zh-hant", "這個週末要去哪裡台北美食地圖"),
    ("th", "เรียนภาษาไทยด้วยตัวเองง่ายๆภายในสามสิบวันสำหรับผู้เริ่มต้น"),
]


def _typeface(renderer, key: str = "league-spartan:black") -> Typeface:
    family, weight = key.split(":")
    return Typeface(renderer.fonts.face(family, weight), renderer.fonts.fallbacks(weight))


def _break_offsets(lines) -> list[int]:
    offsets, position = [], 0
    for line in lines[:-1]:
        position += len("".join(atom.text for atom in line.atoms))
        offsets.append(position)
    return offsets


def _phrase_starts(language: str, title: str) -> set[int]:
    starts, position = set(), 0
    for phrase in PARSERS[language].parse(title):
        starts.add(position)
        position += len(phrase)
    return starts


@pytest.mark.parametrize(("language", "title"), PHRASE_TITLES)
@pytest.mark.parametrize("slack", [1.02, 1.4, 2.0, 3.0])
def test_lines_break_only_between_budoux_phrases_in_a_narrow_box(renderer, language, title, slack):
    """Boxes from just wider than the widest atom at the minimum size: every line break falls on
    a BudouX phrase boundary (computed here by BudouX itself), so no phrase is ever split."""
    typeface = _typeface(renderer)
    atoms = atoms_from_text(title)
    rules = FitRules(min_size_px=24, max_size_px=120, max_lines=12, line_height=1.0)
    widest = max(typeface.width_em(atom.text) for atom in atoms)
    box_width_px = widest * rules.min_size_px * slack
    fitted = fit_with_leading(atoms, box_width_px=box_width_px, box_height_px=3000, rules=rules,
                              measure=typeface.for_text(title))
    assert not fitted.broke_words and not fitted.truncated
    assert len(fitted.lines) >= 2
    assert "".join(atom.text for atom in fitted.atoms) == title
    breaks = _break_offsets(fitted.lines)
    assert set(breaks) <= _phrase_starts(language, title), ([line.text for line in fitted.lines], PARSERS[language].parse(title))


def test_a_long_unspaced_thai_title_wraps_between_phrases(renderer):
    title = PHRASE_TITLES[-1][1]
    thumbnail = renderer.render(title, format="instagram", layout="instagram-bold", output_format="png")
    assert thumbnail.warnings == ()  # nothing "wider than its box and broken"
    (text,) = thumbnail.plan.texts
    assert len(text.lines) >= 3 and text.size_px > 100
    joined = ["".join(segment.text for segment in line.segments) for line in text.lines]
    position, starts = 0, _phrase_starts("th", title)
    for line in joined[:-1]:
        position += len(line)
        assert position in starts, joined


def test_kinsoku_holds_with_phrases_in_a_narrow_box(renderer):
    typeface = _typeface(renderer)
    title = "東京「タワー」へ行こう！今日は、晴れ。明日は（たぶん）雨…ですね。"
    for width in (200, 300, 420):
        rules = FitRules(min_size_px=24, max_size_px=90, max_lines=12, line_height=1.0)
        fitted = fit_with_leading(atoms_from_text(title), box_width_px=width, box_height_px=3000, rules=rules,
                                  measure=typeface.for_text(title))
        lines = [line.text for line in fitted.lines]
        assert len(lines) >= 3
        for line in lines[1:]:
            assert line[0] not in "、。，．！？）」』…ー", lines
        for line in lines[:-1]:
            assert line[-1] not in "（「『", lines


LEADING_TITLES = {
    "arabic": ("أفضل 10 نصائح للبرمجة بلغة بايثون في 2026", 1.35),
    "arabic-deep": ("في أي يوم يأتي الإمام إلى قريتي؟ ضيفي يؤكد", 1.35),
    "hebrew": (SCRIPT_TITLES["hebrew"], 1.25),
    "chinese": ("为什么你的Python代码这么慢", 1.2),
    "japanese": (SCRIPT_TITLES["japanese"], 1.2),
    "korean": (SCRIPT_TITLES["korean"], 1.2),
    "hindi": (SCRIPT_TITLES["hindi"], 1.25),
    "thai": (PHRASE_TITLES[-1][1], 1.25),
}


@pytest.mark.parametrize("name", list(LEADING_TITLES))
@pytest.mark.parametrize("fmt", ["youtube", "instagram"])
def test_adjacent_lines_keep_ink_clearance_and_the_script_leading(renderer, name, fmt):
    """Each line's ink is drawn alone from the plan; the white between the lowest ink of a line
    and the highest ink of the next must be at least INK_CLEARANCE_EM in whole pixels (less 1 px:
    a baseline lands on a whole pixel, and faint anti-aliased edges are not counted as ink)."""
    title, floor = LEADING_TITLES[name]
    thumbnail = renderer.render(title, format=fmt, output_format="png")
    (text,) = thumbnail.plan.texts
    assert len(text.lines) >= 2
    assert text.line_height_px / text.size_px >= floor - 1e-6
    typeface = _typeface(renderer, text.font)
    boxes = []
    for line in text.lines:
        mask = Image.new("L", (thumbnail.plan.width_px, thumbnail.plan.height_px), 0)
        for segment in line.segments:
            typeface.draw(mask, segment.x_px, line.baseline_px, segment.text, text.size_px, fill=255, rtl=segment.rtl)
        boxes.append(mask.point(lambda v: 255 if v > 64 else 0).getbbox())
    for upper, lower in zip(boxes, boxes[1:]):
        gap_px = lower[1] - upper[3]
        assert gap_px >= round(INK_CLEARANCE_EM * text.size_px) - 1, (name, fmt, gap_px, text.size_px, text.line_height_px)


def test_latin_titles_keep_the_layouts_leading(renderer):
    (text,) = renderer.render("Why your Python code is slow", layout="youtube-bold", output_format="png").plan.texts
    assert text.line_height_px == text.size_px * 1.0
    assert set(SCRIPT_LINE_HEIGHT) >= {"Han", "Arabic", "Hebrew", "Devanagari"}


def _accent_bar_columns(data: bytes) -> tuple[bool, bool]:
    """Whether the youtube-bold accent bar (16 px wide, x 77 or mirrored 1187, y 144-576) is drawn
    on the left and on the right: its column is one flat colour unlike the pixels beside it."""
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)

    def bar_at(x: int) -> bool:
        column = pixels[200:520, x + 4 : x + 12]
        outside = pixels[200:520, x - 12 : x - 4]
        return float(column.std(axis=(0, 1)).max()) < 3 and float(np.abs(column.mean(axis=(0, 1)) - outside.mean(axis=(0, 1))).max()) > 60

    return bar_at(77), bar_at(1280 - 77 - 16)


def test_rtl_titles_mirror_the_layout_so_the_accent_bar_is_beside_the_text(renderer):
    ltr = renderer.render("Learn Python in 30 days", layout="youtube-bold", output_format="png")
    assert _accent_bar_columns(ltr.data) == (True, False)
    for name in ("arabic", "hebrew", "mixed-rtl"):
        rtl = renderer.render(SCRIPT_TITLES[name], layout="youtube-bold", output_format="png")
        assert _accent_bar_columns(rtl.data) == (False, True), name
        (text,) = rtl.plan.texts
        assert text.box.x == 1280 - 129 - 1074  # the text box mirrored too
        right = max(line.x_px + line.width_px for line in text.lines)
        assert 1280 - 77 - 16 - right < 80  # the text ends just left of the bar


def test_mirroring_flips_boxes_fills_corners_and_ltr_alignment(renderer):
    from renderer.spec.layout import BackgroundLayer, PhotoLayer, ShapeLayer, TextLayer

    spec = renderer.layouts["youtube-split"].spec
    mirrored = mirror_layout(spec)
    photo = next(layer for layer in mirrored.layers if isinstance(layer, PhotoLayer))
    assert photo.box.x == 1280 - 666 - 589
    background = next(layer for layer in mirrored.layers if isinstance(layer, BackgroundLayer))
    assert background.fill.angle_deg == 180 - 35 and background.frame.scrim == "right"
    glow = next(layer for layer in mirrored.layers if isinstance(layer, ShapeLayer))
    assert glow.box.x == 1280 - 640 - 640
    assert mirror_layout(mirrored) == spec
    number = TextLayer.model_validate({"kind": "text", "text": "7", "box": {"x": 0, "y": 0, "width": 100, "height": 100},
                                       "size_px": {"min": 10, "max": 20}, "align": "left"})
    title = number.model_copy(update={"text": "שבע דרכים"})
    assert mirror_layout(spec.model_copy(update={"layers": [number, title]})).layers[0].align == "right"
    assert mirror_layout(spec.model_copy(update={"layers": [number, title]})).layers[1].align == "left"  # compose flips RTL text
    assert [mirror_corner(c) for c in ("top-left", "top-right", "bottom-left", "bottom-right")] == [
        "top-right", "top-left", "bottom-right", "bottom-left"]


def test_ltr_scenes_are_not_touched(renderer):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class FakeScene:
        layout: object
        logo: object = None

    scene = FakeScene(renderer.layouts["youtube-bold"].spec)
    assert mirror_for_rtl(scene) is scene


def _emoji_only(line) -> bool:
    return all(is_emoji_cluster(c) for atom in line.atoms for c in graphemes(atom.text))


@pytest.mark.parametrize("title", ["I BUILT A PASTA MACHINE 🍝🔥", "I TRIED EVERY PASTA IN ROME 🍝🔥",
                                   "I BUILT A HOUSE IN MINECRAFT 🍝🔥", "WHY I QUIT MY JOB 😱"])
@pytest.mark.parametrize("box", [(1074, 590, 4), (898, 886, 5), (600, 600, 4)])
def test_a_closing_emoji_line_is_avoided_unless_it_costs_too_much_size(renderer, title, box):
    from renderer.text.typeset import EMOJI_GLUE_MAX_SHRINK

    typeface = _typeface(renderer)
    atoms = atoms_from_text(title)
    rules = FitRules(min_size_px=40, max_size_px=190, max_lines=box[2], line_height=1.0)
    measure = typeface.for_text(title)
    plain = fit_text(atoms, box_width_px=box[0], box_height_px=box[1], rules=rules, measure=measure)
    fitted = fit_with_leading(atoms, box_width_px=box[0], box_height_px=box[1], rules=rules, measure=measure)
    if _emoji_only(fitted.lines[-1]):
        assert fitted.size_px >= plain.size_px - 1  # kept: joining would have shrunk the title too much
    else:
        assert fitted.size_px >= plain.size_px * (1 - EMOJI_GLUE_MAX_SHRINK) - 1


def test_the_reviewed_emoji_title_keeps_its_emoji_with_the_last_word_on_youtube(renderer):
    (text,) = renderer.render("I BUILT A PASTA MACHINE 🍝🔥", format="youtube", output_format="png").plan.texts
    last = "".join(segment.text for segment in text.lines[-1].segments)
    assert "MACHINE" in last and "🍝🔥" in last
