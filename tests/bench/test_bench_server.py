"""The load benchmark's machinery on a small scale: it runs, counts statuses, and a rate limit below
the offered load gives 429s (intended) and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from renderer.bench.server import main, percentile

pytestmark = pytest.mark.slow  # a load run against real server processes


def test_percentiles() -> None:
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile([7.0], 95) == 7.0


def test_a_small_run_has_no_errors_and_only_intended_429s(tmp_path: Path) -> None:
    report = tmp_path / "bench.json"
    result = CliRunner().invoke(main, ["--workers", "1", "--threads", "1", "--clients", "4", "--requests", "12",
                                       "--low-load", "2", "--rate-limit", "3", "--json", str(report)])
    assert result.exit_code == 0, result.output
    assert "in-process" in result.output and "load (4 clients)" in result.output
    assert "threads per worker 1: 1 worker(s)" in result.output and "= 1.00x" in result.output
    [run] = json.loads(report.read_text())["runs"]
    assert (run["workers"], run["threads"]) == (1, 1)
    phases = run["phases"]
    assert [phase["phase"] for phase in phases] == ["in-process", "low load (1 client)", "load (4 clients)", "stored (4 clients)"]
    assert all(phase["errors"] == 0 and set(phase["statuses"]) <= {"200", "429"} for phase in phases), phases
    assert sum(phase["statuses"].get("429", 0) for phase in phases) > 0  # 12 requests from 4 clients at 3 a second
