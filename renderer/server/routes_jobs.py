"""``POST /v1/jobs`` and ``GET /v1/jobs/{id}``: work queued in the database, run in the background."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from ..errors import InputError
from .auth import REQUIRES_KEY
from .body import read_json_object
from .errors import ApiError
from .job_kinds import get_kind
from .jobs import Job
from .openapi import JobResponse, errors
from .routes_generate import image_url, services

router = APIRouter(tags=["Jobs"], dependencies=REQUIRES_KEY)


def job_json(request: Request, job: Job) -> dict[str, Any]:
    body = job.to_json()
    body["outputs"] = [
        {**output, "url": image_url(request, output["id"])} if output.get("type") == "image" else output
        for output in job.outputs
    ]
    return body


def key_id(request: Request) -> str:
    key_id: str = request.scope["state"]["key_id"]
    return key_id


@router.post(
    "/v1/jobs", status_code=202, response_model=JobResponse, summary="Queue a job",
    responses=errors(400, 401, 408, 413, 422, 429, 500),  # the body: openapi.describe
)
async def submit_job(request: Request) -> JSONResponse:
    """Checks the input now (422 with the same messages as ``/v1/generate``), runs it later; poll
    ``GET /v1/jobs/{id}`` until ``status`` is ``succeeded`` or ``failed``."""
    app = services(request)
    async with app.bodies.hold(request, app.settings.max_body_bytes):
        body = await read_json_object(request, app.settings.max_body_bytes, read_timeout_seconds=app.settings.read_timeout_seconds)
        kind = get_kind(body.get("kind"))
        job_input = body.get("input")
        if not isinstance(job_input, dict):
            raise InputError("input must be a JSON object", field="input")
        checked = await anyio.to_thread.run_sync(kind.check, job_input, app.dispatcher.context)
        job = await anyio.to_thread.run_sync(app.jobs.submit, kind.name, checked, key_id(request))
    app.dispatcher.wake()
    location = str(request.url_for("get_job", job_id=job.id))
    return JSONResponse(job_json(request, job), status_code=202, headers={"Location": location})


@router.get("/v1/jobs/{job_id}", name="get_job", response_model=JobResponse, summary="A job's status and outputs",
            responses=errors(401, 404, 429))
async def get_job(request: Request, job_id: str) -> JSONResponse:
    job = await anyio.to_thread.run_sync(services(request).jobs.get, job_id, key_id(request))
    if job is None:
        raise ApiError(404, "Job not found")
    return JSONResponse(job_json(request, job))
