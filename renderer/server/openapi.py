"""Schemas for the OpenAPI document (``/openapi.json``, ``/docs``).

They describe; they do not validate: bodies are read raw and checked by ``parse_request`` so that a
bad payload gets ThumbAPI's message, not FastAPI's. Request bodies are JSON Schema built per server
(``openapi_bodies``), applied by :func:`describe`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .openapi_bodies import COMPONENTS, FORMATS, generate_body, job_body, picture_upload_body, upload_body

if TYPE_CHECKING:
    from ..api import Renderer
    from .settings import ServerSettings


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


ID_PATTERNS = {"image_id": "^[0-9a-f]{64}$", "job_id": "^job_[0-9a-f]{24}$", "video_id": "^(?:upload|path)_[0-9a-f]{64}$"}
GENERATE_EXAMPLE = {"title": "7 Python tricks you didn't know", "format": "youtube"}
JOB_EXAMPLE = {"kind": "generate", "input": GENERATE_EXAMPLE}


def describe(document: dict[str, Any], renderer: Renderer, settings: ServerSettings) -> dict[str, Any]:
    """FastAPI's document, made to say what this server does: the JSON bodies the routes read
    themselves (``openapi_bodies``: this server's kits, layouts and media root), the custom formats
    named, and every error as ``ErrorBody`` (FastAPI's own validation errors are answered that way)."""
    json_body = {"/v1/generate": (generate_body(renderer), GENERATE_EXAMPLE),
                 "/v1/jobs": (job_body(renderer, settings.media_root), JOB_EXAMPLE)}
    for path, (schema, example) in json_body.items():
        content = {"application/json": {"schema": schema, "example": example}}
        document["paths"][path]["post"]["requestBody"] = {"required": True, "content": content}
    document["paths"]["/v1/videos"]["post"]["requestBody"] = upload_body()
    document["paths"]["/v1/uploads"]["post"]["requestBody"] = picture_upload_body()
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(COMPONENTS)
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    _replace_refs(document, "#/components/schemas/HTTPValidationError", "#/components/schemas/ErrorBody")
    for parameter in _parameters(document):
        if parameter["in"] == "path" and parameter["name"] in ID_PATTERNS:  # other ids: 404, as for unknown ones
            parameter["schema"] = {"type": "string", "pattern": ID_PATTERNS[parameter["name"]]}
    document["info"]["x-formats"] = FORMATS
    return document


def _parameters(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [parameter for operations in document["paths"].values() for operation in operations.values()
            for parameter in operation.get("parameters", [])]


def _replace_refs(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and value == old:
                node[key] = new
            else:
                _replace_refs(value, old, new)
    elif isinstance(node, list):
        for item in node:
            _replace_refs(item, old, new)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "the body is not JSON", 401: "Missing API key / Invalid API key", 404: "not found",
        408: "the body did not come in time (--read-timeout); the connection is closed",
        413: "the body is too large", 422: "the payload is invalid (ThumbAPI's message)",
        429: "Rate limit exceeded (Retry-After says when to try again)", 500: "Internal server error",
    }
    return {status: {"model": ErrorBody, "description": descriptions[status]} for status in statuses}
