"""Clients written the way ThumbAPI's own tutorials write them, pointed at the local server by
changing nothing but the base URL: requests with a retry decorator (429 and 5xx, exponential
backoff), httpx.AsyncClient with a semaphore of 4, a CSV batch, a FastAPI handler that forwards."""

from __future__ import annotations

import asyncio
import base64
import csv
import functools
import io
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import requests
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from pydantic import BaseModel

from renderer.server.launcher import ServerProcess, start_server

pytestmark = pytest.mark.slow  # a real server process

API_KEY = "tutorial-key"
FORWARDER_KEY = "forwarder-key"  # the forwarding service is its own client: its own rate budget
RATE = 5
T = TypeVar("T")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("data"), ["--rate-limit", str(RATE)], env={"THUMBKIT_API_KEYS": f"{API_KEY},{FORWARDER_KEY}"})
    yield process
    assert process.stop(), process.output()


# ---- the tutorial's code, verbatim but for BASE_URL ------------------------------------------------
BASE_URL = "https://api.thumbapi.example"  # replaced by the local server's address in each test
attempts_log: list[int] = []  # status codes seen, so the test can tell retries happened


def retry(max_attempts: int = 6, backoff_seconds: float = 0.25) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Retry on 429 and 5xx with exponential backoff; other errors (401, 422) are raised at once."""

    def decorator(func: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            for attempt in range(max_attempts):
                try:
                    return func(*args, **kwargs)
                except requests.HTTPError as exc:
                    status = exc.response.status_code
                    attempts_log.append(status)
                    if status != 429 and status < 500 or attempt == max_attempts - 1:
                        raise
                    time.sleep(backoff_seconds * 2 ** attempt)
            raise AssertionError("unreachable")

        return wrapper

    return decorator


@retry()
def generate_thumbnail(title: str, fmt: str = "youtube") -> bytes:
    response = requests.post(
        f"{BASE_URL}/v1/generate",
        headers={"x-api-key": API_KEY, "Content-Type": "application/json"},
        json={"title": title, "format": fmt},
        timeout=60,
    )
    response.raise_for_status()
    data = response.json()
    header, encoded = data["image"].split(",", 1)
    return base64.b64decode(encoded)


async def generate_many(titles: list[str], fmt: str = "youtube") -> list[bytes]:
    semaphore = asyncio.Semaphore(4)

    async def one(client: httpx.AsyncClient, title: str) -> bytes:
        async with semaphore:
            for attempt in range(6):
                response = await client.post("/v1/generate", json={"title": title, "format": fmt})
                if response.status_code == 429 or response.status_code >= 500:
                    await asyncio.sleep(0.25 * 2 ** attempt)
                    continue
                response.raise_for_status()
                return base64.b64decode(response.json()["image"].split(",", 1)[1])
            response.raise_for_status()
            raise AssertionError("unreachable")

    async with httpx.AsyncClient(base_url=BASE_URL, headers={"x-api-key": API_KEY}, timeout=60) as client:
        return await asyncio.gather(*(one(client, title) for title in titles))


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def batch_from_csv(csv_text: str, out_dir: Path, concurrency: int = 3) -> list[Path]:
    rows = list(csv.DictReader(io.StringIO(csv_text)))

    def one(row: dict[str, str]) -> Path:
        body = {"title": row["title"], "format": row["format"], "imageStyle": row["style"] or "faceless"}
        for attempt in range(6):
            response = requests.post(f"{BASE_URL}/v1/generate", headers={"x-api-key": API_KEY}, json=body, timeout=60)
            if response.status_code != 429:
                break
            time.sleep(0.25 * 2 ** attempt)
        response.raise_for_status()
        path = out_dir / f"{slugify(row['title'])}.webp"
        path.write_bytes(base64.b64decode(response.json()["image"].split(",", 1)[1]))
        return path

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, rows))


class ThumbnailIn(BaseModel):
    title: str
    format: str = "youtube"


def forwarding_app() -> FastAPI:
    app = FastAPI()

    @app.post("/thumbnail")
    async def thumbnail(payload: ThumbnailIn) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=60) as client:
            response = await client.post(f"{BASE_URL}/v1/generate", headers={"x-api-key": FORWARDER_KEY},
                                         json={"title": payload.title, "format": payload.format})
        response.raise_for_status()
        return response.json()

    return app
# ---- end of the tutorial's code ----------------------------------------------------------------------


@pytest.fixture()
def base_url(server: ServerProcess, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(globals(), "BASE_URL", server.url)
    attempts_log.clear()
    return server.url


def image_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def test_requests_client_with_retry_decorator(base_url: str) -> None:
    assert image_size(generate_thumbnail("Retry me, please", "instagram")) == (1080, 1080)
    # Bursts of quick calls (the same title: answered from the store) from a small thread pool go past
    # RATE a second, so some are refused with 429; the decorator retries them and every call succeeds.
    images: list[bytes] = []
    with ThreadPoolExecutor(4) as pool:
        for _ in range(5):  # bounded: one burst is enough unless the machine is very slow
            images += pool.map(lambda _: generate_thumbnail("Retry me, please", "instagram"), range(3 * RATE))
            if 429 in attempts_log:
                break
    assert len(set(images)) == 1
    assert 429 in attempts_log and set(attempts_log) == {429}


def test_requests_client_does_not_retry_a_bad_payload(base_url: str) -> None:
    with pytest.raises(requests.HTTPError, match="422"):
        generate_thumbnail("Typo", "youtub")
    assert attempts_log[-1] == 422 and attempts_log.count(422) == 1  # not retried
    assert set(attempts_log[:-1]) <= {429}  # the earlier burst may still hold this second's budget


def test_httpx_async_client_with_a_semaphore(base_url: str) -> None:
    titles = [f"Async batch item {n}: faster with a semaphore" for n in range(6)]
    images = asyncio.run(generate_many(titles, "x"))
    assert [image_size(image) for image in images] == [(1200, 675)] * 6
    assert len(set(images)) == 6


def test_csv_batch_writes_one_file_per_row(base_url: str, tmp_path: Path) -> None:
    csv_text = "title,format,style\nHow we cut build times in half,youtube,faceless\nQ3 results,linkedin,\nA quiet week in Lisbon,instagram,faceless\n"
    paths = batch_from_csv(csv_text, tmp_path)
    assert [p.name for p in paths] == ["how-we-cut-build-times-in-half.webp", "q3-results.webp", "a-quiet-week-in-lisbon.webp"]
    assert [image_size(p.read_bytes()) for p in paths] == [(1280, 720), (1200, 627), (1080, 1080)]


def test_fastapi_handler_that_forwards(base_url: str) -> None:
    with TestClient(forwarding_app()) as client:
        response = client.post("/thumbnail", json={"title": "Forwarded to the local server", "format": "blogpost"})
    assert response.status_code == 200
    body = response.json()
    assert body["format"] == "blogpost" and body["dimensions"] == {"width": 1200, "height": 630}
    assert image_size(base64.b64decode(body["image"].split(",", 1)[1])) == (1200, 630)
