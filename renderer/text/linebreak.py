"""Line breaking over measured atoms, in em: the greedy count and the balanced (DP) breaks.

A line is ``atoms[i:j]``; a break may come before any atom. Before a piece of a word
(``word_break``, see :mod:`renderer.text.hyphenate`) the line ends inside the word: with a hyphen
drawn after it for a ``"hyphen"`` (or ``"forced-hyphen"``) piece, whose width the line must hold, and at a cost in the
balanced breaks (``SOFT_BREAK_PENALTY``) so that a break between words is preferred.
"""

from __future__ import annotations

from typing import Protocol

from msgspec import Struct
from msgspec.structs import replace

from .segment import Atom

HYPHEN = "-"
HYPHEN_BREAKS = frozenset({"hyphen", "forced-hyphen"})  # the kinds of word break that draw a hyphen
SOFT_BREAK_PENALTY = 0.5  # in squared box widths: a break inside a word costs more than a ragged line
DANGLING_PENALTY = 0.15  # in squared box widths: worth some raggedness, not an extra line
_DANGLING = frozenset("a an and & or nor but the to of in on at for with by from as vs".split())
_EPSILON = 1e-9


class Widths(Protocol):
    def width_em(self, text: str) -> float: ...


class Metrics(Struct, frozen=True):
    widths_em: tuple[float, ...]
    gaps_em: tuple[float, ...]  # space before each atom (none at the start of a line)
    tails_em: tuple[float, ...]  # the hyphen a line ending after this atom draws (0 if none)
    soft: tuple[bool, ...]  # a break before this atom is inside a word
    words: tuple[str, ...]  # atoms' text, lowercased, for the dangling-word penalty


def measure_atoms(atoms: tuple[Atom, ...], measure: Widths) -> Metrics:
    space_em, hyphen_em = measure.width_em(" "), measure.width_em(HYPHEN)
    following = (*atoms[1:], None)
    return Metrics(
        widths_em=tuple(measure.width_em(atom.text) for atom in atoms),
        gaps_em=tuple(space_em if atom.space_before else 0.0 for atom in atoms),
        tails_em=tuple(hyphen_em if after is not None and after.word_break in HYPHEN_BREAKS else 0.0 for after in following),
        soft=tuple(bool(atom.word_break) for atom in atoms),
        words=tuple(atom.text.strip("()[]\"'.,:;!?\u201c\u201d\u2018\u2019").lower() for atom in atoms),
    )


def greedy_count(metrics: Metrics, width_em: float, limit: int | None = None) -> int:
    """Lines a greedy wrap needs at this width; a huge number when one atom alone is too wide.
    A line is closed with its hyphen's width counted, so the greedy lines are themselves a valid
    wrap into that many lines."""
    count, current = 1, -1.0
    for width, gap, tail in zip(metrics.widths_em, metrics.gaps_em, metrics.tails_em):
        if width + tail > width_em + _EPSILON:
            return 1 << 30
        if current < 0:
            current = width
        elif current + gap + width + tail <= width_em + _EPSILON:
            current += gap + width
        else:
            count += 1
            current = width
            if limit is not None and count > limit:
                return count
    return count


def greedy_breaks(metrics: Metrics, width_em: float) -> list[tuple[int, int]]:
    """The greedy lines themselves (an atom wider than the box gets a line of its own)."""
    breaks, start, current = [], 0, -1.0
    for index, (width, gap, tail) in enumerate(zip(metrics.widths_em, metrics.gaps_em, metrics.tails_em)):
        if current >= 0 and current + gap + width + tail > width_em + _EPSILON:
            breaks.append((start, index))
            start, current = index, -1.0
        current = width if current < 0 else current + gap + width
    return [*breaks, (start, len(metrics.widths_em))]


def balanced_breaks(metrics: Metrics, width_em: float, line_count: int) -> list[tuple[int, int]]:
    """Breaks into exactly ``line_count`` lines minimising the squared slack of every line plus the
    penalties (a short function word left dangling, a break inside a word)."""
    n = len(metrics.widths_em)
    if line_count <= 1:
        return [(0, n)]
    prefix_w = [0.0]
    prefix_g = [0.0]
    for width, gap in zip(metrics.widths_em, metrics.gaps_em):
        prefix_w.append(prefix_w[-1] + width)
        prefix_g.append(prefix_g[-1] + gap)

    def line_width(i: int, j: int) -> float:  # atoms[i:j] on one line, with its hyphen
        return prefix_w[j] - prefix_w[i] + prefix_g[j] - prefix_g[i + 1] + (metrics.tails_em[j - 1] if j < n else 0.0)

    infinity = float("inf")
    cost = [[infinity] * (n + 1) for _ in range(line_count + 1)]
    back = [[0] * (n + 1) for _ in range(line_count + 1)]
    cost[0][0] = 0.0
    square = width_em ** 2
    for k in range(1, line_count + 1):
        for j in range(k, n + 1):
            penalty = 0.0
            if j < n:
                penalty += DANGLING_PENALTY * square if metrics.words[j - 1] in _DANGLING else 0.0
                penalty += SOFT_BREAK_PENALTY * square if metrics.soft[j] else 0.0
            best, best_i = infinity, 0
            for i in range(j - 1, k - 2, -1):
                width = line_width(i, j)
                if width > width_em + _EPSILON:
                    break
                if cost[k - 1][i] == infinity:
                    continue
                total = cost[k - 1][i] + (width_em - width) ** 2 + penalty
                if total < best:
                    best, best_i = total, i
            cost[k][j], back[k][j] = best, best_i
    breaks: list[tuple[int, int]] = []
    end = n
    for k in range(line_count, 0, -1):
        start = back[k][end]
        breaks.append((start, end))
        end = start
    return breaks[::-1]


def line_atoms(atoms: tuple[Atom, ...], start: int, end: int) -> tuple[tuple[Atom, ...], bool]:
    """The atoms of a line, the last one with its hyphen drawn when the line ends before a
    ``"hyphen"`` piece; and whether it does."""
    line = atoms[start:end]
    if end < len(atoms) and atoms[end].word_break in HYPHEN_BREAKS and line:
        return (*line[:-1], replace(line[-1], text=line[-1].text + HYPHEN)), True
    return line, False


def line_width_em(metrics: Metrics, start: int, end: int) -> float:
    width = sum(metrics.widths_em[start:end]) + sum(metrics.gaps_em[start + 1 : end])
    return width + (metrics.tails_em[end - 1] if end < len(metrics.widths_em) and end > start else 0.0)


__all__ = ["HYPHEN", "HYPHEN_BREAKS", "Metrics", "balanced_breaks", "greedy_breaks", "greedy_count", "line_atoms", "line_width_em",
           "measure_atoms"]
