"""Long words and URLs: break points (renderer.text.hyphenate) and the fitter using them, as
properties over generated titles with a fake monospace measure, plus a few with a real font."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pyphen
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from renderer.errors import InputError
from renderer.text.hyphenate import check_language, title_language, word_pieces
from renderer.text.segment import Atom, graphemes
from renderer.text.fit import FitRules, fit_text
from renderer.text.title import atoms_from_text


@dataclass(frozen=True)
class Mono:
    """Every grapheme cluster is 0.5 em wide; lines are 1 em tall."""

    ascent_em: float = 0.8
    descent_em: float = 0.2

    def width_em(self, text: str) -> float:
        return 0.5 * len(graphemes(text))

    def clusters(self, text: str) -> list[str]:
        return graphemes(text)


MONO = Mono()
LONG_WORDS = [
    "Pneumonoultramicroscopicsilicovolcanoconiosis", "internationalization", "antidisestablishmentarianism",
    "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz", "Donaudampfschifffahrtsgesellschaftskapitän",
    "Datenschutzgrundverordnung", "https://github.com/thumbkit/renderer/blob/main/textfit.py",
    "/usr/local/share/thumbkit/brand_kits", "std::collections::HashMap", "<script>alert(1)</script>",
    "state-of-the-art", "Cafe\u0301te\u0301riaresta\u0301urant", "👩🏽‍💻Programmierung", "x" * 40,
]
SHORT_WORDS = ["a", "why", "the", "best", "Python", "tips", "für", "2026", "and", "guide", "🚀"]
long_titles = st.lists(st.sampled_from(LONG_WORDS + SHORT_WORDS), min_size=1, max_size=12).map(" ".join)
rules_strategy = st.builds(
    lambda low, span, lines, legible: FitRules(min_size_px=low, max_size_px=low + span, max_lines=lines,
                                               line_height=1.0, legible_px=low + legible),
    st.integers(8, 40), st.integers(0, 140), st.integers(1, 6), st.integers(0, 80),
)
boxes = st.tuples(st.integers(80, 1400), st.integers(60, 800))
languages = st.sampled_from(["en", "de", None])


def fit(title: str, box: tuple[int, int], rules: FitRules, language: str | None):
    return fit_text(atoms_from_text(title), box_width_px=box[0], box_height_px=box[1], rules=rules, measure=MONO,
                    language=language)


def rejoined(fitted) -> str:
    """The fitted text with the inserted hyphens removed and the lines joined as they were cut."""
    text = ""
    for index, line in enumerate(fitted.lines):
        part = line.text[:-1] if line.hyphenated else line.text
        if index and line.atoms and line.atoms[0].space_before:
            text += " "
        text += part
    return text


def plain(title: str) -> str:
    return " ".join(atom.text for atom in atoms_from_text(title))


@settings(max_examples=300, deadline=None)
@given(long_titles, boxes, rules_strategy, languages)
def test_every_line_fits_and_removing_the_hyphens_gives_the_title_back(title, box, rules, language):
    fitted = fit(title, box, rules, language)
    assert rules.min_size_px <= fitted.size_px <= rules.max_size_px
    for line in fitted.lines:
        assert MONO.width_em(line.text) * fitted.size_px <= box[0] + 1e-6
        if line.hyphenated:
            assert line.text.endswith("-")
    if not fitted.truncated:
        assert fitted.height_px <= box[1] + 1e-6
        assert rejoined(fitted) == plain(title)


@settings(max_examples=300, deadline=None)
@given(long_titles, boxes, rules_strategy, languages)
def test_no_grapheme_is_split_and_breaks_are_at_dictionary_or_url_points(title, box, rules, language):
    fitted = fit(title, box, rules, language)
    if fitted.truncated:
        return
    text = plain(title)
    boundaries = {0}
    for cluster in graphemes(text):
        boundaries.add(max(boundaries) + len(cluster))
    position = 0
    for index, line in enumerate(fitted.lines):
        part = line.text[:-1] if line.hyphenated else line.text
        if index and line.atoms[0].space_before:
            position += 1
        position += len(part)
        assert position in boundaries, f"a line ends inside a grapheme cluster: {part!r}"
        following = fitted.lines[index + 1].atoms[0] if index + 1 < len(fitted.lines) else None
        if following is None or following.space_before or fitted.broke_words:
            continue  # between words, or a forced break (a word wider than the box at the minimum size)
        word_start = text.rfind(" ", 0, position) + 1
        word_end = text.find(" ", position) if " " in text[position:] else len(text)
        word = text[word_start:word_end]
        offset = position - word_start
        if line.hyphenated:
            assert language is not None
            run = next(r for r in regex.finditer(r"(?:\p{L}\p{M}*)+", word) if r.start() < offset < r.end())
            assert offset - run.start() in pyphen.Pyphen(lang=language).positions(run.group()), (word, offset)
        else:
            before, after = word[:offset], word[offset:]
            assert before.endswith(("/", ".", "-", "_", "::", ">")) or after.startswith("<"), (word, offset)


def test_a_long_word_is_hyphenated_at_a_larger_size_than_the_floor():
    rules = FitRules(min_size_px=20, max_size_px=60, max_lines=3, line_height=1.0, legible_px=30)
    # 45 letters; at 20 px a line holds 30 letters: unbroken, it fits nowhere
    fitted = fit("Pneumonoultramicroscopicsilicovolcanoconiosis", (300, 1000), rules, "en")
    assert fitted.size_px > 20 and not fitted.broke_words and fitted.word_breaks == len(fitted.lines) - 1
    positions = pyphen.Pyphen(lang="en").positions("Pneumonoultramicroscopicsilicovolcanoconiosis")
    cut = 0
    for line in fitted.lines[:-1]:
        assert line.hyphenated and line.text.endswith("-")
        cut += len(line.text) - 1
        assert cut in positions


def test_hyphenation_is_not_used_when_the_whole_words_are_legible():
    rules = FitRules(min_size_px=20, max_size_px=80, max_lines=3, line_height=1.0, legible_px=30)
    fitted = fit("internationalization matters", (400, 1000), rules, "en")  # 20 letters: 40 px unbroken
    assert fitted.word_breaks == 0 and fitted.size_px == 40
    hyphenated = fit("internationalization matters", (400, 1000), FitRules(20, 80, 2, 1.0, legible_px=60), "en")
    # two lines would allow 47 px ("alization matters"); a third reaches the legible 60 px
    assert hyphenated.word_breaks == 1 and hyphenated.size_px == 60
    assert [line.text for line in hyphenated.lines] == ["internation-", "alization", "matters"]


def test_a_hyphenated_fit_must_gain_enough_over_an_unbroken_one():
    # 20 letters on one line of 400 px: 40 px. Hyphenated on two lines the height allows 43 px
    # (7.5% more, refused) in a box 86 px tall, 45 px (12.5% more, taken) in one 90 px tall.
    rules = FitRules(min_size_px=20, max_size_px=80, max_lines=2, line_height=1.0, legible_px=60)
    refused = fit("internationalization", (400, 86), rules, "en")
    assert (refused.size_px, refused.word_breaks) == (40, 0)
    taken = fit("internationalization", (400, 90), rules, "en")
    assert (taken.size_px, taken.word_breaks) == (45, 1)
    assert [line.text for line in taken.lines] == ["internation-", "alization"]


def test_more_lines_keep_a_long_title_legible():
    words = " ".join(["word"] * 24)  # 24 words of 4 letters
    rules = FitRules(min_size_px=20, max_size_px=80, max_lines=2, line_height=1.0, legible_px=60)
    fitted = fit(words, (600, 600), rules, "en")
    unpreferred = fit(words, (600, 600), FitRules(20, 80, 2, 1.0), "en")
    assert unpreferred.size_px < 40 and len(unpreferred.lines) <= 2
    assert fitted.size_px > unpreferred.size_px and len(fitted.lines) > 2 and fitted.word_breaks == 0
    assert fitted.size_px <= 60  # more lines only up to the legible size


def test_urls_break_after_slashes_and_dots_without_a_hyphen():
    rules = FitRules(min_size_px=10, max_size_px=60, max_lines=4, line_height=1.0, legible_px=40)
    fitted = fit("https://github.com/thumbkit/renderer/blob/main", (400, 1000), rules, "en")
    assert not any(line.hyphenated for line in fitted.lines) and not fitted.broke_words
    assert all(line.text.endswith(("/", ".")) for line in fitted.lines[:-1])
    assert "".join(line.text for line in fitted.lines) == "https://github.com/thumbkit/renderer/blob/main"


def test_break_points_of_code_urls_and_compounds():
    def pieces(text: str, language: str | None = "en") -> list[tuple[str, str]]:
        return [(atom.text, atom.word_break) for atom in word_pieces((Atom(text),), language=language)]

    assert pieces("<script>alert(1)</script>") == [("<script>", ""), ("alert(1)", "plain"), ("</script>", "plain")]
    assert pieces("std::vector::push_back") == [("std::", ""), ("vector::", "plain"), ("push_", "plain"), ("back", "plain")]
    assert pieces("state-of-the-art") == [("state-", ""), ("of-", "plain"), ("the-", "plain"), ("art", "plain")]
    assert pieces("3.14159265358979") == [("3.14159265358979", "")]  # no break inside a number
    assert pieces("example.com/internationalization")[0] == ("example.", "")  # code: no dictionary breaks
    assert all(kind != "hyphen" for _, kind in pieces("example.com/internationalization"))
    assert [text for text, _ in pieces("Donaudampfschifffahrt", "de")] == ["Donau", "dampf", "schiff", "fahrt"]  # at least three letters each side of a hyphen
    assert pieces("internationalization", None) == [("internationalization", "")]
    decomposed = unicodedata.normalize("NFD", "Überwachungsaufgabenübertragung")
    for atom in word_pieces((Atom(decomposed),), language="de"):
        assert not unicodedata.combining(atom.text[0])  # never a mark cut from its letter


def test_the_language_comes_from_the_option_or_the_script():
    assert title_language("Why this works") == "en"
    assert title_language("Warum das Überwachungsgesetz scheitert") == "de"
    assert title_language("Почему это работает") == "ru"
    assert title_language("Γιατί λειτουργεί") == "el"
    assert title_language("東京で一番") is None
    assert title_language("Why this works", "de-DE") == "de_DE"
    assert title_language("anything", "ja") is None  # a language without a dictionary: no hyphens
    assert check_language("pt-BR") == "pt-BR"
    with pytest.raises(InputError, match="language must be auto or a BCP-47 language code"):
        check_language("german!")


@pytest.mark.parametrize("title", [
    "Pneumonoultramicroscopicsilicovolcanoconiosis explained",
    "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz erklärt",
    "https://github.com/thumbkit/renderer/blob/main/renderer/textfit.py",
])
def test_long_tokens_stay_legible_with_a_real_font(title):
    from renderer.text.fonts import FontBook
    from renderer.text.legibility import FEED_VIEWS, LIMITS, body_em, legible_size_px
    from renderer.text.title import normalize_title
    from renderer.text.typeset import Typeface

    book = FontBook()
    typeface = Typeface(book.face("league-spartan", "black"), book.fallbacks("black"))
    atoms = atoms_from_text(normalize_title(title), uppercase=True)
    legible = legible_size_px(typeface, title, "youtube", 1280)
    rules = FitRules(min_size_px=56, max_size_px=170, max_lines=5, line_height=1.0, legible_px=legible)
    fitted = fit_text(atoms, box_width_px=1074, box_height_px=590, rules=rules,
                      measure=typeface.for_text(" ".join(a.text for a in atoms)), language=title_language(title))
    cap_px = fitted.size_px * body_em(typeface, "H") * FEED_VIEWS["youtube"].scale(1280)
    assert cap_px >= LIMITS["Latin"].legible_px
    assert not fitted.broke_words and not fitted.truncated
    for line in fitted.lines:
        assert typeface.width_em(line.text) * fitted.size_px <= 1074 + 1e-6
