"""headline="auto": the documented shortening rules (renderer.text.headline)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renderer.text.headline import HEADLINE_MAX_WORDS, shorten_headline


@pytest.mark.parametrize("title, headline", [
    ("A beginner's guide to Kubernetes: pods, services and deployments explained", "Kubernetes"),
    ("A beginner’s guide to Kubernetes: pods", "Kubernetes"),  # a typographic apostrophe too
    ("Docker: *7* mistakes beginners make", "Docker: *7* mistakes beginners make"),  # a number keeps its clause
    ("Why I stopped using microservices after ten years and what I learned from every single failure",
     "Why I stopped using microservices"),  # six words, then the dangling "after" goes
    ("I tried 30 diets for 365 days and this happened to my body", "I tried 30 diets for 365 days"),
    ("The Ultimate Guide to *Rust* Lifetimes - borrowing, ownership and everything in between", "*Rust* Lifetimes"),
    ("Everything you need to know about the new MacBook Pro M4 [2024 review]", "The new MacBook Pro M4 [2024 review]"),
    ("Python Tutorial (for absolute beginners)", "Python Tutorial"),
    ("Short title", "Short title"),
])
def test_the_rules_shorten_as_documented(title, headline):
    assert shorten_headline(title) == headline


words = st.sampled_from(["Why", "the", "best", "*secret*", "7", "2024", "guide", "to", "React", "and", "of",
                         "A beginner's guide to", ":", "-", "(part", "2)", "[live]", "|", "tips", "fast"])


@settings(max_examples=300, deadline=None)
@given(st.lists(words, min_size=1, max_size=25).map(" ".join))
def test_numbers_and_marked_words_are_kept_and_the_headline_is_never_longer(title):
    headline = shorten_headline(title)
    assert headline == shorten_headline(title)  # deterministic
    assert len(headline) <= len(" ".join(title.split()))
    for token in re.findall(r"\*[^*\s]+\*|\d+", title):
        assert headline.count(token) == title.count(token), token
    assert headline.strip()


def test_a_long_title_without_numbers_is_cut_to_a_few_words():
    title = " ".join(f"word{chr(97 + i)}" for i in range(20))
    assert shorten_headline(title).split() == title.split()[:HEADLINE_MAX_WORDS]
