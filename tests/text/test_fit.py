"""Property tests for the fitter with a fake monospace measure, plus a few with a real font."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renderer.text.fit import ELLIPSIS, FitRules, fit_text
from renderer.text.title import atoms_from_text


@dataclass(frozen=True)
class Mono:
    """Every character is 0.5 em wide; lines are 1 em tall."""

    ascent_em: float = 0.8
    descent_em: float = 0.2

    def width_em(self, text: str) -> float:
        return 0.5 * len(text)

    def clusters(self, text: str) -> list[str]:
        return list(text)


MONO = Mono()
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789!?'", min_size=1, max_size=14)
titles = st.lists(words, min_size=1, max_size=30).map(" ".join)
rules_strategy = st.builds(
    lambda low, span, lines, lh: FitRules(min_size_px=low, max_size_px=low + span, max_lines=lines, line_height=lh),
    st.integers(8, 60), st.integers(0, 140), st.integers(1, 6), st.sampled_from([0.9, 1.0, 1.1, 1.3]),
)
boxes = st.tuples(st.integers(40, 1400), st.integers(40, 800))


def fit(title: str, box: tuple[int, int], rules: FitRules):
    return fit_text(atoms_from_text(title), box_width_px=box[0], box_height_px=box[1], rules=rules, measure=MONO)


@settings(max_examples=300, deadline=None)
@given(titles, boxes, rules_strategy)
def test_every_line_fits_the_box_and_the_line_limit(title, box, rules):
    fitted = fit(title, box, rules)
    assert 1 <= len(fitted.lines)
    if len(fitted.lines) > rules.max_lines:  # only at the floor size, to keep every word
        assert fitted.size_px == rules.min_size_px and not fitted.truncated
    assert rules.min_size_px <= fitted.size_px <= rules.max_size_px
    for line in fitted.lines:
        assert MONO.width_em(line.text) * fitted.size_px <= box[0] + 1e-6
    if not fitted.truncated:
        assert fitted.height_px <= box[1] + 1e-6


@settings(max_examples=300, deadline=None)
@given(titles, boxes, rules_strategy)
def test_no_word_is_lost_unless_truncated(title, box, rules):
    fitted = fit(title, box, rules)
    if fitted.truncated:
        assert fitted.lines[-1].atoms[-1].text.endswith(ELLIPSIS)
        return
    if fitted.broke_words:  # the pieces of a broken word end with a hyphen (the titles here have none)
        assert "".join(a.text for a in fitted.atoms).replace("-", "") == title.replace(" ", "")
    else:
        assert [a.text for a in fitted.atoms] == title.split()


@settings(max_examples=300, deadline=None)
@given(titles, boxes, st.integers(1, 400), rules_strategy)
def test_a_wider_box_never_gives_smaller_text(title, box, extra_px, rules):
    narrow = fit(title, box, rules)
    wide = fit(title, (box[0] + extra_px, box[1]), rules)
    assert wide.size_px >= narrow.size_px


@settings(max_examples=200, deadline=None)
@given(titles, boxes, rules_strategy)
def test_fitting_the_fitted_lines_again_changes_nothing(title, box, rules):
    first = fit(title, box, rules)
    if first.truncated or first.broke_words:
        return  # the text itself changed: an ellipsis or a broken word is a new input
    again = fit_text(first.atoms, box_width_px=box[0], box_height_px=box[1], rules=rules, measure=MONO)
    assert again == first


def test_largest_size_is_chosen():
    rules = FitRules(min_size_px=10, max_size_px=200, max_lines=1, line_height=1.0)
    # "hello" is 2.5 em wide: 100 px allows 40 px, the height 1 em allows 50 px
    fitted = fit("hello", (100, 50), rules)
    assert fitted.size_px == 40
    assert [line.text for line in fitted.lines] == ["hello"]


def test_balanced_breaks_avoid_an_orphan():
    rules = FitRules(min_size_px=20, max_size_px=20, max_lines=3, line_height=1.0)
    # At 20 px a character is 10 px; the box holds 24 characters per line.
    fitted = fit("aaaa bbbb cccc dddd eeee ffff g", (240, 1000), rules)
    texts = [line.text for line in fitted.lines]
    assert len(texts) == 2
    assert texts[-1] != "g", "greedy would leave the single word 'g' alone on the last line"
    assert abs(len(texts[0]) - len(texts[1])) <= 6


def test_a_word_is_broken_only_when_it_alone_is_too_wide():
    rules = FitRules(min_size_px=20, max_size_px=40, max_lines=3, line_height=1.0)
    fitted = fit("x" * 60, (300, 1000), rules)
    assert fitted.broke_words and fitted.size_px == 20
    assert all(len(line.text) <= 30 for line in fitted.lines)
    ok = fit("short words only", (300, 1000), rules)
    assert not ok.broke_words


def test_a_broken_word_is_cut_into_even_hyphenated_pieces():
    rules = FitRules(min_size_px=20, max_size_px=40, max_lines=3, line_height=1.0)
    fitted = fit("supercalifragilisticexpialidocious", (300, 1000), rules)  # 34 letters, 30 fit a line
    assert [line.text for line in fitted.lines] == ["supercalifragilis-", "ticexpialidocious"]  # not 29 + "s"
    three = fit("x" * 61, (300, 1000), rules)
    assert [len(line.text) for line in three.lines] == [21, 21, 21]  # 20 + hyphen, 20 + hyphen, 21
    cjk = fit_text(atoms_from_text("東" * 40), box_width_px=300, box_height_px=1000, rules=rules, measure=MONO)
    assert all(not line.text.endswith("-") for line in cjk.lines)  # no hyphens outside alphabetic scripts


def test_more_lines_before_an_ellipsis_when_the_box_is_tall_enough():
    rules = FitRules(min_size_px=20, max_size_px=40, max_lines=2, line_height=1.0)
    fitted = fit(" ".join(["word"] * 12), (200, 1000), rules)  # 4 words a line at 20 px: 3 lines
    assert not fitted.truncated and fitted.size_px == 20
    assert len(fitted.lines) == 3 and [a.text for a in fitted.atoms] == ["word"] * 12


def test_truncation_is_the_last_resort_and_reported():
    rules = FitRules(min_size_px=20, max_size_px=40, max_lines=2, line_height=1.0)
    fitted = fit(" ".join(["word"] * 50), (200, 40), rules)  # the box is two lines tall
    assert fitted.truncated
    assert len(fitted.lines) == 2
    assert fitted.lines[-1].text.endswith(ELLIPSIS)
    assert MONO.width_em(fitted.lines[-1].text) * fitted.size_px <= 200


def test_truncate_mode_keeps_the_maximum_size():
    rules = FitRules(min_size_px=10, max_size_px=40, max_lines=1, line_height=1.0, mode="truncate")
    fitted = fit("a fairly long title here", (200, 100), rules)
    assert fitted.size_px == 40 and fitted.truncated


def test_empty_input_gives_no_lines():
    rules = FitRules(min_size_px=10, max_size_px=40, max_lines=2)
    assert fit_text((), box_width_px=100, box_height_px=100, rules=rules, measure=MONO).lines == ()


@pytest.mark.parametrize(
    "title",
    [
        "x" * 200,
        "a" * 60 + " tail",
        "!!! ??? ... ,,, ;;; ---",
        "  spaced   out \n\n title \t with tabs  ",
        " ".join(["word"] * 40),
        "🚀🔥💯🎉✨",
    ],
)
def test_hostile_titles_fit_with_a_real_font(title):
    from renderer.text.fonts import FontBook
    from renderer.text.title import normalize_title
    from renderer.text.typeset import Typeface

    book = FontBook()
    typeface = Typeface(book.face("league-spartan", "black"), book.fallbacks("black"))
    atoms = atoms_from_text(normalize_title(title))
    rules = FitRules(min_size_px=40, max_size_px=160, max_lines=3, line_height=1.0)
    fitted = fit_text(atoms, box_width_px=1000, box_height_px=500, rules=rules, measure=typeface.for_text(title))
    assert fitted.lines
    for line in fitted.lines:
        assert typeface.width_em(line.text) * fitted.size_px <= 1000 + 1e-6
