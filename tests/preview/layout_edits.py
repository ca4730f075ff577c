"""The edits the preview tests save into a copy of youtube-bold: one that changes the picture, one
that breaks the file at a line they can predict."""

from __future__ import annotations


def recoloured(text: str) -> str:
    """The accent bar drawn red instead of the kit's accent."""
    edited = text.replace("fill: '{{ palette.accent }}'\n  track:", "fill: '#ff0000'\n  track:", 1)
    assert edited != text, "the layout has no accent bar to recolour"
    return edited


def broken(text: str) -> tuple[str, int]:
    """``text`` with an unknown key in its first (background) layer, and that key's line."""
    edited = text.replace("- kind: background\n", "- kind: background\n  colour: red\n", 1)
    assert edited != text, "the layout does not start with a background layer"
    return edited, edited.splitlines().index("  colour: red") + 1
