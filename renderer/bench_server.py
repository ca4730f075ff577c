"""Load benchmark of ``thumbkit serve`` on loopback: ``python -m renderer.bench_server``.

For each ``--workers`` value it starts a real server (child process, free port, fresh data dir) and
measures, with unique titles so every request renders (no answers from the store):

* in-process and low load, alternately, one at a time: ``parse_request`` + ``render_request`` +
  ``to_thumbapi()`` in this process, and one client's request to the server (goal: p50 within 1.2x);
* load: ``--clients`` concurrent clients (httpx.AsyncClient, a connection each), ``--requests`` in all:
  p50 / p95 latency, throughput, and every status other than 200 (only 429s are expected, and only
  with a ``--rate-limit`` below the offered load);
* stored: the same load again with titles already rendered: answered from the store.

The client runs on the same machine and takes CPU from the server: figures are for comparison
between settings on one machine, not absolute capacity. Every loop is bounded; only loopback is used.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

KEY = "bench-key"


@dataclass
class Phase:
    name: str
    requests: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    statuses: dict[int, int]
    server_cpu_seconds: float = 0.0  # CPU used by the server's processes during the phase
    client_cpu_seconds: float = 0.0  # CPU used by this process (the clients, or the in-process renders)

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies_ms, 95)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def server_cpu_ms(self) -> float:
        """Server CPU per request: unlike wall-clock figures, it holds when other work shares the machine."""
        return self.server_cpu_seconds * 1000 / self.requests

    @property
    def client_cpu_ms(self) -> float:
        return self.client_cpu_seconds * 1000 / self.requests

    @property
    def errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status not in (200, 429))

    def summary(self) -> dict[str, object]:
        return {"phase": self.name, "requests": self.requests, "seconds": round(self.seconds, 2),
                "p50_ms": round(self.p50_ms, 1), "p95_ms": round(self.p95_ms, 1),
                "throughput_rps": round(self.throughput, 1), "server_cpu_ms_per_request": round(self.server_cpu_ms, 1),
                "client_cpu_ms_per_request": round(self.client_cpu_ms, 1), "statuses": self.statuses, "errors": self.errors}


def process_tree_cpu(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its descendants (Linux ``/proc``; 0 elsewhere)."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        process = int(stat_file.parent.name)
        children.setdefault(int(fields[1]), []).append(process)  # fields[1]: ppid
        times[process] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    total, stack = 0.0, [pid]
    while stack:
        process = stack.pop()
        total += times.get(process, 0.0)
        stack.extend(children.get(process, []))
    return total


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def title(run: str, n: int) -> str:
    return f"{run} benchmark {n}: seven habits of fast teams"


def body(run: str, n: int) -> dict[str, str]:
    formats = ("youtube", "blogpost", "x", "linkedin", "instagram")
    return {"title": title(run, n), "format": formats[n % len(formats)]}


def alternating_low_load(url: str, server_pid: int, run: str, count: int) -> tuple[Phase, Phase]:
    """One request at a time, alternating in-process renders and HTTP requests so that both meet the
    same machine load (other processes come and go): the fair comparison for the 1.2x goal."""
    import httpx

    from .api import Renderer
    from .request import parse_request

    renderer = Renderer()
    for n in range(5):  # a first render per format loads its fonts and layouts
        renderer.render_request(parse_request(body("warm", n)))
    local: list[float] = []
    remote: list[float] = []
    statuses: Counter[int] = Counter()
    local_cpu = client_cpu = 0.0
    server_cpu = -process_tree_cpu(server_pid)
    with httpx.Client(base_url=url, headers={"x-api-key": KEY}, timeout=120) as http:
        for n in range(count):
            t0, c0 = time.perf_counter(), time.process_time()
            renderer.render_request(parse_request(body(f"local-{run}", n))).to_thumbapi()
            local.append((time.perf_counter() - t0) * 1000)
            local_cpu += time.process_time() - c0
            t0, c0 = time.perf_counter(), time.process_time()
            response = http.post("/v1/generate", json=body(run, n))
            response.json()
            client_cpu += time.process_time() - c0
            statuses[response.status_code] += 1
            if response.status_code == 200:
                remote.append((time.perf_counter() - t0) * 1000)
    server_cpu += process_tree_cpu(server_pid)
    return (Phase("in-process", count, sum(local) / 1000, local, {200: count}, 0.0, local_cpu),
            Phase("low load (1 client)", count, sum(remote) / 1000, remote, dict(statuses), server_cpu, client_cpu))


async def load(url: str, server_pid: int, name: str, run: str, clients: int, count: int, offset: int = 0) -> Phase:
    import httpx

    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(count):
        queue.put_nowait(offset + n)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, headers={"x-api-key": KEY}, timeout=120) as http:
            while True:
                try:
                    n = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t0 = time.perf_counter()
                try:
                    response = await http.post("/v1/generate", json=body(run, n))
                    response.json()
                except httpx.HTTPError:
                    statuses[0] += 1  # 0: the connection failed
                    continue
                statuses[response.status_code] += 1
                if response.status_code == 200:  # latency of renders, not of quick refusals
                    latencies.append((time.perf_counter() - t0) * 1000)

    started, client_cpu, server_cpu = time.perf_counter(), time.process_time(), process_tree_cpu(server_pid)
    await asyncio.gather(*(client() for _ in range(clients)))
    return Phase(name, count, time.perf_counter() - started, latencies, dict(sorted(statuses.items())),
                 process_tree_cpu(server_pid) - server_cpu, time.process_time() - client_cpu)


def bench_workers(workers: int, threads: int, clients: int, requests: int, low_load: int, rate_limit: int) -> list[Phase]:
    from .server.launcher import start_server

    run = f"w{workers}-{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="thumbkit-bench-") as data:
        args = ["--workers", str(workers), "--rate-limit", str(rate_limit)]
        if threads:
            args += ["--threads", str(threads)]
        server = start_server(Path(data), args, env={"THUMBKIT_API_KEYS": KEY})
        try:
            pid = server.process.pid
            warm = 4 * workers * max(threads, 1)
            asyncio.run(load(server.url, pid, "warm-up", f"warm-{run}", warm // 2, warm))
            phases = [
                *alternating_low_load(server.url, pid, run, low_load),
                asyncio.run(load(server.url, pid, f"load ({clients} clients)", run, clients, requests, offset=low_load)),
                asyncio.run(load(server.url, pid, f"stored ({clients} clients)", run, clients, requests, offset=low_load)),
            ]
        finally:
            if not server.stop():
                print(server.output(), file=sys.stderr)
    return phases


@click.command()
@click.option("--workers", "workers_list", type=click.IntRange(1, 16), multiple=True, default=(1, 2), show_default=True)
@click.option("--threads", type=click.IntRange(0, 16), default=0, help="render threads per worker (0: the server's default)")
@click.option("--clients", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--requests", type=click.IntRange(1, 20000), default=400, show_default=True, help="per load phase")
@click.option("--low-load", type=click.IntRange(1, 1000), default=40, show_default=True, help="sequential requests")
@click.option("--rate-limit", type=click.IntRange(1), default=100000, show_default=True, help="set below the load to see 429s")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
def main(workers_list: tuple[int, ...], threads: int, clients: int, requests: int, low_load: int, rate_limit: int,
         json_path: Path | None) -> None:
    """Benchmark the HTTP server on loopback against in-process rendering."""
    load_before = os.getloadavg()[0]
    click.echo(f"cpus {os.cpu_count()}, load average {load_before:.2f}")
    runs: list[dict[str, Any]] = []
    click.echo(f"{'workers':>7} {'phase':<22} {'req':>5} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'p50 vs':>7} "
               f"{'server':>7} {'client':>7}  statuses")
    click.echo(f"{'':>7} {'':<22} {'':>5} {'':>8} {'':>8} {'':>7} {'in-proc':>7} {'CPU ms':>7} {'CPU ms':>7}")
    for workers in workers_list:
        phases = bench_workers(workers, threads, clients, requests, low_load, rate_limit)
        reference = phases[0]
        for phase in phases:
            ratio = phase.p50_ms / reference.p50_ms
            click.echo(f"{workers:>7} {phase.name:<22} {phase.requests:>5} {phase.p50_ms:>8.1f} {phase.p95_ms:>8.1f} "
                       f"{phase.throughput:>7.1f} {ratio:>6.2f}x {phase.server_cpu_ms:>7.1f} {phase.client_cpu_ms:>7.1f}  "
                       f"{phase.statuses}")
        runs.append({"workers": workers, "phases": [phase.summary() for phase in phases]})
    if json_path is not None:
        json_path.write_text(json.dumps({
            "cpus": os.cpu_count(), "load_average_before": load_before, "load_average_after": os.getloadavg()[0],
            "runs": runs,
        }, indent=2))
    errors = sum(phase["errors"] for run in runs for phase in run["phases"])
    if errors:
        raise click.ClickException(f"{errors} requests failed (statuses other than 200 and 429)")


if __name__ == "__main__":
    main()
