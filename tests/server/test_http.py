"""The real server in a child process on a loopback port, over HTTP: ThumbAPI's contract (shapes,
messages, status codes, headers), the store, jobs, health and the OpenAPI document."""

from __future__ import annotations

import base64
import hashlib
import io
import time
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image

from renderer.server.launcher import ServerProcess, start_server

pytestmark = pytest.mark.slow  # a real server process

KEY = "test-key-alpha"
OTHER_KEY = "test-key-beta"
MAX_BODY = 64 * 1024
SIZES = {"youtube": (1280, 720), "instagram": (1080, 1080), "x": (1200, 675), "blogpost": (1200, 630), "linkedin": (1200, 627)}
FORMATS_MESSAGE = "format must be one of: youtube, instagram, x, blogpost, linkedin"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("data"), ["--rate-limit", "1000", "--max-body-bytes", str(MAX_BODY)],
                           env={"THUMBKIT_API_KEYS": f"{KEY},{OTHER_KEY}"})
    yield process
    assert process.stop(), process.output()
    assert "Traceback" not in process.output()


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers={"x-api-key": KEY}, timeout=60) as http:
        yield http


def decode_image(data_url: str) -> Image.Image:
    header, payload = data_url.split(",", 1)
    assert header.startswith("data:image/") and header.endswith(";base64")
    return Image.open(io.BytesIO(base64.b64decode(payload)))


# -- POST /v1/generate ---------------------------------------------------------------------------------
@pytest.mark.parametrize("format_name", list(SIZES))
def test_generate_answers_thumbapi_shape_plus_id_and_url(client: httpx.Client, format_name: str) -> None:
    response = client.post("/v1/generate", json={"title": f"Shipping {format_name} thumbnails", "format": format_name})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"image", "format", "outputFormat", "dimensions", "id", "url", "quality"}
    assert set(body["quality"]) == {"score", "passed", "findings"} and 0 <= body["quality"]["score"] <= 100
    for finding in body["quality"]["findings"]:
        assert set(finding) == {"code", "message", "value", "limit", "severity"} and finding["severity"] in ("fail", "warn")
    width, height = SIZES[format_name]
    assert body["format"] == format_name and body["outputFormat"] == "webp"
    assert body["dimensions"] == {"width": width, "height": height}
    assert body["image"].startswith("data:image/webp;base64,")
    image = decode_image(body["image"])
    assert (image.format, image.size) == ("WEBP", (width, height))
    assert body["url"] == f"{client.base_url}/v1/images/{body['id']}".replace("//v1", "/v1")


def test_generate_png_and_hd(client: httpx.Client) -> None:
    body = client.post("/v1/generate", json={"title": "Lossless", "format": "x", "outputFormat": "png", "model": "hd"}).json()
    assert body["outputFormat"] == "png" and body["image"].startswith("data:image/png;base64,")
    assert body["dimensions"] == {"width": 2400, "height": 1350}
    assert decode_image(body["image"]).size == (2400, 1350)


def test_the_same_request_twice_is_served_from_the_store(client: httpx.Client) -> None:
    body = {"title": "Cache me if you can", "format": "blogpost"}
    first = client.post("/v1/generate", json=body)
    second = client.post("/v1/generate", json=body)
    equivalent = client.post("/v1/generate", json={"title": "  Cache me\tif you can ", "format": "blogpost", "imageStyle": "faceless"})
    assert [r.headers["x-thumbkit-store"] for r in (first, second, equivalent)] == ["miss", "hit", "hit"]
    assert first.json() == second.json() == equivalent.json()  # the quality report is stored with the image
    # Server-Timing: a render's steps, and only the lookup for an answer from the store
    steps = [dict(part.split(";dur=") for part in r.headers["server-timing"].split(", ")) for r in (first, second)]
    assert list(steps[0]) == ["lookup", "render", "store"] and float(steps[0]["render"]) > 0
    assert list(steps[1]) == ["lookup"]


def test_variants_are_answered_best_first_stored_and_found_again(client: httpx.Client) -> None:
    body = {"title": "The *secret* to fast builds", "variants": 3, "headline": "auto", "language": "en"}
    first = client.post("/v1/generate", json=body)
    assert first.status_code == 200, first.text
    answer = first.json()
    variants = answer["variants"]
    assert len(variants) == 3 and variants[0]["image"] == answer["image"] and variants[0]["id"] == answer["id"]
    assert len({v["layout"] for v in variants}) == 3 and all(isinstance(v["score"], int) for v in variants)
    for variant in variants:  # each variant is stored and served
        served = client.get(variant["url"])
        assert served.status_code == 200 and hashlib.sha256(served.content).hexdigest() == variant["id"]
    again = client.post("/v1/generate", json=body)
    assert again.headers["x-thumbkit-store"] == "hit"
    assert [v["id"] for v in again.json()["variants"]] == [v["id"] for v in variants]
    single = client.post("/v1/generate", json={"title": "The *secret* to fast builds"})
    assert "variants" not in single.json() and single.json()["id"] == answer["id"]  # the best is auto's answer


def test_stored_image_is_served_with_its_type_and_cache_headers(client: httpx.Client) -> None:
    body = client.post("/v1/generate", json={"title": "Served from disk", "format": "instagram", "outputFormat": "png"}).json()
    anonymous = httpx.get(body["url"], timeout=30)  # no key: the id is the capability
    assert anonymous.status_code == 200
    assert anonymous.headers["content-type"] == "image/png"
    assert anonymous.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert anonymous.headers["etag"] == f'"{body["id"]}"'
    assert hashlib.sha256(anonymous.content).hexdigest() == body["id"]
    assert anonymous.content == base64.b64decode(body["image"].split(",", 1)[1])
    revalidated = httpx.get(body["url"], headers={"If-None-Match": anonymous.headers["etag"]}, timeout=30)
    assert revalidated.status_code == 304 and revalidated.content == b""
    missing = httpx.get(body["url"].replace(body["id"], "0" * 64), timeout=30)
    assert (missing.status_code, missing.json()) == (404, {"error": "Image not found"})
    # not counted against any budget, but the rate headers say where the caller stands
    assert {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"} <= set(anonymous.headers)
    keyed = httpx.get(body["url"], headers={"x-api-key": KEY}, timeout=30)
    assert keyed.status_code == 200 and "x-ratelimit-remaining" in keyed.headers
    assert "x-ratelimit-limit" in missing.headers  # a 404 too
    head = httpx.head(body["url"], timeout=30)
    assert head.status_code == 200 and head.headers["content-type"] == "image/png" and head.content == b""
    assert httpx.get(body["url"], headers={"If-None-Match": "*"}, timeout=30).status_code == 304


def test_gallery_lists_stored_images_newest_first(client: httpx.Client) -> None:
    made = client.post("/v1/generate", json={"title": "Newest in the gallery", "format": "youtube"}).json()
    listing = client.get("/v1/images", params={"limit": 5}).json()["images"]
    assert listing[0]["id"] == made["id"] and listing[0]["title"] == "Newest in the gallery"
    assert listing[0]["url"] == made["url"] and len(listing) <= 5
    assert [i["createdAt"] for i in listing] == sorted((i["createdAt"] for i in listing), reverse=True)


def test_gallery_lists_only_the_callers_images(client: httpx.Client, server: ServerProcess) -> None:
    """Keys are kept apart: ``GET /v1/images`` lists the caller's renders and job outputs only;
    the files stay served to anyone with their id (a capability URL)."""
    other = {"x-api-key": OTHER_KEY}
    mine = client.post("/v1/generate", json={"title": "Only mine to list", "format": "x"}).json()
    job = client.post("/v1/jobs", json={"kind": "generate", "input": {"title": "My job's output", "format": "x"}}).json()
    done = wait_for_job(client, job["id"])
    [job_output] = done["outputs"]
    listed = {image["id"] for image in client.get("/v1/images", params={"limit": 200}).json()["images"]}
    assert {mine["id"], job_output["id"]} <= listed
    theirs = httpx.get(f"{server.url}/v1/images", params={"limit": 200}, headers=other, timeout=30).json()["images"]
    assert not {image["id"] for image in theirs} & listed
    assert httpx.get(mine["url"], timeout=30).status_code == 200  # the file itself: anyone with its id
    # the other key asks for the same thumbnail: answered from the store, and now in its gallery too
    again = httpx.post(f"{server.url}/v1/generate", json={"title": "Only mine to list", "format": "x"}, headers=other, timeout=60)
    assert (again.status_code, again.headers["x-thumbkit-store"], again.json()["id"]) == (200, "hit", mine["id"])
    theirs = httpx.get(f"{server.url}/v1/images", params={"limit": 200}, headers=other, timeout=30).json()["images"]
    assert [image["id"] for image in theirs] == [mine["id"]]


# -- errors --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("body", "message"), [
    ({"format": "youtube"}, "title is required"),
    ({"title": "   ", "format": "youtube"}, "title is required"),
    ({"title": "Typo", "format": "youtub"}, FORMATS_MESSAGE),
    ({"title": "Typo", "format": 3}, FORMATS_MESSAGE),
    ({"title": "Typo", "imageStyle": "cartoon"}, "imageStyle must be one of: faceless, with-image, with-logo"),
    ({"title": 42}, "title must be a string"),
    ({"title": "Types", "usePhoto": "yes"}, "usePhoto must be a boolean (true or false)"),
    ({"title": "x" * 201}, "title must be 1 to 200 characters, got 201"),
    ({"title": "Niche", "category": "knitting"}, "category must be one of: auto, tech-saas"),
    ({"title": "Many", "variants": 7}, "variants must be a whole number from 1 to 6, got 7"),
    ({"title": "Many", "variants": "3"}, "variants must be a whole number from 1 to 6, got '3'"),
    ({"title": "Lang", "language": "deutsch!"}, "language must be auto or a BCP-47 language code"),
    ({"title": "Short", "headline": 3}, "headline must be a string"),
])
def test_a_bad_payload_is_422_with_thumbapis_message(client: httpx.Client, body: dict, message: str) -> None:
    response = client.post("/v1/generate", json=body)
    assert response.status_code == 422
    assert set(response.json()) == {"error"} and response.json()["error"].startswith(message)


@pytest.mark.parametrize(("raw", "message"), [
    # JSON allows a lone UTF-16 surrogate (an emoji cut in half by a truncating client)
    (rb'{"title": "Tricks \ud83d"}', "title must be valid Unicode text: a lone surrogate \\ud83d at character 8"),
    (rb'{"title": "Fine", "layout": "\udc00"}', "layout must be valid Unicode text"),
    (rb'{"title": "Fine", "note": {"x": ["\ud800"]}}', "note.x[0] must be valid Unicode text"),
    ('{"title": "\u200b\u200b\u2060"}'.encode(), "title is required"),  # nothing to draw
    (b'{"title": "Fine", "model": 0}', "model must be one of: sd, hd"),
])
def test_text_that_is_not_unicode_or_not_visible_is_422(client: httpx.Client, raw: bytes, message: str) -> None:
    response = client.post("/v1/generate", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["error"].startswith(message)
    if b"kind" not in raw:
        job = client.post("/v1/jobs", content=b'{"kind": "generate", "input": ' + raw + b"}",
                          headers={"content-type": "application/json"})
        assert job.status_code == 422, job.text  # refused before a job row exists


def test_numbers_are_kept_exactly_or_refused(client: httpx.Client) -> None:
    def post(path: str, raw: bytes) -> httpx.Response:
        return client.post(path, content=raw, headers={"content-type": "application/json"})

    big = b"9" * 400  # an int, kept as one: a job echoes it back intact
    assert post("/v1/generate", b'{"title": "Big numbers", "format": "x", "extra": ' + big + b"}").status_code == 200
    job = post("/v1/jobs", b'{"kind": "generate", "input": {"title": "Big numbers", "extra": ' + big + b"}}")
    assert job.status_code == 202, job.text
    assert client.get(f"/v1/jobs/{job.json()['id']}").json()["input"]["extra"] == int(big)
    for raw, status, message in ((b"9" * 5000, 422, "numbers must have at most 4000 digits"),
                                 (b"1e400", 422, "numbers must be finite, got 1e400"),
                                 (b"NaN", 400, "Request body must be valid JSON"),
                                 (b"-Infinity", 400, "Request body must be valid JSON")):
        for path, body in (("/v1/generate", b'{"title": "t", "extra": ' + raw + b"}"),
                           ("/v1/jobs", b'{"kind": "generate", "input": {"title": "t", "extra": ' + raw + b"}}")):
            response = post(path, body)
            assert (response.status_code, response.json()) == (status, {"error": message}), (path, raw[:10])


def test_a_body_that_is_not_json_is_400(client: httpx.Client) -> None:
    for raw in (b'{"title": ', b"", b"\xff\xfe", b"title=hello"):
        response = client.post("/v1/generate", content=raw, headers={"content-type": "application/json"})
        assert (response.status_code, response.json()) == (400, {"error": "Request body must be valid JSON"})


def test_json_that_is_not_an_object_is_422(client: httpx.Client) -> None:
    response = client.post("/v1/generate", json=["title", "format"])
    assert (response.status_code, response.json()) == (422, {"error": "Request body must be a JSON object"})


def test_an_oversized_body_is_413(client: httpx.Client) -> None:
    response = client.post("/v1/generate", json={"title": "Big", "photoImage": "A" * MAX_BODY})
    assert (response.status_code, response.json()) == (413, {"error": "Request body exceeds 65536 bytes cap"})

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap holds while streaming
        yield b'{"title": "Big", "photoImage": "'
        for _ in range(20):
            yield b"A" * 8192
        yield b'"}'

    streamed = client.post("/v1/generate", content=chunks(), headers={"content-type": "application/json"})
    assert (streamed.status_code, streamed.json()) == (413, {"error": "Request body exceeds 65536 bytes cap"})


def test_a_photo_without_an_asset_is_422_with_thumbapis_message(client: httpx.Client) -> None:
    response = client.post("/v1/generate", json={"title": "Me on camera", "usePhoto": True})
    assert (response.status_code, response.json()) == (
        422, {"error": "Photo asset required: set photoImage or upload a Personal Photo"})


def test_missing_and_invalid_keys_are_401(server: ServerProcess) -> None:
    for path in ("/v1/generate", "/v1/jobs", "/v1/images", "/v1/jobs/job_x", "/v1/catalog", "/v1/no-such-thing"):
        method = "POST" if path in ("/v1/generate", "/v1/jobs") else "GET"
        missing = httpx.request(method, server.url + path, json={"title": "t"}, timeout=30)
        invalid = httpx.request(method, server.url + path, json={"title": "t"}, headers={"x-api-key": KEY + "x"}, timeout=30)
        assert (missing.status_code, missing.json()) == (401, {"error": "Missing API key"}), path
        assert (invalid.status_code, invalid.json()) == (401, {"error": "Invalid API key"}), path
        assert missing.headers["x-ratelimit-limit"] == invalid.headers["x-ratelimit-limit"] == "1000"


def test_rate_limit_headers_are_on_every_answer_to_a_key(client: httpx.Client) -> None:
    answers = [
        client.post("/v1/generate", json={"title": "Headers everywhere"}),
        client.post("/v1/generate", json={"format": "nope"}),
        client.post("/v1/generate", content=b"{"),
        client.get("/v1/jobs/job_missing"),
        client.get("/v1/nothing-here"),
        client.get("/v1/catalog"),
    ]
    assert [a.status_code for a in answers] == [200, 422, 400, 404, 404, 200]
    for answer in answers:
        assert answer.headers["x-ratelimit-limit"] == "1000"
        assert 0 <= int(answer.headers["x-ratelimit-remaining"]) < 1000
        assert int(answer.headers["x-ratelimit-reset"]) >= 1


def test_unknown_paths_and_methods_answer_json(server: ServerProcess, client: httpx.Client) -> None:
    assert (client.get("/v1/nothing").status_code, client.get("/v1/nothing").json()) == (404, {"error": "Not found"})
    wrong_method = client.get("/v1/generate")
    assert (wrong_method.status_code, wrong_method.json()) == (405, {"error": "Method not allowed"})
    assert httpx.get(server.url + "/nothing", timeout=30).json() == {"error": "Not found"}


# -- jobs ----------------------------------------------------------------------------------------------
def wait_for_job(client: httpx.Client, job_id: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_a_generate_job_is_queued_then_succeeds_with_its_image(client: httpx.Client) -> None:
    submitted = client.post("/v1/jobs", json={"kind": "generate", "input": {"title": "Queued work", "format": "x"}})
    assert submitted.status_code == 202
    job = submitted.json()
    assert job["status"] == "queued" and job["id"].startswith("job_") and job["kind"] == "generate"
    assert job["input"] == {"title": "Queued work", "format": "x"} and job["outputs"] == [] and job["error"] is None
    assert submitted.headers["location"].endswith(f"/v1/jobs/{job['id']}")
    done = wait_for_job(client, job["id"])
    assert done["status"] == "succeeded", done
    [output] = done["outputs"]
    assert output["type"] == "image" and output["dimensions"] == {"width": 1200, "height": 675}
    image = httpx.get(output["url"], timeout=30)
    assert image.status_code == 200 and hashlib.sha256(image.content).hexdigest() == output["id"]


def test_a_generate_job_with_variants_outputs_every_variant(client: httpx.Client) -> None:
    submitted = client.post("/v1/jobs", json={"kind": "generate", "input": {"title": "Queued *variants*", "variants": 2}})
    assert submitted.status_code == 202
    done = wait_for_job(client, submitted.json()["id"])
    assert done["status"] == "succeeded", done
    assert len(done["outputs"]) == 2 and len({output["id"] for output in done["outputs"]}) == 2


def truncated_png_data_url() -> str:
    """A PNG whose header reads but whose pixels stop half way: found only when it is decoded."""
    noise = Image.effect_noise((96, 96), 64).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    cut = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    return "data:image/png;base64," + base64.b64encode(cut).decode("ascii")


def test_a_job_that_fails_while_running_says_why(client: httpx.Client) -> None:
    job = client.post("/v1/jobs", json={"kind": "generate", "input": {
        "title": "Photo please", "usePhoto": True, "photoImage": truncated_png_data_url()}})
    assert job.status_code == 202, job.text
    done = wait_for_job(client, job.json()["id"])
    assert done["status"] == "failed" and done["error"].startswith("photoImage is a truncated or corrupt PNG image")
    assert done["outputs"] == []


def test_a_photo_a_slotless_layout_never_uses_is_not_checked_for_a_job_either(client: httpx.Client) -> None:
    body = {"title": "t", "layout": "youtube-bold", "photoImage": "garbage"}  # /v1/generate renders it
    assert client.post("/v1/generate", json=body).status_code == 200
    assert client.post("/v1/jobs", json={"kind": "generate", "input": body}).status_code == 202


@pytest.mark.parametrize(("body", "message"), [
    ({"kind": "generate", "input": {"format": "youtube"}}, "title is required"),
    ({"kind": "generate", "input": {"title": "t", "format": "tiktok"}}, FORMATS_MESSAGE),
    ({"kind": "transcode", "input": {}}, "kind must be one of: frame, generate, moments"),
    ({"input": {"title": "t"}}, "kind is required"),
    ({"kind": "generate", "input": "t"}, "input must be a JSON object"),
    # what /v1/generate refuses is refused at submission too, not left to fail later
    ({"kind": "generate", "input": {"title": "t", "useLogo": True}}, "Logo asset required: set logoImage or upload a Logo"),
    ({"kind": "generate", "input": {"title": "t", "usePhoto": True}}, "Photo asset required: set photoImage or upload a Personal Photo"),
    ({"kind": "generate", "input": {"title": "t", "customAssetsId": "nope"}}, "unknown customAssetsId 'nope'"),
    ({"kind": "generate", "input": {"title": "t", "layout": "nope"}}, "unknown layout 'nope'"),
    ({"kind": "generate", "input": {"title": "t", "photoImage": "garbage"}}, "photoImage must be a base64 data URL"),
    ({"kind": "generate", "input": {"title": "t", "model": 0}}, "model must be one of: sd, hd"),
    ({"kind": "generate", "input": {"title": "t", "layout": "youtube-split", "photoImage": "garbage"}},
     "photoImage must be a base64 data URL"),
])
def test_a_bad_job_is_refused_when_submitted(client: httpx.Client, body: dict, message: str) -> None:
    response = client.post("/v1/jobs", json=body)
    assert response.status_code == 422 and response.json()["error"].startswith(message)


def test_a_job_is_visible_only_to_the_key_that_made_it(server: ServerProcess, client: httpx.Client) -> None:
    job = client.post("/v1/jobs", json={"kind": "generate", "input": {"title": "Mine"}}).json()
    other = httpx.get(f"{server.url}/v1/jobs/{job['id']}", headers={"x-api-key": OTHER_KEY}, timeout=30)
    assert (other.status_code, other.json()) == (404, {"error": "Job not found"})


# -- the rest ------------------------------------------------------------------------------------------
def test_health_needs_no_key(server: ServerProcess) -> None:
    health = httpx.get(server.url + "/health", timeout=30)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert "x-ratelimit-limit" not in health.headers


def test_openapi_documents_the_contract_and_docs_work_offline(server: ServerProcess) -> None:
    schema = httpx.get(server.url + "/openapi.json", timeout=30).json()
    generate = schema["paths"]["/v1/generate"]["post"]
    body_schema = generate["requestBody"]["content"]["application/json"]["schema"]
    assert body_schema["properties"]["format"]["anyOf"] == [{"enum": list(SIZES)}, {"type": "null"}]
    assert {"type": "null"} in body_schema["properties"]["layout"]["anyOf"]  # "layout": null is taken (auto)
    kits = body_schema["properties"]["customAssetsId"]["anyOf"][0]["enum"]
    assert {"default", "sunrise"} <= set(kits)  # this server's kits
    images = schema["paths"]["/v1/images/{image_id}"]
    assert images["get"]["operationId"] != images["head"]["operationId"]
    assert {"200", "400", "401", "413", "422", "429", "500"} <= set(generate["responses"])
    assert schema["components"]["securitySchemes"]["APIKeyHeader"] == {"type": "apiKey", "in": "header", "name": "x-api-key", "description": "an API key (THUMBKIT_API_KEYS, or printed on first start)"}
    docs = httpx.get(server.url + "/docs", timeout=30)
    assert docs.status_code == 200 and "/static-docs/swagger-ui-bundle.js" in docs.text
    assert httpx.get(server.url + "/static-docs/swagger-ui-bundle.js", timeout=30).status_code == 200


def test_catalog_lists_formats_layouts_and_kits(client: httpx.Client) -> None:
    catalog = client.get("/v1/catalog").json()
    youtube = next(f for f in catalog["formats"] if f["name"] == "youtube")
    assert (youtube["width"], youtube["height"]) == (1280, 720) and "youtube-bold" in youtube["layouts"]
    assert "default" in catalog["kits"] and catalog["jobKinds"] == ["frame", "generate", "moments"]
