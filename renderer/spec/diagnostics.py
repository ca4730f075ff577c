"""Turn pydantic validation errors into located, compiler-style spec problems."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import SpecProblem
from .record import Record, from_validated, validator_model
from .source import PathKey, SourceDoc


def validate_doc(model: type[BaseModel] | type[Record], doc: SourceDoc, *,
                 context: dict[str, Any] | None = None) -> tuple[Any, list[SpecProblem]]:
    """``model`` validated from ``doc``; on failure ``None`` and every problem, located. A record
    class is validated by its pydantic mirror and returned as records."""
    checked = validator_model(model) if issubclass(model, Record) else model
    try:
        validated = checked.model_validate(doc.data, context=context)
    except ValidationError as exc:
        return None, [_problem(checked, doc, error) for error in exc.errors(include_url=False)]
    return from_validated(validated), []


def _problem(model: type[BaseModel], doc: SourceDoc, error: Any) -> SpecProblem:
    data_loc = _data_loc(doc.data, tuple(error["loc"]))
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, doc.data, tuple(error["loc"])[:-1])
        message = "unknown key" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
    elif kind == "missing":
        message = "required key is missing"
    elif kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = expected.replace("', '", "' | '").replace(" or ", " | ")
        message = f"expected {choices}, got {given!r}"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        ctx = error.get("ctx", {})
        message = f"expected {ctx.get('discriminator', 'kind')} to be one of {ctx.get('expected_tags', '')}, got {ctx.get('tag', given)!r}"
    elif kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
    else:
        message = f"{error['msg'][0].lower()}{error['msg'][1:]}, got {given!r}" if not isinstance(given, (dict, list)) else error["msg"]
    return doc.problem(data_loc, message)


def _data_loc(data: Any, loc: PathKey) -> PathKey:
    """Drop the parts of a pydantic location that are not in the data (union tags, 'str', ...)."""
    path: list[str | int] = []
    current = data
    tag_skipped = None  # the mapping whose tag was skipped: its next part is a key (kind: pattern has a key pattern)
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str) and part in (current.get("kind"), current.get("type")) and (
            not path or isinstance(path[-1], int) or path[-1] == "fill"
        ) and tag_skipped is not current:
            tag_skipped = current
            continue  # a discriminated union's tag (pydantic puts it right after the item)
        if isinstance(current, dict) and part in current:
            current = current[part]
            path.append(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
            path.append(part)
        elif isinstance(current, dict) and not isinstance(part, int) and _is_last_key(loc, part):
            path.append(part)  # an unknown or missing key: still name it
    return tuple(path)


def _is_last_key(loc: PathKey, part: str | int) -> bool:
    return bool(loc) and loc[-1] == part


def _allowed_keys(model: type[BaseModel], data: Any, loc: PathKey) -> list[str]:
    """The field names of the model that validated the mapping at ``loc`` (best effort)."""
    current_type: Any = model
    current_data = data
    tag_skipped = None
    for part in loc:
        current_type = _unwrap(current_type, current_data)
        if isinstance(current_data, dict) and isinstance(part, str) and part in (current_data.get("kind"), current_data.get("type")) \
                and tag_skipped is not current_data:
            tag_skipped = current_data
            continue  # a discriminated union's tag, not a key
        if isinstance(current_type, type) and issubclass(current_type, BaseModel) and isinstance(part, str):
            if part in current_type.model_fields:
                current_type = current_type.model_fields[part].annotation
                current_data = current_data.get(part) if isinstance(current_data, dict) else None
                continue
            continue  # a union tag
        if isinstance(part, int):
            args = typing.get_args(current_type)
            current_type = args[0] if args else Any
            current_data = current_data[part] if isinstance(current_data, list) and part < len(current_data) else None
    current_type = _unwrap(current_type, current_data)
    if isinstance(current_type, type) and issubclass(current_type, BaseModel):
        return list(current_type.model_fields)
    return []


def _unwrap(annotation: Any, data: Any) -> Any:
    """Annotated/Optional/Union -> the member that matches ``data`` (by its ``kind``/``type`` tag)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            members = [m for m in typing.get_args(annotation) if m is not type(None)]
            models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
            chosen = _by_tag(models, data) or (models[0] if len(models) == 1 else None)
            if chosen is None:
                return annotation
            annotation = chosen
            continue
        return annotation


def _by_tag(models: list[type[BaseModel]], data: Any) -> type[BaseModel] | None:
    if not isinstance(data, dict):
        return None
    for tag in ("kind", "type"):
        if tag in data:
            for candidate in models:
                field = candidate.model_fields.get(tag)
                if field is not None and data[tag] in typing.get_args(field.annotation):
                    return candidate
    return None
