"""schemathesis against the running server's own OpenAPI document, with every check on: for every
operation, requests generated from the schema, valid ones (which must be accepted: 2xx, or 404 for
an id that names nothing) and invalid ones (which must be refused with a 4xx), each answer checked
against what the document declares (status, content type, headers, body), auth enforced, no 500.
Bounded examples, derandomised: the same requests on every run.

What a JSON Schema cannot say is a custom format of the document (``openapi_bodies.FORMATS``),
generated here from real things: a photo that is a photo, an upload that exists, a video file.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from PIL import Image
from schemathesis import GenerationMode
from schemathesis.specs.openapi import unregister_string_format

from renderer.paths import data_dir
from renderer.server.launcher import ServerProcess, start_server
from renderer.server.openapi_bodies import IMAGE_DATA_URL, PICTURE_FILE, UPLOAD_ID, VIDEO_FILE
from tests import video_fixtures as fx

pytestmark = pytest.mark.slow  # a real server process and generated requests

KEY = "schema-key"
OPERATIONS = [
    ("POST", "/v1/generate"), ("GET", "/v1/images/{image_id}"), ("HEAD", "/v1/images/{image_id}"), ("GET", "/v1/images"),
    ("POST", "/v1/jobs"), ("GET", "/v1/jobs/{job_id}"), ("GET", "/health"), ("GET", "/v1/catalog"), ("POST", "/v1/videos"),
    ("GET", "/v1/videos/{video_id}"), ("GET", "/v1/videos/{video_id}/frames"), ("POST", "/v1/uploads"),
]
# Operations in the document that are not fuzzed here, and why (each is tested where it says): none.
NOT_FUZZED: dict[tuple[str, str], str] = {}
EXAMPLES = {"/v1/generate": 30, "/v1/jobs": 25, "/v1/videos": 6, "/v1/uploads": 10}  # a render is ~50 ms, a photo's first cutout ~1 s
# Invalid requests wherever the schema constrains something; an operation without parameters or
# body (/health, /v1/catalog) has no invalid form to generate.
WITHOUT_INVALID = {"/health", "/v1/catalog"}
CASES = [(method, path, mode) for method, path in OPERATIONS
         for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if mode is GenerationMode.POSITIVE or path not in WITHOUT_INVALID]
BUILT_IN_CHECKS = (
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
    "response_schema_conformance", "positive_data_acceptance", "negative_data_rejection", "use_after_free",
    "ensure_resource_availability", "missing_required_header", "ignored_auth", "unsupported_method",
    "allow_header_conformance",
)


PICTURE_TYPES = (("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp"))


def picture_files() -> list[bytes]:
    """The kit's presenter photo as JPEG, PNG and WebP files: a real photo (a subject to cut out)
    that also makes a valid logo, under both caps."""
    with Image.open(data_dir("brand_kits") / "sunrise" / "photo.jpg") as opened:
        photo = opened.convert("RGB").resize((256, 256))
    files = []
    for fmt, _ in PICTURE_TYPES:
        buffer = io.BytesIO()
        photo.save(buffer, fmt)
        files.append(buffer.getvalue())
    return files


def photo_data_urls() -> list[str]:
    """:func:`picture_files` as data URLs."""
    return [f"data:{media_type};base64," + base64.b64encode(data).decode("ascii")
            for data, (_, media_type) in zip(picture_files(), PICTURE_TYPES)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("data"), ["--rate-limit", "100000"], env={"THUMBKIT_API_KEYS": KEY})
    yield process
    assert process.stop(), process.output()
    assert "Traceback" not in process.output(), process.output()


@pytest.fixture(scope="module")
def schema(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.schemas.BaseSchema]:
    video = fx.write_video(tmp_path_factory.mktemp("video") / "clip.mp4", fx.segment_pictures([fx.shot("astronaut", 1.0)], 10),
                           time_base=Fraction(1, 10), frame_rate=10, gop_frames=10).read_bytes()
    uploaded = requests.post(f"{server.url}/v1/videos", data=video, headers={"x-api-key": KEY}, timeout=60)
    assert uploaded.status_code == 201, uploaded.text
    formats = {IMAGE_DATA_URL: st.sampled_from(photo_data_urls()), UPLOAD_ID: st.just(uploaded.json()["id"]),
               VIDEO_FILE: st.just(video), PICTURE_FILE: st.sampled_from(picture_files())}
    for name, strategy in formats.items():
        schemathesis.openapi.format(name, strategy)
    try:
        yield schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    finally:
        for name in formats:
            unregister_string_format(name)


def test_every_operation_is_covered_with_distinct_ids(schema: schemathesis.schemas.BaseSchema) -> None:
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {(operation.method.upper(), operation.path) for operation in operations} == set(OPERATIONS) | set(NOT_FUZZED)
    ids = [operation.definition.raw["operationId"] for operation in operations]
    assert len(set(ids)) == len(ids)  # GET and HEAD /v1/images/{id} shared one


def test_every_check_is_on(schema: schemathesis.schemas.BaseSchema) -> None:
    checks = schema.config.checks
    assert all(getattr(checks, name).enabled for name in BUILT_IN_CHECKS)


@pytest.mark.parametrize(("method", "path", "mode"), CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES])
def test_the_server_does_what_its_schema_says(schema: schemathesis.schemas.BaseSchema, server: ServerProcess,
                                              method: str, path: str, mode: GenerationMode) -> None:
    operation = schema[path][method]
    session = requests.Session()
    seen: dict[int, int] = {}

    @settings(max_examples=EXAMPLES.get(path, 15), deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: schemathesis.Case) -> None:
        response = case.call_and_validate(base_url=server.url, session=session, headers={"x-api-key": KEY}, timeout=120)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        if case.method.upper() != "HEAD" and response.status_code >= 400:
            body = response.json()  # every error, whatever the check: {"error": "<message>"}
            assert list(body) == ["error"] and isinstance(body["error"], str) and body["error"]

    check()
    assert seen, "no request was made"
    if mode is GenerationMode.POSITIVE and "{" not in path:  # ids generated at random name nothing: 404
        assert any(200 <= status < 300 for status in seen), seen  # valid requests really were made


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from renderer.server import ServerSettings, create_app

    return create_app(ServerSettings(data_dir=tmp_path_factory.mktemp("doc"))).openapi()


def body_validator(document: dict, path: str, media_type: str = "application/json"):  # type: ignore[no-untyped-def]
    from jsonschema import Draft202012Validator

    schema = document["paths"][path]["post"]["requestBody"]["content"][media_type]["schema"]
    return Draft202012Validator({**schema, "components": document["components"]})


@pytest.mark.parametrize(("body", "valid"), [
    ({"title": "Hello", "layout": None}, True),  # null is auto, as the server takes it
    ({"title": "Hello", "usePersonalPhoto": True}, False),  # a photo asked for and given nowhere: 422
    ({"title": "Hello", "usePersonalPhoto": True, "customAssetsId": "sunrise"}, True),  # the kit's photo
    ({"title": "Hello", "usePhoto": True, "imageStyle": "faceless"}, True),  # faceless wins over usePhoto
    ({"title": "Hello", "useLogo": True, "customAssetsId": "default"}, False),  # the default kit has no logo
    ({"title": "Hello", "format": "instagram", "layout": "youtube-bold"}, False),  # another format's layout
    ({"title": "Hello", "layout": "youtube-bold"}, True),  # format defaults to youtube
    ({"title": " \u200b\t"}, False), ({"title": "x" * 201}, False), ({"title": "\ud83d"}, False),
    ({"title": "Hello", "outputFormat": "JPG", "extra": {"ignored": [1, None]}}, True),
])
def test_the_generate_schema_ties_fields_together(document: dict, body: dict, valid: bool) -> None:
    assert body_validator(document, "/v1/generate").is_valid(body) is valid


def test_a_generate_job_with_an_empty_input_and_an_empty_upload_are_invalid(document: dict) -> None:
    jobs = body_validator(document, "/v1/jobs")
    assert not jobs.is_valid({"kind": "generate", "input": {}})
    assert jobs.is_valid({"kind": "generate", "input": {"title": "Hello"}})
    assert jobs.is_valid({"kind": "frame", "input": {"video": {"upload": "upload_" + "0" * 64}, "options": {"start": "00:01"}}})
    assert not jobs.is_valid({"kind": "frame", "input": {"video": {"path": "a.mp4"}, "time": 1}})  # no media root here
    assert not body_validator(document, "/v1/videos", "multipart/form-data").is_valid({"file": ""})
    assert not body_validator(document, "/v1/videos", "application/octet-stream").is_valid("")
