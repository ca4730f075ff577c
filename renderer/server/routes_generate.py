"""``POST /v1/generate`` (ThumbAPI's call) and the stored images."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse, Response

from .auth import REQUIRES_KEY
from .body import read_json_object
from .errors import ApiError
from .openapi import ErrorBody, GenerateResponse, errors
from .services import Services
from .store import StoredImage

router = APIRouter()
IMMUTABLE = "public, max-age=31536000, immutable"  # an id is the hash of the bytes: they never change
STORE_HEADER = "X-Thumbkit-Store"  # hit: answered from the store, miss: rendered for this request


def services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def image_url(request: Request, image_id: str) -> str:
    return str(request.url_for("get_image", image_id=image_id))


@router.post(
    "/v1/generate", response_model=GenerateResponse, tags=["ThumbAPI"], summary="Render a thumbnail (ThumbAPI)",
    responses=errors(400, 401, 408, 413, 422, 429, 500), dependencies=REQUIRES_KEY,  # the body: openapi.describe
)
async def generate(request: Request) -> Response:
    """ThumbAPI's request and response, plus ``id`` and ``url`` of the stored copy (and with
    ``variants``, every variant, the best first: ``image``, ``layout``, ``score``, ``id``, ``url``). The same
    request again is answered from the store (header ``X-Thumbkit-Store: hit``). ``Server-Timing``
    says how long the lookup, the render and storing it took."""
    app = services(request)
    async with app.bodies.hold(request, app.settings.max_body_bytes):  # held until rendered
        body = await read_json_object(request, app.settings.max_body_bytes, read_timeout_seconds=app.settings.read_timeout_seconds)
        result = await app.render.generate(body, owner=request.scope["state"]["key_id"])
        del body
    return JSONResponse(result.body(image_url(request, result.image.id), lambda image_id: image_url(request, image_id)),
                        headers={STORE_HEADER: "hit" if result.from_store else "miss", "Server-Timing": result.server_timing()})


IMAGE_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"image/webp": {}, "image/png": {}, "image/jpeg": {}}}, 304: {"description": "Not Modified"},
    404: {"model": ErrorBody, "description": "Image not found"}}


@router.get("/v1/images/{image_id}", name="get_image", tags=["Store"], summary="A stored image",
            response_class=Response, responses=IMAGE_RESPONSES)
async def get_image(request: Request, image_id: str) -> Response:
    """The image's bytes with its content type; cacheable forever (the id is the sha256 of the
    bytes). No key needed: the id is the capability."""
    store = services(request).store
    image = await anyio.to_thread.run_sync(store.get, image_id)
    data = await anyio.to_thread.run_sync(store.read, image) if image is not None else None
    if image is None or data is None:
        raise ApiError(404, "Image not found")
    etag = f'"{image.id}"'
    headers = {"Cache-Control": IMMUTABLE, "ETag": etag}
    if_none_match = request.headers.get("if-none-match", "")
    if etag in if_none_match or if_none_match.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=image.media_type, headers=headers)


router.add_api_route("/v1/images/{image_id}", get_image, methods=["HEAD"], name="head_image", tags=["Store"],
                     summary="A stored image's headers", response_class=Response, responses=IMAGE_RESPONSES)


@router.get("/v1/images", tags=["Store"], summary="This key's stored images, newest first", responses=errors(401, 422, 429),
            dependencies=REQUIRES_KEY)
async def list_images(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=200)] = 24,
    before: Annotated[float | None, Query(description="createdAt of the last image of the previous page")] = None,
) -> dict[str, list[dict[str, object]]]:
    """The images this API key made or was answered with (renders, store hits, job outputs), the
    last it got first; ``createdAt`` is when it got each. Other keys' images are never listed (an
    image file itself is served to anyone with its id)."""
    owner = request.scope["state"]["key_id"]
    images: list[StoredImage] = await anyio.to_thread.run_sync(services(request).store.recent, owner, limit, before)
    return {"images": [{**image.summary(), "url": image_url(request, image.id)} for image in images]}
