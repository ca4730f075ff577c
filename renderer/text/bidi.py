"""The Unicode Bidirectional Algorithm (UAX #9) for one line of a title.

Why our own: the maintained ``python-bidi`` (Rust ``unicode-bidi``) only returns the reordered
string, and the renderer needs the resolved embedding level of every character to draw each
font run left to right in visual order. The tests check this module against ``python-bidi``.

Implemented: P2-P3 (paragraph level from the first strong character, skipping isolates), W1-W7,
N0 (bracket pairs), N1-N2, I1-I2, L1 (trailing white space) and L2 (reordering). Explicit
embeddings and overrides (LRE, RLE, LRO, RLO, PDF) are ignored like boundary neutrals (X9), and
isolates (LRI, RLI, FSI, PDI) are treated as plain neutrals: titles from scrapers rarely carry
them, and the result is still a valid left-to-right drawing of every character.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

_STRONG = {"L": 0, "R": 1, "AL": 1}
_REMOVED = {"RLE", "LRE", "RLO", "LRO", "PDF", "BN"}
_ISOLATE_OPEN = {"LRI", "RLI", "FSI"}
_NEUTRAL = {"B", "S", "WS", "ON", "LRI", "RLI", "FSI", "PDI"}
_MAX_BRACKET_DEPTH = 63

# Bidi_Paired_Bracket pairs (BidiBrackets.txt), opening -> closing.
_BRACKETS = dict(
    zip(
        "([{\u0f3a\u0f3c\u169b\u2045\u207d\u208d\u2308\u230a\u2329\u2768\u276a\u276c\u276e"
        "\u2770\u2772\u2774\u27c5\u27e6\u27e8\u27ea\u27ec\u27ee\u2983\u2985\u2987\u2989\u298b"
        "\u298d\u298f\u2991\u2993\u2995\u2997\u29d8\u29da\u29fc\u2e22\u2e24\u2e26\u2e28\u3008"
        "\u300a\u300c\u300e\u3010\u3014\u3016\u3018\u301a\ufe59\ufe5b\ufe5d\uff08\uff3b\uff5b"
        "\uff5f\uff62",
        ")]}\u0f3b\u0f3d\u169c\u2046\u207e\u208e\u2309\u230b\u232a\u2769\u276b\u276d\u276f"
        "\u2771\u2773\u2775\u27c6\u27e7\u27e9\u27eb\u27ed\u27ef\u2984\u2986\u2988\u298a\u2990"
        "\u298e\u298c\u2992\u2994\u2996\u2998\u29d9\u29db\u29fd\u2e23\u2e25\u2e27\u2e29\u3009"
        "\u300b\u300d\u300f\u3011\u3015\u3017\u3019\u301b\ufe5a\ufe5c\ufe5e\uff09\uff3d\uff5d"
        "\uff60\uff63",
        strict=True,
    )
)
_CLOSING = {closing: opening for opening, closing in _BRACKETS.items()}
# Canonical equivalents (U+2329/U+232A and U+3008/U+3009) pair with each other.
_BRACKET_ALIAS = {"\u2329": "\u3008", "\u232a": "\u3009"}


def bidi_class(char: str) -> str:
    """The Bidi_Class of ``char``, with UAX #9's defaults for unassigned code points."""
    found = unicodedata.bidirectional(char)
    if found:
        return found
    code_point = ord(char)
    if 0x0600 <= code_point <= 0x07BF or 0x0860 <= code_point <= 0x08FF or 0xFB50 <= code_point <= 0xFDCF \
            or 0xFDF0 <= code_point <= 0xFDFF or 0xFE70 <= code_point <= 0xFEFF or 0x1EC70 <= code_point <= 0x1EEFF:
        return "AL"
    if 0x0590 <= code_point <= 0x08FF or 0xFB1D <= code_point <= 0xFB4F or 0x10800 <= code_point <= 0x10FFF \
            or 0x1E800 <= code_point <= 0x1EFFF:
        return "R"
    return "L"


def paragraph_level(text: str) -> int:
    """0 (left-to-right) or 1 (right-to-left): the first strong character outside isolates decides."""
    isolate_depth = 0
    for char in text:
        kind = bidi_class(char)
        if kind in _ISOLATE_OPEN:
            isolate_depth += 1
        elif kind == "PDI" and isolate_depth:
            isolate_depth -= 1
        elif isolate_depth == 0 and kind in _STRONG:
            return _STRONG[kind]
    return 0


def _strong_direction(kind: str) -> str | None:
    """L or R for a strong type, numbers counting as R (N1/N0); None for neutrals."""
    if kind == "L":
        return "L"
    if kind in ("R", "AL", "EN", "AN"):
        return "R"
    return None


def _resolve_weak(types: list[str], sos: str) -> None:
    """W1-W7 on one isolating run sequence, in place (BN already removed)."""
    previous = sos
    for index, kind in enumerate(types):  # W1
        if kind == "NSM":
            types[index] = "ON" if previous in _ISOLATE_OPEN or previous == "PDI" else previous
        previous = types[index]
    last_strong = sos
    for index, kind in enumerate(types):  # W2, W3
        if kind in ("L", "R", "AL"):
            last_strong = kind
        elif kind == "EN" and last_strong == "AL":
            types[index] = "AN"
    for index, kind in enumerate(types):
        if kind == "AL":
            types[index] = "R"
    for index in range(1, len(types) - 1):  # W4
        before, kind, after = types[index - 1], types[index], types[index + 1]
        if kind == "ES" and before == after == "EN":
            types[index] = "EN"
        elif kind == "CS" and before == after and before in ("EN", "AN"):
            types[index] = before
    index = 0
    while index < len(types):  # W5
        if types[index] == "ET":
            end = index
            while end < len(types) and types[end] == "ET":
                end += 1
            if (index > 0 and types[index - 1] == "EN") or (end < len(types) and types[end] == "EN"):
                types[index:end] = ["EN"] * (end - index)
            index = end
        else:
            index += 1
    for index, kind in enumerate(types):  # W6
        if kind in ("ES", "ET", "CS"):
            types[index] = "ON"
    last_strong = sos
    for index, kind in enumerate(types):  # W7
        if kind in ("L", "R"):
            last_strong = kind
        elif kind == "EN" and last_strong == "L":
            types[index] = "L"


def _bracket_pairs(chars: Sequence[str], types: Sequence[str]) -> list[tuple[int, int]]:
    """BD16: the bracket pairs of a run sequence, sorted by opening position."""
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for index, char in enumerate(chars):
        if types[index] != "ON":
            continue
        char = _BRACKET_ALIAS.get(char, char)
        if char in _BRACKETS:
            if len(stack) == _MAX_BRACKET_DEPTH:
                break
            stack.append((_BRACKET_ALIAS.get(_BRACKETS[char], _BRACKETS[char]), index))
        elif char in _CLOSING:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == char:
                    pairs.append((stack[depth][1], index))
                    del stack[depth:]
                    break
    return sorted(pairs)


def _resolve_brackets(chars: Sequence[str], types: list[str], original: Sequence[str], level: int, sos: str) -> None:
    """N0: bracket pairs take the embedding direction or the context's, in place."""
    embedding = "R" if level % 2 else "L"
    for opening, closing in _bracket_pairs(chars, types):
        inside = {_strong_direction(kind) for kind in types[opening + 1 : closing]} - {None}
        if not inside:
            continue
        if embedding in inside:
            direction = embedding
        else:
            context = sos
            for index in range(opening - 1, -1, -1):
                found = _strong_direction(types[index])
                if found:
                    context = found
                    break
            direction = context if context != embedding else embedding
        for index in (opening, closing):
            types[index] = direction
            follower = index + 1
            while follower < len(types) and original[follower] == "NSM":
                types[follower] = direction
                follower += 1


def _resolve_neutrals(types: list[str], level: int, sos: str) -> None:
    """N1-N2, in place."""
    embedding = "R" if level % 2 else "L"
    index = 0
    while index < len(types):
        if types[index] not in _NEUTRAL:
            index += 1
            continue
        end = index
        while end < len(types) and types[end] in _NEUTRAL:
            end += 1
        before = _strong_direction(types[index - 1]) if index > 0 else sos
        after = _strong_direction(types[end]) if end < len(types) else sos
        direction = before if before == after and before is not None else embedding
        types[index:end] = [direction] * (end - index)
        index = end


def resolve_levels(text: str, *, paragraph: int) -> list[int]:
    """The embedding level of every character of one line of ``text`` (after L1)."""
    if not text:
        return []
    original = [bidi_class(char) for char in text]
    kept = [index for index, kind in enumerate(original) if kind not in _REMOVED]
    chars = [text[index] for index in kept]
    types = [original[index] for index in kept]
    kept_original = list(types)
    sos = "R" if paragraph % 2 else "L"
    _resolve_weak(types, sos)
    _resolve_brackets(chars, types, kept_original, paragraph, sos)
    _resolve_neutrals(types, paragraph, sos)
    levels = [0] * len(text)
    for position, index in enumerate(kept):
        kind = types[position]
        if paragraph % 2 == 0:
            levels[index] = paragraph + (1 if kind == "R" else 2 if kind in ("AN", "EN") else 0)
        else:
            levels[index] = paragraph + (1 if kind in ("L", "EN", "AN") else 0)
    # Removed characters (X9) take the level of the character before them (or the paragraph's).
    previous_level = paragraph
    kept_set = set(kept)
    for index in range(len(text)):
        if index in kept_set:
            previous_level = levels[index]
        else:
            levels[index] = previous_level
    # L1: trailing white space (and isolates, removed characters) goes back to the paragraph level.
    for index in range(len(text) - 1, -1, -1):
        if original[index] in ("WS", "B", "S") or original[index] in _REMOVED or original[index] in _ISOLATE_OPEN \
                or original[index] == "PDI":
            levels[index] = paragraph
        else:
            break
    for index, kind in enumerate(original):
        if kind in ("S", "B"):
            levels[index] = paragraph
    return levels


def visual_order(levels: Sequence[int]) -> list[int]:
    """L2: the logical indices of items with these levels, in left-to-right visual order."""
    order = list(range(len(levels)))
    if not levels:
        return order
    highest = max(levels)
    lowest_odd = min(level for level in levels) | 1
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(order):
            if levels[order[index]] >= level:
                end = index
                while end < len(order) and levels[order[end]] >= level:
                    end += 1
                order[index:end] = reversed(order[index:end])
                index = end
            else:
                index += 1
    return order
