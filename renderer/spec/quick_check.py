"""A field of a validated record replaced by a string, checked without pydantic when that can be
proven the same as pydantic's verdict (a one-shot render fills a layout's templates this way).

What is understood: ``str`` fields, bare or in ``Annotated`` with ``min_length``/``max_length`` (and
the arguments that only describe: ``title``, ``description``, ``examples``, ``json_schema_extra``),
inside lists, ``Optional`` and unions with exactly one string member; records and lists of records
rebuilt around a replaced value (their other fields were validated already, and a record that
validated keeps its kind); the record's ``after`` field validators for that field and its
``after`` model validators. Anything else (another constraint, a ``before`` validator, a
validator that raises) is None: the caller validates with pydantic, which also words the problem.
"""

from __future__ import annotations

import sys
import types
import typing
from typing import Any, Literal

from .record import FieldSpec, Record, _FieldCheck, _ModelCheck

_LENGTHS = frozenset({"min_length", "max_length"})
#: Field arguments that describe (the JSON Schema, the docs) without changing what validates
_DESCRIPTIVE = frozenset({"title", "description", "examples", "json_schema_extra"})


def replaced(record: Record, name: str, value: Any) -> Record | None:
    """``record`` with field ``name`` set to ``value``, when it provably validates; else None."""
    if not _accepts(_hint(type(record), name), value):
        return None
    cls = type(record)
    for check in _field_checks(cls, name):
        try:
            value = _call(check.func, cls, value)
        except Exception:  # pydantic would report it (ValueError, AssertionError) or fail: it decides
            return None
    updated = record.model_copy(update={name: value})
    for model_check in _model_checks(cls):
        try:
            model_check.func(updated)
        except Exception:
            return None
    return updated


def _call(func: Any, cls: type, value: Any) -> Any:
    if isinstance(func, classmethod):
        return func.__func__(cls, value)
    return func(cls, value)


def _accepts(annotation: Any, value: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        if not _accepts(typing.get_args(annotation)[0], value):
            return False
        return all(_meets(item, value) for item in annotation.__metadata__)
    if origin in (typing.Union, types.UnionType):
        members = typing.get_args(annotation)
        if value is None:
            return type(None) in members
        if isinstance(value, Record):
            return any(_accepts(member, value) for member in members)
        if type(value) is str:
            strings = [member for member in members if _unannotated(member) is str]
            return len(strings) == 1 and _accepts(strings[0], value)
        return False
    if origin is list:
        (item,) = typing.get_args(annotation)
        return type(value) is list and all(_accepts(item, element) for element in value)
    if origin is Literal:
        return False  # a template never stands where a literal is (it would not have validated)
    if annotation is str:
        return type(value) is str
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return type(value) is annotation
    return False


def _unannotated(annotation: Any) -> Any:
    return typing.get_args(annotation)[0] if typing.get_origin(annotation) is typing.Annotated else annotation


def _meets(item: Any, value: Any) -> bool:
    if not isinstance(item, FieldSpec):
        return False
    checks = set(item.kwargs) - _DESCRIPTIVE
    if isinstance(value, Record):
        return checks <= {"discriminator"}
    if not checks <= _LENGTHS or not isinstance(value, (str, list)):
        return False
    return bool(item.kwargs.get("min_length", 0) <= len(value) <= item.kwargs.get("max_length", len(value)))


_HINTS: dict[tuple[type[Record], str], Any] = {}
_FIELD_CHECKS: dict[tuple[type[Record], str], tuple[_FieldCheck, ...]] = {}
_MODEL_CHECKS: dict[type[Record], tuple[_ModelCheck, ...]] = {}


def _hint(cls: type[Record], name: str) -> Any:
    """The type of field ``name``, evaluated alone (the class's other annotations, which a one-shot
    render never asks about, stay strings)."""
    key = (cls, name)
    if key not in _HINTS:
        klass = next(klass for klass in cls.__mro__ if name in klass.__dict__.get("__annotations__", {}))
        one = types.SimpleNamespace(__annotations__={name: klass.__annotations__[name]})
        _HINTS[key] = typing.get_type_hints(one, globalns=vars(sys.modules[klass.__module__]), localns=dict(vars(klass)),
                                            include_extras=True)[name]
    return _HINTS[key]


def _field_checks(cls: type[Record], name: str) -> tuple[_FieldCheck, ...]:
    found = _FIELD_CHECKS.get((cls, name))
    if found is None:
        checks = [value for klass in reversed(cls.__mro__) for value in vars(klass).values()
                  if isinstance(value, _FieldCheck) and name in value.fields]
        unprovable = any(check.mode != "after" or _argument_count(check.func) != 2 for check in checks) or _foreign_checks(cls)
        found = _FIELD_CHECKS[(cls, name)] = (_UNPROVABLE,) if unprovable else tuple(checks)
    return found


def _model_checks(cls: type[Record]) -> tuple[_ModelCheck, ...]:
    found = _MODEL_CHECKS.get(cls)
    if found is None:
        checks = [value for klass in reversed(cls.__mro__) for value in vars(klass).values() if isinstance(value, _ModelCheck)]
        unprovable = any(check.mode != "after" or _argument_count(check.func) != 1 for check in checks)
        found = _MODEL_CHECKS[cls] = (_UNPROVABLE_MODEL,) if unprovable else tuple(checks)
    return found


def _foreign_checks(cls: type[Record]) -> bool:
    """pydantic's own decorators on the class: only pydantic knows what they do."""
    return any(type(value).__module__.startswith("pydantic") for klass in cls.__mro__ for value in vars(klass).values())


def _argument_count(func: Any) -> int:
    code = getattr(getattr(func, "__func__", func), "__code__", None)
    return -1 if code is None else int(code.co_argcount)


def _unprovable(*_: Any) -> Any:
    raise RuntimeError("left to pydantic")


_UNPROVABLE = _FieldCheck((), "after", _unprovable)
_UNPROVABLE_MODEL = _ModelCheck("after", _unprovable)

__all__ = ["replaced"]
