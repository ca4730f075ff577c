"""``thumbkit bench --cold``: a whole one-shot ``thumbkit render`` process against the floor process.

What a static-site generator, a git hook or a serverless function pays per thumbnail: start Python,
import, load the catalog, render one title, write the file. The floor is a process that imports
Pillow, draws the same card with no layout engine and writes WebP (:mod:`.floor_card`). Both run
interleaved, ``rounds`` times each, with a fresh cache folder whose compiled catalog the first
``thumbkit render`` builds (that first run is reported on its own). Bytecode is compiled as an
installed package has it (``pip install`` compiles it; the runs write theirs to the bench's folder
even under ``PYTHONDONTWRITEBYTECODE``, which would otherwise make every run compile every module
again: about 50 ms more per process). Figures are medians of wall
time and of CPU time (user + system, steadier on a shared machine), and each process's peak
resident memory (from ``os.wait4``). ``import renderer`` is timed by ``python -X importtime``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click
from msgspec import Struct

from ..paths import data_dir

TITLE = "Why your code is slow"
FLOOR_FONT = ("league-spartan", "LeagueSpartan-Black.otf")  # the default kit's heading face
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent.parent)


class ProcessRun(Struct, frozen=True):
    wall_s: float
    cpu_s: float
    peak_rss_mib: float


def run_process(command: list[str], env: dict[str, str]) -> ProcessRun:
    """Run ``command`` to completion; its wall time, CPU time and peak RSS. A failure raises with
    the command's error output."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}): {errors.read().decode(errors='replace')}")
    return ProcessRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def import_ms(env: dict[str, str], module: str = "renderer") -> float:
    """``import module`` in a new interpreter, by ``-X importtime`` (cumulative, interpreter start excluded)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], env=env,
                          capture_output=True, text=True, check=True)
    for line in done.stderr.splitlines():
        fields = [field.strip() for field in line.removeprefix("import time:").split("|")]
        if len(fields) == 3 and fields[2] == module:
            return int(fields[1]) / 1000
    raise RuntimeError(f"no import time for {module}: {done.stderr[-500:]}")


def heaviest_imports(command: list[str], env: dict[str, str], count: int = 8) -> list[tuple[str, float]]:
    """The top-level packages other than thumbkit's own that ``command`` spends most import time
    on, each with everything it imports (``-X importtime``, cumulative)."""
    program = command[1:] if command[0] == sys.executable else command  # a script runs under this Python
    done = subprocess.run([sys.executable, "-X", "importtime", *program], env=env, capture_output=True, text=True,
                          check=True)
    totals: dict[str, float] = {}
    for line in done.stderr.splitlines():
        fields = [field.strip() for field in line.removeprefix("import time:").split("|")]
        if len(fields) == 3 and fields[1].isdigit() and "." not in fields[2] and fields[2] != "renderer":
            totals[fields[2]] = max(totals.get(fields[2], 0.0), int(fields[1]) / 1000)
    return sorted(totals.items(), key=lambda item: -item[1])[:count]


def thumbkit_command() -> list[str]:
    """How a user starts thumbkit: the ``thumbkit`` script that ``pip install`` puts beside this
    Python (it imports the package from ``PYTHONPATH`` first, so this checkout), or, when there is
    none (a checkout that was never installed), ``python -m renderer.cli``, which also imports
    ``runpy`` (~4 ms more)."""
    script = Path(sys.executable).with_name("thumbkit")
    return [str(script)] if script.is_file() and os.access(script, os.X_OK) else [sys.executable, "-m", "renderer.cli"]


def run(*, rounds: int = 9, title: str = TITLE) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="thumbkit-cold-") as folder:
        # as installed: `pip install` leaves compiled bytecode beside the modules, so both processes
        # may write and reuse theirs (in the bench's own folder) whatever PYTHONDONTWRITEBYTECODE says
        env = {**{key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"},
               "THUMBKIT_CACHE_DIR": str(Path(folder) / "cache"), "PYTHONPYCACHEPREFIX": str(Path(folder) / "bytecode"),
               "PYTHONPATH": os.pathsep.join(filter(None, (_PACKAGE_PARENT, os.environ.get("PYTHONPATH"))))}
        floor = [sys.executable, str(Path(__file__).with_name("floor_card.py")), title,
                 str(data_dir("fonts").joinpath(*FLOOR_FONT)), str(Path(folder) / "floor.webp")]
        render = [*thumbkit_command(), "render", title, "-o", str(Path(folder) / "render.webp")]
        first = run_process(render, env)  # builds the compiled catalog and writes the bytecode
        run_process(floor, env)
        runs: dict[str, list[ProcessRun]] = {"floor": [], "render": []}
        for index in range(rounds):  # interleaved, alternating who goes first
            for name in ("floor", "render") if index % 2 == 0 else ("render", "floor"):
                runs[name].append(run_process(floor if name == "floor" else render, env))
        imports = [import_ms(env) for _ in range(rounds)]
        heaviest = heaviest_imports(render, env)
    figures: dict[str, Any] = {"rounds": rounds, "command": " ".join(Path(part).name for part in render[:-4]),
                               "first_render_s": first.wall_s, "first_render_cpu_s": first.cpu_s,
                               "import_renderer_ms": statistics.median(imports), "heaviest_imports": heaviest}
    for name, samples in runs.items():
        figures[f"{name}_s"] = statistics.median(run.wall_s for run in samples)
        figures[f"{name}_cpu_s"] = statistics.median(run.cpu_s for run in samples)
        figures[f"{name}_peak_mib"] = max(run.peak_rss_mib for run in samples)
    figures["ratio"] = figures["render_s"] / figures["floor_s"]
    figures["cpu_ratio"] = figures["render_cpu_s"] / figures["floor_cpu_s"]
    return figures


def print_report(figures: dict[str, Any]) -> None:
    echo = click.echo
    echo(f"one-shot process, medians of {figures['rounds']} interleaved runs each (wall / CPU / peak RSS); "
         f"thumbkit run as `{figures['command']}`:")
    echo(f"  floor (bare Pillow)   {figures['floor_s'] * 1000:7.0f} ms  {figures['floor_cpu_s'] * 1000:7.0f} ms CPU"
         f"  {figures['floor_peak_mib']:6.1f} MiB")
    echo(f"  thumbkit render       {figures['render_s'] * 1000:7.0f} ms  {figures['render_cpu_s'] * 1000:7.0f} ms CPU"
         f"  {figures['render_peak_mib']:6.1f} MiB")
    echo(f"  ratio                 {figures['ratio']:7.2f}x   {figures['cpu_ratio']:7.2f}x CPU   (goal: at most 1.5x, 120 MiB)")
    echo(f"  first run ever (compiles the bytecode, builds the compiled catalog): {figures['first_render_s'] * 1000:.0f} ms, "
         f"{figures['first_render_cpu_s'] * 1000:.0f} ms CPU")
    echo(f"import renderer: {figures['import_renderer_ms']:.1f} ms (median, -X importtime; goal: under 60 ms)")
    echo("thumbkit render's heaviest imported packages (-X importtime, cumulative, one warm run): "
         + ", ".join(f"{name} {ms:.0f} ms" for name, ms in figures["heaviest_imports"]))


__all__ = ["ProcessRun", "heaviest_imports", "import_ms", "print_report", "run", "run_process", "thumbkit_command"]
