"""renderer.rect: the one rectangle type (layout boxes on the canvas, ink, slots, faces, subjects)."""

from __future__ import annotations

from renderer.rect import Rect
from renderer.spec.layout import Box


def test_edges_and_whole_pixels():
    face = Rect.from_edges(160, 70, 240, 150)
    assert (face.x, face.y, face.width, face.height, face.right, face.bottom) == (160, 70, 80, 80, 240, 150)
    assert all(isinstance(value, int) for value in (face.x, face.width, face.right))  # whole pixels stay whole
    assert face.edges_px() == (160, 70, 240, 150)
    assert Rect(10.4, 20.6, 5.0, 5.0).edges_px() == (10, 21, 15, 26)
    assert face.area == 6400 and Rect(0, 0, -3, 5).area == 0


def test_containment_and_overlap():
    slot = Rect(0, 0, 400, 300)
    assert slot.contains(Rect(0, 0, 400, 300)) and slot.contains(Rect(10, 10, 50, 50))
    assert not slot.contains(Rect(390, 10, 20, 20))
    assert slot.intersects(Rect(390, 10, 20, 20))
    assert not slot.intersects(Rect(400, 0, 10, 10))  # touching edges do not overlap
    assert Rect(10, 10, 20, 20).inflate(5) == Rect(5, 5, 30, 30)


def test_a_layout_box_on_a_canvas_at_any_scale():
    box = Box(x=64, y=72, width=560, height=576)
    assert box.rect() == Rect(64, 72, 560, 576)
    assert box.rect(2.0) == Rect(128, 144, 1120, 1152)
