"""Composition: a filled layout drawn into pixels and a ``Plan`` (fills, shapes, photo, logo,
fitted text, contrast, mirroring)."""
