"""Schemas for the OpenAPI document (``/openapi.json``, ``/docs``).

They describe; they do not validate: bodies are read raw and checked by ``parse_request`` so that a
bad payload gets ThumbAPI's message, not FastAPI's.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..formats import FORMAT_NAMES
from ..request import CATEGORIES, IMAGE_STYLES
from ..text.title import MAX_TITLE_CHARS


class GenerateBody(BaseModel):
    """ThumbAPI's request body (``layout`` is thumbkit's own addition)."""

    title: str = Field(min_length=1, max_length=MAX_TITLE_CHARS, examples=["7 Python tricks you didn't know"])
    format: Literal[FORMAT_NAMES] = "youtube"  # type: ignore[valid-type]
    category: Literal[CATEGORIES] = "auto"  # type: ignore[valid-type]
    usePhoto: bool = False
    useLogo: bool = False
    photoImage: str | None = Field(default=None, description="base64 data URL, at most 2 MB")
    logoImage: str | None = Field(default=None, description="base64 data URL, at most 1 MB")
    customAssetsId: str | None = Field(default=None, description="a brand kit id (see GET /v1/catalog)")
    outputFormat: Literal["webp", "png"] = "webp"
    model: Literal["sd", "hd"] = "sd"
    imageStyle: Literal[IMAGE_STYLES] | None = Field(default=None, description="legacy")  # type: ignore[valid-type]
    personImage: str | None = Field(default=None, description="legacy")
    usePersonalPhoto: bool | None = Field(default=None, description="legacy")
    layout: str = Field(default="auto", description="thumbkit: a layout name, or auto (the best scored candidate)")
    headline: str | None = Field(default=None, max_length=MAX_TITLE_CHARS,
                                 description="thumbkit: a shorter text drawn instead of the title, or auto (shortened only when the title would be illegible)")
    language: str = Field(default="auto", description="thumbkit: hyphenation language of long words (BCP-47: de, en-GB...), or auto")
    variants: int = Field(default=1, ge=1, le=6, description="thumbkit: how many visibly different thumbnails, the best first")
    backgroundImage: str | None = Field(
        default=None, description="thumbkit: a picture to put the title over, where it leaves room: a base64 data URL "
        "(JPEG, PNG or WebP, at most 5 MB, within the body cap) or the id of a stored image (POST /v1/uploads, a video frame)")


class Dimensions(BaseModel):
    width: int
    height: int


class Variant(BaseModel):
    image: str = Field(description="data URL of the image")
    layout: str
    score: int = Field(ge=0, le=100, description="its quality score (see quality)")
    id: str
    url: str


class QualityFinding(BaseModel):
    code: str = Field(examples=["safe_zone_badge"], description="stable snake_case code: legibility_feed, headline_suggested, "
                      "contrast, safe_zone_badge, safe_zone_grid_crop, safe_zone_grid_crop_logo, clipped, text_over_face, "
                      "text_over_logo, tofu, orphan, truncated")
    message: str
    value: float | None = Field(description="what was measured (units in the message)")
    limit: float | None = Field(description="the limit it crossed")
    severity: Literal["fail", "warn"]


class QualityReport(BaseModel):
    score: int = Field(ge=0, le=100, description="100 minus 30 per fail and 8 per warning")
    passed: bool = Field(description="no finding of severity fail")
    findings: list[QualityFinding]


class GenerateResponse(BaseModel):
    image: str = Field(description="data URL of the image")
    format: str
    outputFormat: str
    dimensions: Dimensions
    id: str = Field(description="id of the stored copy (sha256 of the bytes)")
    url: str = Field(description="where the stored copy is served: GET /v1/images/{id}")
    variants: list[Variant] | None = Field(default=None, description="thumbkit: with variants > 1, every variant, the best (image) first")
    quality: QualityReport = Field(description="thumbkit: the quality judge's report on the render (legibility at "
                                   "feed size, contrast, safe zones, clipping, overlaps, tofu, orphans)")


class ErrorBody(BaseModel):
    error: str


class JobBody(BaseModel):
    kind: str = Field(examples=["generate"], description="generate, frame or moments")
    input: dict[str, Any] = Field(description="generate: ThumbAPI's request body; frame: {video, time, width, height, fit, format}; moments: {video, count, format}")


class JobOutput(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    id: str
    url: str | None = None


class JobResponse(BaseModel):
    id: str
    kind: str
    status: Literal["queued", "processing", "succeeded", "failed"]
    input: dict[str, Any]
    outputs: list[JobOutput]
    error: str | None
    attempts: int
    createdAt: float
    updatedAt: float


GENERATE_EXAMPLE = {"title": "7 Python tricks you didn't know", "format": "youtube"}
JOB_EXAMPLE = {"kind": "generate", "input": GENERATE_EXAMPLE}


def request_body(model: type[BaseModel], example: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads its body itself."""
    content = {"schema": model.model_json_schema(), "example": example}
    return {"requestBody": {"required": True, "content": {"application/json": content}}}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "the body is not JSON", 401: "Missing API key / Invalid API key", 404: "not found",
        413: "the body is too large", 422: "the payload is invalid (ThumbAPI's message)",
        429: "Rate limit exceeded (Retry-After says when to try again)", 500: "Internal server error",
    }
    return {status: {"model": ErrorBody, "description": descriptions[status]} for status in statuses}
