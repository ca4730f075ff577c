"""Re-create thumbkit's bundled fallback fonts from Debian's Noto packages.

Usage (as root on Debian bookworm, from the repository root)::

    apt-get install -y fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji
    python fonts/build_fallbacks.py            # writes fonts/noto-*/ and prints the sizes

What it writes, and why:

* Arabic, Hebrew, Devanagari, Thai: Noto Sans <script> Bold, copied as they are. Each already
  holds only its script plus a few digits and punctuation (25-250 kB), so subsetting gains nothing.
* CJK: Noto Sans CJK JP Bold (face 0 of the collection), subset with fonttools to a common set:
  all 11,172 Hangul syllables and the compatibility jamo, kana, CJK punctuation, full-width forms,
  and the union of three national "common" Han sets, read from Python's own codecs so the list
  needs no download: GB 2312 level 1 (3,755 most common simplified), Big5 level 1 (5,401 common
  traditional) and JIS X 0208 level 1 (2,965 common kanji), 7,174 Han in all. Japanese glyph
  forms are the default; the ``locl`` regional alternates are left out (they would add about
  1.8 MB). Vertical-writing features are left out too.
* Colour emoji: Noto Color Emoji (CBDT bitmaps, one 109 ppem strike), copied as it is: its PNGs
  are already palette-quantised, and re-encoding them smaller costs visible quality. FreeType
  draws it in colour at 109 px only; the renderer draws at 109 and scales.

Each family's LICENSE is the Debian copyright file of its package, which carries the SIL Open
Font License 1.1 text and the copyright lines.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

NOTO_TTF = Path("/usr/share/fonts/truetype/noto")
NOTO_OTF = Path("/usr/share/fonts/opentype/noto")
DOC = Path("/usr/share/doc")


@dataclass(frozen=True)
class Copied:
    family_dir: str
    source: Path
    package: str


COPIED = (
    Copied("noto-sans-arabic", NOTO_TTF / "NotoSansArabic-Bold.ttf", "fonts-noto-core"),
    Copied("noto-sans-hebrew", NOTO_TTF / "NotoSansHebrew-Bold.ttf", "fonts-noto-core"),
    Copied("noto-sans-devanagari", NOTO_TTF / "NotoSansDevanagari-Bold.ttf", "fonts-noto-core"),
    Copied("noto-sans-thai", NOTO_TTF / "NotoSansThai-Bold.ttf", "fonts-noto-core"),
    Copied("noto-color-emoji", NOTO_TTF / "NotoColorEmoji.ttf", "fonts-noto-color-emoji"),
)

CJK_SOURCE = NOTO_OTF / "NotoSansCJK-Bold.ttc"
CJK_FACE_INDEX = 0  # Noto Sans CJK JP Bold
CJK_DIR = "noto-sans-cjk"
CJK_FILE = "NotoSansCJKjp-Bold-Subset.otf"
CJK_FEATURES = ("ccmp", "kern", "liga", "calt", "palt", "halt", "pwid", "fwid", "hwid")


def _decode_double_byte(codec: str, lead: range, trail: list[int]) -> set[int]:
    """Code points of every two-byte sequence ``lead x trail`` that ``codec`` decodes to one char."""
    found: set[int] = set()
    for first in lead:
        for second in trail:
            try:
                text = bytes((first, second)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                found.add(ord(text))
    return found


def _is_han(code_point: int) -> bool:
    return 0x3400 <= code_point <= 0x9FFF or 0xF900 <= code_point <= 0xFAFF


def common_han() -> set[int]:
    """GB 2312 level 1 | Big5 level 1 | JIS X 0208 level 1, Han ideographs only."""
    euc = list(range(0xA1, 0xFF))
    gb2312_level1 = _decode_double_byte("gb2312", range(0xB0, 0xD8), euc)
    big5_level1 = _decode_double_byte("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *euc])
    jis_level1 = _decode_double_byte("euc_jp", range(0xB0, 0xD0), euc)
    return {cp for cp in gb2312_level1 | big5_level1 | jis_level1 if _is_han(cp)}


def cjk_code_points() -> set[int]:
    ranges = (
        (0x0020, 0x007E),  # ASCII: digits and punctuation stay in the CJK run's font
        (0x2010, 0x2027),  # dashes, quotes, ellipsis
        (0x2030, 0x203B),
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0x3040, 0x30FF),  # hiragana, katakana
        (0x31F0, 0x31FF),  # katakana phonetic extensions
        (0x3131, 0x318E),  # Hangul compatibility jamo
        (0xAC00, 0xD7A3),  # all 11,172 Hangul syllables
        (0xFF01, 0xFFEE),  # full-width and half-width forms
    )
    points = {cp for low, high in ranges for cp in range(low, high + 1)}
    return points | common_han()


def build_cjk(out_dir: Path) -> Path:
    font = TTFont(CJK_SOURCE, fontNumber=CJK_FACE_INDEX, lazy=False)
    options = subset.Options()
    options.layout_features = list(CJK_FEATURES)
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=cjk_code_points())
    subsetter.subset(font)
    target = out_dir / CJK_DIR / CJK_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)
    shutil.copyfile(DOC / "fonts-noto-cjk" / "copyright", target.parent / "LICENSE")
    return target


def build_copied(out_dir: Path) -> list[Path]:
    written = []
    for item in COPIED:
        target = out_dir / item.family_dir / item.source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(item.source, target)
        shutil.copyfile(DOC / item.package / "copyright", target.parent / "LICENSE")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--skip-cjk", action="store_true", help="only copy the small fonts")
    args = parser.parse_args(argv)
    missing = [str(p) for p in (CJK_SOURCE, *(c.source for c in COPIED)) if not p.exists()]
    if missing:
        print("missing source fonts (apt-get install fonts-noto-core fonts-noto-cjk "
              "fonts-noto-color-emoji):\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    written = build_copied(args.out)
    if not args.skip_cjk:
        written.append(build_cjk(args.out))
    total = 0
    for path in written:
        size = path.stat().st_size + (path.parent / "LICENSE").stat().st_size
        total += size
        print(f"{path.relative_to(args.out)}: {size / 1e6:.2f} MB (with LICENSE)")
    print(f"total: {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
