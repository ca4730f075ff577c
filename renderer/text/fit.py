"""Text fitting, the heart of thumbkit: a pure function from atoms and a box to fitted lines.

``fit_text`` finds the largest font size within ``rules`` at which the atoms wrap into the box in at
most ``max_lines`` lines, then chooses balanced line breaks (no orphan when a better split exists).

Long titles stay legible. ``rules.legible_px`` is the size under which the title is hard to read
where it is shown small (a feed); when the plain fit is smaller than that, the fitter also tries,
in this order of preference:

1. more lines than the layout prefers (as many as the box holds), sized up to ``legible_px``;
2. breaks inside long words at their dictionary and URL break points (:mod:`renderer.text.hyphenate`),
   at any size up to the maximum, within ``max_lines``;
3. both, sized up to ``legible_px``.

Each is taken over the one before only when it gives a larger size counted up to ``legible_px``;
breaking words must buy at least ``HYPHENATION_GAIN`` more of it than an unbroken fit. The balanced
breaks then avoid breaks inside words where they can (:mod:`renderer.text.linebreak`).

When nothing fits at the minimum size, a piece wider than the box is broken between grapheme
clusters (with a hyphen in Latin, Greek and Cyrillic) at the minimum size, then the text may take
more lines at that size, as many as the box is tall enough for (``FittedText.lines`` then exceeds
``max_lines``); an ellipsis is the last resort and is reported as ``truncated``.

Widths come from a ``Measure`` in em units (the advance at a size of 1 px), so the width at size
``s`` is ``width_em * s``: fitting is exact, monotone and fast, and property tests can use a fake
monospace measure. The painter checks the real hinted widths afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from msgspec import Struct
from msgspec.structs import replace

from .hyphenate import word_pieces
from .linebreak import (
    HYPHEN,
    HYPHEN_BREAKS,
    Metrics,
    balanced_breaks,
    greedy_breaks,
    greedy_count,
    line_atoms,
    line_width_em,
    measure_atoms,
)
from .segment import Atom
from .unicode_pattern import UnicodePattern

ELLIPSIS = "…"
HYPHENATION_GAIN = 1.08  # breaking inside words must buy 8% more legible size than keeping them whole
FitMode = Literal["shrink", "truncate"]


class Measure(Protocol):
    """Font metrics in em units (multiply by the size in px)."""

    ascent_em: float
    descent_em: float

    def width_em(self, text: str) -> float: ...

    def clusters(self, text: str) -> list[str]: ...


class FitRules(Struct, frozen=True):
    min_size_px: int
    max_size_px: int
    max_lines: int
    line_height: float = 1.1
    mode: FitMode = "shrink"
    # The size under which the text is hard to read where it is shown small (see the module doc);
    # None: the minimum size (more lines and word breaks only when nothing else fits).
    legible_px: int | None = None


class FittedLine(Struct, frozen=True):
    """Atoms keep their ``space_before``; the first atom of a line draws no space. ``hyphenated``:
    the line ends inside a word and its last atom ends with the hyphen added there."""

    atoms: tuple[Atom, ...]
    width_px: float
    hyphenated: bool = False

    @property
    def text(self) -> str:
        return "".join((" " if a.space_before and i else "") + a.text for i, a in enumerate(self.atoms))


class FittedText(Struct, frozen=True):
    lines: tuple[FittedLine, ...]
    size_px: int
    line_height_px: float
    height_px: float
    truncated: bool
    broke_words: bool  # a piece wider than the box was broken between grapheme clusters
    word_breaks: int = 0  # lines that end inside a word (dictionary, URL or forced break points)

    @property
    def atoms(self) -> tuple[Atom, ...]:
        return tuple(atom for line in self.lines for atom in line.atoms)


class _Option(Struct, frozen=True):
    atoms: tuple[Atom, ...]
    metrics: Metrics
    size: int
    rules: FitRules  # max_lines raised when the option takes more lines


def fit_text(
    atoms: Sequence[Atom],
    *,
    box_width_px: float,
    box_height_px: float,
    rules: FitRules,
    measure: Measure,
    language: str | None = None,
) -> FittedText:
    """``language``: the pyphen dictionary for dictionary breaks in long words
    (:func:`renderer.text.hyphenate.title_language`); None: URL and compound breaks only."""
    atoms = tuple(atom for atom in atoms if atom.text)
    if not atoms:
        return FittedText((), rules.max_size_px, 0.0, 0.0, truncated=False, broke_words=False)
    floor_px = rules.min_size_px if rules.mode == "shrink" else rules.max_size_px
    legible = min(max(rules.legible_px or floor_px, floor_px), rules.max_size_px)
    box = (box_width_px, box_height_px)
    whole = measure_atoms(atoms, measure)
    chosen = _option(atoms, whole, box, rules, measure, floor_px, rules.max_size_px, extra_lines=False)
    if chosen is None or chosen.size < legible:
        pieces = word_pieces(atoms, language=language)
        split = measure_atoms(pieces, measure) if pieces != atoms else None
        for candidate_atoms, metrics, top, extra in (
            (atoms, whole, legible, True),
            (pieces, split, rules.max_size_px, False),
            (pieces, split, legible, True),
        ):
            if metrics is None:
                continue
            candidate = _option(candidate_atoms, metrics, box, rules, measure, floor_px, top, extra_lines=extra)
            if candidate is not None and _better(candidate, chosen, legible):
                chosen = candidate
        if chosen is None:
            chosen = _forced(pieces, box, rules, measure, floor_px)
        if chosen is None:
            forced = _split_wide_atoms(pieces, box_width_px / floor_px, measure)
            return _truncate(forced, floor_px, box_width_px, box_height_px, rules, measure, forced != pieces)
    width_em = box_width_px / chosen.size
    breaks = balanced_breaks(chosen.metrics, width_em, greedy_count(chosen.metrics, width_em))
    lines = tuple(_line(chosen.atoms, chosen.metrics, start, end, chosen.size) for start, end in breaks)
    broke = any(atom.word_break.startswith("forced") for atom in chosen.atoms)
    return _result(lines, chosen.size, chosen.rules, measure, truncated=False, broke_words=broke)


def _better(candidate: _Option, current: _Option | None, legible: int) -> bool:
    """Whether ``candidate`` (later in the order of preference) is worth taking over ``current``."""
    if current is None:
        return True
    gain = HYPHENATION_GAIN if _breaks_words(candidate) and not _breaks_words(current) else 1.0
    return min(candidate.size, legible) > min(current.size, legible) * gain + 1e-9


def _breaks_words(option: _Option) -> bool:
    return any(option.metrics.soft)


def _option(atoms: tuple[Atom, ...], metrics: Metrics, box: tuple[float, float], rules: FitRules, measure: Measure,
            low: int, high: int, *, extra_lines: bool) -> _Option | None:
    """The largest size in ``[low, high]`` at which the atoms fit: in ``max_lines`` lines, or in as
    many as the box is tall enough for with ``extra_lines``."""
    size = _largest_fitting_size(metrics, box, rules, measure, low, high, extra_lines)
    if size is None:
        return None
    taken = rules
    if extra_lines:
        lines = greedy_count(metrics, box[0] / size)
        taken = replace(rules, max_lines=max(rules.max_lines, lines))
    return _Option(atoms, metrics, size, taken)


def _forced(atoms: tuple[Atom, ...], box: tuple[float, float], rules: FitRules, measure: Measure,
            floor_px: int) -> _Option | None:
    """At the minimum size, the pieces wider than the box broken between clusters, in
    ``max_lines`` lines or as many as the box holds."""
    split = _split_wide_atoms(atoms, box[0] / floor_px, measure)
    metrics = measure_atoms(split, measure)
    for extra in (False, True):
        option = _option(split, metrics, box, rules, measure, floor_px, floor_px, extra_lines=extra)
        if option is not None:
            return option
    return None


def _block_height_em(lines: int, rules: FitRules, measure: Measure) -> float:
    return (lines - 1) * rules.line_height + measure.ascent_em + measure.descent_em


def _lines_that_fit(size: int, box_h: float, rules: FitRules, measure: Measure) -> int:
    lines = 1
    while lines < 64 and _block_height_em(lines + 1, rules, measure) * size <= box_h + 1e-9:
        lines += 1
    return lines


def _fits(metrics: Metrics, size: int, box: tuple[float, float], rules: FitRules, measure: Measure, extra_lines: bool) -> bool:
    allowed = max(rules.max_lines, _lines_that_fit(size, box[1], rules, measure)) if extra_lines else rules.max_lines
    lines = greedy_count(metrics, box[0] / size, allowed)
    return lines <= allowed and _block_height_em(lines, rules, measure) * size <= box[1] + 1e-9


def _largest_fitting_size(metrics: Metrics, box: tuple[float, float], rules: FitRules, measure: Measure,
                          low: int, high: int, extra_lines: bool) -> int | None:
    if high < low or not _fits(metrics, low, box, rules, measure, extra_lines):
        return None
    while low < high:  # invariant: fits(low); fitting is monotone in size
        middle = (low + high + 1) // 2
        if _fits(metrics, middle, box, rules, measure, extra_lines):
            low = middle
        else:
            high = middle - 1
    return low


def _line(atoms: tuple[Atom, ...], metrics: Metrics, start: int, end: int, size: int) -> FittedLine:
    line, hyphenated = line_atoms(atoms, start, end)
    return FittedLine(line, line_width_em(metrics, start, end) * size, hyphenated)


_HYPHENATED = UnicodePattern(r"[\p{Latin}\p{Greek}\p{Cyrillic}]", ascii="[A-Za-z]")  # scripts whose broken words get a hyphen


def _split_wide_atoms(atoms: tuple[Atom, ...], width_em: float, measure: Measure) -> tuple[Atom, ...]:
    """Break the atoms that alone are wider than the box between grapheme clusters: every cluster
    a piece (``word_break`` ``"forced-hyphen"`` between letters of Latin, Greek or Cyrillic words,
    else ``"forced"``), so
    the balanced breaks cut it into as few pieces as fit, of even widths."""
    result: list[Atom] = []
    for index, atom in enumerate(atoms):
        closed = index + 1 < len(atoms) and atoms[index + 1].word_break in HYPHEN_BREAKS
        if measure.width_em(atom.text + (HYPHEN if closed else "")) <= width_em + 1e-9:
            result.append(atom)
            continue
        hyphen = bool(_HYPHENATED.search(atom.text))
        clusters = measure.clusters(atom.text)
        for position, cluster in enumerate(clusters):
            if position == 0:
                result.append(replace(atom, text=cluster))
                continue
            before = clusters[position - 1]
            joined = (hyphen and before[-1:].isalnum() and cluster[:1].isalnum()
                      and measure.width_em(before + HYPHEN) <= width_em + 1e-9)
            result.append(Atom(cluster, False, atom.emphasis, "forced-hyphen" if joined else "forced"))
    return tuple(result)


def _truncate(
    atoms: tuple[Atom, ...],
    size: int,
    box_w: float,
    box_h: float,
    rules: FitRules,
    measure: Measure,
    broke_words: bool,
) -> FittedText:
    """Fill as many lines as fit at ``size`` and end the last one with an ellipsis."""
    width_em = box_w / size
    max_lines = 1
    while max_lines < rules.max_lines and _block_height_em(max_lines + 1, rules, measure) * size <= box_h + 1e-9:
        max_lines += 1
    metrics = measure_atoms(atoms, measure)
    breaks = greedy_breaks(metrics, width_em)[:max_lines]
    lines = [_line(atoms, metrics, start, end, size) for start, end in breaks[:-1]]
    start, end = breaks[-1]
    last = list(atoms[start:end])
    space_em = measure.width_em(" ")
    while True:
        candidate = last[:-1] + [replace(last[-1], text=last[-1].text.rstrip(" .,;:!?-–—") + ELLIPSIS)]
        if _width_em(candidate, measure, space_em) <= width_em + 1e-9:
            last = candidate
            break
        if len(last) > 1:
            last = last[:-1]
            continue
        clusters = measure.clusters(last[0].text)
        if len(clusters) <= 1:
            last = [replace(last[0], text=ELLIPSIS)]
            break
        last = [replace(last[0], text="".join(clusters[:-1]))]
    lines.append(FittedLine(tuple(last), _width_em(last, measure, space_em) * size))
    return _result(tuple(lines), size, rules, measure, truncated=True, broke_words=broke_words)


def _width_em(atoms: list[Atom], measure: Measure, space_em: float) -> float:
    total = 0.0
    for i, atom in enumerate(atoms):
        if i and atom.space_before:
            total += space_em
        total += measure.width_em(atom.text)
    return total


def _result(
    lines: tuple[FittedLine, ...], size: int, rules: FitRules, measure: Measure, *, truncated: bool, broke_words: bool
) -> FittedText:
    return FittedText(
        lines=lines,
        size_px=size,
        line_height_px=rules.line_height * size,
        height_px=_block_height_em(len(lines), rules, measure) * size,
        truncated=truncated,
        broke_words=broke_words,
        word_breaks=sum(1 for index, line in enumerate(lines[:-1]) if lines[index + 1].atoms and lines[index + 1].atoms[0].word_break),
    )


__all__ = ["ELLIPSIS", "HYPHEN", "HYPHENATION_GAIN", "FitMode", "FitRules", "FittedLine", "FittedText", "Measure", "fit_text"]
