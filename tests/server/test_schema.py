"""schemathesis against the running server's own OpenAPI document: for every operation, bodies,
paths and queries generated from the schema (valid ones and deliberately invalid ones) never get a
500, and every error answer is ``{"error": "<message>"}``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from renderer.server.launcher import ServerProcess, start_server

pytestmark = pytest.mark.slow  # a real server process and generated requests

KEY = "schema-key"
OPERATIONS = [
    ("POST", "/v1/generate"), ("GET", "/v1/images/{image_id}"), ("HEAD", "/v1/images/{image_id}"), ("GET", "/v1/images"), ("POST", "/v1/jobs"),
    ("GET", "/v1/jobs/{job_id}"), ("GET", "/health"), ("GET", "/v1/catalog"), ("POST", "/v1/videos"),
    ("GET", "/v1/videos/{video_id}"), ("GET", "/v1/videos/{video_id}/frames"), ("POST", "/v1/uploads"),
]
EXAMPLES = {"/v1/generate": 30, "/v1/jobs": 20}  # rendering costs ~50 ms an example; the rest are cheap
# Invalid requests only where the schema constrains something (a body, an integer query); a free
# string path parameter or an operation without parameters has no invalid form to generate.
WITH_INVALID = {"/v1/generate", "/v1/images", "/v1/jobs"}
CASES = [(method, path, mode) for method, path in OPERATIONS
         for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if mode is GenerationMode.POSITIVE or path in WITH_INVALID]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("data"), ["--rate-limit", "100000"], env={"THUMBKIT_API_KEYS": KEY})
    yield process
    assert process.stop(), process.output()
    assert "Traceback" not in process.output(), process.output()


@pytest.fixture(scope="module")
def schema(server: ServerProcess) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_url(f"{server.url}/openapi.json")


def test_every_operation_is_covered(schema: schemathesis.schemas.BaseSchema) -> None:
    found = {(result.ok().method.upper(), result.ok().path) for result in schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path", "mode"), CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES])
def test_no_generated_request_gets_a_500(schema: schemathesis.schemas.BaseSchema, server: ServerProcess,
                                         method: str, path: str, mode: GenerationMode, tmp_path: Path) -> None:
    operation = schema[path][method]
    session = requests.Session()
    seen: dict[int, int] = {}

    @settings(max_examples=EXAMPLES.get(path, 15), deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: schemathesis.Case) -> None:
        response = case.call(base_url=server.url, session=session, headers={"x-api-key": KEY}, timeout=60)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        described = f"{case.method} {case.formatted_path} query={case.query} body={str(case.body)[:300]!r}"
        assert response.status_code < 500, f"{described} -> {response.status_code} {response.text[:300]}"
        if case.method.upper() == "HEAD":
            assert response.content == b"", described  # headers only, whatever the status
        elif response.status_code >= 400:
            body = response.json()
            assert list(body) == ["error"] and isinstance(body["error"], str) and body["error"], described

    check()
    assert seen, "no request was made"
