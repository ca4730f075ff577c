"""The request bodies of the OpenAPI document, as JSON Schema that says what the server accepts.

Built per server (the kits, layouts and media root it has), so that a body the schema calls valid
is answered 2xx, and one it calls invalid is refused: ``tests/server/test_schema.py`` runs
schemathesis with every check against it. What a schema cannot check is named by a custom
``format`` (see ``FORMATS``): a data URL holding a real image, an upload id that exists, a video
file; a client (or a test) supplies real ones.

Rules the server applies to every JSON body (``body.py``): any field it does not know is ignored,
but no string anywhere (names included) may hold a lone UTF-16 surrogate.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..formats import FORMAT_NAMES
from ..request import CATEGORIES, IMAGE_STYLES, MAX_BADGE_CHARS, MAX_SUBTITLE_CHARS, MAX_VARIANTS, MODELS
from ..text.title import MAX_TITLE_CHARS
from ..video.moments import MAX_COUNT
from ..video.picture import FITS, MAX_SIDE_PX

if TYPE_CHECKING:
    from ..api import Renderer

IMAGE_DATA_URL = "image-data-url"
UPLOAD_ID = "upload-id"
VIDEO_FILE = "video-file"
PICTURE_FILE = "picture-file"
FORMATS = {
    IMAGE_DATA_URL: "a base64 data URL of a JPEG, PNG or WebP image (data:image/png;base64,...)",
    UPLOAD_ID: "the id of a video uploaded to POST /v1/videos",
    VIDEO_FILE: "a video file FFmpeg can read",
    PICTURE_FILE: "a JPEG, PNG or WebP file of at most 5 MB, and at most 50 megapixels for a JPEG, a 4096 px square for a PNG or WebP",
}
JSON_TEXT = {"$ref": "#/components/schemas/JsonText"}
JSON_VALUE = {"$ref": "#/components/schemas/JsonValue"}
COMPONENTS: dict[str, Any] = {
    "JsonText": {"type": "string", "pattern": "^[^\\ud800-\\udfff]*$",
                 "description": "text without a lone UTF-16 surrogate (nothing can store or draw one)"},
    "JsonValue": {"anyOf": [
        JSON_TEXT, {"type": ["number", "boolean", "null"]}, {"type": "array", "items": JSON_VALUE},
        {"type": "object", "propertyNames": JSON_TEXT, "additionalProperties": JSON_VALUE},
    ]},
}
_TIMECODE = r"^(?:\d+(?:\.\d+)?|\d+:[0-5]?\d:[0-5]?\d(?:\.\d+)?|\d{1,2}:[0-5]?\d(?:\.\d+)?)$"
_HEX_COLOUR = r"^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$"
_LANGUAGE = r"^(?:|auto|[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)$"  # text.hyphenate.check_language
_OUTPUT_FORMAT = r"^(?:[Ww][Ee][Bb][Pp]|[Jj][Pp][Ee]?[Gg]|[Pp][Nn][Gg])$"


@cache
def visible_text_pattern() -> str:
    """A pattern for a title: some character that draws (not a space, control or format
    character), and no lone surrogate: what ``request.parse_request`` asks of a title."""
    invisible = [code for code in range(sys.maxunicode + 1)
                 if unicodedata.category(chr(code))[0] == "Z" or unicodedata.category(chr(code)) in ("Cc", "Cf", "Cs")]
    ranges: list[tuple[int, int]] = []
    for code in invisible:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    escaped = "".join(_escape(low) if low == high else f"{_escape(low)}-{_escape(high)}" for low, high in ranges)
    return f"^[^\\ud800-\\udfff]*[^{escaped}][^\\ud800-\\udfff]*$"


def _escape(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)


def _is(name: str, value: object) -> dict[str, Any]:
    return {"properties": {name: {"const": value}}, "required": [name]}


def _one_of(name: str, values: list[str]) -> dict[str, Any]:
    return {"properties": {name: {"enum": values}}, "required": [name]} if values else {"not": {}}


def _given(name: str) -> dict[str, Any]:
    return {"properties": {name: {"type": "string", "minLength": 1}}, "required": [name]}


def _optional(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}], "description": description}


def generate_body(renderer: Renderer) -> dict[str, Any]:
    """ThumbAPI's body (``layout`` is thumbkit's own), with the rules that tie its fields together:
    a layout of the format asked for, a photo wherever one is asked for (and a logo), from the body
    or from the brand kit."""
    kits = {kit_id: renderer.kit(kit_id) for kit_id in renderer.kits.ids()}
    with_photo = sorted(kit_id for kit_id, kit in kits.items() if kit.spec.photo is not None)
    with_logo = sorted(kit_id for kit_id, kit in kits.items() if kit.spec.logo is not None)
    image = {"type": "string", "format": IMAGE_DATA_URL}
    properties: dict[str, Any] = {
        "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE_CHARS, "pattern": visible_text_pattern(),
                  "description": f"1 to {MAX_TITLE_CHARS} characters, some of them visible",
                  "examples": ["7 Python tricks you didn't know"]},
        "format": _optional({"enum": list(FORMAT_NAMES)}, "default youtube"),
        "category": _optional({"enum": list(CATEGORIES)}, "default auto"),
        "usePhoto": _optional({"type": "boolean"}, "the presenter's photo: photoImage, else the kit's"),
        "useLogo": _optional({"type": "boolean"}, "the logo: logoImage, else the kit's"),
        "photoImage": _optional(image, "at most 2 MB"),
        "logoImage": _optional(image, "at most 1 MB"),
        "customAssetsId": _optional({"enum": ["", *sorted(kits)]}, "a brand kit id (see GET /v1/catalog); default: default"),
        "outputFormat": _optional({"type": "string", "pattern": _OUTPUT_FORMAT}, "webp (default), png or jpeg"),
        "model": _optional({"enum": [*MODELS, ""]}, "sd, or hd for twice the resolution"),
        "imageStyle": _optional({"enum": list(IMAGE_STYLES)}, "legacy: faceless, or with a photo or a logo"),
        "personImage": _optional(image, "legacy: the photo (the logo with imageStyle with-logo)"),
        "usePersonalPhoto": _optional({"type": "boolean"}, "legacy: usePhoto"),
        "layout": _optional({"type": "string"}, "thumbkit: a layout of the format, or auto (the best scored candidate; the default)"),
        "headline": _optional({"type": "string", "maxLength": MAX_TITLE_CHARS, "pattern": "^[^\\ud800-\\udfff]*$"},
                              "thumbkit: a shorter text drawn instead of the title, or auto (shortened only when the title would be illegible)"),
        "language": _optional({"type": "string", "pattern": _LANGUAGE},
                              "thumbkit: hyphenation language of long words (BCP-47: de, en-GB...), or auto (the default)"),
        "variants": _optional({"type": "integer", "minimum": 1, "maximum": MAX_VARIANTS},
                              "thumbkit: how many visibly different thumbnails, the best first (default 1)"),
        "subtitle": _optional({"type": "string", "maxLength": MAX_SUBTITLE_CHARS, "pattern": "^[^\\ud800-\\udfff]*$"},
                              "thumbkit: a kicker, tagline or speaker, drawn where the layout has room"),
        "badge": _optional({"type": "string", "maxLength": MAX_BADGE_CHARS, "pattern": "^[^\\ud800-\\udfff]*$"},
                           'thumbkit: a short label ("NEW", "PART 2", "EP 14"), drawn where the layout has room'),
        "backgroundImage": _optional(image, "thumbkit: a picture to put the title over, where it leaves room: a base64 "
                                     "data URL (JPEG, PNG or WebP, at most 5 MB, within the body cap); the server also "
                                     "takes the id of a stored image (POST /v1/uploads, a video frame)"),
    }
    faceless = _is("imageStyle", "faceless")
    wants_photo = {"anyOf": [_one_of("imageStyle", ["with-image", "with-photo"]), _is("usePersonalPhoto", True),
                             {"allOf": [_is("usePhoto", True), {"not": faceless}]}]}
    has_photo = {"anyOf": [_given("photoImage"), {"allOf": [_given("personImage"), {"not": _one_of("imageStyle", ["faceless", "with-logo"])}]},
                           _one_of("customAssetsId", with_photo)]}
    wants_logo = {"anyOf": [_is("imageStyle", "with-logo"), {"allOf": [_is("useLogo", True), {"not": faceless}]}]}
    has_logo = {"anyOf": [_given("logoImage"), {"allOf": [_given("personImage"), _is("imageStyle", "with-logo")]},
                          _one_of("customAssetsId", with_logo)]}
    rules: list[dict[str, Any]] = [{"if": wants_photo, "then": has_photo}, {"if": wants_logo, "then": has_logo}]
    for fmt in FORMAT_NAMES:
        asked = _is("format", fmt) if fmt != "youtube" else {"anyOf": [{"not": {"required": ["format"]}}, _is("format", None), _is("format", fmt)]}
        rules.append({"if": asked, "then": {"properties": {"layout": {"enum": [None, "", "auto", *renderer.layout_names(fmt)]}}}})
    return {"type": "object", "required": ["title"], "properties": properties, "allOf": rules,
            "propertyNames": JSON_TEXT, "additionalProperties": JSON_VALUE}


def _video(media_root: Path | None) -> dict[str, Any]:
    upload = {"type": "object", "required": ["upload"], "additionalProperties": False,
              "properties": {"upload": {"type": "string", "pattern": "^upload_[0-9a-f]{64}$", "format": UPLOAD_ID}}}
    if media_root is None:  # no path is read: only uploads
        return upload
    path = {"type": "object", "required": ["path"], "additionalProperties": False, "properties": {"path": {
        "type": "string", "pattern": r"^(?![/~\\])(?![A-Za-z]:)(?![\s\S]*(?:^|/)\.\.(?:/|$))[^\x00]*\S[^\x00]*$",
        "description": "relative to the media root, never leaving it"}}}
    return {"oneOf": [upload, path]}


def _video_job(fields: dict[str, Any], media_root: Path | None, *, required_once: tuple[str, ...] = ()) -> dict[str, Any]:
    """A frame or moments input: its ``fields`` at the top, or all in Ittybit's ``options`` object.
    (The server takes them split between the two as well, each in one place only: a rule JSON Schema
    tools can not generate from for nine fields.)"""
    once = [{"required": [name]} for name in required_once]
    flat = {"type": "object", "required": ["video"], "additionalProperties": False,
            "properties": {"video": _video(media_root), **fields}, **({"oneOf": once} if once else {})}
    options = {"type": "object", "additionalProperties": False, "properties": fields, **({"oneOf": once} if once else {})}
    nested = {"type": "object", "required": ["video", "options"], "additionalProperties": False,
              "properties": {"video": _video(media_root), "options": options}}
    return {"oneOf": [flat, nested]}


def _picture_fields() -> dict[str, Any]:
    return {"format": {"type": "string", "pattern": _OUTPUT_FORMAT, "description": "webp (default), jpeg or png"},
            "quality": {"type": "integer", "minimum": 1, "maximum": 100}}


def job_body(renderer: Renderer, media_root: Path | None) -> dict[str, Any]:
    """``{"kind", "input"}`` with the input each kind takes."""
    time = {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": _TIMECODE}],
            "description": 'seconds, or "HH:MM:SS(.mmm)" / "MM:SS(.mmm)"'}
    side = {"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_SIDE_PX}, {"type": "null"}]}
    frame = _video_job({"time": time, "start": time, "timestamp": time, "width": side, "height": side,
                        "fit": {"enum": list(FITS)}, "background": {"type": "string", "pattern": _HEX_COLOUR},
                        **_picture_fields()}, media_root, required_once=("time", "start", "timestamp"))
    moments = _video_job({"count": {"type": "integer", "minimum": 1, "maximum": MAX_COUNT}, **_picture_fields()}, media_root)
    inputs = {"generate": generate_body(renderer), "frame": frame, "moments": moments}
    return {"oneOf": [{"type": "object", "required": ["kind", "input"], "properties": {"kind": {"const": kind}, "input": schema},
                       "propertyNames": JSON_TEXT, "additionalProperties": JSON_VALUE} for kind, schema in inputs.items()]}


def upload_body() -> dict[str, Any]:
    """``POST /v1/videos``: the file as the raw body, or as the multipart field ``file``; not empty."""
    video = {"type": "string", "format": VIDEO_FILE, "contentMediaType": "video/*", "minLength": 1}
    return _file_body(video, "the video file: the raw body, or the multipart field 'file'")


def picture_upload_body() -> dict[str, Any]:
    """``POST /v1/uploads``: the picture as the raw body, or as the multipart field ``file``."""
    picture = {"type": "string", "format": PICTURE_FILE, "contentMediaType": "image/*", "minLength": 1}
    return _file_body(picture, "the picture (JPEG, PNG or WebP, at most 5 MB): the raw body, or the multipart field 'file'")


def _file_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"required": True, "description": description,
            "content": {"application/octet-stream": {"schema": schema},
                        "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": schema}}}}}


__all__ = ["COMPONENTS", "FORMATS", "IMAGE_DATA_URL", "PICTURE_FILE", "UPLOAD_ID", "VIDEO_FILE", "generate_body", "job_body", "picture_upload_body", "upload_body",
           "visible_text_pattern"]
