"""A layout's templates filled for one render (title, format, kit), and the result validated.

Two ways to the same result. The quick one fills the templates the layouts use without Jinja2
(:mod:`.quick_templates`) and checks each filled field without pydantic (:mod:`.quick_check`);
whatever it cannot prove, the full one does: Jinja2 fills the file's data, pydantic validates it,
and every problem is located in the file (file:line:col). A one-shot render of a bundled layout
imports neither.
"""

from __future__ import annotations

from typing import Any

from ..errors import SpecError
from .catalog import Kit, Layout
from .context import render_context
from .layout import LayoutSpec
from .quick_check import replaced
from .quick_templates import fill_quick
from .record import Record
from .source import PathKey


def filled_layout(layout: Layout, title: str, kit: Kit, *, subtitle: str = "", badge: str = "") -> LayoutSpec:
    """``layout`` with its templates filled for ``title``, ``subtitle``, ``badge`` and ``kit``, validated."""
    spec = layout.spec
    context = render_context(title, spec.format, spec.size.width, spec.size.height, kit.spec, subtitle=subtitle, badge=badge)
    quick = quick_filled(layout, context)
    return quick if quick is not None else checked_fill(layout, context)


def quick_filled(layout: Layout, context: dict[str, Any]) -> LayoutSpec | None:
    """The filled layout without Jinja2 or pydantic, or None when that cannot be proven right."""
    spec: Any = layout.spec
    for loc, source in layout.templates:
        value = fill_quick(source, context)
        if value is None:
            return None
        spec = _set(spec, loc, value)
        if spec is None:
            return None
    assert isinstance(spec, LayoutSpec)
    return spec


def checked_fill(layout: Layout, context: dict[str, Any]) -> LayoutSpec:
    """Jinja2 fills the layout's data and pydantic validates it; problems located in the file."""
    from pydantic import ValidationError

    from .diagnostics import validate_doc
    from .source import SourceDoc
    from .templating import TemplateFillError, fill_tree

    try:
        filled = fill_tree(layout.source.data, context)
    except TemplateFillError as exc:
        raise SpecError([layout.source.problem(getattr(exc, "loc", ()), exc.message)]) from exc
    try:
        return LayoutSpec.model_validate(filled)
    except ValidationError:
        _, problems = validate_doc(LayoutSpec, SourceDoc(layout.source.path, filled, layout.source.positions))
        raise SpecError(problems) from None


def _set(node: Any, loc: PathKey, value: str) -> Any:
    """``node`` with the string at ``loc`` replaced, every record on the way checked; None if not
    provably valid."""
    head, rest = loc[0], loc[1:]
    if isinstance(node, Record) and isinstance(head, str):
        child = value if not rest else _set(getattr(node, head), rest, value)
        return None if child is None else replaced(node, head, child)
    if isinstance(node, list) and isinstance(head, int):
        child = value if not rest else _set(node[head], rest, value)
        if child is None:
            return None
        return [*node[:head], child, *node[head + 1:]]
    return None


__all__ = ["checked_fill", "filled_layout", "quick_filled"]
