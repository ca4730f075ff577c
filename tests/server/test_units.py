"""The server's parts on their own, in process: keys, rate limit, store, request keys, jobs, the
dispatcher, and the error mapping (a 500 never shows its traceback)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from renderer.api import Renderer
from renderer.errors import InputError
from renderer.request import parse_request
from renderer.server import ServerSettings, create_app
from renderer.server.cachekey import RequestKeys
from renderer.server.database import Database
from renderer.server.dispatcher import JobDispatcher
from renderer.server.job_kinds import (
    JobContext,
    get_kind,
    job_kind,
    kind_names,
    unregister_job_kind,
)
from renderer.server.jobs import INTERRUPTED, JobStore
from renderer.server.keys import (
    KeyRing,
    configured_keys,
    fingerprint,
    load_or_create_keys,
    parse_keys,
)
from renderer.server.ratelimit import RateLimiter
from renderer.server.rendering import RenderService
from renderer.server.settings import ServerSettings as Settings
from renderer.server.store import ImageStore


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# -- keys ------------------------------------------------------------------------------------------
def test_key_ring_matches_only_configured_keys() -> None:
    ring = KeyRing.of(["alpha", "beta"])
    assert ring.match("alpha") and ring.match("beta")
    assert not ring.match("alph") and not ring.match("") and not ring.match("alpha ")


def test_keys_from_env_and_file_are_combined(tmp_path: Path) -> None:
    keys_file = tmp_path / "keys"
    keys_file.write_text("# team keys\nfile-key-1\n\nfile-key-2  # ci\n")
    source = configured_keys(Settings(data_dir=tmp_path, keys_file=keys_file), {"THUMBKIT_API_KEYS": " env-1, ,env-2"})
    assert source is not None
    assert source.keys == ("env-1", "env-2", "file-key-1", "file-key-2")
    assert not source.created
    assert not (tmp_path / "api_keys").exists()


def test_keys_file_without_keys_is_an_error(tmp_path: Path) -> None:
    keys_file = tmp_path / "keys"
    keys_file.write_text("# nothing yet\n")
    with pytest.raises(InputError, match="has no key in it"):
        configured_keys(Settings(data_dir=tmp_path, keys_file=keys_file), {})


def test_a_key_is_created_once_with_private_permissions(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = load_or_create_keys(settings, {})
    second = load_or_create_keys(settings, {})
    assert first.created and not second.created
    assert first.keys == second.keys and first.keys[0].startswith("tk_") and len(first.keys[0]) > 40
    assert stat.S_IMODE(os.stat(settings.generated_keys_file).st_mode) == 0o600
    assert [p.name for p in settings.generated_keys_file.parent.iterdir()] == ["api_keys"]  # no temporary left


def test_a_key_that_is_not_printable_ascii_is_refused_at_start() -> None:
    # a header value is bytes: "kéy" sent by a client would never match the "kéy" configured
    with pytest.raises(InputError, match=r"API key on line 2 has 'é' \(U\+00E9\); keys must be printable ASCII"):
        parse_keys("good-key\nkéy\n")
    with pytest.raises(InputError, match="API key on key 1 has ' '"):
        parse_keys("two words", separator=",")


def test_parse_keys_splits_on_commas_for_the_environment() -> None:
    assert parse_keys("a,b ,, c", separator=",") == ("a", "b", "c")
    assert fingerprint("a") == fingerprint("a") != fingerprint("b")
    assert len(fingerprint("a")) == 24 and int(fingerprint("a"), 16) >= 0  # hex, and not the key


# -- rate limit ------------------------------------------------------------------------------------
def test_rate_limit_counts_per_key_per_second(tmp_path: Path) -> None:
    clock = Clock(500.25)
    limiter = RateLimiter(tmp_path / "rate.sqlite3", 2, clock=clock)
    decisions = [limiter.hit("k1") for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert [d.remaining for d in decisions] == [1, 0, 0]
    assert decisions[2].reset_seconds == 1
    assert dict(decisions[2].headers())[b"retry-after"] == b"1"
    assert b"retry-after" not in dict(decisions[0].headers())
    assert limiter.hit("k2").allowed  # another key has its own budget
    assert (limiter.peek("k2").remaining, limiter.peek("k2").remaining) == (1, 1)  # peeking counts nothing
    assert limiter.peek("never-seen").remaining == 2
    clock.now = 501.0  # the next window
    assert limiter.hit("k1").allowed


def test_rate_limit_is_shared_by_processes_through_the_file(tmp_path: Path) -> None:
    clock = Clock(10.5)
    one = RateLimiter(tmp_path / "rate.sqlite3", 3, clock=clock)
    two = RateLimiter(tmp_path / "rate.sqlite3", 3, clock=clock)
    allowed = [limiter.hit("k").allowed for limiter in (one, two, one, two)]
    assert allowed == [True, True, True, False]


# -- settings --------------------------------------------------------------------------------------
def test_settings_travel_to_workers_as_json(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, keys_file=tmp_path / "k", rate_limit=7, workers=2, job_lease_seconds=2.5)
    assert Settings.from_json(settings.to_json()) == settings


def test_settings_refuse_a_zero_rate() -> None:
    with pytest.raises(InputError, match="at least 1 request per second"):
        Settings(data_dir=Path("/tmp"), rate_limit=0)


# -- request keys and the store --------------------------------------------------------------------
def test_equivalent_bodies_share_a_request_key(renderer: Renderer) -> None:
    keys = RequestKeys(renderer)
    plain = keys.key(parse_request({"title": "Ship it", "format": "youtube"}))
    assert keys.key(parse_request({"title": "  Ship\n it ", "imageStyle": "faceless", "outputFormat": "webp"})) == plain
    assert keys.key(parse_request({"title": "Ship it", "format": "x"})) != plain
    assert keys.key(parse_request({"title": "Ship it", "format": "youtube", "model": "hd"})) != plain
    with pytest.raises(InputError, match="unknown customAssetsId"):
        keys.key(parse_request({"title": "Ship it", "customAssetsId": "nope"}))


def test_store_addresses_files_by_content(tmp_path: Path, renderer: Renderer) -> None:
    store = ImageStore(Database(tmp_path / "db.sqlite3"), tmp_path / "images")
    thumbnail = renderer.render_request(parse_request({"title": "Stored", "format": "linkedin"}))
    image = store.put("key-1", thumbnail, "Stored", owner="alice")
    assert image.id == hashlib.sha256(thumbnail.data).hexdigest()
    assert store.path(image).read_bytes() == thumbnail.data
    assert store.path(image).name == f"{image.id}.webp"
    again = store.put("key-2", thumbnail, "Stored, other request")  # same bytes: one file, one row
    assert again.id == image.id and again.title == "Stored"
    assert store.lookup("key-2") == (image, thumbnail.data)
    assert [found.id for found in store.recent("alice", 10)] == [image.id]
    assert store.get("../../etc/passwd") is None
    damaged = bytearray(thumbnail.data)
    damaged[len(damaged) // 2] ^= 0xFF
    store.path(image).write_bytes(bytes(damaged))  # right size, wrong bytes (files are not fsynced)
    assert store.lookup("key-1") is None and store.read(image) is None
    store.put("key-1", thumbnail, "Stored")  # rendered again: the damaged file is replaced
    assert store.lookup("key-1") == (image, thumbnail.data)
    store.path(image).write_bytes(bytes(damaged))
    store.path(image).unlink()  # lost in a crash: a miss, not an error
    assert store.lookup("key-1") is None and store.read(image) is None
    frame = store.save(b"\xff\xd8 a jpeg frame", media_type="image/jpeg", output_format="jpeg", width=2, height=1,
                       title="frame at 00:00:17", owner="alice")  # what a video job stores: no request key
    assert store.get(frame.id) == frame and store.path(frame).suffix == ".jpg"
    assert store.read(frame) == b"\xff\xd8 a jpeg frame"
    assert [found.id for found in store.recent("alice", 1)] == [frame.id]


def test_listings_show_a_key_only_the_images_it_got(tmp_path: Path, renderer: Renderer) -> None:
    """``image_owners``: an image is listed to each key answered with it, from when that key got
    it; never to another key (the file stays served to anyone with its id)."""
    store = ImageStore(Database(tmp_path / "db.sqlite3"), tmp_path / "images")
    thumbnail = renderer.render_request(parse_request({"title": "Whose is it", "format": "x"}))
    image = store.put("request", thumbnail, "Whose is it", owner="alice")
    assert ([i.id for i in store.recent("alice", 10)], store.recent("bob", 10)) == ([image.id], [])
    store.own(image.id, "bob")  # bob asked for the same thing later: answered from the store
    store.own(image.id, "bob")  # again: listed once, from the first time
    [alice_sees], [bob_sees] = store.recent("alice", 10), store.recent("bob", 10)
    assert alice_sees.id == bob_sees.id == image.id and bob_sees.created_at > alice_sees.created_at
    assert store.recent("bob", 10, before=bob_sees.created_at) == []  # the page cursor is bob's own time


def test_the_store_keeps_each_renders_quality_report(tmp_path: Path, renderer: Renderer) -> None:
    store = ImageStore(Database(tmp_path / "db.sqlite3"), tmp_path / "images")
    thumbnail = renderer.render_request(parse_request({"title": "Judged", "format": "youtube", "customAssetsId": "techpulse",
                                                      "useLogo": True}))
    image = store.put("key-q", thumbnail, "Judged")
    assert image.quality_report() == thumbnail.quality.to_dict()
    assert store.lookup("key-q")[0].quality_report() == thumbnail.quality.to_dict()


def test_a_version_1_database_gains_the_quality_column_and_renders_again(tmp_path: Path, renderer: Renderer) -> None:
    import sqlite3

    from renderer.server.database import SCHEMA_VERSION

    path = tmp_path / "db.sqlite3"
    old = sqlite3.connect(path)  # what thumbkit made before the judge: no quality column
    old.executescript("""
        CREATE TABLE images (id TEXT PRIMARY KEY, media_type TEXT NOT NULL, output_format TEXT NOT NULL,
            format TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL, size_bytes INTEGER NOT NULL,
            layout TEXT NOT NULL, kit TEXT NOT NULL, title TEXT NOT NULL, created_at REAL NOT NULL);
        CREATE TABLE renders (request_key TEXT PRIMARY KEY, image_id TEXT NOT NULL REFERENCES images (id),
            created_at REAL NOT NULL);
        PRAGMA user_version=1;
    """)
    thumbnail = renderer.render_request(parse_request({"title": "Old store", "format": "x"}))
    image_id = hashlib.sha256(thumbnail.data).hexdigest()
    old.execute("INSERT INTO images VALUES (?, 'image/webp', 'webp', 'x', 1200, 675, ?, 'x-bold', 'default', 'Old store', 1.0)",
                (image_id, len(thumbnail.data)))
    old.execute("INSERT INTO renders VALUES ('old-key', ?, 1.0)", (image_id,))
    old.commit()
    old.close()
    store = ImageStore(Database(path), tmp_path / "images")
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    store.path(store.get(image_id)).parent.mkdir(parents=True, exist_ok=True)
    store.path(store.get(image_id)).write_bytes(thumbnail.data)
    assert store.get(image_id).quality is None
    assert store.lookup("old-key") is None  # no report stored: rendered again, then it has one
    store.put("old-key", thumbnail, "Old store")
    assert store.lookup("old-key")[0].quality_report() == thumbnail.quality.to_dict()
    Database(path)  # opening a current file again changes nothing


def test_identical_requests_in_flight_share_one_render(tmp_path: Path, renderer: Renderer) -> None:
    service = RenderService(renderer, ImageStore(Database(tmp_path / "db.sqlite3"), tmp_path / "images"), threads=2)

    async def scenario() -> list:
        same = {"title": "Asked twice at once", "format": "x"}
        return await asyncio.gather(service.generate(same, owner="alice"), service.generate(dict(same), owner="bob"),
                                    service.generate({"title": "Asked once", "format": "x"}, owner="alice"))

    first, twin, other = asyncio.run(scenario())
    assert service.renders_done == 2
    # both keys were answered with the shared render: both list it; only alice asked for the other
    assert {image.id for image in service.store.recent("alice", 10)} == {first.image.id, other.image.id}
    assert [image.id for image in service.store.recent("bob", 10)] == [first.image.id]
    assert sorted([first.from_store, twin.from_store]) == [False, True] and not other.from_store  # either may render
    assert twin.image == first.image and twin.data == first.data != other.data

    async def failing() -> list:
        bad = {"title": "Photo", "usePhoto": True}  # fails in render_request: both callers get the error
        return await asyncio.gather(service.generate(bad), service.generate(bad), return_exceptions=True)

    errors = asyncio.run(failing())
    assert all(isinstance(error, InputError) and str(error).startswith("Photo asset required") for error in errors)
    assert service.renders_waiting_or_running == 0


# -- jobs ------------------------------------------------------------------------------------------
def test_jobs_are_claimed_once_in_order_and_requeued_when_a_lease_runs_out(tmp_path: Path) -> None:
    clock = Clock()
    jobs = JobStore(Database(tmp_path / "db.sqlite3"), clock=clock)
    first = jobs.submit("generate", {"title": "one"}, "owner")
    second = jobs.submit("generate", {"title": "two"}, "owner")
    claimed = jobs.claim(lease_seconds=5)
    assert claimed is not None and claimed.id == first.id and claimed.status == "processing" and claimed.attempts == 1
    clock.now += 6  # its process died: nobody renewed the lease
    assert jobs.requeue_expired(max_attempts=2) == 1
    assert jobs.get(first.id).status == "queued"
    assert jobs.claim(5).id == first.id  # still first in line
    assert jobs.claim(5).id == second.id
    assert jobs.claim(5) is None
    clock.now += 6
    jobs.requeue_expired(max_attempts=2)
    assert jobs.get(first.id).status == "failed" and jobs.get(first.id).error == INTERRUPTED  # second claim ran out too
    assert jobs.get(second.id).status == "queued"
    assert jobs.get(second.id, owner="someone else") is None
    assert jobs.counts() == {"queued": 1, "processing": 0, "succeeded": 0, "failed": 1}


def test_unknown_job_kind_names_the_known_ones() -> None:
    assert "generate" in kind_names()
    with pytest.raises(InputError, match="kind must be one of: .*generate"):
        get_kind("video")
    with pytest.raises(InputError, match="kind is required"):
        get_kind(None)


def test_dispatcher_runs_a_registered_kind_through_every_status(tmp_path: Path, renderer: Renderer) -> None:
    database = Database(tmp_path / "db.sqlite3")
    jobs = JobStore(database)
    gate = asyncio.Event()

    @job_kind("test-gated")
    async def gated(context: JobContext, input: dict) -> list[dict]:
        await gate.wait()
        if input.get("fail") == "user":
            raise InputError("the frame time is past the end of the video")
        if input.get("fail") == "bug":
            raise RuntimeError("secret internals")
        return [{"type": "note", "id": "n1", "text": input["text"]}]

    context = JobContext(Settings(data_dir=tmp_path), RenderService(renderer, ImageStore(database, tmp_path / "images"), threads=1))

    async def until(condition, what: str) -> None:
        for _ in range(500):  # bounded poll, 5 s at most
            if condition():
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"timed out waiting for {what}: {jobs.counts()}")

    async def scenario() -> None:
        dispatcher = JobDispatcher(jobs, context, concurrency=3, lease_seconds=5, poll_seconds=0.05, max_attempts=3)
        ok = jobs.submit("test-gated", {"text": "hi"}, "o")
        user = jobs.submit("test-gated", {"fail": "user"}, "o")
        bug = jobs.submit("test-gated", {"fail": "bug"}, "o")
        assert jobs.get(ok.id).status == "queued"
        dispatcher.start()
        await until(lambda: jobs.counts()["processing"] == 3, "three jobs processing")
        gate.set()
        await until(lambda: jobs.counts()["processing"] == 0, "the jobs to end")
        await dispatcher.stop()
        assert jobs.get(ok.id).status == "succeeded" and jobs.get(ok.id).outputs == [{"type": "note", "id": "n1", "text": "hi"}]
        assert jobs.get(user.id).status == "failed" and jobs.get(user.id).error == "the frame time is past the end of the video"
        assert jobs.get(bug.id).status == "failed" and jobs.get(bug.id).error == "Internal server error"

    try:
        asyncio.run(scenario())
    finally:
        unregister_job_kind("test-gated")


# -- error mapping ---------------------------------------------------------------------------------
class BrokenRenderer(Renderer):
    def render_request(self, request, **options):  # noqa: ANN001, ANN003 - Renderer's signature
        raise RuntimeError("boom: /secret/path/in/traceback")


def test_an_unexpected_error_is_a_bare_500_with_rate_headers(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = ServerSettings(data_dir=tmp_path)
    app = create_app(settings, renderer=BrokenRenderer())
    key = load_or_create_keys(settings, {}).keys[0]
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/v1/generate", json={"title": "Crash"}, headers={"x-api-key": key})
        job = client.post("/v1/jobs", json={"kind": "generate", "input": {"title": "Crash"}}, headers={"x-api-key": key})
        assert job.status_code == 202
    assert response.status_code == 500
    assert response.json() == {"error": "Internal server error"}
    assert "secret" not in response.text and "Traceback" not in response.text
    assert response.headers["x-ratelimit-limit"] == str(settings.rate_limit)
    assert "boom: /secret/path/in/traceback" in caplog.text  # logged server-side, with the traceback


def test_guessing_keys_is_rate_limited_per_client_address(tmp_path: Path) -> None:
    settings = ServerSettings(data_dir=tmp_path, rate_limit=2)
    key = load_or_create_keys(settings, {}).keys[0]
    with TestClient(create_app(settings)) as client:
        guesses = [client.get("/v1/catalog", headers={"x-api-key": f"guess-{n}"}) for n in range(6)]
        allowed = client.get("/v1/catalog", headers={"x-api-key": key})  # the real key has its own budget
    statuses = [guess.status_code for guess in guesses]
    assert set(statuses) == {401, 429} and statuses.index(429) >= 2, statuses  # within at most a few windows
    assert guesses[0].headers["x-ratelimit-limit"] == "2"
    assert guesses[statuses.index(429)].json() == {"error": "Rate limit exceeded"}
    assert allowed.status_code == 200


def test_the_listening_socket_turns_nagle_off() -> None:
    from renderer.cli.serve import bind_socket

    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP  # what asyncio checks before setting TCP_NODELAY per connection
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        sock.close()



def test_large_bodies_wait_for_the_body_budget_small_ones_never() -> None:
    """A process holds at most ``max_bytes`` of large bodies at once (each from its first byte to its
    answer): a second large request waits for the first to finish; a title-only one goes through."""
    from types import SimpleNamespace

    from renderer.server.body import SMALL_BODY_BYTES, BodyBudget

    def request(size: int) -> SimpleNamespace:
        return SimpleNamespace(headers={"content-length": str(size)})

    async def scenario() -> list[str]:
        budget = BodyBudget(300_000)
        order: list[str] = []
        first_in, release_first = asyncio.Event(), asyncio.Event()

        async def large(name: str, hold_until: asyncio.Event | None) -> None:
            async with budget.hold(request(200_000), 5_000_000):
                order.append(f"{name} in")
                if hold_until is not None:
                    first_in.set()
                    await hold_until.wait()
            order.append(f"{name} out")

        async def small() -> None:
            async with budget.hold(request(SMALL_BODY_BYTES - 1), 5_000_000):
                order.append("small in")

        first = asyncio.create_task(large("first", release_first))
        await first_in.wait()
        second = asyncio.create_task(large("second", None))
        await asyncio.create_task(small())  # runs after `second` reached its wait
        assert budget.held == 200_000 and not second.done()
        release_first.set()
        await asyncio.gather(first, second)
        assert budget.held == 0
        return order

    assert asyncio.run(scenario()) == ["first in", "small in", "first out", "second in", "second out"]


def test_a_body_declared_over_the_cap_holds_no_budget() -> None:
    """It is refused (413) before a byte is read: it must not make others wait."""
    from types import SimpleNamespace

    from renderer.server.body import BodyBudget

    async def scenario() -> int:
        budget = BodyBudget(1_000_000)
        async with budget.hold(SimpleNamespace(headers={"content-length": "900000000"}), 5_000_000):
            return budget.held

    assert asyncio.run(scenario()) == 0
def test_connections_accepted_the_way_uvicorn_accepts_them_have_nagle_off() -> None:
    """With Nagle's algorithm on, every answer after the first on a keep-alive connection waited
    ~40 ms for the client's delayed ACK (headers and body are two writes). uvicorn serves on the
    socket ``serve`` binds through ``loop.create_server(sock=...)``: each connection it accepts must
    have TCP_NODELAY set. (How fast answers are is measured by ``python -m renderer.bench.server``.)"""
    import asyncio

    from renderer.cli.serve import bind_socket

    async def accepted_nodelay() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                accepted = transport.get_extra_info("socket")
                seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=bind_socket("127.0.0.1", 0))
        port = server.sockets[0].getsockname()[1]
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                return await asyncio.wait_for(seen, timeout=10)
            finally:
                writer.close()

    assert asyncio.run(accepted_nodelay()) != 0
