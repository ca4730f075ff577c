"""Jinja2 fills string values in specs from the render context, sandboxed, undefined names are errors.

Layouts hold values, not logic: ``{{ palette.accent }}`` and ``{{ title | upper }}`` are fine,
``{% if %}`` blocks are rejected when the layout is loaded.
"""

from __future__ import annotations

import colorsys
from functools import lru_cache
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..colors import mix, parse_color, to_hex

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment


def _alpha(color: str, opacity: float) -> str:
    """``{{ palette.accent | alpha(0.3) }}``: the colour at that opacity."""
    r, g, b, _ = parse_color(color)
    return to_hex((r, g, b, max(0, min(255, round(opacity * 255)))))


def _mix(color: str, other: str, amount: float) -> str:
    """``{{ palette.background | mix('#ffffff', 0.1) }}``: moved towards ``other``."""
    return to_hex(mix(parse_color(color), parse_color(other), amount))


def _glow(color: str, other: str, amount: float) -> str:
    """``{{ palette.surface | glow(palette.accent, 0.35) }}``: a glow of ``color`` tinted with
    ``other`` when their hues are neighbours; complementary hues (navy and yellow) would mix to a
    muddy olive, so the glow is then ``color`` lightened instead."""
    base, tint = parse_color(color), parse_color(other)
    base_hue, _, base_saturation = colorsys.rgb_to_hls(*(c / 255 for c in base[:3]))
    tint_hue, _, tint_saturation = colorsys.rgb_to_hls(*(c / 255 for c in tint[:3]))
    distance = abs(base_hue - tint_hue) * 360
    distance = min(distance, 360 - distance)
    if distance <= 90 or min(base_saturation, tint_saturation) < 0.15:
        return to_hex(mix(base, tint, amount))
    return to_hex(mix(base, (255, 255, 255, 255), amount * 0.6))


def _pick(seed: int, *choices: Any) -> Any:
    """``{{ seed | pick(palette.accent, palette.muted) }}``: one of the choices, by the title's seed,
    so a series varies while each title renders the same (every choice is checked on load)."""
    if not choices:
        raise ValueError("pick needs at least one choice")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"pick chooses by the title's seed ({{{{ seed | pick(...) }}}}), got {seed!r}")
    return choices[seed % len(choices)]


#: the filters layouts may use, beside Jinja2's own
FILTERS: dict[str, Callable[..., Any]] = {"alpha": _alpha, "mix": _mix, "glow": _glow, "pick": _pick}


@lru_cache(maxsize=1)
def _env() -> SandboxedEnvironment:
    """The sandboxed Jinja2 environment, made on first use (Jinja2 is imported only then)."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters.update(FILTERS)
    return env


TEMPLATE_MARKERS = ("{{", "{%", "{#")
#: A string holding a template, as a regular expression for the JSON Schema (renderer.spec.schema).
TEMPLATE_PATTERN = "|".join(marker.replace("{", "\\{") for marker in TEMPLATE_MARKERS)


def is_template(value: str) -> bool:
    return any(marker in value for marker in TEMPLATE_MARKERS)


@lru_cache(maxsize=4096)
def _compiled(source: str) -> Template:
    return _env().from_string(source)


def template_problem(source: str) -> str | None:
    """Why ``source`` is not an acceptable template, or None."""
    from jinja2 import TemplateSyntaxError

    if "{%" in source:
        return "templates hold values, not logic: '{% ... %}' blocks are not allowed"
    try:
        _compiled(source)
    except TemplateSyntaxError as exc:
        return f"template syntax error: {exc.message}"
    return None


class TemplateFillError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def fill(source: str, context: dict[str, Any]) -> str:
    if not is_template(source):
        return source
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    try:
        rendered: str = _compiled(source).render(context)
        return rendered
    except UndefinedError as exc:
        raise TemplateFillError(f"{exc.message}; the context has: {', '.join(sorted(context))}") from exc
    except (SecurityError, TemplateSyntaxError, ValueError, TypeError) as exc:
        raise TemplateFillError(str(exc)) from exc


def fill_tree(data: Any, context: dict[str, Any], loc: tuple[str | int, ...] = ()) -> Any:
    """Every template string in ``data`` filled; raises TemplateFillError with ``.loc`` set."""
    if isinstance(data, str):
        try:
            return fill(data, context)
        except TemplateFillError as exc:
            exc.loc = loc  # type: ignore[attr-defined]
            raise
    if isinstance(data, dict):
        return {key: fill_tree(value, context, (*loc, key)) for key, value in data.items()}
    if isinstance(data, list):
        return [fill_tree(value, context, (*loc, index)) for index, value in enumerate(data)]
    return data


def template_strings(data: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(loc, string) for every template string in ``data``."""
    if isinstance(data, str):
        if is_template(data):
            yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from template_strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from template_strings(value, (*loc, index))


def template_names(data: Any) -> frozenset[str]:
    """The context names the templates in ``data`` read (``{{ subtitle }}`` -> ``subtitle``)."""
    from jinja2 import meta

    names: set[str] = set()
    for _, source in template_strings(data):
        names |= meta.find_undeclared_variables(_env().parse(source))
    return frozenset(names)
