"""The preview page in a real headless Chromium driven by playwright (skipped, in one line, where
there is none: tests/external_tools.py): edit the file, the new image appears; a broken edit shows
the problem with file:line:column and keeps the old image. Screenshots go to tests/_failures/preview/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from renderer.paths import data_dir
from tests.external_tools import chromium_or_skip
from renderer.server.launcher import ServerProcess
from tests.preview.layout_edits import broken, recoloured
from tests.preview.preview_process import start_preview
from tests.server.test_playground import CHROMIUM_FLAGS

pytestmark = pytest.mark.slow  # a real preview process and a headless browser

CHROMIUM = chromium_or_skip()
SCREENSHOTS = Path(__file__).resolve().parents[1] / "_failures" / "preview"
WAIT_MS = 60_000  # a busy machine renders slowly; a working preview answers in about a second


@pytest.fixture
def layout_file(tmp_path: Path) -> Path:
    folder = tmp_path / "layouts"
    folder.mkdir()
    path = folder / "mine.yaml"
    path.write_text((data_dir("layouts") / "youtube-bold.yaml").read_text(encoding="utf-8").replace("name: youtube-bold", "name: mine"),
                    encoding="utf-8")
    return path


@pytest.fixture
def preview(layout_file: Path, tmp_path: Path) -> Iterator[ServerProcess]:
    process = start_preview([str(layout_file)], env={"THUMBKIT_LAYOUTS_DIR": str(tmp_path / "none")})
    yield process
    assert process.stop(), process.output()


@pytest.fixture
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_FLAGS, viewport={"width": 1300, "height": 1000},
        )
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        yield page
        context.close()
        assert problems == []


def images_loaded(generation: int) -> str:
    return (f"document.body.dataset.generation === '{generation}' && [...document.querySelectorAll('#renders img')]"
            ".every(i => i.complete && i.naturalWidth > 0)")


def full_sources(page) -> list[str]:  # noqa: ANN001
    return page.eval_on_selector_all("img.full", "images => images.map(i => i.getAttribute('src'))")


def test_an_edit_shows_the_new_image_and_a_broken_edit_keeps_it(preview: ServerProcess, layout_file: Path, page) -> None:  # noqa: ANN001
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(preview.url + "/")
    page.wait_for_function(images_loaded(1), timeout=WAIT_MS)
    assert page.locator("article.render").count() == 4  # short, long, a number, Arabic
    assert full_sources(page) == [f"/images/1/{i}/debug.jpg" for i in range(4)]
    feed = page.eval_on_selector("figure.feed img", "i => [i.naturalWidth, i.naturalHeight]")
    assert feed == [168, 94]
    assert page.inner_text("figure.feed figcaption") == "in the feed: YouTube's 168 px sidebar (168×94)"
    assert page.inner_text(".quality p").startswith("quality ")  # the judge's score, its findings below
    assert page.is_hidden("#problems")
    page.screenshot(path=str(SCREENSHOTS / "1-rendered.png"), full_page=True)

    page.uncheck("#overlay")  # the overlay toggles without a new render
    assert full_sources(page) == [f"/images/1/{i}/clean.jpg" for i in range(4)]
    page.check("#overlay")

    text = layout_file.read_text(encoding="utf-8")
    layout_file.write_text(recoloured(text), encoding="utf-8")
    page.wait_for_function(images_loaded(2), timeout=WAIT_MS)
    assert full_sources(page) == [f"/images/2/{i}/debug.jpg" for i in range(4)]
    page.screenshot(path=str(SCREENSHOTS / "2-edited.png"), full_page=True)

    broken_text, line = broken(text)
    layout_file.write_text(broken_text, encoding="utf-8")
    page.wait_for_selector("#problems:not([hidden])", timeout=WAIT_MS)
    problems = page.locator("#problem-list li").all_inner_texts()
    assert len(problems) == 1 and problems[0].startswith(f"layouts/mine.yaml:{line}:3: layers[0].colour: unknown key"), problems
    assert page.evaluate(images_loaded(2))  # the last good images stay
    assert full_sources(page) == [f"/images/2/{i}/debug.jpg" for i in range(4)]
    page.screenshot(path=str(SCREENSHOTS / "3-broken.png"), full_page=True)

    layout_file.write_text(text, encoding="utf-8")
    page.wait_for_function(images_loaded(3), timeout=WAIT_MS)
    assert page.is_hidden("#problems")
