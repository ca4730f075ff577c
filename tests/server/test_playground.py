"""The playground page in a real headless Chromium driven by playwright (Debian's ``chromium``, or
playwright's own browser when one was installed; on a machine with neither the module skips, see
tests/external_tools.py): type a title, pick format, layout and kit, see the thumbnail and
the gallery; and the offline API docs page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from renderer.server.launcher import ServerProcess, start_server
from tests.external_tools import chromium_or_skip

pytestmark = pytest.mark.slow  # a real server process and a headless browser

CHROMIUM = chromium_or_skip()

KEY = "playground-key"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "_failures" / "playground"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("data"), ["--rate-limit", "1000"], env={"THUMBKIT_API_KEYS": KEY})
    yield process
    assert process.stop(), process.output()


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_FLAGS, viewport={"width": 1200, "height": 1400},
        )
        yield context
        context.close()


def test_type_a_title_pick_options_and_see_the_thumbnail(server: ServerProcess, browser_context) -> None:  # noqa: ANN001
    page = browser_context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{server.url}/")
    page.fill("#api-key", KEY)
    page.dispatch_event("#api-key", "change")
    page.wait_for_selector("#kit option[value=default]", state="attached", timeout=15_000)
    page.select_option("#format", "instagram")
    page.wait_for_selector("#layout option[value=instagram-bold]", state="attached", timeout=15_000)
    page.select_option("#layout", "instagram-bold")
    page.select_option("#kit", "default")
    page.fill("#title", "Ten tiny habits that changed my mornings")
    page.click("#generate")
    page.wait_for_function("document.querySelector('#result-image').naturalWidth > 0", timeout=30_000)
    size = page.evaluate("[document.querySelector('#result-image').naturalWidth, document.querySelector('#result-image').naturalHeight]")
    info = page.inner_text("#result-info")
    page.wait_for_function("[...document.querySelectorAll('#gallery img')].some(i => i.complete && i.naturalWidth === 1080)", timeout=15_000)
    captions = page.locator("#gallery figcaption").all_inner_texts()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "generated.png"), full_page=True)
    assert size == [1080, 1080]
    assert "instagram 1080×1080 webp, rendered" in info
    assert "· quality " in info and "/100" in info  # the judge's score beside the result
    assert any("instagram-bold" in caption and "Ten tiny habits" in caption for caption in captions), captions
    assert page.is_hidden("#error")
    assert problems == []

    page.click("#generate")  # the same request again comes from the store
    page.wait_for_function("document.querySelector('#result-info').textContent.includes('from the store')", timeout=30_000)
    page.close()


def test_a_wrong_key_shows_thumbapis_message(server: ServerProcess, browser_context) -> None:  # noqa: ANN001
    page = browser_context.new_page()
    page.goto(f"{server.url}/")
    page.fill("#api-key", "not-the-key")
    page.fill("#title", "Will not render")
    page.click("#generate")
    page.wait_for_selector("#error:not([hidden])", timeout=15_000)
    assert page.inner_text("#error") == "Invalid API key"
    assert page.get_attribute("#result", "hidden") is not None
    page.close()


def test_api_docs_render_without_network(server: ServerProcess, browser_context) -> None:  # noqa: ANN001
    page = browser_context.new_page()
    page.goto(f"{server.url}/docs")
    page.wait_for_selector(".opblock-summary-path[data-path=\"/v1/generate\"]", timeout=30_000)
    assert page.locator(".opblock").count() >= 7
    page.close()
