"""Load benchmark of ``thumbkit serve`` on loopback: ``python -m renderer.bench.server``.

For each ``--threads`` value (render threads per worker; by default the server's own choice, then
one) and each ``--workers`` value it starts a real server (child process, free port, fresh data dir)
and measures, with unique titles so every request renders (no answers from the store):

* in-process and low load, alternately, one at a time: ``parse_request`` + ``render_request`` +
  ``to_thumbapi()`` in this process, and one client's request to the server (goal: p50 within 1.2x);
* load: ``--clients`` concurrent clients (a thread and a connection each), ``--requests`` in all:
  p50 / p95 latency, throughput, and every status other than 200 (only 429s are expected, and only
  with a ``--rate-limit`` below the offered load);
* stored: the same load again with titles already rendered: answered from the store.

Then the load throughput of each worker count against the first, per thread setting. By default
one worker renders on as many threads as there are cores (Pillow releases the GIL while it draws and
encodes), so on a small machine one worker already fills it and more workers add little; with one
thread per worker, throughput shows what each worker process adds.

The client (``http.client``, ~0.7 ms of CPU per request) runs on the same machine and takes a little
CPU from the server: figures are for comparison between settings on one machine, not absolute
capacity. Every loop is bounded; only loopback is used.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from msgspec import Struct, field

KEY = "bench-key"


class Phase(Struct):
    name: str
    requests: int
    seconds: float
    latencies_ms: list[float]
    statuses: dict[int, int]
    server_cpu_seconds: float = 0.0  # CPU used by the server's processes during the phase
    client_cpu_seconds: float = 0.0  # CPU used by this process (the clients, or the in-process renders)
    in_server_ms: list[float] = field(default_factory=list)  # Server-Timing sums, when kept

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies_ms, 95)

    @property
    def in_server_p50_ms(self) -> float:
        return percentile(self.in_server_ms, 50)

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
                "client_cpu_ms_per_request": round(self.client_cpu_ms, 1), "statuses": self.statuses, "errors": self.errors,
                **({"in_server_p50_ms": round(self.in_server_p50_ms, 1)} if self.in_server_ms else {})}


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


class Client:
    """One keep-alive connection to the server, on the standard library's ``http.client``: a load
    client must cost little CPU, since it shares the machine with the server it measures (httpx
    took 2 ms per request alone and 7-9 ms with 50 clients in one process; this takes ~0.7 ms)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._connection: http.client.HTTPConnection | None = None

    def post(self, path: str, payload: dict[str, str]) -> tuple[int, bytes, float]:
        """Status, body, and the server's own time for it (the sum of its ``Server-Timing`` steps, ms)."""
        data = json.dumps(payload).encode("utf-8")
        headers = {"x-api-key": KEY, "content-type": "application/json"}
        for attempt in (1, 2):  # a keep-alive connection the server closed is opened again, once
            if self._connection is None:
                self._connection = http.client.HTTPConnection(*self._address, timeout=120)
            try:
                self._connection.request("POST", path, body=data, headers=headers)
                response = self._connection.getresponse()
                content = response.read()
            except (ConnectionError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.status == 200:
                json.loads(content)  # what a real client does with the answer
            timing = response.getheader("server-timing") or ""
            server_ms = sum(float(part.split(";dur=")[1]) for part in timing.split(", ") if ";dur=" in part)
            return response.status, content, server_ms
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def alternating_low_load(url: str, server_pid: int, run: str, count: int) -> tuple[Phase, Phase]:
    """One request at a time, alternating in-process renders and HTTP requests so that both meet the
    same machine load (other processes come and go): the fair comparison for the 1.2x goal."""
    from ..api import Renderer
    from ..request import parse_request

    renderer = Renderer()
    for n in range(5):  # a first render per format loads its fonts and layouts
        renderer.render_request(parse_request(body("warm", n)))
    local: list[float] = []
    remote: list[float] = []
    in_server: list[float] = []  # the server's own time (Server-Timing): lookup + render + store
    statuses: Counter[int] = Counter()
    local_cpu = client_cpu = 0.0
    server_cpu = -process_tree_cpu(server_pid)
    client = Client(url)
    try:
        for n in range(count):
            t0, c0 = time.perf_counter(), time.process_time()
            renderer.render_request(parse_request(body(f"local-{run}", n))).to_thumbapi()
            local.append((time.perf_counter() - t0) * 1000)
            local_cpu += time.process_time() - c0
            t0, c0 = time.perf_counter(), time.process_time()
            status, _, server_ms = client.post("/v1/generate", body(run, n))
            client_cpu += time.process_time() - c0
            statuses[status] += 1
            if status == 200:
                remote.append((time.perf_counter() - t0) * 1000)
                in_server.append(server_ms)
    finally:
        client.close()
    server_cpu += process_tree_cpu(server_pid)
    return (Phase("in-process", count, sum(local) / 1000, local, {200: count}, 0.0, local_cpu),
            Phase("low load (1 client)", count, sum(remote) / 1000, remote, dict(statuses), server_cpu, client_cpu,
                  in_server))


def load(url: str, server_pid: int, name: str, run: str, clients: int, count: int, offset: int = 0) -> Phase:
    """``clients`` threads, each with its own keep-alive connection (``Client``), share ``count`` requests."""
    numbers = iter(range(offset, offset + count))
    take = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()

    def client() -> None:
        connection = Client(url)
        try:
            while True:
                with take:
                    n = next(numbers, None)
                if n is None:
                    return
                t0 = time.perf_counter()
                try:
                    status, _, _ = connection.post("/v1/generate", body(run, n))
                except (OSError, http.client.HTTPException):
                    with take:
                        statuses[0] += 1  # 0: the connection failed
                    continue
                with take:
                    statuses[status] += 1
                    if status == 200:  # latency of renders, not of quick refusals
                        latencies.append((time.perf_counter() - t0) * 1000)
        finally:
            connection.close()

    started, client_cpu, server_cpu = time.perf_counter(), time.process_time(), process_tree_cpu(server_pid)
    threads = [threading.Thread(target=client, name=f"client-{i}") for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Phase(name, count, time.perf_counter() - started, latencies, dict(sorted(statuses.items())),
                 process_tree_cpu(server_pid) - server_cpu, time.process_time() - client_cpu)


def bench_workers(workers: int, threads: int, clients: int, requests: int, low_load: int, rate_limit: int) -> list[Phase]:
    from ..server.launcher import start_server

    run = f"w{workers}-t{threads}-{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="thumbkit-bench-") as data:
        args = ["--workers", str(workers), "--rate-limit", str(rate_limit)]
        if threads:
            args += ["--threads", str(threads)]
        server = start_server(Path(data), args, env={"THUMBKIT_API_KEYS": KEY})
        try:
            pid = server.process.pid
            warm = 4 * workers * max(threads, 1)
            load(server.url, pid, "warm-up", f"warm-{run}", warm // 2, warm)
            phases = [
                *alternating_low_load(server.url, pid, run, low_load),
                load(server.url, pid, f"load ({clients} clients)", run, clients, requests, offset=low_load),
                load(server.url, pid, f"stored ({clients} clients)", run, clients, requests, offset=low_load),
            ]
        finally:
            if not server.stop():
                print(server.output(), file=sys.stderr)
    return phases


def threads_label(threads: int, workers: int) -> str:
    from ..server.settings import default_render_threads

    return str(threads) if threads else f"auto={default_render_threads(workers)}"


@click.command()
@click.option("--workers", "workers_list", type=click.IntRange(1, 16), multiple=True, default=(1, 2), show_default=True)
@click.option("--threads", "threads_list", type=click.IntRange(0, 16), multiple=True, default=(0, 1), show_default=True,
              help="render threads per worker; 0: the server's default (the cores shared out between the workers)")
@click.option("--clients", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--requests", type=click.IntRange(1, 20000), default=400, show_default=True, help="per load phase")
@click.option("--low-load", type=click.IntRange(1, 1000), default=100, show_default=True, help="sequential requests")
@click.option("--rate-limit", type=click.IntRange(1), default=100000, show_default=True, help="set below the load to see 429s")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
def main(workers_list: tuple[int, ...], threads_list: tuple[int, ...], clients: int, requests: int, low_load: int,
         rate_limit: int, json_path: Path | None) -> None:
    """Benchmark the HTTP server on loopback against in-process rendering.

    Every ``--threads`` value is run with every ``--workers`` value; the load throughput of each
    worker count is then given against the first, per thread setting.
    """
    load_before = os.getloadavg()[0]
    click.echo(f"cpus {os.cpu_count()}, load average {load_before:.2f}")
    runs: list[dict[str, Any]] = []
    click.echo(f"{'workers':>7} {'threads':>7} {'phase':<22} {'req':>5} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} "
               f"{'p50 vs':>7} {'server':>7} {'client':>7}  statuses")
    click.echo(f"{'':>7} {'':>7} {'':<22} {'':>5} {'':>8} {'':>8} {'':>7} {'in-proc':>7} {'CPU ms':>7} {'CPU ms':>7}")
    for threads in threads_list:
        for workers in workers_list:
            phases = bench_workers(workers, threads, clients, requests, low_load, rate_limit)
            reference = phases[0]
            label = threads_label(threads, workers)
            for phase in phases:
                ratio = phase.p50_ms / reference.p50_ms
                click.echo(f"{workers:>7} {label:>7} {phase.name:<22} {phase.requests:>5} {phase.p50_ms:>8.1f} "
                           f"{phase.p95_ms:>8.1f} {phase.throughput:>7.1f} {ratio:>6.2f}x {phase.server_cpu_ms:>7.1f} "
                           f"{phase.client_cpu_ms:>7.1f}  {phase.statuses}")
                if phase.in_server_ms:
                    click.echo(f"{'':>7} {'':>7} {'  of which in server':<22} {'':>5} {phase.in_server_p50_ms:>8.1f}"
                               f"{'':>18} {phase.in_server_p50_ms / reference.p50_ms:>6.2f}x  (Server-Timing: lookup, render, store)")
            runs.append({"workers": workers, "threads": threads, "threads_per_worker": label,
                         "phases": [phase.summary() for phase in phases]})
    click.echo("\nthroughput under load against the first --workers value:")
    for threads in threads_list:
        rows = [run for run in runs if run["threads"] == threads]
        base = rows[0]["phases"][2]["throughput_rps"]
        scaling = ", ".join(f"{run['workers']} worker(s) {run['phases'][2]['throughput_rps']:.1f} req/s = "
                            f"{run['phases'][2]['throughput_rps'] / base:.2f}x" for run in rows)
        click.echo(f"  threads per worker {threads_label(threads, rows[0]['workers']) if threads else 'auto'}: {scaling}")
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
