"""What each key of a layout or kit file means, for the JSON Schema an editor shows on hover.

Keyed ``Model.field`` (and ``Model`` for a whole object, else its docstring is used). The words
follow the validator's messages (renderer.spec.diagnostics, renderer.spec.catalog), so that the
editor and ``thumbkit render`` say the same thing. A test checks that every key of the schema has
a description here.
"""

from __future__ import annotations

from ..colors import COLOR_FORMS

_COLOR = f"A colour ({COLOR_FORMS}) or a template like '{{{{ palette.accent }}}}'."
_KIT_COLOR = f"A colour ({COLOR_FORMS})."
_BOX_INSIDE = "Where the layer goes, in canvas pixels; it must not leave the canvas."

DESCRIPTIONS: dict[str, str] = {
    # -- layouts --------------------------------------------------------------------------------
    "LayoutSpec": "A thumbkit layout: a stack of layers drawn in order on a canvas of its format's size. "
                  "String values may be Jinja templates filled from the render context ('{{ palette.accent }}', '{{ title }}').",
    "LayoutSpec.name": "The layout's name: lowercase letters, digits and '-'; it must match the file name (mine.yaml: name: mine).",
    "LayoutSpec.format": "The format this layout is for; the canvas size must be the format's.",
    "LayoutSpec.size": "The canvas in pixels: the format's size (youtube 1280x720, instagram 1080x1080, x 1200x675, "
                       "blogpost 1200x630, linkedin 1200x627).",
    "LayoutSpec.description": "One line shown by `thumbkit layouts`.",
    "LayoutSpec.picks": "The titles layout=auto chooses this layout for: default, listicle (a leading number), short, "
                        "long, photo (a photo is used).",
    "LayoutSpec.keepout": "Areas no text and no logo may use (YouTube's duration badge: {x: 1100, y: 640, width: 180, height: 80}): "
                          "text boxes give way, the logo takes another corner; never mirrored. Each must stay inside the canvas.",
    "LayoutSpec.layers": "Drawn in order, the first at the back. A layout needs at least one text layer; "
                         "only one photo layer and one logo layer are allowed.",
    "Size.width": "Canvas width in pixels.",
    "Size.height": "Canvas height in pixels.",
    "Box": "A rectangle in canvas pixels: x, y of its top-left corner, width and height.",
    "Box.x": "Left edge in pixels from the left of the canvas.",
    "Box.y": "Top edge in pixels from the top of the canvas.",
    "Box.width": "Width in pixels, more than 0.",
    "Box.height": "Height in pixels, more than 0.",
    "Point": "A point as fractions of the box: x 0 (left) to 1 (right), y 0 (top) to 1 (bottom).",
    "Point.x": "0 is the left edge, 1 the right edge.",
    "Point.y": "0 is the top edge, 1 the bottom edge.",
    "Gradient": "A linear or radial gradient through two or more colour stops.",
    "Gradient.type": "linear or radial.",
    "Gradient.stops": "Two or more colours, first to last. " + _COLOR,
    "Gradient.angle_deg": "linear: the direction in degrees, 0 = left to right, 90 = top to bottom.",
    "Gradient.center": "radial: the centre, as fractions of the box.",
    "Gradient.radius": "radial: the radius as a fraction of the box diagonal, more than 0.",
    "ImageFill": "A picture file filling the box (cover), optionally darkened and blurred.",
    "ImageFill.type": "image.",
    "ImageFill.path": "The picture file, relative to the layouts folder.",
    "ImageFill.darken": "0 (as is) to 1 (black).",
    "ImageFill.blur_px": "Gaussian blur radius in pixels, 0 to 64.",
    "FrameTreatment.darken": "How much the whole picture is darkened, always (a mood): 0 (as is) to 1 (black; at most 0.6 is used).",
    "FrameTreatment.blur_px": "At most this much blur (pixels, 0 to 64; at most 32 is used) behind the text, where the picture is busy "
                              "and only when it saves scrim.",
    "FrameTreatment.scrim": "The side the text is on, from which a scrim may darken the picture: none (no scrim), bottom, left, "
                            "right or full (a soft box around the text).",
    "FrameTreatment.scrim_color": "The scrim's colour. " + _COLOR,
    "FrameTreatment.scrim_opacity": "The scrim's strongest opacity allowed, 0 to 1: only as much as the text's contrast needs is used.",
    "BackgroundLayer": "Fills the whole canvas.",
    "BackgroundLayer.kind": "background: fills the whole canvas.",
    "BackgroundLayer.fill": "A colour or template, a gradient ({type: linear|radial, stops: [...]}) or a picture ({type: image, path: ...}).",
    "BackgroundLayer.frame": "For a layout without a picture block given a picture (backgroundImage, a video frame): how far it "
                             "may be calmed so the title reads over it, its text staying where it is.",
    "BackgroundLayer.picture": "This layout takes a picture (backgroundImage, a kit background, a video frame): where the text may go "
                               "over it and how far it may be calmed. layout=auto prefers such layouts when a picture is given.",
    "PictureBackground": "The text positions a picture may leave room for, and how far the picture may be calmed under the text.",
    "PictureBackground.positions": "One to eight places the text may go, each listed once; the text layers (and the shapes) are drawn "
                                   "inside the first position's box and moved and stretched to the position chosen.",
    "PictureBackground.treatment": "How far the picture may be calmed under the text: only as much as 4.5:1 contrast needs.",
    "PicturePosition": "One place the text may go over a picture.",
    "PicturePosition.at": "The side: left, right, top, bottom or center (mirrored left and right for a right-to-left title).",
    "PicturePosition.box": "Where the text goes when this position is chosen, in canvas pixels; it must not leave the canvas.",
    "PicturePosition.align": "The text layers' alignment at this position: left, center or right (else their own).",
    "PicturePosition.valign": "The text layers' vertical alignment at this position: top, middle or bottom (else their own).",
    "PictureTreatment": "How far a picture may be calmed under the text; each step only as far as the contrast needs.",
    "PictureTreatment.darken": "The whole picture darkened, always (a mood, not a fix): 0 to 0.6.",
    "PictureTreatment.blur_max_px": "At most this much blur (pixels, 0 to 32) behind the text, where the picture is busy and only when "
                                    "it saves scrim.",
    "PictureTreatment.scrim_max": "The strongest scrim allowed, 0 to 1: a gradient from the text's edge of the canvas, as opaque as "
                                  "the contrast needs.",
    "PictureTreatment.scrim_color": "The scrim's colour (the kit's background by default). " + _COLOR,
    "PictureTreatment.swap_colors": "true: the title may take the scrim's colour (and the scrim the title's) when that needs less scrim.",
    "Track.edge": "Which side of the text's ink the shape goes: left, right, below or above.",
    "Track.gap_px": "The gap between the text's ink and the shape, 0 to 400 pixels.",
    "ShapeLayer": "A rectangle or ellipse: accent bars, rules, glows. Its box may leave the canvas.",
    "ShapeLayer.kind": "shape: a rectangle or ellipse.",
    "ShapeLayer.shape": "rect or ellipse.",
    "ShapeLayer.box": "Where the shape goes, in canvas pixels; it may leave the canvas.",
    "ShapeLayer.fill": "A colour or template, a gradient ({type: linear|radial, stops: [...]}) or a picture ({type: image, path: ...}).",
    "ShapeLayer.radius_px": "Corner radius of a rect in pixels, 0 or more.",
    "ShapeLayer.opacity": "0 (invisible) to 1 (opaque).",
    "ShapeLayer.track": "Place the shape against the ink of the next text layer instead of at its box.",
    "SizeRange": "The font size range in pixels, 8 to 600: the text is set as large as fits, never below min.",
    "SizeRange.min": "The smallest font size in pixels, 8 to 600; min must not exceed max.",
    "SizeRange.max": "The largest font size in pixels, 8 to 600.",
    "Fit": "What happens when the text does not fit at the smallest size.",
    "Fit.mode": "shrink: the largest size that fits, down to size_px.min (then more lines if the box is tall enough, "
                "an ellipsis last); truncate: stay at size_px.max and cut with an ellipsis.",
    "Emphasis": "How marked words (*word*) and, with auto, numbers and power words stand out.",
    "Emphasis.style": "kit (the kit's style.emphasis), color (the words in another colour), highlight (a box behind them) or none.",
    "Emphasis.color": "The colour of emphasised words, or of the highlight box. " + _COLOR,
    "Emphasis.text_color": "The text colour on a highlight box. " + _COLOR,
    "Emphasis.auto": "Emphasise numbers and power words when the title marks none.",
    "Stroke": "An outline around the letters.",
    "Stroke.width_em": "Outline width as a fraction of the font size, 0 to 0.2.",
    "Stroke.color": "Outline colour. " + _COLOR,
    "Shadow": "A drop shadow behind the letters.",
    "Shadow.offset_x_em": "Horizontal offset as a fraction of the font size.",
    "Shadow.offset_y_em": "Vertical offset as a fraction of the font size.",
    "Shadow.blur_em": "Blur radius as a fraction of the font size, 0 to 0.5.",
    "Shadow.color": "Shadow colour. " + _COLOR,
    "TextLayer": "A text box: the title (or another template) set as large as fits.",
    "TextLayer.kind": "text: a text box.",
    "TextLayer.text": "What is drawn: a template, '{{ title }}' by default.",
    "TextLayer.box": _BOX_INSIDE,
    "TextLayer.font": "A kit role (heading | body) or a bundled font family.",
    "TextLayer.weight": "With a family: its weight; with a role: overrides the kit's weight.",
    "TextLayer.size_px": "The font size range in pixels, {min, max}, 8 to 600.",
    "TextLayer.max_lines": "At most this many lines, 1 to 12.",
    "TextLayer.line_height": "Line spacing as a multiple of the font size, 0.7 to 2.",
    "TextLayer.align": "left, center or right (mirrored for right-to-left titles).",
    "TextLayer.valign": "top, middle or bottom within the box.",
    "TextLayer.transform": "kit (the kit's style.transform), upper or none.",
    "TextLayer.color": "The text colour. " + _COLOR,
    "TextLayer.emphasis": "How marked words, numbers and power words stand out.",
    "TextLayer.stroke": "An outline around the letters.",
    "TextLayer.shadow": "A drop shadow behind the letters.",
    "TextLayer.fit": "What happens when the text does not fit.",
    "TextLayer.contrast": "ensure: adjust the colours to WCAG 4.5:1 over what is behind the text; keep: use them as written.",
    "PhotoEffects": "How the cut-out photo is drawn.",
    "PhotoEffects.outline_px": "An outline around the cut-out in pixels, 0 to 40 (the kit may set its own).",
    "PhotoEffects.outline_color": "The outline's colour. " + _COLOR,
    "PhotoEffects.shadow": "A soft shadow behind the cut-out.",
    "PhotoLayer": "Where the presenter's cut-out photo goes (usePhoto or photoImage).",
    "PhotoLayer.kind": "photo: the cut-out photo.",
    "PhotoLayer.box": _BOX_INSIDE,
    "PhotoLayer.align": "bottom (the cut-out stands on the box's bottom edge) or center.",
    "PhotoLayer.effects": "Outline and shadow of the cut-out.",
    "LogoLayer.kind": "logo: where the logo may go.",
    "LogoLayer.box": _BOX_INSIDE,
    # -- brand kits -------------------------------------------------------------------------------
    "KitSpec": "A thumbkit brand kit (brand_kits/<id>/kit.yaml): palette, fonts, style, logo and photo.",
    "KitSpec.name": "The kit's display name: 1-64 printable characters (no line breaks or control characters).",
    "KitSpec.description": "One line shown by `thumbkit kit list`.",
    "KitSpec.palette": "The six colour roles layouts use as '{{ palette.<role> }}'.",
    "KitSpec.fonts": "The heading and body fonts: bundled families and weights.",
    "KitSpec.style": "How titles are written and emphasised.",
    "KitSpec.logo": "The logo file and where it goes (useLogo).",
    "KitSpec.photo": "The presenter photo used with usePhoto.",
    "KitSpec.layouts": "Preferred layout names, in order: layout=auto tries them first.",
    "KitSpec.backgrounds": "Pictures for faceless thumbnails (files in the kit folder, at most 32): a layout that takes a picture "
                           "puts each title over one of them, chosen by the title.",
    "KitSpec.category": "A ThumbAPI category: biases layouts and emphasis.",
    "Palette": "The kit's colours by role.",
    "Palette.background": "The canvas colour. " + _KIT_COLOR,
    "Palette.surface": "Panels and gradients over the background. " + _KIT_COLOR,
    "Palette.text": "The title's colour. " + _KIT_COLOR,
    "Palette.accent": "Emphasised words, bars and highlights. " + _KIT_COLOR,
    "Palette.muted": "Secondary text and details. " + _KIT_COLOR,
    "Palette.on_accent": "Text drawn on the accent colour (highlight boxes). " + _KIT_COLOR,
    "KitFonts.heading": "The font of titles (a text layer's font: heading).",
    "KitFonts.body": "The font of other text (a text layer's font: body).",
    "KitFont.family": "A bundled font family.",
    "KitFont.weight": "One of the family's weights.",
    "KitStyle.transform": "upper (titles in capitals) or none.",
    "KitStyle.emphasis": "color (emphasised words in the accent colour), highlight (an accent box behind them) or none.",
    "KitLogo.file": "The logo file, relative to the kit folder (PNG with transparency is best).",
    "KitLogo.file_dark": "A variant for light backgrounds, chosen by luminance; relative to the kit folder.",
    "KitLogo.corner": "Which corner of the layout's logo box: top-left, top-right, bottom-left or bottom-right.",
    "KitLogo.max_width_px": "Largest logo width in pixels, 16 to 800.",
    "KitLogo.max_height_px": "Largest logo height in pixels, 16 to 800.",
    "KitLogo.margin_px": "Distance from the box edges in pixels, 0 to 400.",
    "KitLogo.shadow": "A soft shadow behind the logo.",
    "KitPhoto.file": "The photo file, relative to the kit folder; the person is cut out.",
    "KitPhoto.outline_px": "An outline around the cut-out in pixels, 0 to 40 (instead of the layout's).",
    "KitPhoto.outline_color": "The outline's colour (instead of the layout's).",
}

__all__ = ["DESCRIPTIONS"]
