"""The playground page in a real headless Chromium driven by playwright (Debian's ``chromium``, or
playwright's own browser when one was installed; on a machine with neither the module skips, see
tests/external_tools.py): type a title, pick format, layout and kit, see the thumbnail and
the gallery; and the offline API docs page."""

from __future__ import annotations

import base64
import io
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

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


# -- every request field ---------------------------------------------------------------------------
FORM_FIELDS = {"format", "layout", "customAssetsId", "outputFormat", "category", "model", "headline", "subtitle", "badge",
               "language", "photoImage", "usePhoto", "logoImage", "useLogo", "backgroundImage", "variants"}
TEXT_VALUES = {"headline": "Habits", "subtitle": "A morning routine", "badge": "NEW", "language": "en"}


def accepted_fields(server: ServerProcess) -> set[str]:
    with urllib.request.urlopen(f"{server.url}/openapi.json", timeout=10) as answer:
        body = json.loads(answer.read())["paths"]["/v1/generate"]["post"]["requestBody"]["content"]["application/json"]
    return set(body["schema"]["properties"])


def open_playground(server: ServerProcess, browser_context):  # noqa: ANN001, ANN201
    page = browser_context.new_page()
    page.goto(f"{server.url}/")
    page.fill("#api-key", KEY)
    page.dispatch_event("#api-key", "change")
    page.wait_for_selector("#category option[value=tech-saas]", state="attached", timeout=15_000)
    return page


def test_every_field_is_offered_and_only_those_the_server_takes_are_sent(server: ServerProcess, browser_context,  # noqa: ANN001
                                                                          tmp_path: Path) -> None:
    accepted = accepted_fields(server)
    page = open_playground(server, browser_context)
    offered = {name: page.eval_on_selector(f"[data-field={name}]", "w => [...w.querySelectorAll('input, select')]"
                                           ".filter(i => i.closest('[data-field]') === w).every(i => i.disabled)")
               for name in page.eval_on_selector_all("[data-field]", "ws => ws.map(w => w.dataset.field)")}
    assert set(offered) == FORM_FIELDS
    assert {name for name, disabled in offered.items() if not disabled} == FORM_FIELDS & accepted
    greyed = sorted(FORM_FIELDS - accepted)
    assert page.is_visible("#unavailable") == bool(greyed)

    logo = tmp_path / "logo.png"
    marked = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    marked.paste((255, 255, 255, 255), (20, 20, 180, 60))
    marked.save(logo)
    page.fill("#title", "Ten tiny habits that changed my mornings")
    page.select_option("#category", "tech-saas")
    page.select_option("#model", "hd")
    page.set_input_files("#logo", str(logo))
    for field, value in TEXT_VALUES.items():
        if field in accepted:
            page.fill(f"#{field}", value)
    if "variants" in accepted:
        page.fill("#variants", "2")
    if "backgroundImage" in accepted:
        picture = tmp_path / "picture.jpg"
        Image.linear_gradient("L").resize((1280, 720)).convert("RGB").save(picture, quality=90)
        page.set_input_files("#background", str(picture))
    with page.expect_request(lambda request: request.url.endswith("/v1/generate")) as caught:
        page.click("#generate")
    sent = caught.value.post_data_json
    page.wait_for_function("document.querySelector('#result-image').naturalWidth > 0", timeout=60_000)
    expected = {"title", "format", "layout", "customAssetsId", "outputFormat", "category", "model", "logoImage",
                *(TEXT_VALUES.keys() & accepted), *({"variants", "backgroundImage"} & accepted)}
    assert set(sent) == expected, sent
    assert sent["category"] == "tech-saas" and sent["model"] == "hd" and sent["logoImage"].startswith("data:image/png;base64,")
    if "backgroundImage" in accepted:
        assert sent["backgroundImage"].startswith("data:image/jpeg;base64,")
    assert page.evaluate("document.querySelector('#result-image').naturalWidth") == 2560  # hd
    if "variants" in accepted:
        page.wait_for_selector("#variants-list figure >> nth=1", timeout=30_000)
    assert page.is_hidden("#error"), page.inner_text("#error")
    page.screenshot(path=str(SCREENSHOTS / "every-field.png"), full_page=True)
    page.close()


def test_variants_show_side_by_side_with_their_scores_and_findings(server: ServerProcess, browser_context) -> None:  # noqa: ANN001
    """The page's handling of the response's variants and quality report, whatever this server
    answers today: the answer is given by the test (as POST /v1/generate documents it)."""
    pixel = "data:image/png;base64," + base64.b64encode(_png(1280, 720, (30, 60, 120))).decode()
    other = "data:image/png;base64," + base64.b64encode(_png(1280, 720, (120, 40, 40))).decode()
    finding = {"code": "safe_zone_badge", "message": "text under the duration badge", "value": 0.12, "limit": 0.0, "severity": "fail"}
    answer = {
        "image": pixel, "format": "youtube", "outputFormat": "png", "dimensions": {"width": 1280, "height": 720},
        "id": "a" * 64, "url": f"{server.url}/v1/images/{'a' * 64}",
        "quality": {"score": 92, "passed": True, "findings": [{**finding, "code": "orphan", "message": "one word alone", "severity": "warn"}]},
        "variants": [
            {"image": pixel, "layout": "youtube-bold", "score": 92, "id": "a" * 64, "url": "/v1/images/" + "a" * 64},
            {"image": other, "layout": "youtube-minimal", "score": 70, "id": "b" * 64, "url": "/v1/images/" + "b" * 64,
             "quality": {"score": 70, "passed": False, "findings": [finding]}},
        ],
    }
    page = open_playground(server, browser_context)
    page.route("**/v1/generate", lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(answer)))
    page.fill("#title", "Any title")
    page.click("#generate")
    page.wait_for_selector("#variants-list figure >> nth=1", timeout=15_000)
    captions = page.locator("#variants-list figcaption").all_inner_texts()
    assert captions[0].startswith("#1 · youtube-bold · score 92") and "orphan: one word alone" in captions[0]
    assert captions[1].startswith("#2 · youtube-minimal · score 70") and "safe_zone_badge: text under the duration badge" in captions[1]
    boxes = [page.locator("#variants-list figure").nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]  # side by side
    assert page.inner_text("#result-info").endswith("· quality 92/100 (orphan)")
    assert page.inner_text("#quality p") == "Every check passes; worth a look:"
    assert page.locator("#quality li").all_inner_texts() == ["orphan: one word alone"]
    page.close()


def test_the_gallery_says_which_key_it_lists(server: ServerProcess, browser_context) -> None:  # noqa: ANN001
    page = open_playground(server, browser_context)
    page.wait_for_function("document.querySelector('#gallery-scope').textContent.length > 0", timeout=15_000)
    assert page.inner_text("#gallery-scope") == (f"The images of the key ending in …{KEY[-4:]} (its renders and the answers "
                                                  "it got), newest first.")
    page.close()


def _png(width: int, height: int, color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()
