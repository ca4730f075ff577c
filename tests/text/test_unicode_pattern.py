"""The text stage's Unicode patterns: each ``re`` twin that answers for ASCII text answers as its
``regex`` pattern does, on every ASCII character and on generated ASCII strings; an ASCII title
renders without importing ``regex`` and a title in another script still uses it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import renderer.text.fit
import renderer.text.hyphenate
import renderer.text.itemize
import renderer.text.legibility
import renderer.text.line_layout
import renderer.text.segment
import renderer.text.typeset  # noqa: F401 (their patterns are the ones checked)
from renderer.text.unicode_pattern import UnicodePattern, every_pattern

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = every_pattern()
ASCII = [chr(code) for code in range(128)]
ascii_text = st.text(alphabet=st.sampled_from(ASCII), max_size=40)


def _found(pattern: UnicodePattern, text: str, *, full: bool) -> list[tuple[tuple[int, int], str | None]]:
    compiled = pattern.full() if full else pattern.ascii_twin()
    if compiled is None:
        return []
    return [(match.span(), match.lastgroup) for match in compiled.finditer(text)]


def test_the_text_stage_has_its_patterns_here() -> None:
    assert len(PATTERNS) >= 30
    assert all(pattern.full() is not None for pattern in PATTERNS)  # every pattern compiles with regex


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda pattern: pattern.pattern[:40])
def test_each_twin_matches_the_same_ascii_characters(pattern: UnicodePattern) -> None:
    for char in ASCII:
        assert _found(pattern, char, full=False) == _found(pattern, char, full=True), repr(char)
        assert bool(pattern.match(char)) == bool(pattern.full().match(char)), repr(char)


@given(texts=st.lists(ascii_text, min_size=len(PATTERNS), max_size=len(PATTERNS)))
def test_each_twin_finds_the_same_spans_and_groups_in_ascii_text(texts: list[str]) -> None:
    for pattern, text in zip(PATTERNS, texts, strict=True):
        assert _found(pattern, text, full=False) == _found(pattern, text, full=True), (pattern, text)
        assert pattern.findall(text) == pattern.full().findall(text), (pattern, text)
        assert pattern.sub("#", text) == pattern.full().sub("#", text), (pattern, text)
        assert bool(pattern.search(text)) == bool(pattern.full().search(text)), (pattern, text)


def test_text_with_other_characters_goes_to_regex() -> None:
    grapheme = next(pattern for pattern in PATTERNS if pattern.pattern == r"\X")
    assert grapheme.findall("e\u0301!") == ["e\u0301", "!"]  # a combining accent stays with its letter
    han = next(pattern for pattern in PATTERNS if pattern.pattern == r"\p{Script=Han}")
    assert han.findall("Python 是") == ["是"]


@pytest.mark.slow  # a new interpreter
@pytest.mark.parametrize(("title", "imported"), [("Why your code is slow", False), ("为什么你的代码很慢", True)])
def test_an_ascii_title_renders_without_importing_regex(title: str, imported: bool, tmp_path: Path) -> None:
    probe = ("import sys\n"
             "from renderer import Renderer\n"
             f"thumbnail = Renderer(cache_dir={str(tmp_path)!r}).render({title!r})\n"
             "assert thumbnail.width_px == 1280\n"
             "print('regex' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(imported)]
