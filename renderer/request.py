"""ThumbAPI's request body: validation with ThumbAPI's messages, legacy fields mapped.

Shared by ``generate()`` and the HTTP server, so both answer a bad request the same way.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from msgspec import Struct

from .encode import OUTPUT_FORMATS, normalize_output_format
from .errors import InputError
from .formats import FORMAT_NAMES, get_format
from .text.hyphenate import check_language
from .text.title import MAX_TITLE_CHARS, normalize_title

CATEGORIES = (
    "auto", "tech-saas", "business-finance", "lifestyle-vlog", "gaming", "education", "health-fitness",
    "food-cooking", "travel", "news-politics", "entertainment", "beauty-fashion", "sports", "music",
)
IMAGE_STYLES = ("faceless", "with-image", "with-photo", "with-logo")
MODELS = ("sd", "hd")
FIELDS = (
    "title", "format", "category", "usePhoto", "useLogo", "photoImage", "logoImage", "customAssetsId",
    "outputFormat", "model", "imageStyle", "personImage", "usePersonalPhoto", "layout", "headline", "language",
    "backgroundImage",
    "subtitle", "badge",
)
MAX_VARIANTS = 6
MAX_SUBTITLE_CHARS = 120
MAX_BADGE_CHARS = 12


class GenerateRequest(Struct, frozen=True):
    title: str
    format: str
    category: str = "auto"
    use_photo: bool = False
    use_logo: bool = False
    photo_image: str | None = None
    logo_image: str | None = None
    custom_assets_id: str | None = None
    output_format: str = "webp"
    model: str = "sd"
    layout: str = "auto"
    headline: str | None = None  # drawn instead of the title; "auto": shortened only when the title is illegible
    language: str = "auto"  # hyphenation language (BCP-47), or auto: from the title's script
    variants: int = 1  # how many visibly different thumbnails to render (the best first)
    background_image: str | None = None  # thumbkit: a picture to put the title over (data URL; the server also takes a stored image id)
    subtitle: str = ""  # thumbkit: a kicker, tagline or speaker under or over the title
    badge: str = ""  # thumbkit: a short label ("NEW", "PART 2", "EP 14")


def check_text(value: str, name: str) -> None:
    """``InputError`` when ``value`` is not valid Unicode text: a lone UTF-16 surrogate (JSON's
    ``"\ud83d"``, half of an emoji cut in two) can be neither stored, hashed nor drawn."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"{name} must be valid Unicode text: a lone surrogate \\u{ord(value[exc.start]):04x} at character "
            f"{exc.start + 1} (half of a character cut in two?)", field=name,
        ) from None


def _visible(text: str) -> bool:
    """Something would be drawn: not only spaces, controls and zero-width format characters."""
    return any(not (unicodedata.category(ch)[0] == "Z" or unicodedata.category(ch) in ("Cc", "Cf")) for ch in text)


def parse_request(body: Mapping[str, Any]) -> GenerateRequest:
    """A ThumbAPI body as a typed request; ``InputError`` with ThumbAPI's message otherwise."""
    for name in FIELDS:
        if isinstance(body.get(name), str):
            check_text(body[name], name)
    title = body.get("title")
    if title is None or (isinstance(title, str) and not _visible(normalize_title(title))):
        raise InputError("title is required", field="title")
    if not isinstance(title, str):
        raise InputError("title must be a string", field="title")
    if len(title) > MAX_TITLE_CHARS:  # as sent (what the OpenAPI schema's maxLength counts), spaces included
        raise InputError(f"title must be 1 to {MAX_TITLE_CHARS} characters, got {len(title)}", field="title")
    title = normalize_title(title)

    format_name = body.get("format")
    if format_name is None:
        format_name = "youtube"  # ThumbAPI's default (a kit has no format of its own here)
    get_format(format_name)

    category = body.get("category", "auto")
    if category is None:
        category = "auto"
    if category not in CATEGORIES:
        raise InputError(f"category must be one of: {', '.join(CATEGORIES)}", field="category")

    use_photo = _bool(body, "usePhoto")
    use_logo = _bool(body, "useLogo")
    photo_image = _string(body, "photoImage")
    logo_image = _string(body, "logoImage")

    style = body.get("imageStyle")
    if style is not None:
        if style not in IMAGE_STYLES:
            raise InputError("imageStyle must be one of: faceless, with-image, with-logo", field="imageStyle")
        person = _string(body, "personImage")
        if style == "faceless":
            use_photo = use_logo = False
        elif style in ("with-image", "with-photo"):
            use_photo = True
            photo_image = photo_image or person
        else:
            use_logo = True
            logo_image = logo_image or person
    elif body.get("personImage") is not None:
        photo_image = photo_image or _string(body, "personImage")
    if body.get("usePersonalPhoto") is not None and _bool(body, "usePersonalPhoto"):
        use_photo = True

    kit = body.get("customAssetsId")
    if kit is not None and not isinstance(kit, str):
        raise InputError("customAssetsId must be a string", field="customAssetsId")

    output = body.get("outputFormat", "webp")
    output = "webp" if output is None else normalize_output_format(output)
    model = body.get("model")
    if model is None or model == "":
        model = "sd"
    if not isinstance(model, str) or model not in MODELS:
        raise InputError(f"model must be one of: {', '.join(MODELS)}", field="model")
    layout = body.get("layout")
    if layout is not None and not isinstance(layout, str):
        raise InputError("layout must be a string (a layout name, or auto)", field="layout")
    layout = layout or "auto"
    return GenerateRequest(
        title=title, format=format_name, category=category, use_photo=use_photo, use_logo=use_logo,
        photo_image=photo_image, logo_image=logo_image, custom_assets_id=kit or None,
        output_format=output, model=model, layout=layout, headline=_headline(body), language=_language(body),
        variants=_variants(body), background_image=_string(body, "backgroundImage"),
        subtitle=_short_text(body, "subtitle", MAX_SUBTITLE_CHARS), badge=_short_text(body, "badge", MAX_BADGE_CHARS),
    )


def _short_text(body: Mapping[str, Any], name: str, limit: int) -> str:
    """An optional one-line text (``subtitle``, ``badge``): folded like the title, at most ``limit``
    characters; missing, null or blank is ''."""
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{name} must be a string", field=name)
    text = normalize_title(value)
    if not _visible(text):
        return ""
    if len(text) > limit:
        raise InputError(f"{name} must be at most {limit} characters, got {len(text)}: {text[:40]!r}", field=name)
    return text


def _headline(body: Mapping[str, Any]) -> str | None:
    """thumbkit's ``headline``: a shorter text drawn instead of the title, or ``"auto"``."""
    value = body.get("headline")
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError("headline must be a string (a shorter text to draw instead of the title, or auto)", field="headline")
    value = normalize_title(value)
    if len(value) > MAX_TITLE_CHARS:
        raise InputError(f"headline must be at most {MAX_TITLE_CHARS} characters, got {len(value)}", field="headline")
    return value if _visible(value) else None


def _language(body: Mapping[str, Any]) -> str:
    value = body.get("language")
    return "auto" if value is None or value == "" else check_language(value)


def _variants(body: Mapping[str, Any]) -> int:
    """thumbkit's ``variants``: 1 to ``MAX_VARIANTS`` thumbnails."""
    value = body.get("variants")
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_VARIANTS:
        raise InputError(f"variants must be a whole number from 1 to {MAX_VARIANTS}, got {value!r}", field="variants")
    return value


def _bool(body: Mapping[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InputError(f"{name} must be a boolean (true or false)", field=name)
    return value


def _string(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{name} must be a string (a base64 data URL)", field=name)
    return value or None


__all__ = ["CATEGORIES", "FIELDS", "MAX_BADGE_CHARS", "MAX_SUBTITLE_CHARS", "MAX_VARIANTS", "check_text", "FORMAT_NAMES",
           "GenerateRequest", "IMAGE_STYLES", "OUTPUT_FORMATS", "parse_request"]
