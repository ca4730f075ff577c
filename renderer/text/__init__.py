"""Text: from a title to fitted, drawable lines (atoms, segmentation, bidi, font itemization,
fonts, typesetting and fitting)."""
