"""``headline="auto"``: a shorter headline drawn instead of a title too long to be legible.

The rules, applied in order, deterministic (the same title always gives the same headline):

1. **Clauses.** The title is cut into clauses at a colon, a spaced dash (``-``, ``–``, ``—``), a
   ``|`` and around brackets (``(...)``, ``[...]``). The first clause is kept; a later one is kept
   too when it holds a number or a ``*marked*`` word (``Docker: *7* mistakes`` keeps both), so
   numbers and marked words are never dropped. Kept clauses keep their separator.
2. **Leading filler.** A leading phrase from :data:`LEADING_FILLER` (``A beginner's guide to``,
   ``The ultimate guide to``, ``Everything you need to know about`` ...) is dropped, and the next
   word takes a capital when the title began with one.
3. **Length.** The first :data:`HEADLINE_MAX_WORDS` words are kept, and more up to the last
   number, ``*marked*`` word or word right after a number (``365 days``): the headline is always a
   start of what is left, never words picked from the middle; then short function words left at
   its end (``and``, ``of``, ``after`` ...) are dropped.
4. The result keeps the title's own words, case and ``*marks*``; a title that would become empty
   (all filler) keeps its first clause.
"""

from __future__ import annotations

import re

from .title import normalize_title

HEADLINE_MAX_WORDS = 6
LEADING_FILLER = tuple(sorted((
    "a beginner's guide to", "the beginner's guide to", "beginner's guide to", "a beginners guide to",
    "beginners guide to", "a complete guide to", "the complete guide to", "complete guide to",
    "the ultimate guide to", "an ultimate guide to", "ultimate guide to", "the definitive guide to",
    "a quick guide to", "a guide to", "the guide to", "guide to", "an introduction to", "introduction to",
    "intro to", "a quick intro to", "everything you need to know about", "all you need to know about",
    "what you need to know about", "here's why", "here is why", "here's how", "here is how",
    "in this video", "in this video,", "watch this before", "let's talk about", "lets talk about",
), key=len, reverse=True))
_TRAILING = frozenset("a an and & or nor but the to of in on at for with by from as vs after before about into "
                      "than that which who how why what when while".split())
_CLAUSE = re.compile(r"\s*(?::\s|\s[-–—]\s|\s\|\s|[()\[\]])\s*")
_NUMBER = re.compile(r"\d")
_MARKED = re.compile(r"^\*+[^*]+\*+[^\w]*$|^\*")


def shorten_headline(title: str) -> str:
    """The headline the rules above make of ``title`` (see the module doc)."""
    text = normalize_title(title).replace("\u2019", "'")
    clauses = _clauses(text)
    if not clauses:
        return text
    first = clauses[0][0].lstrip(" :|-–—") + clauses[0][1]  # a title that opens with a bracket keeps it
    kept = first + "".join(separator + clause for separator, clause in clauses[1:] if _carries(clause.split()))
    words = _drop_filler(kept.split()) or first.split()
    protected = _protected(words)
    end = max(min(len(words), HEADLINE_MAX_WORDS), max(protected, default=-1) + 1)
    while end > 1 and words[end - 1].lower().strip(",;.") in _TRAILING and end - 1 not in protected:
        end -= 1
    return " ".join(words[:end]).rstrip(",;:") or text


def _clauses(text: str) -> list[tuple[str, str]]:
    """``(separator before it, clause)`` pairs; a bracketed clause keeps its brackets."""
    pairs: list[tuple[str, str]] = []
    position, separator = 0, ""
    for match in _CLAUSE.finditer(text):
        mark = match.group().strip()
        clause = text[position:match.start()].strip() + (mark if mark in (")", "]") else "")
        if clause.strip("()[] "):
            pairs.append((separator, clause))
        if mark in ("(", "["):
            separator = " " + mark
        elif mark in (")", "]"):
            separator = " "
        else:
            separator = ": " if mark == ":" else f" {mark} "
        position = match.end()
    tail = text[position:].strip()
    if tail:
        pairs.append((separator, tail))
    return pairs


def _carries(words: list[str]) -> bool:
    return any(_NUMBER.search(word) or _MARKED.match(word) for word in words)


def _protected(words: list[str]) -> set[int]:
    """Numbers, marked words and the word after a number (its unit or noun)."""
    indices: set[int] = set()
    inside_marks = False
    for index, word in enumerate(words):
        opens = word.startswith("*")
        if opens or inside_marks:
            indices.add(index)
        inside_marks = (inside_marks or opens) and not word.rstrip(".,;:!?'\"").endswith("*")
        if _NUMBER.search(word):
            indices.add(index)
            if index + 1 < len(words):
                indices.add(index + 1)
    return indices


def _drop_filler(words: list[str]) -> list[str]:
    lowered = " ".join(words).lower()
    for phrase in LEADING_FILLER:
        if lowered.startswith(phrase + " "):
            rest = words[len(phrase.split()):]
            if rest and words[0][:1].isupper() and rest[0][:1].islower():
                rest = [rest[0][:1].upper() + rest[0][1:], *rest[1:]]
            return rest
    return words


__all__ = ["HEADLINE_MAX_WORDS", "LEADING_FILLER", "shorten_headline"]
