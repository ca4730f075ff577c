"""Batch throughput benchmark: 1,000 titles of every script with 1 worker, then with 2, in one run.

    python -m renderer.bench.batch [--titles 1000] [--workers 1,2]

Prints, per run: wall time, throughput (start-up included and excluded), and where the time went:
worker CPU per thumbnail (render + encode) and parent CPU per thumbnail (CSV, naming, manifest,
atomic writes). Then the ratio of the last run's rate to the first's. The load average is printed
too: on a shared machine other processes take cores and the figures mean less.

The titles (``varied_titles``) mix every script thumbkit draws: Latin with accents, Cyrillic,
Greek, Arabic and Hebrew (right to left), Devanagari, Thai, Chinese, Japanese, Korean, and emoji,
in every format: the work of a real multilingual batch, not one font's.
"""

from __future__ import annotations

import csv
import os
import random
import sys
import tempfile
from pathlib import Path

import click

from ..batch.run import BatchSummary, run_batch

GOAL_RATE_PER_S = 60.0
GOAL_RATIO = 1.85

_OPENERS = ("7", "10", "3", "5", "12", "Why", "How", "The", "Stop", "Best", "Secret", "Never", "Top 9")
_SUBJECTS = ("Python", "Rust", "Budget", "Travel", "Fitness", "Cooking", "Startup", "Marketing", "Photography",
             "Guitar", "Investing", "Productivity", "Gardening", "Chess", "Excel", "Camping")
_NOUNS = ("tricks", "mistakes", "habits", "tools", "hacks", "lessons", "rules", "ideas", "secrets", "myths")
_ENDINGS = ("you didn't know", "nobody talks about", "that changed my life", "for beginners", "in 2026",
            "explained in 10 minutes", "to try this week", "pros use", "", "")


def youtube_titles(count: int, *, seed: int = 4) -> list[str]:
    """``count`` plausible, varied youtube titles (deterministic for a seed)."""
    chooser = random.Random(seed)
    return [
        " ".join(part for part in (chooser.choice(_OPENERS), chooser.choice(_SUBJECTS), chooser.choice(_NOUNS),
                                   chooser.choice(_ENDINGS)) if part)
        for _ in range(count)
    ]


#: Words per script, put together at random (grammar aside, they shape and break as real titles do).
_SCRIPT_WORDS: dict[str, tuple[str, ...]] = {
    "latin": ("Pourquoi", "façon", "été", "Größe", "Straße", "años", "niño", "cómo", "aprender", "voyage", "économie"),
    "cyrillic": ("Как", "выучить", "за", "семь", "дней", "секреты", "бюджета", "путешествий", "ошибки", "новичков"),
    "greek": ("Πώς", "να", "μάθετε", "γρήγορα", "μυστικά", "ταξίδια", "λάθη", "αρχάριων", "οικονομία"),
    "arabic": ("كيف", "تتعلم", "البرمجة", "في", "سبعة", "أيام", "أسرار", "السفر", "بميزانية", "أخطاء"),
    "hebrew": ("איך", "ללמוד", "תכנות", "בשבוע", "סודות", "טיולים", "טעויות", "של", "מתחילים"),
    "devanagari": ("कैसे", "सीखें", "प्रोग्रामिंग", "सात", "दिनों", "में", "यात्रा", "के", "रहस्य", "गलतियाँ"),
    "thai": ("วิธี", "เรียน", "เขียนโปรแกรม", "ใน", "เจ็ดวัน", "เคล็ดลับ", "การเดินทาง", "ประหยัด"),
    "chinese": ("如何", "七天", "学会", "编程", "旅行", "省钱", "秘诀", "新手", "常见错误"),
    "japanese": ("プログラミング", "を", "七日間", "で", "学ぶ", "方法", "旅行", "の", "秘訣", "初心者"),
    "korean": ("7일", "만에", "프로그래밍", "배우는", "방법", "여행", "비밀", "초보자", "실수"),
}
_EMOJI = ("🔥", "🚀", "💡", "✅", "😱", "🎯", "📈")
_FORMATS = ("youtube", "instagram", "x", "linkedin", "blogpost")


def varied_titles(count: int, *, seed: int = 4) -> list[str]:
    """``count`` titles, a fifth of them English youtube titles and the rest in the other scripts
    in turn, some with a number or an emoji (deterministic for a seed)."""
    chooser = random.Random(seed)
    english = youtube_titles(count, seed=seed)
    scripts = list(_SCRIPT_WORDS)
    titles = []
    for index in range(count):
        if index % 5 == 0:
            titles.append(english[index])
            continue
        words = chooser.sample(_SCRIPT_WORDS[scripts[index % len(scripts)]], chooser.randint(3, 6))
        if chooser.random() < 0.3:
            words.insert(0, str(chooser.choice((3, 5, 7, 10, 12))))
        if chooser.random() < 0.3:
            words.append(chooser.choice(_EMOJI))
        titles.append(" ".join(words))
    return titles


def write_csv(path: Path, titles: list[str]) -> Path:
    """One row per title, the formats in turn."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("title", "format"))
        writer.writerows((title, _FORMATS[index % len(_FORMATS)]) for index, title in enumerate(titles))
    return path


def describe(summary: BatchSummary) -> str:
    per_thumbnail_ms = 1000 / summary.rendered if summary.rendered else 0.0
    return (
        f"{summary.workers:>11}: {summary.rendered} in {summary.elapsed_s:6.2f} s = {summary.throughput_per_s:5.1f}/s "
        f"(after {summary.startup_s:.2f} s start-up: {summary.steady_throughput_per_s:5.1f}/s); CPU per thumbnail: "
        f"workers {summary.render_cpu_s * per_thumbnail_ms:5.1f} ms, parent {summary.parent_cpu_s * per_thumbnail_ms:4.1f} ms"
    )


@click.command()
@click.option("--titles", "title_count", default=1000, show_default=True, help="how many titles")
@click.option("--workers", "worker_counts", default="1,2", show_default=True, help="worker counts to compare, in order")
@click.option("--repeat", default=1, show_default=True, help="rounds (interleaved); the best round of each count is compared")
def main(title_count: int, worker_counts: str, repeat: int) -> None:
    """Measure batch throughput for several worker counts in one run."""
    counts = [int(part) for part in worker_counts.split(",")]
    best: dict[int, BatchSummary] = {}
    with tempfile.TemporaryDirectory(prefix="thumbkit-bench-") as folder:
        csv_path = write_csv(Path(folder) / "titles.csv", varied_titles(title_count))
        click.echo(f"{title_count} titles of every script in every format, {os.cpu_count()} cores, "
                   f"Python {sys.version.split()[0]}, load average {_load()}")
        for round_number in range(repeat):
            for workers in counts:
                load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
                out = Path(folder) / f"out-{workers}-{round_number}"
                summary = run_batch(csv_path, out_dir=out, workers=workers)
                if summary.failed:
                    raise click.ClickException(f"{summary.failed} rows failed; see {summary.failures_path}")
                if workers not in best or summary.steady_throughput_per_s > best[workers].steady_throughput_per_s:
                    best[workers] = summary
                click.echo(f"{describe(summary)}  [load before: {load:.2f}]")
    first, last = best[counts[0]], best[counts[-1]]
    if len(counts) > 1:
        ratio = last.steady_throughput_per_s / first.steady_throughput_per_s
        click.echo(
            f"{'best ' if repeat > 1 else ''}ratio {counts[-1]} vs {counts[0]} workers (start-up excluded): {ratio:.2f}x "
            f"(goal >= {GOAL_RATIO}x); {counts[-1]} workers: {last.steady_throughput_per_s:.1f}/s "
            f"(goal >= {GOAL_RATE_PER_S:.0f}/s)"
        )
    click.echo(f"load average after: {_load()}")
    cpu_ms = {w: (s.render_cpu_s + s.parent_cpu_s) * 1000 / s.rendered for w, s in best.items()}
    click.echo(
        "CPU-bound ceiling on an otherwise idle machine: "
        + ", ".join(f"{w} worker{'s' if w > 1 else ''} <= {min(w, os.cpu_count() or 1) * 1000 / cpu_ms[w]:.0f}/s" for w in counts)
        + " (cores / CPU ms per thumbnail, workers + parent)"
    )


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"


if __name__ == "__main__":  # pragma: no cover
    main()
