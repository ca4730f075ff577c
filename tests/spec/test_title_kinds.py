"""The title detectors behind ``layout="auto"``: match-ups, quotes, figures and questions, on real
titles (and on the near misses that must not be taken for them)."""

from __future__ import annotations

import pytest

from renderer.spec.auto_layout import Quote, Stat, Versus, is_question, quote_parts, stat_parts, title_pick, versus_parts
from renderer.spec.context import title_seed


@pytest.mark.parametrize(("title", "sides", "note"), [
    ("Rust vs Go: which is faster in 2026?", ("Rust", "Go"), "which is faster in 2026?"),
    ("Mac vs. PC vs Linux", ("Mac", "PC", "Linux"), ""),
    ("Which is better: Rust vs Go?", ("Rust", "Go"), "Which is better?"),
    ("Tabs versus spaces", ("Tabs", "spaces"), ""),
    ("iPhone 16 Pro Max vs Galaxy S24 Ultra (camera test)", ("iPhone 16 Pro Max", "Galaxy S24 Ultra"), "camera test"),
    ("Showdown: Vim VS Emacs", ("Vim", "Emacs"), "Showdown"),
    ("*React* vs Vue vs Svelte", ("*React*", "Vue", "Svelte"), ""),
])
def test_versus_titles_give_their_sides(title, sides, note):
    assert versus_parts(title) == Versus(sides, note)
    assert title_pick(title, use_photo=False) == "versus"


@pytest.mark.parametrize("title", [
    "7 VS Code extensions I can't live without",  # the editor, not a match-up
    "a vs b vs c vs d",  # four sides: more than the design holds
    "Why the way we compare frameworks and libraries today vs ten years ago is broken",  # a sentence
    "Canvas versions explained",
])
def test_near_misses_are_not_versus(title):
    assert versus_parts(title) is None
    assert title_pick(title, use_photo=False) != "versus"


@pytest.mark.parametrize(("title", "body", "speaker"), [
    ('"Stay hungry, stay foolish" — Steve Jobs', "Stay hungry, stay foolish", "Steve Jobs"),
    ("“The best code is no code at all” - Jeff Atwood", "The best code is no code at all", "Jeff Atwood"),
    ("“Premature optimization is the root of all evil”", "Premature optimization is the root of all evil", ""),
    ('Grace Hopper: "The most dangerous phrase is: we have always done it this way"',
     "The most dangerous phrase is: we have always done it this way", "Grace Hopper"),
    ("«Simplicity is prerequisite for reliability», says Edsger Dijkstra", "Simplicity is prerequisite for reliability", "Edsger Dijkstra"),
    ("Talk is cheap, show me the code — Linus Torvalds", "Talk is cheap, show me the code", "Linus Torvalds"),
])
def test_quotes_give_body_and_speaker(title, body, speaker):
    assert quote_parts(title) == Quote(body, speaker)
    assert title_pick(title, use_photo=False) == "quote"


@pytest.mark.parametrize("title", [
    '"Move fast and break things" is terrible advice',  # a claim about a quote
    "How I Built My Startup — The Full Story",  # a headline with a dash, not an attribution
    "Docker explained — in 10 minutes",
    "'Tis the season for refactoring",
])
def test_near_misses_are_not_quotes(title):
    assert quote_parts(title) is None


@pytest.mark.parametrize(("title", "figure", "rest", "leading"), [
    ("$87,000 in 12 months from one side project", "$87,000", "in 12 months from one side project", True),
    ("100% test coverage is a lie", "100%", "test coverage is a lie", True),
    ("10x faster builds with Bun", "10x", "faster builds with Bun", True),
    ("1.5M views in a week: what I learned", "1.5M", "views in a week: what I learned", True),
    ("10,000 steps a day for a year", "10,000", "steps a day for a year", True),
    ("How I made $87,000 from a side project", "$87,000", "How I made *$87,000* from a side project", False),
    ("Why 90% of startups fail", "90%", "Why *90%* of startups fail", False),
])
def test_notable_figures_give_the_stat_design(title, figure, rest, leading):
    assert stat_parts(title) == Stat(figure, rest, leading)
    assert title_pick(title, use_photo=False) == "stat"


@pytest.mark.parametrize(("title", "pick"), [
    ("I tried 100 AI tools for a month", "default"),  # a plain count is not notable
    ("The truth about remote work in 2026", "default"),  # nor is a year
    ("7 Python tricks you didn't know", "listicle"),  # a leading count is a listicle
    ("3 ways to save $10,000 this year", "listicle"),  # even with a figure further on
    ("Is this the end of JavaScript frameworks?", "question"),
    ("Why?", "short"),  # too short for the question design
    ("Stop doing this", "short"),
])
def test_other_titles_keep_their_designs(title, pick):
    assert title_pick(title, use_photo=False) == pick


def test_questions_end_with_a_question_mark_in_any_script():
    assert is_question("Is this the end?") and is_question("これは終わりですか？") and is_question("هل هذه النهاية؟")
    assert not is_question("This is the end.")


def test_the_title_seed_is_the_same_in_another_process_and_ignores_marks_and_case():
    import os
    import subprocess
    import sys

    title = "Why your *Python* code is slow"
    code = f"from renderer.spec.context import title_seed; print(title_seed({title!r}))"
    for hash_seed in ("1", "2"):  # Python's hash() would differ between these
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        other = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert int(other.stdout) == title_seed(title)
    assert title_seed(title) == title_seed("why your python code is slow")
    assert title_seed("A") != title_seed("B")
