"""Grapheme clusters, line-break atoms (CJK kinsoku, emoji, Korean, RTL) and emphasis markup."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renderer.errors import InputError
from renderer.segment import Atom, atoms_from_text, graphemes, is_emoji_cluster, parse_emphasis, upper_for_display

FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466"  # man, woman, girl, boy
THUMBS_MEDIUM = "\U0001F44D\U0001F3FD"
KEYCAP_ONE = "1\ufe0f\u20e3"
FLAG_JP = "\U0001F1EF\U0001F1F5"
FLAG_US = "\U0001F1FA\U0001F1F8"
FLAG_ENGLAND = "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"


def texts(atoms: list[Atom]) -> list[str]:
    return [atom.text for atom in atoms]


@pytest.mark.parametrize(
    "cluster", [FAMILY, THUMBS_MEDIUM, KEYCAP_ONE, FLAG_JP, FLAG_ENGLAND, "\u2764\ufe0f\u200d\U0001F525", "e\u0301"]
)
def test_emoji_sequences_and_combining_marks_are_one_grapheme(cluster):
    assert graphemes(cluster) == [cluster]
    assert graphemes(f"a{cluster}b") == ["a", cluster, "b"]


def test_adjacent_flags_are_separate_graphemes():
    assert graphemes(FLAG_JP + FLAG_US) == [FLAG_JP, FLAG_US]


def test_devanagari_conjuncts_stay_in_one_grapheme():
    assert graphemes("क्षत्रिय") == ["क्ष", "त्रि", "य"]
    assert atoms_from_text("क्षत्रिय हिन्दी") == [Atom("क्षत्रिय", False, False), Atom("हिन्दी", True, False)]


@pytest.mark.parametrize(
    ("cluster", "emoji"),
    [
        ("\U0001F600", True),  # Emoji_Presentation
        (FAMILY, True),
        (THUMBS_MEDIUM, True),
        (KEYCAP_ONE, True),
        (FLAG_JP, True),
        ("\u2764\ufe0f", True),  # text-default heart + VS16
        ("\u2764", False),  # text-default heart alone
        ("\u231a\ufe0e", False),  # emoji-default watch + VS15
        ("1", False),
        ("\u00a9", False),
        ("A", False),
    ],
)
def test_emoji_presentation_follows_uts51(cluster, emoji):
    assert is_emoji_cluster(cluster) is emoji


def test_latin_words_are_atoms_separated_by_spaces():
    assert atoms_from_text("Hello,  brave new world!") == [
        Atom("Hello,", False, False), Atom("brave", True, False), Atom("new", True, False), Atom("world!", True, False),
    ]


def test_japanese_breaks_between_characters_with_kinsoku():
    atoms = atoms_from_text("東京「タワー」へ行こう！今日は、晴れ。")
    assert texts(atoms) == ["東", "京", "「タ", "ワー」", "へ", "行", "こ", "う！", "今", "日", "は、", "晴", "れ。"]
    assert all(not atom.space_before for atom in atoms)


@pytest.mark.parametrize("closing", list("、。，．！？）」』…ー・々ゃッ"))
def test_line_start_prohibited_characters_glue_to_the_previous_atom(closing):
    assert texts(atoms_from_text(f"日本{closing}語")) == ["日", f"本{closing}", "語"]


@pytest.mark.parametrize("opening", list("（「『【〔“"))
def test_line_end_prohibited_characters_glue_to_the_next_atom(opening):
    assert texts(atoms_from_text(f"日本{opening}語")) == ["日", "本", f"{opening}語"]


def test_chinese_with_latin_and_numbers():
    atoms = atoms_from_text("2026年最值得购买的iPhone 16，你选对了吗？")
    assert texts(atoms) == ["2026", "年", "最", "值", "得", "购", "买", "的", "iPhone", "16，", "你", "选", "对", "了", "吗？"]
    assert [atom.space_before for atom in atoms][8:10] == [False, True]


def test_korean_breaks_at_spaces_only():
    assert atoms_from_text("초보자를 위한 파이썬 가이드") == [
        Atom("초보자를", False, False), Atom("위한", True, False), Atom("파이썬", True, False), Atom("가이드", True, False),
    ]


def test_emoji_are_never_split_and_sit_between_cjk_characters():
    atoms = atoms_from_text(f"{FAMILY}{THUMBS_MEDIUM} 家族{KEYCAP_ONE}{FLAG_JP}")
    assert texts(atoms) == [FAMILY, THUMBS_MEDIUM, "家", "族", KEYCAP_ONE, FLAG_JP]


def test_an_emoji_attached_to_a_latin_word_stays_with_it():
    assert texts(atoms_from_text("Launch\U0001F680 now")) == ["Launch\U0001F680", "now"]


def test_arabic_and_hebrew_words_with_numbers():
    assert texts(atoms_from_text("أفضل 10 نصائح")) == ["أفضل", "10", "نصائح"]
    assert texts(atoms_from_text("איך ללמוד Python ב-30 יום")) == ["איך", "ללמוד", "Python", "ב-30", "יום"]


def test_no_break_spaces_join_and_zero_width_space_splits():
    assert atoms_from_text("a\u00a0b c\u200bd") == [Atom("a\u00a0b", False, False), Atom("c", True, False), Atom("d", False, False)]


def test_text_is_nfc_normalised():
    assert atoms_from_text("Cafe\u0301") == [Atom("Café", False, False)]


def test_unpaired_surrogate_is_a_user_error():
    with pytest.raises(InputError, match=r"unpaired surrogate U\+D800"):
        atoms_from_text("bad \ud800 title")


# -- emphasis markup -------------------------------------------------------------------------
def test_marked_words_are_emphasised_and_marks_removed():
    assert atoms_from_text("The *secret* of *fast code*") == [
        Atom("The", False, False), Atom("secret", True, True), Atom("of", True, False),
        Atom("fast", True, True), Atom("code", True, True),
    ]


def test_double_asterisks_count_as_one_mark():
    assert atoms_from_text("**bold** move") == [Atom("bold", False, True), Atom("move", True, False)]


def test_marks_inside_cjk_emphasise_single_characters():
    atoms = atoms_from_text("これは*重要*です")
    assert [(a.text, a.emphasis) for a in atoms] == [
        ("こ", False), ("れ", False), ("は", False), ("重", True), ("要", True), ("で", False), ("す", False),
    ]


@pytest.mark.parametrize("title", ["5 * 3 = 15", "a lone * here", "*", "**", "trailing *", "* leading"])
def test_lone_asterisks_stay_literal(title):
    assert "".join(a.text for a in atoms_from_text(title)) == title.replace(" ", "")
    assert not any(a.emphasis for a in atoms_from_text(title))


def test_partly_marked_atom_is_emphasised_whole():
    assert atoms_from_text("*Apple*'s") == [Atom("Apple's", False, True)]


def test_parse_emphasis_reports_per_character_flags():
    assert parse_emphasis("a *bc* d") == ("a bc d", (False, False, True, True, False, False))


@settings(max_examples=300)
@given(st.lists(st.sampled_from(
    list("ab 、。「」東京*") + [FAMILY, THUMBS_MEDIUM, KEYCAP_ONE, FLAG_JP, "\u0301", "\u200d", "\ufe0f", "ש", "ك", "क्ष"]
)).map("".join))
def test_atoms_are_whole_graphemes_and_keep_every_visible_character(text):
    atoms = atoms_from_text(text)
    plain, _ = parse_emphasis(unicodedata.normalize("NFC", text))
    expected = [g for g in graphemes(unicodedata.normalize("NFC", plain)) if not g[0].isspace()]
    assert [g for atom in atoms for g in graphemes(atom.text)] == expected
    assert all(atom.text for atom in atoms)
    assert not atoms or atoms[0].space_before is False


@pytest.mark.parametrize(
    ("text", "upper"),
    [("Πώς να μάθετε", "ΠΩΣ ΝΑ ΜΑΘΕΤΕ"), ("προϊόντα", "ΠΡΟΪΟΝΤΑ"), ("ἄνθρωπος", "ΑΝΘΡΩΠΟΣ"),
     ("Straße café", "STRASSE CAFÉ"), ("東京 tokyo", "東京 TOKYO")],
)
def test_upper_case_drops_greek_accents_only(text, upper):
    assert upper_for_display(text) == upper
