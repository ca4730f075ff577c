"""``thumbkit bench``: render speed per format against a bare-Pillow floor measured in the same run.

The floor is what any renderer must at least do: a canvas of the same size with a gradient, the
same title drawn in two lines with no layout engine, encoded as WebP quality 80 method 0.
Figures are medians over many titles; ratios compare numbers from this one process.
"""

from __future__ import annotations

import io
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..api import Renderer

TITLES = [
    "Why your Python code is slow (and how to fix it)", "I tried every AI coding tool so you don't have to",
    "The truth about remote work in 2026", "How I built a SaaS in a weekend", "Nobody talks about this Git feature",
    "Stop writing tests like this", "The fastest way to learn Rust", "My home office tour on a budget",
    "Docker explained in 10 minutes", "Never deploy on a Friday again", "What I learned shipping 100 side projects",
    "Is this the end of JavaScript frameworks?", "The only productivity system that worked for me",
    "Beginner mistakes every data scientist makes", "Build a CLI tool in Python from scratch",
    "The hidden cost of microservices",
]


def _floor_render(title: str, width: int, height: int, font_path: str) -> tuple[bytes, float]:
    from .floor_card import draw_card

    started = time.perf_counter()
    data = draw_card(title, width, height, font_path)
    return data, time.perf_counter() - started


def run(*, rounds: int = 3) -> list[dict[str, Any]]:
    from ..api import Renderer
    from ..encode import encode
    from ..formats import FORMATS

    renderer = Renderer()
    font_path = str(renderer.fonts.face("league-spartan", "black").path)
    results = []
    for fmt in FORMATS.values():
        renderer.render("warm up the caches", format=fmt.name)
        render_times, encode_times, sizes, floor_times = [], [], [], []
        for _ in range(rounds):
            for title in TITLES:
                started = time.perf_counter()
                thumbnail = renderer.render(title, format=fmt.name)
                render_times.append(time.perf_counter() - started)
                sizes.append(len(thumbnail.data))
                _, floor_s = _floor_render(title, fmt.width_px, fmt.height_px, font_path)
                floor_times.append(floor_s)
        # the share spent encoding: encode the final picture again, alone
        from PIL import Image

        picture = Image.open(io.BytesIO(thumbnail.data)).convert("RGB")
        for _ in range(len(TITLES)):
            started = time.perf_counter()
            encode(picture, "webp")
            encode_times.append(time.perf_counter() - started)
        render_ms = statistics.median(render_times) * 1000
        floor_ms = statistics.median(floor_times) * 1000
        encode_ms = statistics.median(encode_times) * 1000
        results.append({
            "format": fmt.name, "render_ms": render_ms, "encode_share": encode_ms / render_ms,
            "size_kib": statistics.median(sizes) / 1024, "floor_ms": floor_ms, "ratio": render_ms / floor_ms,
        })
    return results


def encoder_table(renderer: Renderer | None = None) -> list[dict[str, Any]]:
    """WebP method/quality trade-off on a real thumbnail: time and size."""
    from PIL import Image

    from ..api import Renderer

    renderer = renderer or Renderer()
    picture = Image.open(io.BytesIO(renderer.render(TITLES[0], output_format="png").data)).convert("RGB")
    rows = []
    for method in (0, 2, 4, 6):
        times, size = [], 0
        for _ in range(9):
            buffer = io.BytesIO()
            started = time.perf_counter()
            picture.save(buffer, "WEBP", quality=82, method=method)
            times.append(time.perf_counter() - started)
            size = len(buffer.getvalue())
        rows.append({"method": method, "ms": statistics.median(times) * 1000, "kib": size / 1024})
    return rows


KITS_WITH_PHOTO = ("techpulse", "sunrise")  # the bundled kits with a presenter photo


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def photo_vs_faceless(*, rounds: int = 15) -> dict[str, Any]:
    """A render with a (cached) cut-out photo against the same render without it.

    Two comparisons: the same layout with and without the photo (what the photo itself costs), and
    the call a user makes with and without ``use_photo`` (ThumbAPI's ``usePhoto`` against a
    ``faceless`` request: the kit picks the layout for each), for each bundled kit with a photo. The
    first is split into encoding and everything else by encoding each final picture again alone:
    a photograph carries more detail than a gradient and WebP takes longer to code it.
    """
    from PIL import Image

    from ..api import Renderer
    from ..encode import encode

    renderer = Renderer()
    title = "I tried every AI coding tool so you don't have to"
    calls: dict[str, dict[str, Any]] = {
        "photo": dict(layout="youtube-split", brand="techpulse", use_photo=True),
        "faceless": dict(layout="youtube-split", brand="techpulse"),
    }
    for kit in KITS_WITH_PHOTO:
        calls[f"{kit}_photo"] = dict(brand=kit, use_photo=True)
        calls[f"{kit}_faceless"] = dict(brand=kit)
    pictures = {}
    for name, options in calls.items():  # warm: the cutout and every cache are made here
        thumbnail = renderer.render(title, **options)
        pictures[name] = Image.open(io.BytesIO(thumbnail.data)).convert("RGB")
    render_s: dict[str, list[float]] = {name: [] for name in calls}
    encode_s: dict[str, list[float]] = {"photo": [], "faceless": []}
    for _ in range(rounds):  # interleaved, so every figure sees the same machine
        for name, options in calls.items():
            started = time.perf_counter()
            renderer.render(title, **options)
            render_s[name].append(time.perf_counter() - started)
        for name in encode_s:
            started = time.perf_counter()
            encode(pictures[name], "webp")
            encode_s[name].append(time.perf_counter() - started)
    ms = {name: _median_ms(samples) for name, samples in render_s.items()}
    encode_ms = {name: _median_ms(samples) for name, samples in encode_s.items()}
    drawing_ms = {name: ms[name] - encode_ms[name] for name in encode_ms}
    return {
        "photo_ms": ms["photo"], "faceless_ms": ms["faceless"], "ratio": ms["photo"] / ms["faceless"],
        "photo_encode_ms": encode_ms["photo"], "faceless_encode_ms": encode_ms["faceless"],
        "photo_drawing_ms": drawing_ms["photo"], "faceless_drawing_ms": drawing_ms["faceless"],
        "drawing_ratio": drawing_ms["photo"] / drawing_ms["faceless"],
        "kits": {kit: {"photo_ms": ms[f"{kit}_photo"], "faceless_ms": ms[f"{kit}_faceless"],
                       "ratio": ms[f"{kit}_photo"] / ms[f"{kit}_faceless"]} for kit in KITS_WITH_PHOTO},
    }


@click.command("bench")
@click.option("--rounds", type=click.IntRange(min=1), default=None,
              help="passes over the 16 titles per format [default: 3]; with --cold: runs of each process [default: 9]")
@click.option("--cold", is_flag=True,
              help="instead: whole one-shot `thumbkit render` processes against a bare-Pillow process, interleaved; "
                   "medians, ratio, peak memory, and the import time of renderer")
@click.option("--quality", "quality", is_flag=True,
              help="instead: the share of a titles corpus whose render passes every check of the judge, per format, "
                   "and the judge's cost per render")
@click.option("--titles", "titles_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="with --quality: the titles file [default: tests/data/titles_corpus.csv]")
@click.option("-b", "--brand", default="default", show_default=True, help="with --quality: the brand kit")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="with --quality: only the first N titles")
@click.option("--preview", is_flag=True, help="instead: the live preview, from a saved layout to its new render on the page")
def bench_command(rounds: int | None, cold: bool, quality: bool, titles_path: Path | None, brand: str, limit: int | None,
                  preview: bool) -> None:
    """Print render speed per format against a bare-Pillow floor, a presenter's and a background
    picture's cost against a faceless render, and the WebP trade-off (or, with --cold, what a
    one-shot process costs; with --quality, how many titles pass the judge's checks;
    with --preview, how soon the preview shows a save)."""
    if cold:
        from . import cold as cold_bench

        cold_bench.print_report(cold_bench.run(rounds=rounds or 9))
        return
    rounds = rounds or 3
    if preview:
        from .preview import preview_latency

        row = preview_latency()
        click.echo(f"thumbkit preview of a youtube layout, {row['saves']} saves: the new render on the event stream "
                   f"{row['latency_ms']:.0f} ms after the save (median; slowest {row['latency_max_ms']:.0f} ms), "
                   f"of which rendering {row['render_ms']:.0f} ms for {row['images']} images; one plain render "
                   f"{row['plain_ms']:.1f} ms, so the preview's render costs {row['ratio']:.2f}x its images rendered one by one")
        return
    if quality:
        from ..cli.commands import fail_on_user_error
        from .quality import print_report

        fail_on_user_error(print_report)(titles_path=titles_path, brand=brand, limit=limit)
        return
    click.echo(f"{'format':<10} {'median ms':>9} {'encode':>7} {'KiB':>6} {'floor ms':>9} {'ratio':>6}")
    for row in run(rounds=rounds):
        click.echo(f"{row['format']:<10} {row['render_ms']:9.1f} {row['encode_share']:6.0%} {row['size_kib']:6.1f} "
                   f"{row['floor_ms']:9.1f} {row['ratio']:5.2f}x")
    photo = photo_vs_faceless()
    click.echo(f"\nyoutube-split with a cached cut-out photo: {photo['photo_ms']:.1f} ms, without: "
               f"{photo['faceless_ms']:.1f} ms ({photo['ratio']:.2f}x)")
    click.echo(f"  of which WebP coding: {photo['photo_encode_ms']:.1f} ms vs {photo['faceless_encode_ms']:.1f} ms; "
               f"the rest: {photo['photo_drawing_ms']:.1f} ms vs {photo['faceless_drawing_ms']:.1f} ms "
               f"({photo['drawing_ratio']:.2f}x)")
    for kit, row in photo["kits"].items():
        click.echo(f"{kit} with use_photo vs faceless (the kit picks each layout): {row['photo_ms']:.1f} ms vs "
                   f"{row['faceless_ms']:.1f} ms ({row['ratio']:.2f}x)")
    from .choice import choice_costs
    from .patterns import compose_with_and_without, mask_costs

    choice = choice_costs()
    click.echo(f"\nchoosing ({choice['format']}, {choice['titles']} titles, medians): one fixed layout "
               f"{choice['fixed_ms']:.1f} ms, layout=auto {choice['auto_ms']:.1f} ms ({choice['auto_ratio']:.2f}x, "
               f"{choice['candidates_per_auto']:.1f} candidates composed on average), {choice['variants']} variants "
               f"{choice['variants_ms']:.1f} ms ({choice['variants_ratio']:.2f}x)")
    click.echo("\nPatterns at 1280x720: a mask from nothing, another variant (the drawing cached), the mask painted:")
    for cost in mask_costs():
        click.echo(f"  {cost['pattern']!s:<9} first {cost['first_ms']:6.1f} ms  variant {cost['variant_ms']:5.1f} ms  "
                   f"paint {cost['paint_ms']:4.1f} ms")
    pattern = compose_with_and_without(titles=TITLES)
    click.echo(f"youtube-bold and youtube-quote composed with the default kit's patterns: {pattern['with_ms']:.1f} ms, "
               f"with plain backgrounds: {pattern['without_ms']:.1f} ms ({pattern['ratio']:.2f}x, median of "
               f"{pattern['renders']:.0f} renders, no encoding)")

    from .picture import picture_vs_faceless, report

    click.echo("")
    for line in report(picture_vs_faceless()):
        click.echo(line)
    click.echo("\nWebP quality 82 on a 1280x720 render (thumbkit uses method 0 at quality 80):")
    for row in encoder_table():
        click.echo(f"  method {row['method']}: {row['ms']:6.1f} ms  {row['kib']:6.1f} KiB")
