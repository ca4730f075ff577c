"""``thumbkit bench --quality``: how many titles of a corpus get a render that passes every check
of the judge, per format, and what judging costs.

Pass shares: every title of the corpus (``tests/data/titles_corpus.csv`` in a source checkout, or
``--titles``) rendered with ``layout="auto"`` and the kit given (default: ``default``) in each
format; a render passes when the judge finds no fail. Judge cost: the median time of
``Thumbnail.quality`` (judged on the picture as drawn) against the median render of the same
titles, measured in the same process.

Then the cost of choosing (:mod:`renderer.bench.choice`): ``layout="auto"`` and 3 variants
against rendering the one fixed layout auto picks, on the corpus' first ``CHOICE_TITLES`` titles.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click
from msgspec import Struct

from ..errors import InputError
from ..formats import FORMAT_NAMES
from .choice import choice_costs, choice_line

if TYPE_CHECKING:
    from ..api import Renderer

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "data" / "titles_corpus.csv"


class FormatQuality(Struct, frozen=True):
    format: str
    titles: int
    passed: int
    median_score: float
    fail_codes: tuple[tuple[str, int], ...]  # the commonest fail codes and how many renders had them
    render_ms: float  # median render (encoded, not judged), wall clock
    judge_ms: float  # median Thumbnail.quality, wall clock
    cpu_ratio: float  # median judge CPU time over median render CPU time (steadier on a shared machine)

    @property
    def share(self) -> float:
        return self.passed / self.titles if self.titles else 0.0


def corpus_titles(path: Path | None = None) -> list[str]:
    """The titles of a batch CSV/txt file (the bundled corpus by default)."""
    from ..batch.csv_rows import read_rows

    path = path or CORPUS
    if not path.is_file():
        raise InputError(f"no titles corpus at {path} (it ships in a source checkout); pass --titles FILE")
    return [row.title for row in read_rows(path) if row.title.strip()]


def format_quality(renderer: "Renderer", titles: list[str], format_name: str, *, brand: str = "default") -> FormatQuality:
    """Render and judge every title in ``format_name`` (``renderer``: a ``Renderer``)."""
    renderer.render("warm up the caches", format=format_name, brand=brand)
    render_s: list[float] = []
    judge_s: list[float] = []
    render_cpu: list[float] = []
    judge_cpu: list[float] = []
    scores: list[int] = []
    passed, fails = 0, Counter[str]()
    for title in titles:
        started, started_cpu = time.perf_counter(), time.thread_time()
        thumbnail = renderer.render(title, format=format_name, brand=brand)
        judging, judging_cpu = time.perf_counter(), time.thread_time()
        quality = thumbnail.quality
        render_s.append(judging - started)
        judge_s.append(time.perf_counter() - judging)
        render_cpu.append(judging_cpu - started_cpu)
        judge_cpu.append(time.thread_time() - judging_cpu)
        scores.append(quality.score)
        passed += quality.passed
        fails.update(f.code for f in quality.findings if f.severity == "fail")
    return FormatQuality(format_name, len(titles), passed, statistics.median(scores), tuple(fails.most_common(3)),
                         statistics.median(render_s) * 1000, statistics.median(judge_s) * 1000,
                         statistics.median(judge_cpu) / max(1e-9, statistics.median(render_cpu)))


def print_report(*, titles_path: Path | None, brand: str, limit: int | None) -> None:
    from ..api import Renderer

    titles = corpus_titles(titles_path)[:limit]
    renderer = Renderer()
    click.echo(f"{len(titles)} titles from {titles_path or CORPUS}, layout auto, kit {brand}")
    click.echo(f"{'format':<10} {'pass':>9} {'share':>6} {'median':>6}  commonest fails")
    rows = []
    for format_name in FORMAT_NAMES:
        row = format_quality(renderer, titles, format_name, brand=brand)
        rows.append(row)
        fails = ", ".join(f"{code} {count}" for code, count in row.fail_codes) or "-"
        click.echo(f"{row.format:<10} {row.passed:>4}/{row.titles:<4} {row.share:6.1%} {row.median_score:6g}  {fails}")
    click.echo("\njudge cost per render (Thumbnail.quality, judged once, on first use):")
    click.echo(f"{'format':<10} {'render ms':>9} {'judge ms':>9} {'ratio':>6} {'CPU ratio':>9}")
    for row in rows:
        click.echo(f"{row.format:<10} {row.render_ms:9.1f} {row.judge_ms:9.2f} {row.judge_ms / row.render_ms:6.1%} "
                   f"{row.cpu_ratio:9.1%}")
    click.echo("\n" + choice_line(choice_costs(renderer, titles[:CHOICE_TITLES], rounds=1)))


CHOICE_TITLES = 60  # auto and variants are timed on the corpus' first titles (every format would take minutes)


__all__ = ["CHOICE_TITLES", "CORPUS", "FormatQuality", "corpus_titles", "format_quality", "print_report"]
