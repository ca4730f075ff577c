"""UAX #9: our levels and reordering against python-bidi (Rust unicode-bidi), and line pieces."""

from __future__ import annotations

import bidi
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renderer.text.bidi import paragraph_level, resolve_levels, visual_order
from renderer.text.line_layout import LinePiece, line_pieces, title_direction
from renderer.text.segment import Atom, atoms_from_text


def display(text: str, paragraph: int) -> str:
    levels = resolve_levels(text, paragraph=paragraph)
    return "".join(text[index] for index in visual_order(levels))


@pytest.mark.parametrize(
    ("text", "level"),
    [("Hello שלום", 0), ("שלום Hello", 1), ("123 مرحبا", 1), ("!? abc", 0), ("", 0), ("\u2067abc\u2069 שלום", 1)],
)
def test_paragraph_level_comes_from_the_first_strong_character(text, level):
    assert paragraph_level(text) == level


def test_numbers_inside_rtl_keep_their_order():
    assert display("מחיר 100 שקל", 1) == "לקש 100 ריחמ"
    assert resolve_levels("מחיר 100 שקל", paragraph=1) == [1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1]


def test_arabic_with_numbers_and_english():
    assert display("أفضل 10 نصائح Python", 1) == "Python حئاصن 10 لضفأ"


def test_hebrew_word_inside_english_is_reversed_in_place():
    assert display("I love שלום so much", 0) == "I love םולש so much"


def test_brackets_take_the_direction_of_their_content():
    # in visual order the brackets of an RTL run come out swapped; HarfBuzz mirrors their glyphs
    assert display("שלום (abc) עולם", 1) == "םלוע )abc( םולש"
    assert resolve_levels("א (b) ג", paragraph=1) == [1, 1, 1, 2, 1, 1, 1]


ALPHABET = (
    list("abcXYZ") + list("שלוםאב") + list("مرحبا") + list("٠١٢") + list("0123") + list("+-%$#,.:/")
    + [" "] * 4 + list("()[]{}<>«»!?\"'") + ["\u0301", "\u064b", "\u05b4"]
)


@settings(max_examples=600)
@given(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=16).map("".join))
def test_reordering_matches_python_bidi(text):
    level = paragraph_level(text)
    assert display(text, level) == bidi.get_display(text, base_dir="R" if level else "L")


def test_visual_order_reverses_from_the_highest_level_down():
    assert visual_order([0, 0, 1, 1, 2, 2, 1, 0]) == [0, 1, 6, 4, 5, 3, 2, 7]


# -- lines of atoms --------------------------------------------------------------------------
def test_ltr_line_without_rtl_is_one_piece_per_emphasis():
    atoms = atoms_from_text("The *secret* of speed")
    assert line_pieces(atoms) == (
        LinePiece("The ", False), LinePiece("secret", True), LinePiece(" of speed", False),
    )


def test_rtl_title_pieces_are_in_visual_order_with_directions():
    atoms = atoms_from_text("איך ללמוד *Python* ב-30 יום")
    paragraph = title_direction(atoms)
    assert paragraph == 1
    pieces = line_pieces(atoms, paragraph=paragraph)
    # visual, left to right: "םוי 30-ב Python דומלל ךיא"; each piece's text stays in logical order
    assert [(p.text, p.emphasis, p.rtl) for p in pieces] == [
        (" יום", False, True), ("30", False, False), (" ב-", False, True),
        ("Python", True, False), ("איך ללמוד ", False, True),
    ]


def test_english_title_with_hebrew_words_stays_ltr():
    atoms = atoms_from_text("Learn עברית fast")
    assert title_direction(atoms) == 0
    assert [(p.text, p.rtl) for p in line_pieces(atoms)] == [("Learn ", False), ("עברית", True), (" fast", False)]


def test_a_space_between_emphasised_and_plain_atoms_is_plain():
    pieces = line_pieces((Atom("a", False, True), Atom("b", True, False)))
    assert pieces == (LinePiece("a", True), LinePiece(" b", False))
