"""Frozen records written with pydantic's class syntax, validated by pydantic on demand.

The spec classes (layouts, brand kits) are plain frozen msgspec Structs at run time: a cached catalog
unpickles into them and the renderer draws from them without importing pydantic (~60 ms of a
one-shot ``thumbkit render``). They are declared as pydantic models are (annotations with
``Annotated[..., Field(...)]`` constraints, ``field_validator``, ``model_validator``, defaults), and
validation goes through a pydantic model built from that declaration on first use (the *mirror*:
the same field names, types, constraints, validators and closed config, so the same error
locations and messages), whose result is turned back into records.

    class Box(Record):
        x: int
        width: Annotated[int, Field(gt=0)]

    Box.model_validate({"x": 1, "width": 2})  # validated (pydantic), returns a Box
    Box(x=1, width=2)                         # built as is, like pydantic's model_construct

Records are closed (unknown keys are errors) and frozen; lists and dicts in defaults are copied
per instance. Of pydantic's model API they have what thumbkit uses: ``model_validate``,
``model_dump`` (python or json mode), ``model_dump_json``, ``model_copy(update=...)``,
``model_fields`` and ``model_json_schema``. Building a record directly does not validate.
"""

from __future__ import annotations

import copy
import functools
import threading
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar, dataclass_transform

import msgspec
import msgspec.structs
from msgspec import StructMeta

if TYPE_CHECKING:
    from pydantic import BaseModel

R = TypeVar("R", bound="Record")
_MISSING: Any = msgspec.NODEFAULT


class _Probe(msgspec.Struct):
    value: list[int] = msgspec.field(default_factory=list)


_FACTORY: type = type(_Probe.__struct_defaults__[0])  # what __struct_defaults__ holds for a default factory


class FieldSpec:
    """What :func:`Field` returns: pydantic ``Field`` arguments, applied when the mirror is built."""

    __slots__ = ("kwargs",)

    def __init__(self, kwargs: dict[str, Any]) -> None:
        self.kwargs = kwargs

    def __repr__(self) -> str:
        return f"Field({', '.join(f'{k}={v!r}' for k, v in self.kwargs.items())})"

    def struct_field(self) -> Any:
        """The msgspec field: only the default (pydantic's constraints are the mirror's)."""
        default = self.kwargs.get("default", _MISSING)
        factory = self.kwargs.get("default_factory", _MISSING)
        if isinstance(default, (list, dict, set)):
            default, factory = _MISSING, functools.partial(copy.copy, default)
        make_field: Any = msgspec.field  # NODEFAULT for either means none, which its overloads do not say
        return make_field(default=default, default_factory=factory)


def Field(default: Any = _MISSING, **kwargs: Any) -> Any:  # noqa: N802 (pydantic's name)
    """pydantic's ``Field``: constraints in ``Annotated`` metadata, or a field's default."""
    if default is not _MISSING:
        kwargs["default"] = default
    return FieldSpec(kwargs)


class _FieldCheck(msgspec.Struct, frozen=True):
    fields: tuple[str, ...]
    mode: Any  # pydantic's literal
    func: Any


class _ModelCheck(msgspec.Struct, frozen=True):
    mode: Any  # pydantic's literal
    func: Any


def field_validator(*fields: str, mode: Literal["before", "after", "wrap", "plain"] = "after") -> Callable[[Any], Any]:
    """pydantic's ``field_validator``, applied by the mirror."""

    def decorate(func: Any) -> Any:
        return _FieldCheck(fields, mode, func)

    return decorate


def model_validator(*, mode: Literal["before", "after", "wrap"]) -> Callable[[Any], Any]:
    """pydantic's ``model_validator``, applied by the mirror (an ``after`` one gets the mirror's
    instance, with the same attributes)."""

    def decorate(func: Any) -> Any:
        return _ModelCheck(mode, func)

    return decorate


class _RecordMeta(StructMeta):
    """Turns a record's :func:`Field` declarations into msgspec defaults (keeping them for the
    mirror) before msgspec builds the class."""

    def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> Any:
        declared: dict[str, Any] = {}
        for base in bases:
            declared.update(getattr(base, "_record_declared", {}))
        for field_name in namespace.get("__annotations__", {}):
            value = namespace.get(field_name, _MISSING)
            declared.pop(field_name, None)
            if isinstance(value, FieldSpec):
                namespace[field_name] = value.struct_field()
                declared[field_name] = value
            elif isinstance(value, (list, dict, set)) and value:  # msgspec copies only empty ones itself
                namespace[field_name] = msgspec.field(default_factory=functools.partial(copy.copy, value))
                declared[field_name] = value
            elif isinstance(value, (list, dict, set)):
                declared[field_name] = value
        namespace["_record_declared"] = declared
        namespace["_record_doc"] = namespace.get("__doc__")
        kwargs.setdefault("kw_only", True)  # msgspec applies kw_only to the fields a class declares
        cls: Any = super().__new__(mcls, name, bases, namespace, **kwargs)
        names: tuple[str, ...] = cls.__struct_fields__
        defaults = (_MISSING,) * (len(names) - len(cls.__struct_defaults__)) + cls.__struct_defaults__
        cls.model_fields = {name: RecordField(name, default) for name, default in zip(names, defaults)}
        return cls


class RecordField:
    """A record's field as :attr:`Record.model_fields` lists it: its name and its default or default
    factory (``msgspec.NODEFAULT`` when it has none)."""

    __slots__ = ("default", "default_factory", "name")

    def __init__(self, name: str, default: Any) -> None:
        self.name = name
        factory = getattr(default, "factory", _MISSING) if isinstance(default, _FACTORY) else _MISSING
        self.default, self.default_factory = (default, _MISSING) if factory is _MISSING else (_MISSING, factory)

    def __repr__(self) -> str:
        return f"RecordField({self.name!r}, default={self.default!r}, default_factory={self.default_factory!r})"


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(Field,))
class Record(msgspec.Struct, metaclass=_RecordMeta, frozen=True, kw_only=True):
    """Base of the spec classes; see the module's docstring."""

    model_fields: ClassVar[dict[str, RecordField]] = {}
    _record_doc: ClassVar[str | None] = None
    _record_declared: ClassVar[dict[str, Any]] = {}  # Field(...) and list/dict defaults as written, for the mirror

    # -- pydantic's model API, the part thumbkit uses ----------------------------------------------
    @classmethod
    def model_validate(cls: type[R], obj: Any, *, context: dict[str, Any] | None = None) -> R:
        """``obj`` validated (pydantic's ``ValidationError`` on failure) as a record."""
        if isinstance(obj, cls):
            return obj
        validated = validator_model(cls).model_validate(obj, context=context)
        record = from_validated(validated)
        assert isinstance(record, cls)
        return record

    @classmethod
    def model_json_schema(cls, **kwargs: Any) -> dict[str, Any]:
        schema: dict[str, Any] = validator_model(cls).model_json_schema(**kwargs)
        return schema

    def model_dump(self, *, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
        dumped: dict[str, Any] = _dump(self, mode == "json")
        return dumped

    def model_dump_json(self) -> str:
        import json

        return json.dumps(self.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False)

    def model_copy(self: R, *, update: dict[str, Any] | None = None) -> R:
        """A copy with ``update`` applied (not validated, as in pydantic)."""
        return msgspec.structs.replace(self, **(update or {}))


def is_record_class(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, Record)


def _dump(value: Any, json_mode: bool) -> Any:
    if isinstance(value, Record):
        return {name: _dump(getattr(value, name), json_mode) for name in value.model_fields}
    if isinstance(value, list) or (json_mode and isinstance(value, tuple)):
        return [_dump(item, json_mode) for item in value]
    if isinstance(value, tuple):
        return tuple(_dump(item, json_mode) for item in value)
    if isinstance(value, dict):
        return {key: _dump(item, json_mode) for key, item in value.items()}
    return value


# -- the pydantic mirror ---------------------------------------------------------------------------
_LOCK = threading.RLock()
_MIRRORS: dict[type[Record], type[BaseModel]] = {}
_RECORDS: dict[type[BaseModel], type[Record]] = {}


def validator_model(cls: type[Record]) -> type[BaseModel]:
    """The pydantic model that validates ``cls`` (built once, on first use)."""
    with _LOCK:
        mirror = _MIRRORS.get(cls)
        if mirror is None:
            mirror = _build_mirror(cls)
            _MIRRORS[cls] = mirror
            _RECORDS[mirror] = cls
        return mirror


def from_validated(value: Any) -> Any:
    """A mirror's validated instance (and everything in it) as records."""
    record_class = _RECORDS.get(type(value))
    if record_class is not None:
        return record_class(**{name: from_validated(getattr(value, name)) for name in record_class.model_fields})
    if isinstance(value, list):
        return [from_validated(item) for item in value]
    if isinstance(value, tuple):
        return tuple(from_validated(item) for item in value)
    if isinstance(value, dict):
        return {key: from_validated(item) for key, item in value.items()}
    return value


def _build_mirror(cls: type[Record]) -> type[BaseModel]:
    from pydantic import ConfigDict, create_model
    from pydantic import Field as PydanticField
    from pydantic import field_validator as pydantic_field_validator
    from pydantic import model_validator as pydantic_model_validator

    hints = typing.get_type_hints(cls, include_extras=True)
    fields: dict[str, Any] = {}
    for field in cls.model_fields.values():
        annotation = _translate(hints[field.name])
        if field.name in cls._record_declared:  # Field(...) or a list default: pydantic copies those itself
            declared = cls._record_declared[field.name]
            fields[field.name] = (annotation, PydanticField(**declared.kwargs) if isinstance(declared, FieldSpec) else declared)
        elif field.default is not _MISSING:
            default = field.default
            if isinstance(default, Record):
                default = validator_model(type(default)).model_validate(default.model_dump())
            fields[field.name] = (annotation, default)
        elif field.default_factory is not _MISSING:
            fields[field.name] = (annotation, PydanticField(default_factory=typing.cast(Any, field.default_factory)))
        else:
            fields[field.name] = (annotation, ...)
    validators: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, _FieldCheck):
                decorate: Any = pydantic_field_validator(*value.fields, mode=value.mode)
                validators[name] = decorate(value.func)
            elif isinstance(value, _ModelCheck):
                decorate = pydantic_model_validator(mode=value.mode)
                validators[name] = decorate(value.func)
            elif type(value).__module__.startswith("pydantic"):  # pydantic's own decorators, as is
                validators[name] = value
    model: type[BaseModel] = create_model(
        cls.__name__,
        __config__=ConfigDict(extra="forbid", frozen=True),
        __doc__=cls._record_doc,
        __module__=cls.__module__,
        __validators__=validators,
        **fields,
    )
    return model


def _translate(annotation: Any) -> Any:
    """``annotation`` with records replaced by their mirrors and :class:`FieldSpec` by pydantic's
    ``FieldInfo``."""
    if is_record_class(annotation):
        return validator_model(annotation)
    origin = typing.get_origin(annotation)
    if origin is None or origin is Literal:
        return annotation
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        metadata = tuple(_translate_metadata(item) for item in annotation.__metadata__)
        return typing.Annotated[(_translate(args[0]), *metadata)]
    translated = tuple(arg if arg is Ellipsis else _translate(arg) for arg in args)
    if origin in (typing.Union, types.UnionType):
        return typing.Union[translated]
    if origin is ClassVar:
        return annotation
    return origin[translated if len(translated) > 1 else translated[0]]


def _translate_metadata(item: Any) -> Any:
    if isinstance(item, FieldSpec):
        from pydantic import Field as PydanticField

        return PydanticField(**item.kwargs)
    return item


__all__ = ["Field", "FieldSpec", "Record", "field_validator", "from_validated", "is_record_class",
           "model_validator", "validator_model"]
