"""`thumbkit preview` without a browser: a real preview process, its event stream read with httpx.
Saving the file renders again (new image bytes); a broken save shows the problem with
file:line:column and keeps the last good render; a kit file works the same way."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from renderer.paths import data_dir
from renderer.server.launcher import ServerProcess
from renderer.preview.events import rendered, states, wait_for
from tests.preview.layout_edits import broken, recoloured
from tests.preview.preview_process import start_preview

pytestmark = pytest.mark.slow  # a real preview process

EVENT_TIMEOUT_S = 60.0  # generous: a busy machine renders slowly; a working preview answers in about a second


@pytest.fixture
def layout_file(tmp_path: Path) -> Path:
    folder = tmp_path / "layouts"
    folder.mkdir()
    text = (data_dir("layouts") / "youtube-bold.yaml").read_text(encoding="utf-8").replace("name: youtube-bold", "name: mine")
    path = folder / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def preview(layout_file: Path, tmp_path: Path) -> Iterator[ServerProcess]:
    titles = tmp_path / "titles.txt"
    titles.write_text("Stop doing this\n\n7 *habits* that changed how I work\n", encoding="utf-8")
    process = start_preview([str(layout_file), "--titles", str(titles)], env={"THUMBKIT_LAYOUTS_DIR": str(tmp_path / "none")})
    yield process
    assert process.stop(), process.output()


def test_saving_renders_again_and_a_broken_save_keeps_the_last_good_render(preview: ServerProcess, layout_file: Path) -> None:
    stream = states(preview.url, timeout=EVENT_TIMEOUT_S)
    first = wait_for(stream, rendered(1), within=EVENT_TIMEOUT_S)
    assert first["error"] is None and first["kind"] == "layout" and first["kit"] == "default"
    images = first["render"]["images"]
    assert [(i["title"], i["layout"], i["width"], i["feedWidth"], i["feedHeight"]) for i in images] == [
        ("Stop doing this", "mine", 1280, 168, 94), ("7 *habits* that changed how I work", "mine", 1280, 168, 94)]
    assert all(i["debug"] and i["texts"] and i["texts"][0]["feedSizePx"] < i["texts"][0]["sizePx"] for i in images)
    assert all(0 <= i["quality"]["score"] <= 100 and isinstance(i["quality"]["findings"], list) for i in images)
    before = {kind: httpx.get(preview.url + images[0][kind]).content for kind in ("clean", "debug", "feed")}
    assert before["clean"][:2] == b"\xff\xd8" and before["feed"][:4] == b"\x89PNG" and before["clean"] != before["debug"]

    text = layout_file.read_text(encoding="utf-8")
    layout_file.write_text(recoloured(text), encoding="utf-8")
    second = wait_for(stream, rendered(2), within=EVENT_TIMEOUT_S)
    assert second["error"] is None
    after = httpx.get(preview.url + second["render"]["images"][0]["clean"]).content
    assert after[:2] == b"\xff\xd8" and after != before["clean"]

    broken_text, line = broken(text)
    layout_file.write_text(broken_text, encoding="utf-8")
    failed = wait_for(stream, lambda s: s["error"] is not None and not s["rendering"], within=EVENT_TIMEOUT_S)
    assert failed["render"]["generation"] == 2  # the last good render stays ...
    assert [(p["file"], p["line"], p["column"], p["where"]) for p in failed["error"]["problems"]] == [
        ("layouts/mine.yaml", line, 3, "layers[0].colour")]
    assert failed["error"]["problems"][0]["text"].startswith(f"layouts/mine.yaml:{line}:3: layers[0].colour: unknown key; allowed: kind, fill, ")
    kept = httpx.get(preview.url + second["render"]["images"][0]["clean"])  # ... and its images are served
    assert kept.status_code == 200 and kept.content == after

    layout_file.write_text(text, encoding="utf-8")  # fixed: a new render, the error gone
    third = wait_for(stream, rendered(3), within=EVENT_TIMEOUT_S)
    assert third["error"] is None
    assert httpx.get(preview.url + "/images/1/0/clean.jpg").status_code == 404  # only the last two renders are kept


def test_the_state_the_page_and_the_titles_file(preview: ServerProcess, tmp_path: Path) -> None:
    stream = states(preview.url, timeout=EVENT_TIMEOUT_S)
    wait_for(stream, rendered(1), within=EVENT_TIMEOUT_S)
    state = httpx.get(preview.url + "/state").json()
    assert state["render"]["generation"] == 1 and state["file"].endswith("mine.yaml")
    with httpx.stream("GET", preview.url + "/events", timeout=30) as events:
        assert events.headers["content-type"].startswith("text/event-stream")
        assert events.headers["cache-control"] == "no-store"
    page = httpx.get(preview.url)
    assert page.status_code == 200 and "/static/preview.js" in page.text
    assert httpx.get(preview.url + "/static/preview.js").status_code == 200
    assert httpx.get(preview.url + "/images/1/0/other.jpg").status_code == 404

    (tmp_path / "titles.txt").write_text("A brand new title\n", encoding="utf-8")  # the titles file is watched too
    second = wait_for(stream, rendered(2), within=EVENT_TIMEOUT_S)
    assert [image["title"] for image in second["render"]["images"]] == ["A brand new title"]


def test_a_kit_file_renders_with_its_layouts_and_its_problems_show(tmp_path: Path) -> None:
    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "default", kits / "acme")
    kit_file = kits / "acme" / "kit.yaml"
    text = kit_file.read_text(encoding="utf-8") + "layouts: [youtube-listicle, x-bold]\n"
    kit_file.write_text(text, encoding="utf-8")
    preview = start_preview([str(kit_file)], env={"THUMBKIT_LAYOUTS_DIR": str(tmp_path / "none")})
    try:
        stream = states(preview.url, timeout=EVENT_TIMEOUT_S)
        first = wait_for(stream, rendered(1), within=EVENT_TIMEOUT_S)
        assert (first["kind"], first["kit"]) == ("kit", "acme")
        assert [(i["layout"], i["format"]) for i in first["render"]["images"]] == [("youtube-listicle", "youtube")] * 4 + [("x-bold", "x")] * 4
        assert all(i["debug"] is None and i["kit"] == "acme" for i in first["render"]["images"])
        kit_file.write_text(text.replace('accent: "#ffcc00"', 'accent: "#12345"'), encoding="utf-8")
        failed = wait_for(stream, lambda s: s["error"] is not None and not s["rendering"], within=EVENT_TIMEOUT_S)
        assert [p["text"] for p in failed["error"]["problems"]] == [
            "kits/acme/kit.yaml:9:3: palette.accent: '#12345' is not a colour (#rgb, #rgba, #rrggbb, #rrggbbaa, white, black or transparent)"]
        kit_file.write_text(text.replace('accent: "#ffcc00"', 'accent: "#00ccff"'), encoding="utf-8")
        second = wait_for(stream, rendered(2), within=EVENT_TIMEOUT_S)
        urls = [first["render"]["images"][0]["clean"], second["render"]["images"][0]["clean"]]
        assert httpx.get(preview.url + urls[0]).content != httpx.get(preview.url + urls[1]).content
    finally:
        assert preview.stop(), preview.output()
