"""Text fitting, the heart of thumbkit: a pure function from atoms and a box to fitted lines.

``fit_text`` finds the largest font size within ``rules`` at which the atoms wrap into the box in at
most ``max_lines`` lines, then chooses balanced line breaks (no orphan when a better split exists).
Words are only broken when one word alone is wider than the box at the minimum size. When the
text does not fit ``max_lines`` lines even at the minimum size, it may take more lines, as many as
the box is tall enough for (``FittedText.lines`` then exceeds ``max_lines``); an ellipsis is the
last resort and is reported as ``truncated``.

Widths come from a ``Measure`` in em units (the advance at a size of 1 px), so the width at size
``s`` is ``width_em * s``: fitting is exact, monotone and fast, and property tests can use a fake
monospace measure. The painter checks the real hinted widths afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol

import regex

from .segment import Atom

ELLIPSIS = "…"
FitMode = Literal["shrink", "truncate"]


class Measure(Protocol):
    """Font metrics in em units (multiply by the size in px)."""

    ascent_em: float
    descent_em: float

    def width_em(self, text: str) -> float: ...

    def clusters(self, text: str) -> list[str]: ...


@dataclass(frozen=True)
class FitRules:
    min_size_px: int
    max_size_px: int
    max_lines: int
    line_height: float = 1.1
    mode: FitMode = "shrink"


@dataclass(frozen=True)
class FittedLine:
    """Atoms keep their ``space_before``; the first atom of a line draws no space."""

    atoms: tuple[Atom, ...]
    width_px: float

    @property
    def text(self) -> str:
        return "".join((" " if a.space_before and i else "") + a.text for i, a in enumerate(self.atoms))


@dataclass(frozen=True)
class FittedText:
    lines: tuple[FittedLine, ...]
    size_px: int
    line_height_px: float
    height_px: float
    truncated: bool
    broke_words: bool

    @property
    def atoms(self) -> tuple[Atom, ...]:
        return tuple(atom for line in self.lines for atom in line.atoms)


@dataclass(frozen=True)
class _Metrics:
    widths_em: tuple[float, ...]
    gaps_em: tuple[float, ...]  # space before each atom (0 for the first of a line is applied later)
    space_em: float
    words: tuple[str, ...] = ()  # atoms' text, lowercased, for the dangling-word penalty


def fit_text(
    atoms: Sequence[Atom],
    *,
    box_width_px: float,
    box_height_px: float,
    rules: FitRules,
    measure: Measure,
) -> FittedText:
    atoms = tuple(atom for atom in atoms if atom.text)
    if not atoms:
        return FittedText((), rules.max_size_px, 0.0, 0.0, truncated=False, broke_words=False)
    space_em = measure.width_em(" ")
    metrics = _metrics(atoms, measure, space_em)
    broke_words = False

    size = _largest_fitting_size(metrics, box_width_px, box_height_px, rules, measure)
    if size is None:
        floor_px = rules.min_size_px if rules.mode == "shrink" else rules.max_size_px
        split = _split_wide_atoms(atoms, box_width_px / floor_px, measure)
        if split != atoms:
            # A word wider than the box at the floor size is broken at that size, and the size
            # stays there: breaking must never buy a larger size than an unbroken fit would get.
            atoms, broke_words = split, True
            metrics = _metrics(atoms, measure, space_em)
            size = floor_px if _fits(metrics, floor_px, box_width_px, box_height_px, rules, measure) else None
        if size is None:
            # Before an ellipsis drops words: more lines than the layout prefers, at the floor
            # size, as many as the box is tall enough for.
            room = _lines_that_fit(floor_px, box_height_px, rules, measure)
            if room > rules.max_lines:
                roomy = replace(rules, max_lines=room)
                if _fits(metrics, floor_px, box_width_px, box_height_px, roomy, measure):
                    size, rules = floor_px, roomy
        if size is None:
            return _truncate(atoms, floor_px, box_width_px, box_height_px, rules, measure, broke_words)

    breaks = _balanced_breaks(metrics, box_width_px / size, _greedy_count(metrics, box_width_px / size))
    lines = tuple(_line(atoms[start:end], metrics, start, size) for start, end in breaks)
    return _result(lines, size, rules, measure, truncated=False, broke_words=broke_words)


def _metrics(atoms: tuple[Atom, ...], measure: Measure, space_em: float) -> _Metrics:
    widths = tuple(measure.width_em(atom.text) for atom in atoms)
    gaps = tuple(space_em if atom.space_before else 0.0 for atom in atoms)
    return _Metrics(widths, gaps, space_em, tuple(atom.text.strip("()[]\"'.,:;!?\u201c\u201d\u2018\u2019").lower() for atom in atoms))


def _block_height_em(lines: int, rules: FitRules, measure: Measure) -> float:
    return (lines - 1) * rules.line_height + measure.ascent_em + measure.descent_em


def _lines_that_fit(size: int, box_h: float, rules: FitRules, measure: Measure) -> int:
    lines = 1
    while lines < 64 and _block_height_em(lines + 1, rules, measure) * size <= box_h + 1e-9:
        lines += 1
    return lines


def _greedy_count(metrics: _Metrics, width_em: float, limit: int | None = None) -> int:
    """Lines a greedy wrap needs at this width; a huge number when one atom alone is too wide."""
    count, current = 1, -1.0
    for width, gap in zip(metrics.widths_em, metrics.gaps_em):
        if width > width_em + 1e-9:
            return 1 << 30
        if current < 0:
            current = width
        elif current + gap + width <= width_em + 1e-9:
            current += gap + width
        else:
            count += 1
            current = width
            if limit is not None and count > limit:
                return count
    return count


def _fits(metrics: _Metrics, size: int, box_w: float, box_h: float, rules: FitRules, measure: Measure) -> bool:
    lines = _greedy_count(metrics, box_w / size, rules.max_lines)
    return lines <= rules.max_lines and _block_height_em(lines, rules, measure) * size <= box_h + 1e-9


def _largest_fitting_size(
    metrics: _Metrics, box_w: float, box_h: float, rules: FitRules, measure: Measure
) -> int | None:
    if rules.mode == "truncate":
        return rules.max_size_px if _fits(metrics, rules.max_size_px, box_w, box_h, rules, measure) else None
    low, high = rules.min_size_px, rules.max_size_px
    if not _fits(metrics, low, box_w, box_h, rules, measure):
        return None
    while low < high:  # invariant: fits(low); fitting is monotone in size
        middle = (low + high + 1) // 2
        if _fits(metrics, middle, box_w, box_h, rules, measure):
            low = middle
        else:
            high = middle - 1
    return low


def _balanced_breaks(metrics: _Metrics, width_em: float, line_count: int) -> list[tuple[int, int]]:
    """Breaks into exactly ``line_count`` lines minimising the squared slack of every line."""
    n = len(metrics.widths_em)
    if line_count <= 1:
        return [(0, n)]
    prefix_w = [0.0]
    prefix_g = [0.0]
    for width, gap in zip(metrics.widths_em, metrics.gaps_em):
        prefix_w.append(prefix_w[-1] + width)
        prefix_g.append(prefix_g[-1] + gap)

    def line_width(i: int, j: int) -> float:  # atoms[i:j] on one line
        return prefix_w[j] - prefix_w[i] + prefix_g[j] - prefix_g[i + 1]

    infinity = float("inf")
    cost = [[infinity] * (n + 1) for _ in range(line_count + 1)]
    back = [[0] * (n + 1) for _ in range(line_count + 1)]
    cost[0][0] = 0.0
    for k in range(1, line_count + 1):
        for j in range(k, n + 1):
            best, best_i = infinity, 0
            for i in range(j - 1, k - 2, -1):
                width = line_width(i, j)
                if width > width_em + 1e-9:
                    break
                if cost[k - 1][i] == infinity:
                    continue
                total = cost[k - 1][i] + (width_em - width) ** 2
                if j < n and _dangles(metrics, j - 1):
                    total += _DANGLING_PENALTY * width_em ** 2
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


_DANGLING_PENALTY = 0.15  # in squared box widths: worth some raggedness, not an extra line
_DANGLING = frozenset("a an and & or nor but the to of in on at for with by from as vs".split())


def _dangles(metrics: _Metrics, index: int) -> bool:
    """A line ending with this atom would leave a short function word hanging ("... AND / HOW")."""
    return metrics.words[index] in _DANGLING


def _line(atoms: tuple[Atom, ...], metrics: _Metrics, start: int, size: int) -> FittedLine:
    width = 0.0
    for offset, atom in enumerate(atoms):
        if offset:
            width += metrics.gaps_em[start + offset]
        width += metrics.widths_em[start + offset]
    return FittedLine(atoms, width * size)


_HYPHENATED = regex.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}]")  # scripts whose broken words get a hyphen
HYPHEN = "-"


def _split_wide_atoms(atoms: tuple[Atom, ...], width_em: float, measure: Measure) -> tuple[Atom, ...]:
    """Break only the atoms that alone are wider than the box, between character clusters, into
    as few pieces as fit and of even widths (``SUPERCALIFRAGI- / LISTICEXPIALIDOCIOUS``, not a
    last piece of one letter); pieces of Latin, Greek or Cyrillic words end with a hyphen."""
    result: list[Atom] = []
    for atom in atoms:
        if measure.width_em(atom.text) <= width_em + 1e-9:
            result.append(atom)
            continue
        pieces = _even_pieces(measure.clusters(atom.text), width_em, measure, hyphen=bool(_HYPHENATED.search(atom.text)))
        for index, piece in enumerate(pieces):
            result.append(replace(atom, text=piece, space_before=atom.space_before if index == 0 else False))
    return tuple(result)


def _even_pieces(clusters: list[str], width_em: float, measure: Measure, *, hyphen: bool) -> list[str]:
    def closed(piece: str, limit_em: float) -> str:  # a piece that ends before the word does
        marked = piece + HYPHEN
        return marked if hyphen and piece[-1:].isalnum() and measure.width_em(marked) <= limit_em + 1e-9 else piece

    def greedy(limit_em: float) -> list[str]:
        pieces, piece = [], ""
        for index, cluster in enumerate(clusters):
            last = index == len(clusters) - 1  # the word's end takes no hyphen
            candidate = piece + cluster
            marked = candidate + HYPHEN if hyphen and not last and candidate[-1:].isalnum() else candidate
            if piece and measure.width_em(marked) > limit_em + 1e-9:
                pieces.append(closed(piece, limit_em))
                candidate = cluster
            piece = candidate
        return [*pieces, piece] if piece else pieces

    fewest = greedy(width_em)
    low, high = measure.width_em("".join(clusters)) / len(fewest), width_em
    for _ in range(24):  # the narrowest limit that still needs no more pieces: even widths
        middle = (low + high) / 2
        if len(greedy(middle)) <= len(fewest):
            high = middle
        else:
            low = middle
    return greedy(high)


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
    space_em = measure.width_em(" ")
    lines: list[list[Atom]] = [[]]
    current = 0.0
    for atom in atoms:
        width = measure.width_em(atom.text)
        gap = space_em if atom.space_before and lines[-1] else 0.0
        if lines[-1] and current + gap + width > width_em + 1e-9:
            if len(lines) == max_lines:
                break
            lines.append([])
            current, gap = 0.0, 0.0
        lines[-1].append(atom)
        current += gap + width
    last = lines[-1]
    while True:
        candidate = last[:-1] + [replace(last[-1], text=last[-1].text.rstrip(" .,;:!?-–—") + ELLIPSIS)]
        if _width_em(candidate, measure, space_em) <= width_em + 1e-9:
            lines[-1] = candidate
            break
        if len(last) > 1:
            last = last[:-1]
            continue
        clusters = measure.clusters(last[0].text)
        if len(clusters) <= 1:
            lines[-1] = [replace(last[0], text=ELLIPSIS)]
            break
        last = [replace(last[0], text="".join(clusters[:-1]))]
    fitted = tuple(
        FittedLine(tuple(line), _width_em(line, measure, space_em) * size)
        for line in lines
    )
    return _result(fitted, size, rules, measure, truncated=True, broke_words=broke_words)


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
    )
