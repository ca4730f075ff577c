"""``POST /v1/videos`` (upload a video), ``GET /v1/videos/{id}`` and ``GET /v1/videos/{id}/frames``.

An upload is probed before it is kept: a file FFmpeg cannot read as a video is deleted and answered
422. Video ids: ``upload_<sha256 of the bytes>`` for uploads; ``path_<sha256 of the real path,
size and mtime>`` for files read under the media root (a job's outputs carry it as ``videoId``).
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse

from ..errors import InputError, UserError
from ..video import VideoInfo, probe
from .auth import REQUIRES_KEY
from .errors import ApiError
from .openapi import errors
from .routes_generate import image_url, services
from .upload_body import too_large, video_chunks
from .uploads import Received, TooLarge
from .video_index import VideoRecord
from .video_services import VideoServices, video_services

router = APIRouter(tags=["Videos"], dependencies=REQUIRES_KEY)

def videos(request: Request) -> VideoServices:
    app = services(request)
    return video_services(app.settings, app.store)


@router.post("/v1/videos", status_code=201, summary="Upload a video for frame and moments jobs",
             responses=errors(400, 401, 408, 413, 422, 429))  # the body: openapi.describe
async def upload_video(request: Request) -> JSONResponse:
    """Stores the video under the data folder (content-addressed) and answers ``{id, duration_s,
    width, height}``; use the id as ``{"video": {"upload": id}}`` in a job."""
    shared = videos(request)
    limit = shared.settings.max_video_bytes
    try:
        received = await shared.uploads.receive(
            video_chunks(request, limit, read_timeout_seconds=shared.settings.read_timeout_seconds), limit)
    except TooLarge:
        raise too_large(limit) from None
    if received.size_bytes == 0:
        shared.uploads.discard(received)
        raise InputError("the upload is empty: send the video as the request body or as the multipart field 'file'",
                         field="file")
    record = await anyio.to_thread.run_sync(_keep_if_video, shared, received)
    location = str(request.url_for("get_video", video_id=record.id))
    return JSONResponse(record.to_json(), status_code=201, headers={"Location": location})


@router.get("/v1/videos/{video_id}", name="get_video", summary="What a video is", responses=errors(401, 404, 429))
async def get_video(request: Request, video_id: str) -> dict[str, Any]:
    return (await _record(request, video_id)).to_json()


@router.get("/v1/videos/{video_id}/frames", summary="The frames stored for a video, in video time order",
            responses=errors(401, 404, 422, 429))
async def list_frames(request: Request, video_id: str,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict[str, Any]:
    """Every frame a ``frame`` or ``moments`` job stored for the video: image ``id`` and ``url``,
    ``timestamp`` asked for, ``frameTime`` of the frame shown, ``kind`` of job (moments add
    ``score`` and ``reason``)."""
    record = await _record(request, video_id)
    stored = await anyio.to_thread.run_sync(videos(request).index.frames, record.id, limit)
    return {"video": record.to_json(),
            "frames": [{**frame.to_json(), "url": image_url(request, frame.image_id)} for frame in stored]}


async def _record(request: Request, video_id: str) -> VideoRecord:
    record = await anyio.to_thread.run_sync(videos(request).index.get, video_id)
    if record is None:
        raise ApiError(404, "Video not found")
    return record


def _keep_if_video(shared: VideoServices, received: Received) -> VideoRecord:
    try:
        info: VideoInfo = probe(received.temporary)
    except UserError as error:
        shared.uploads.discard(received)
        message = str(error).replace(f"'{received.temporary}'", "the uploaded file")
        raise InputError(message, field="file") from None
    except BaseException:
        shared.uploads.discard(received)
        raise
    shared.uploads.keep(received)
    return shared.index.add(VideoRecord(
        id=received.upload_id, source="upload", name="", size_bytes=received.size_bytes, duration_s=info.duration_s,
        width=info.width_px, height=info.height_px, created_at=time.time(),
    ))
