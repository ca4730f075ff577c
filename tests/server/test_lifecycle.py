"""The server across its life: the key made on first start, jobs and images that survive a restart
(and a crash), a graceful stop that finishes requests in flight, worker processes sharing one rate."""

from __future__ import annotations

import math
import os
import select
import socket
import sqlite3
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from renderer.server.launcher import ServerProcess, start_server

pytestmark = pytest.mark.slow  # real server processes, restarted and killed

KEY = "lifecycle-key"


def wait_until(condition, timeout: float, what: str) -> None:  # noqa: ANN001 - any callable
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def job_status(server: ServerProcess, job_id: str) -> str:
    return httpx.get(f"{server.url}/v1/jobs/{job_id}", headers={"x-api-key": KEY}, timeout=30).json()["status"]


def test_first_start_creates_prints_and_then_reuses_a_key(tmp_path: Path) -> None:
    first = start_server(tmp_path, env={"THUMBKIT_RATE_LIMIT": "3"})
    try:
        key = first.created_key
        assert key is not None and key.startswith("tk_"), first.output()
        key_file = tmp_path / "api_keys"
        assert key in key_file.read_text() and stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
        catalog = httpx.get(f"{first.url}/v1/catalog", headers={"x-api-key": key}, timeout=30)
        assert catalog.status_code == 200 and catalog.headers["x-ratelimit-limit"] == "3"  # THUMBKIT_RATE_LIMIT
    finally:
        assert first.stop(), first.output()
    second = start_server(tmp_path)
    try:
        assert second.created_key is None and key not in second.output()  # shown once, then only where it is
        assert f"API keys from {key_file}" in second.output()
        assert httpx.get(f"{second.url}/v1/catalog", headers={"x-api-key": key}, timeout=30).status_code == 200
    finally:
        assert second.stop(), second.output()


def test_jobs_and_images_survive_a_restart_and_a_crash(tmp_path: Path) -> None:
    env = {"THUMBKIT_API_KEYS": KEY, "THUMBKIT_RATE_LIMIT": "1000"}  # polling must not meet the rate limit
    headers = {"x-api-key": KEY}
    queue_only = start_server(tmp_path, ["--job-concurrency", "0"], env=env)
    try:
        made = httpx.post(f"{queue_only.url}/v1/generate", json={"title": "Kept across restarts"}, headers=headers, timeout=60).json()
        job_ids = [
            httpx.post(f"{queue_only.url}/v1/jobs", json={"kind": "generate", "input": {"title": f"Restart job {n}"}},
                       headers=headers, timeout=30).json()["id"]
            for n in range(3)
        ]
        assert [job_status(queue_only, job_id) for job_id in job_ids] == ["queued"] * 3
    finally:
        assert queue_only.stop(), queue_only.output()

    # A server that died mid-job leaves it "processing" with a lease that has run out.
    with sqlite3.connect(tmp_path / "thumbkit.sqlite3") as database:
        database.execute("UPDATE jobs SET status = 'processing', attempts = 1, lease_until = ? WHERE id = ?",
                         (time.time() - 1, job_ids[0]))

    restarted = start_server(tmp_path, env=env)
    try:
        wait_until(lambda: [job_status(restarted, job_id) for job_id in job_ids] == ["succeeded"] * 3, 30, "the jobs to run")
        image = httpx.get(made["url"].replace(made["url"].split("/v1/")[0], restarted.url), timeout=30)
        assert image.status_code == 200 and image.headers["content-type"] == "image/webp"
        again = httpx.post(f"{restarted.url}/v1/generate", json={"title": "Kept across restarts"}, headers=headers, timeout=60)
        assert again.headers["x-thumbkit-store"] == "hit" and again.json()["id"] == made["id"]
        answer = httpx.get(f"{restarted.url}/v1/jobs/{job_ids[0]}", headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text
        crashed = answer.json()
        assert crashed["attempts"] == 2
    finally:
        assert restarted.stop(), restarted.output()


def test_a_graceful_stop_finishes_the_requests_in_flight(tmp_path: Path) -> None:
    server = start_server(tmp_path, ["--threads", "1"], env={"THUMBKIT_API_KEYS": KEY})
    count = 8

    def generate(n: int) -> httpx.Response:
        body = {"title": f"Still rendering when the stop came, number {n}", "model": "hd"}
        return httpx.post(f"{server.url}/v1/generate", json=body, headers={"x-api-key": KEY}, timeout=60)

    try:
        with ThreadPoolExecutor(count) as pool:
            futures = [pool.submit(generate, n) for n in range(count)]
            in_flight: list[int] = []

            def all_arrived() -> bool:  # each request is in flight (waiting for the one render thread) or done
                in_flight.append(int(server.health()["requestsInFlight"]) - 1)  # less this /health request
                return in_flight[-1] + sum(future.done() for future in futures) == count

            wait_until(all_arrived, 30, "every request to reach the server")
            assert in_flight[-1] >= 2, in_flight  # hd renders one at a time: most are still waiting
            assert server.stop(), server.output()
            responses = [future.result() for future in futures]
    finally:
        server.kill()
    assert [r.status_code for r in responses] == [200] * count
    assert all(r.json()["dimensions"] == {"width": 2560, "height": 1440} for r in responses)
    assert "Application shutdown complete" in server.output()


def test_worker_processes_share_one_rate_limit(tmp_path: Path) -> None:
    rate = 4
    server = start_server(tmp_path, ["--workers", "2", "--rate-limit", str(rate)], env={"THUMBKIT_API_KEYS": KEY})
    try:
        made = httpx.post(f"{server.url}/v1/generate", json={"title": "Two workers"}, headers={"x-api-key": KEY}, timeout=60)
        assert made.status_code == 200
        limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
        with httpx.Client(base_url=server.url, headers={"x-api-key": KEY}, limits=limits, timeout=30) as client, \
                ThreadPoolExecutor(8) as pool:  # eight connections, accepted by either process
            started = time.time()
            statuses = list(pool.map(lambda _: client.get("/v1/jobs/job_none").status_code, range(40)))
            windows = math.floor(time.time()) - math.floor(started) + 1
        allowed = statuses.count(404)
        assert statuses.count(429) + allowed == 40
        assert 1 <= allowed <= rate * windows < 40, (statuses, windows)
        pids = {server.health()["pid"] for _ in range(10)}
        assert pids and all(isinstance(pid, int) for pid in pids)
        for pid in pids:  # each worker started with the bounded allocator (memory.bound_native_memory)
            environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            assert b"MALLOC_ARENA_MAX=2" in environment and b"NUMPY_MADVISE_HUGEPAGE=0" in environment
    finally:
        assert server.stop(), server.output()
    assert server.output().count("Application startup complete") == 2


def test_sixteen_clients_of_two_busy_workers_keep_their_connections(tmp_path: Path) -> None:
    """Workers busy with hd photo renders whose cut-out has a wide outline (40 px, the most a kit may
    set) still answer uvicorn's health check: none is killed as hung, so no client's connection is
    dropped. (Pillow's rank filter, which drew the outline, held the GIL for tens of seconds here.)"""
    import shutil

    from renderer.paths import data_dir

    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "sunrise", kits / "outlined")
    kit_file = kits / "outlined" / "kit.yaml"
    assert "outline_px: 10" in kit_file.read_text()
    kit_file.write_text(kit_file.read_text().replace("outline_px: 10", "outline_px: 40"))
    clients, each = 16, 2
    server = start_server(tmp_path / "data", ["--workers", "2", "--rate-limit", "1000"],
                          env={"THUMBKIT_API_KEYS": KEY, "THUMBKIT_KITS_DIR": str(kits)})

    def client(n: int) -> list[int]:
        with httpx.Client(base_url=server.url, headers={"x-api-key": KEY}, timeout=300) as http:  # one connection
            return [http.post("/v1/generate", json={"title": f"Client {n} asks for thumbnail {k} of the day", "model": "hd",
                                                     "customAssetsId": "outlined", "usePhoto": True}).status_code
                    for k in range(each)]

    try:
        with ThreadPoolExecutor(clients) as pool:
            statuses = [status for answers in pool.map(client, range(clients)) for status in answers]
    finally:
        assert server.stop(), server.output()
    assert statuses == [200] * clients * each, server.output()


def _closed_by_server(sock: socket.socket, *, trickle: bytes, within_s: float) -> float:
    """Seconds until the server closed ``sock``, while a byte of ``trickle`` goes out at each poll
    that finds nothing to read (a client too slow to finish its request). Bounded: ``within_s``."""
    started = time.monotonic()
    position = 0
    while time.monotonic() - started < within_s:
        readable, _, _ = select.select([sock], [], [], 0.2)
        if readable:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                return time.monotonic() - started
            if not data:
                return time.monotonic() - started
            continue  # an answer (read on): the close comes after it
        if position < len(trickle):
            try:
                sock.sendall(trickle[position:position + 1])
            except (BrokenPipeError, ConnectionResetError):
                return time.monotonic() - started
            position += 1
    raise AssertionError(f"the server kept the connection open for {within_s} s")


def test_slow_clients_are_cut_off(tmp_path: Path) -> None:
    """A request's head must be in within --read-timeout of the server starting to wait for it, and
    its body must keep coming: a client that connects and says nothing, one that sends its headers
    a byte at a time, and one that stops halfway through its body are all closed; others are served."""
    server = start_server(tmp_path, ["--read-timeout", "1"], env={"THUMBKIT_API_KEYS": KEY})
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=10) as silent:
            assert 0.9 <= _closed_by_server(silent, trickle=b"", within_s=10) < 5
        with socket.create_connection((host, int(port)), timeout=10) as slow_head:
            head = b"GET /health HTTP/1.1\r\nHost: thumbkit\r\n" + b"X-Slow: " + b"a" * 200 + b"\r\n\r\n"
            assert 0.9 <= _closed_by_server(slow_head, trickle=head, within_s=10) < 5
        with socket.create_connection((host, int(port)), timeout=10) as slow_body:
            slow_body.sendall(b"POST /v1/generate HTTP/1.1\r\nHost: thumbkit\r\nContent-Type: application/json\r\n"
                              b"x-api-key: " + KEY.encode() + b"\r\nContent-Length: 5000\r\n\r\n{\"title\": ")
            answer = b""
            slow_body.settimeout(10)
            while chunk := slow_body.recv(65536):  # read until the server closes (bounded by the timeout)
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
            assert b"Request body not received in time" in answer
        with httpx.Client(base_url=server.url, headers={"x-api-key": KEY}, timeout=30) as client:  # keep-alive
            assert [client.get("/health").status_code, client.get("/v1/catalog").status_code] == [200, 200]
    finally:
        assert server.stop(), server.output()
