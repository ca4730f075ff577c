"""Helpers for the batch tests: CSV fixtures, what an output folder holds, bounded polling."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import psutil
from PIL import Image

from renderer.batch.csv_rows import read_rows
from renderer.batch.manifest import MANIFEST_FILE, STATE_DIR
from renderer.batch.names import NameRegistry
from renderer.batch.plan import NO_DEFAULTS, RenderJob, RowDefaults, plan_row

IMAGE_SUFFIXES = {".webp", ".png", ".jpg", ".jpeg"}

WORDS_A = ("7", "10", "3", "Why", "How", "The", "Stop", "Best", "Secret", "5")
WORDS_B = ("Python", "Rust", "Budget", "Travel", "Fitness", "Cooking", "Startup", "Marketing", "Photography", "Guitar")
WORDS_C = ("tricks", "mistakes", "habits", "tools", "hacks", "lessons", "rules", "ideas", "secrets", "myths")


def titles(count: int) -> list[str]:
    """``count`` deterministic youtube-style titles; past 70 they repeat, so slugs collide."""
    return [
        f"{WORDS_A[i % 10]} {WORDS_B[(i % 70) // 10]} {WORDS_C[(i % 70) // 7]}" for i in range(count)
    ]


def write_titles_csv(path: Path, rows: list[str], *, header: str = "title") -> Path:
    lines = [header] + [f'"{title}"' for title in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def files_in(out_dir: Path) -> list[Path]:
    """Every file under ``out_dir`` except the manifest folder, relative."""
    return sorted(
        p.relative_to(out_dir) for p in out_dir.rglob("*") if p.is_file() and STATE_DIR not in p.relative_to(out_dir).parts
    )


def thumbnails_in(out_dir: Path) -> list[Path]:
    return [p for p in files_in(out_dir) if p.suffix.lower() in IMAGE_SUFFIXES]


def assert_decodes(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        image.load()  # a truncated file fails here
        return image.size


def planned_names(csv_path: Path, defaults: RowDefaults = NO_DEFAULTS) -> list[str]:
    """The output names a run gives ``csv_path``'s valid rows, decided exactly as ``run_batch`` does."""
    names = NameRegistry()
    try:
        planned = [plan_row(row, defaults=defaults, names=names) for row in read_rows(csv_path)]
    finally:
        names.close()
    return [job.name for job in planned if isinstance(job, RenderJob)]


def manifest_count(out_dir: Path, status: str = "done") -> int:
    """Rows recorded with ``status``, read the way another process would (read-only, WAL)."""
    path = out_dir / STATE_DIR / MANIFEST_FILE
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            return db.execute("SELECT count(*) FROM outputs WHERE status = ?", (status,)).fetchone()[0]
    except sqlite3.OperationalError:  # the writer has not created the table yet
        return 0


def live_processes_in_group(group_id: int) -> list[int]:
    """The pids of the processes (zombies aside) in process group ``group_id``."""
    found = []
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) == group_id and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process.pid)
        except (ProcessLookupError, psutil.Error):
            continue
    return found


def wait_until(condition: Callable[[], bool], *, timeout_s: float, what: str, poll_s: float = 0.05) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout_s`` (never a blind sleep)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(poll_s)
