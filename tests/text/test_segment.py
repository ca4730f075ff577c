"""Grapheme clusters, line-break atoms (BudouX phrases for CJK and Thai, kinsoku, emoji, Korean,
RTL) and emphasis markup."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from renderer.errors import InputError
from renderer.text import segment
from renderer.text.segment import (
    Atom, atoms_from_text, graphemes, is_emoji_cluster, keep_trailing_emoji, parse_emphasis, upper_for_display,
)

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


def test_japanese_breaks_between_phrases_with_kinsoku():
    atoms = atoms_from_text("東京「タワー」へ行こう！今日は、晴れ。")
    assert texts(atoms) == ["東京「タワー」へ", "行こう！", "今日は、", "晴れ。"]
    assert all(not atom.space_before for atom in atoms)


@pytest.mark.parametrize(
    ("title", "phrases"),
    [
        ("为什么你的Python代码这么慢", ["为什么", "代码", "这么"]),  # the review's 代|码 split
        ("あなたのコードが遅い本当の理由", ["あなたの", "コードが", "本当の", "理由"]),  # コー|ド
        ("東京で一番おいしい「ラーメン」ランキング！", ["東京で", "おいしい", "「ラーメン」", "ランキング！"]),
        ("這個週末要去哪裡？台北美食地圖", ["台北", "美食", "地圖"]),
        ("2026年最值得购买的十款手机，你选对了吗？", ["2026年", "购买", "十款", "手机，"]),
    ],
)
def test_cjk_phrases_are_never_split(title, phrases):
    atoms = texts(atoms_from_text(title))
    for phrase in phrases:
        assert any(phrase in atom for atom in atoms), (phrase, atoms)


def test_a_latin_word_glues_to_the_cjk_after_it_and_breaks_before_only_at_a_phrase():
    assert texts(atoms_from_text("为什么你的Python代码这么慢")) == ["为什么", "你", "的", "Python代码", "这么", "慢"]
    assert texts(atoms_from_text("PythonのコードをGPUで速くする方法")) == ["Pythonの", "コードを", "GPUで", "速くする", "方法"]
    assert "学习Python编程" in texts(atoms_from_text("学习Python编程的十个技巧"))  # no phrase boundary before Python
    assert not any("Py" in atom and "thon" not in atom for atom in texts(atoms_from_text("为什么你的Python代码")))


@pytest.mark.parametrize(
    ("title", "language"),
    [("为什么你的代码这么慢", "zh-hans"), ("這個週末要去哪裡", "zh-hant"), ("台北美食地圖", "zh-hant"),
     ("東京大学の入試", "ja"), ("東京大学 入試問題の解き方", "ja"), ("Python 3.13", "zh-hans")],
)
def test_the_cjk_model_is_chosen_per_title(title, language):
    assert segment._cjk_language(title) == language


@pytest.mark.parametrize("closing", list("、。，．！？）」』…ー・々ゃッ"))
def test_line_start_prohibited_characters_never_start_an_atom(closing):
    for title in (f"日本{closing}語", f"東京で一番{closing}おいしい", f"为什么你的代码{closing}这么慢"):
        atoms = atoms_from_text(title)
        assert closing in "".join(texts(atoms))
        assert not any(atom.text.startswith(closing) for atom in atoms[1:]), texts(atoms)


@pytest.mark.parametrize("opening", list("（「『【〔“"))
def test_line_end_prohibited_characters_never_end_an_atom(opening):
    for title in (f"日本{opening}語", f"東京で一番{opening}おいしい", f"为什么你的{opening}代码这么慢"):
        atoms = atoms_from_text(title)
        assert not any(atom.text.endswith(opening) for atom in atoms), texts(atoms)


KINSOKU_START = "、。，．！？）」』…ー・々ゃッ"
KINSOKU_END = "（「『【〔“"


@settings(max_examples=300)
@given(st.lists(st.sampled_from(
    list("東京日本語的了吗代码这么慢あいうえおカタナ") + list(KINSOKU_START + KINSOKU_END) + ["Python", "10", " ", "🔥"]
), max_size=30).map("".join))
def test_kinsoku_holds_between_every_two_atoms_of_random_cjk(text):
    atoms = atoms_from_text(text)
    for before, after in zip(atoms, atoms[1:]):
        if after.space_before:
            continue  # a space is always a break opportunity
        assert after.text[0] not in KINSOKU_START, texts(atoms)
        assert before.text[-1] not in KINSOKU_END, texts(atoms)


def test_chinese_with_latin_and_numbers():
    atoms = atoms_from_text("2026年最值得购买的iPhone 16，你选对了吗？")
    assert texts(atoms) == ["2026年", "最", "值", "得", "购买", "的", "iPhone", "16，", "你", "选", "对", "了", "吗？"]
    assert [atom.space_before for atom in atoms][6:8] == [False, True]


THAI = "เรียนภาษาไทยด้วยตัวเองง่ายๆภายในสามสิบวันสำหรับผู้เริ่มต้น"


def test_thai_breaks_between_phrases_and_never_before_mai_yamok():
    atoms = texts(atoms_from_text(THAI))
    assert len(atoms) > 5
    assert "".join(atoms) == THAI
    assert "ภาษาไทย" in atoms and "ง่ายๆ" in atoms  # ๆ repeats the word before it: never a line start
    assert not any(atom.startswith(("ๆ", "ฯ")) or unicodedata.category(atom[0]) == "Mn" for atom in atoms)


def test_a_thai_run_glues_to_a_latin_word_touching_it():
    assert texts(atoms_from_text("เรียนPythonง่ายๆ")) == ["เรียนPythonง่ายๆ"]


def test_korean_breaks_at_spaces_only():
    assert atoms_from_text("초보자를 위한 파이썬 가이드") == [
        Atom("초보자를", False, False), Atom("위한", True, False), Atom("파이썬", True, False), Atom("가이드", True, False),
    ]


def test_emoji_are_never_split_and_glue_to_the_character_before_them():
    atoms = atoms_from_text(f"{FAMILY}{THUMBS_MEDIUM} 家族{KEYCAP_ONE}{FLAG_JP}")
    assert texts(atoms) == [FAMILY, THUMBS_MEDIUM, f"家族{KEYCAP_ONE}{FLAG_JP}"]
    assert texts(atoms_from_text("🎉日本語")) == ["🎉", "日本", "語"]  # after an emoji CJK may break


def test_an_emoji_attached_to_a_latin_word_stays_with_it():
    assert texts(atoms_from_text("Launch\U0001F680 now")) == ["Launch\U0001F680", "now"]
    assert texts(atoms_from_text("I BUILT A PASTA MACHINE🍝🔥")) == ["I", "BUILT", "A", "PASTA", "MACHINE🍝🔥"]
    assert texts(atoms_from_text("🍝🔥🍕")) == ["🍝", "🔥", "🍕"]  # emoji alone still break between each other


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("I BUILT A PASTA MACHINE 🍝🔥", ["I", "BUILT", "A", "PASTA", "MACHINE 🍝🔥"]),
        ("done 🍝 🔥", ["done 🍝 🔥"]),
        ("too many 🍝🔥🍕🎉", ["too", "many", "🍝", "🔥", "🍕", "🎉"]),  # a long group may have its own line
        ("🍝 🔥", ["🍝", "🔥"]),  # nothing to keep them with
        ("🔥 fire", ["🔥", "fire"]),  # only a closing group
    ],
)
def test_a_short_closing_emoji_group_joins_the_word_before_it(title, expected):
    assert texts(keep_trailing_emoji(atoms_from_text(title))) == expected


def test_arabic_and_hebrew_words_with_numbers():
    assert texts(atoms_from_text("أفضل 10 نصائح")) == ["أفضل", "10", "نصائح"]
    assert texts(atoms_from_text("איך ללמוד Python ב-30 יום")) == ["איך", "ללמוד", "Python", "ב-30", "יום"]


def test_no_break_spaces_join_and_zero_width_space_splits():
    assert atoms_from_text("a\u00a0b c\u200bd") == [Atom("a\u00a0b", False, False), Atom("c", True, False), Atom("d", False, False)]


def test_text_is_nfc_normalised():
    assert atoms_from_text("Cafe\u0301") == [Atom("Café", False, False)]


def test_a_mark_after_an_emphasis_marker_joins_its_base_in_nfc():
    # the accent meets the "a" only once the closing "*" is gone
    assert atoms_from_text("*a*\u0301") == [Atom("\u00e1", False, True)]
    assert atoms_from_text("*Cafe*\u0301 time") == [Atom("Café", False, True), Atom("time", True, False)]


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


def test_marks_inside_cjk_break_the_phrase_where_they_are():
    atoms = atoms_from_text("これは*重要*です")
    assert [(a.text, a.emphasis) for a in atoms] == [("これは", False), ("重要", True), ("です", False)]


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
    list("ab 、。「」東京*") + [FAMILY, THUMBS_MEDIUM, KEYCAP_ONE, FLAG_JP, "\u0301", "\u200d", "\ufe0f", "ש", "ك", "क्ष",
                                "ก", "\u0e49", "ๆ", "の", "代码", "Py"]
)).map("".join))
@example("*a*\u0301")  # found on a fresh machine: the accent stayed decomposed once the "*" went
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
