"""Font itemization on small fake chains: coverage per cluster, emoji first, inheritance, missing."""

from __future__ import annotations

import pytest

from renderer.text.itemize import Coverage, Run, itemize

LATIN = Coverage("latin", frozenset(range(0x20, 0x250)))
ARABIC = Coverage("arabic", frozenset([*range(0x600, 0x700), *range(0x30, 0x3A), 0x20, 0x2E]))
CJK = Coverage("cjk", frozenset([*range(0x20, 0x7F), *range(0x3000, 0x3100), *range(0x4E00, 0xA000), *range(0xAC00, 0xD7A4)]))
SYMBOLS = Coverage("symbols", frozenset([0x2764, 0x2605, 0x20, 0x231A]))
EMOJI = Coverage(
    "emoji",
    frozenset([0x20, 0x23, 0x2A, *range(0x30, 0x3A), 0x20E3, 0xFE0F, 0x200D, 0x2764, 0x231A, 0x1F600, 0x1F44D,
               *range(0x1F3FB, 0x1F400), *range(0x1F1E6, 0x1F200), 0x1F468, 0x1F469, 0x1F467, 0x1F466]),
    emoji=True,
)
CHAIN = (LATIN, ARABIC, CJK, SYMBOLS, EMOJI)


def runs(text: str, chain=CHAIN, **options) -> list[tuple[str, str]]:
    return [(run.text, run.font_key) for run in itemize(text, chain, **options).runs]


def test_text_the_primary_covers_is_one_run():
    assert runs("Hello, world 2026!") == [("Hello, world 2026!", "latin")]


def test_each_cluster_goes_to_the_first_font_that_covers_it():
    assert runs("Learn 日本語 fast") == [("Learn ", "latin"), ("日本語 ", "cjk"), ("fast", "latin")]


def test_emoji_presentation_goes_to_the_emoji_font_even_if_a_text_font_covers_it():
    assert runs("I \u2764\ufe0f it") == [("I ", "latin"), ("\u2764\ufe0f", "emoji"), (" it", "latin")]
    assert runs("\u231a") == [("\u231a", "emoji")]  # Emoji_Presentation=Yes


def test_text_presentation_stays_in_a_text_font():
    assert runs("I \u2764 it") == [("I ", "latin"), ("\u2764 ", "symbols"), ("it", "latin")]
    assert runs("\u231a\ufe0e") == [("\u231a\ufe0e", "symbols")]


@pytest.mark.parametrize(
    "sequence",
    ["\U0001F44D\U0001F3FD", "1\ufe0f\u20e3", "\U0001F1EF\U0001F1F5", "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466"],
)
def test_emoji_sequences_are_one_run_in_the_emoji_font(sequence):
    assert runs(f"a {sequence} b") == [("a ", "latin"), (sequence, "emoji"), (" b", "latin")]


def test_digits_and_spaces_inherit_the_surrounding_script_font():
    assert runs("価格は1000円") == [("価格は1000円", "cjk")]
    assert runs("2026年") == [("2026年", "cjk")]
    assert runs("2026 Review") == [("2026 Review", "latin")]
    assert runs("مرحبا 2024 بالعالم") == [("مرحبا 2024 بالعالم", "arabic")]


def test_neutrals_never_inherit_the_emoji_font():
    assert runs("\U0001F600 2") == [("\U0001F600", "emoji"), (" 2", "latin")]


def test_uncovered_code_points_are_reported_and_drawn_by_the_primary():
    result = itemize("abc \U0001F9FF x \u0BA4", CHAIN)
    assert result.missing == (0x0BA4, 0x1F9FF)
    assert [run.font_key for run in result.runs] == ["latin"]


def test_ignorables_need_no_coverage():
    result = itemize("a\u200db\u00adc\u2066d\u2069", CHAIN)
    assert result.missing == ()
    assert runs("a\u200db\u00adc") == [("a\u200db\u00adc", "latin")]


def test_runs_split_at_direction_changes_with_a_paragraph_level():
    result = itemize("مرحبا 2024 بالعالم", CHAIN, paragraph_level=1)
    assert result.runs == (
        Run("مرحبا ", "arabic", "rtl"), Run("2024", "arabic", "ltr"), Run(" بالعالم", "arabic", "rtl"),
    )


def test_an_empty_chain_is_a_programming_error():
    with pytest.raises(ValueError, match="at least the primary font"):
        itemize("a", ())
