"""The bundled fallback chain: licences, sizes, coverage per script, and no .notdef for covered text."""

from __future__ import annotations

import importlib.util
import sys
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from renderer.text.fonts import FontBook
from renderer.text.itemize import needs_glyph
from renderer.text.segment import graphemes
from renderer.text.typeset import Typeface

FONTS = Path(__file__).resolve().parents[2] / "fonts"

SAMPLES = {
    "Latin": "AaZzÉéßŁłŒœ Ñ ç",
    "Cyrillic": "ЖжЯяЁёЩщ",
    "Greek": "ΑαΩωΣσς",
    "Arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئة٠١٢٣٤٥٦٧٨٩،؟",
    "Hebrew": "אבגדהוזחטיכךלמםנןסעפףצץקרשת",
    "Devanagari": "अआइईउऊऋएऐओऔकखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसह ०१२ क्ष त्र ज्ञ श्र हिन्दी",
    "Thai": "กขคงจฉชซญฎฏฐณดตถทธนบปผพฟภมยรลวศษสหฬอฮ",
    "Chinese simplified": "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经",
    "Chinese traditional": "們這個來說時會為國學對發動當經過與開關書長問題體見電話點機還進實現東車",
    "Japanese": "あいうえおかきくけこさしすせそアイウエオカキクケコーッャ東京都大阪府漢字日本語話題",
    "Korean": "가나다라마바사아자차카타파하한국어초보자위한",
    "CJK punctuation": "、。「」『』【】（）！？：；…・〜",
    "Symbols": "→←↑↓★☆✓✔✗∞≠≤≥±×÷§¶©®™°•",
}
EMOJI = [
    "\U0001F600", "\U0001F525", "\U0001F680", "\U0001F44D\U0001F3FD", "1\ufe0f\u20e3", "#\ufe0f\u20e3",
    "\U0001F1EF\U0001F1F5", "\U0001F1FA\U0001F1F8", "\u2764\ufe0f", "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466",
    "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", "\U0001F9D1\U0001F3FD\u200d\U0001F4BB",
]


@pytest.fixture(scope="module")
def book() -> FontBook:
    return FontBook()


@pytest.fixture(scope="module")
def typeface(book) -> Typeface:
    return Typeface(book.face("inter", "black"), book.fallbacks("black"))


@cache
def cmap_of(path: Path) -> dict[int, str]:
    with TTFont(str(path), lazy=True) as font:
        return dict(font.getBestCmap())


def test_chain_order_and_every_family_has_its_license(book):
    assert book.fallback_families == (
        "inter", "noto-sans-arabic", "noto-sans-hebrew", "noto-sans-devanagari", "noto-sans-thai",
        "noto-sans-cjk", "dejavu-sans", "noto-color-emoji",
    )
    for face in book.fallbacks("black"):
        assert (face.path.parent / "LICENSE").is_file(), face.path


def test_fallbacks_use_the_nearest_weight(book):
    weights = {face.family: face.weight for face in book.fallbacks("black")}
    assert weights["inter"] == "black"
    assert weights["noto-sans-arabic"] == "bold"
    assert weights["dejavu-sans"] == "bold"
    assert {face.family: face.weight for face in book.fallbacks("regular")}["dejavu-sans"] == "regular"


def test_added_fallback_fonts_stay_under_15_mb():
    total = sum(p.stat().st_size for d in FONTS.glob("noto-*") for p in d.iterdir())
    assert total < 15_000_000, f"{total / 1e6:.2f} MB"


@pytest.mark.parametrize("script", list(SAMPLES))
def test_every_sample_character_is_covered_and_not_notdef(typeface, script):
    text = SAMPLES[script]
    assert typeface.missing(text) == []
    for run in typeface.runs(text):
        cmap = cmap_of(run.face.path)
        for char in run.text:
            if needs_glyph(char):
                assert cmap.get(ord(char), ".notdef") != ".notdef", f"U+{ord(char):04X} in {run.face.key}"


@pytest.mark.parametrize("script", list(SAMPLES))
def test_every_sample_cluster_draws_ink(typeface, script):
    for cluster in graphemes(SAMPLES[script]):
        if cluster.isspace():
            continue
        (run,) = typeface.runs(cluster)
        left, top, right, bottom = run.face.at(64).getbbox(cluster)
        assert right > left and bottom > top, f"{cluster!r} ({run.face.key}) draws nothing"


@pytest.mark.parametrize("sequence", EMOJI)
def test_emoji_go_to_the_colour_font_and_have_a_bitmap(typeface, sequence):
    (run,) = typeface.runs(sequence)
    assert run.face.family == "noto-color-emoji"
    with TTFont(str(run.face.path), lazy=True) as font:
        strike = font["CBDT"].strikeData[0]
    cmap = cmap_of(run.face.path)
    for char in sequence:
        if needs_glyph(char):
            assert cmap[ord(char)] in strike or char in "#0123456789*", f"U+{ord(char):04X}"
    width_px = run.face.at(0).getbbox(sequence)[2]
    assert width_px < 2 * run.face.bitmap_size_px, "a sequence must shape to one glyph, not fall apart"


def test_all_hangul_syllables_are_covered(book):
    cmap = cmap_of(book.face("noto-sans-cjk", "bold").path)
    missing = [cp for cp in range(0xAC00, 0xD7A4) if cmap.get(cp, ".notdef") == ".notdef"]
    assert missing == []


def test_cjk_subset_holds_the_build_scripts_common_set(book):
    spec = importlib.util.spec_from_file_location("build_fallbacks", FONTS / "build_fallbacks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    wanted = module.cjk_code_points()
    assert len(module.common_han()) == 7174
    cmap = cmap_of(book.face("noto-sans-cjk", "bold").path)
    missing = sorted(cp for cp in wanted if cp not in cmap)
    # unassigned code points in the ranges and a little punctuation the source never had may be
    # absent, but no letter: no Han, kana or Hangul
    letters = [f"U+{cp:04X}" for cp in missing if unicodedata.category(chr(cp)).startswith("L")]
    assert letters == []
    assert len(missing) < 40


def test_a_character_no_font_covers_is_reported(typeface):
    assert typeface.missing("Tamil தமிழ் and \U000E0001") == [0x0BA4, 0x0BAE, 0x0BB4, 0x0BBF, 0x0BCD]
