"""The floor: what any renderer of a title card must at least do, with bare Pillow and no layout
engine. A canvas of the format's size with a gradient, the title in two lines of a bundled font,
WebP at thumbkit's settings (quality 80, method 0).

``thumbkit bench`` times :func:`draw_card` in its own process; ``thumbkit bench --cold`` runs this
file as a whole process (``python floor_card.py TITLE FONT OUTPUT``) against a whole
``thumbkit render``. It imports nothing but Pillow, so that process is the floor of a one-shot.
"""

from __future__ import annotations

import io
import sys


def draw_card(title: str, width: int, height: int, font_path: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont, ImageOps

    gradient = Image.linear_gradient("L").resize((width, height))
    canvas = ImageOps.colorize(gradient, "#0b1220", "#1d2b4f")
    font = ImageFont.truetype(font_path, max(40, height // 9))
    words = title.split()
    half = len(words) // 2
    draw = ImageDraw.Draw(canvas)
    draw.text((width * 0.08, height * 0.3), " ".join(words[:half]), font=font, fill="white")
    draw.text((width * 0.08, height * 0.3 + font.size * 1.1), " ".join(words[half:]), font=font, fill="white")
    buffer = io.BytesIO()
    canvas.save(buffer, "WEBP", quality=80, method=0)
    return buffer.getvalue()


def main(argv: list[str]) -> int:
    title, font_path, output = argv
    data = draw_card(title, 1280, 720, font_path)
    with open(output, "wb") as handle:
        handle.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
