"""Every title renders: golden images per script and for mixed titles, RTL alignment, colour
emoji, uncovered code points reported, and any Unicode string renders or raises a UserError.

Goldens follow tests/test_golden.py (same tolerance, ``--update-goldens`` to regenerate).
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from renderer.errors import UserError

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
    golden.check(f"script-{name}", thumbnail.data, mean_tolerance=1.5, changed_fraction=0.005)


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
def test_any_unicode_string_renders_or_raises_a_user_error(renderer, title):
    try:
        thumbnail = renderer.render(title, format="youtube", layout="youtube-bold", output_format="png")
    except UserError:
        return
    assert thumbnail.data.startswith(b"\x89PNG")
