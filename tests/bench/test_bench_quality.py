"""``thumbkit bench --quality``: the pass share per format is what the judge says of each render."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from renderer.bench.quality import CORPUS, corpus_titles, format_quality

ROOT = Path(__file__).resolve().parents[2]


def test_the_corpus_covers_every_bundled_script_and_the_hard_cases():
    titles = corpus_titles()
    assert CORPUS.is_file() and len(titles) >= 200
    assert min(len(t) for t in titles) == 1 and max(len(t) for t in titles) == 200
    text = "\n".join(titles)
    import regex

    for script in ("Latin", "Arabic", "Hebrew", "Devanagari", "Thai", "Han", "Hiragana", "Katakana", "Hangul", "Cyrillic", "Greek"):
        assert regex.search(rf"\p{{Script={script}}}", text), script
    assert regex.search(r"\p{Emoji_Presentation}", text)
    for needle in ("<script>alert(1)</script>", "Pneumonoultramicroscopicsilicovolcanoconiosis", "https://", " vs ", "$", "€",
                   "?", '"', "Donaudampfschifffahrtsgesellschaftskapitän"):
        assert needle in text, needle
    assert len("Pneumonoultramicroscopicsilicovolcanoconiosis") == 45


def test_the_pass_share_counts_the_judges_verdicts(renderer):
    titles = ["Why your Python code is slow", "Pneumonoultramicroscopicsilicovolcanoconiosis", "7 Docker tricks"]
    row = format_quality(renderer, titles, "youtube")
    verdicts = [renderer.render(title, format="youtube").quality for title in titles]
    assert row.titles == 3 and row.passed == sum(q.passed for q in verdicts)
    assert row.share == row.passed / 3 and row.render_ms > 0 and row.judge_ms > 0


def test_bench_quality_prints_a_row_per_format_and_the_judge_cost(tmp_path):
    (tmp_path / "t.txt").write_text("Why your Python code is slow\n7 Docker tricks\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "renderer.cli", "bench", "--quality", "--titles", "t.txt"], cwd=tmp_path,
                            capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for fmt in ("youtube", "instagram", "x", "blogpost", "linkedin"):
        assert any(line.startswith(fmt) and "/2" in line for line in lines), fmt
    assert any(line.startswith("judge cost per render") for line in lines)
