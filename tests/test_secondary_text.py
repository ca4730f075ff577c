"""``subtitle`` and ``badge`` through every interface: Python (``Renderer.render``, ``generate``), the
command line, a batch CSV and the HTTP server (and its OpenAPI schema); drawn where a layout has a
place for them, a warning where it has none, refused with a clear message when too long."""

from __future__ import annotations

import base64
import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from renderer import InputError, generate
from renderer.request import MAX_BADGE_CHARS, MAX_SUBTITLE_CHARS, parse_request

ROOT = Path(__file__).resolve().parents[1]
TITLE = "Why your Python code is slow"


def texts_of(thumbnail) -> list[str]:
    return [" ".join(segment.text for line in text.lines for segment in line.segments) for text in thumbnail.plan.texts]


def test_the_renderer_draws_the_subtitle_and_the_badge_where_the_layout_has_them(renderer):
    thumbnail = renderer.render(TITLE, layout="youtube-bold", subtitle="And how to fix it", badge="Ep 14")
    drawn = texts_of(thumbnail)
    assert drawn[0] == "EP 14"  # the badge above the title, upper-cased by the layout
    assert drawn[-1] == "And how to fix it"
    assert thumbnail.warnings == ()
    badge, title, subtitle = thumbnail.plan.texts
    assert badge.ink.bottom < title.ink.y and title.ink.bottom < subtitle.ink.y  # stacked, in order
    assert all(text.contrast_ratio >= 4.5 for text in thumbnail.plan.texts)


def test_every_design_has_a_place_for_both(renderer):
    thumbnail = renderer.render("Rust vs Go", layout="youtube-versus", badge="NEW", subtitle="Which is faster")
    assert "NEW" in texts_of(thumbnail) and "Which is faster" in texts_of(thumbnail)
    quote = renderer.render('"Stay hungry" — Steve Jobs', layout="youtube-quote", subtitle="Stanford, 2005")
    assert texts_of(quote)[-1] == "STANFORD, 2005"  # the subtitle names the speaker
    listicle = renderer.render("7 tips", layout="youtube-listicle", badge="NEW")
    assert listicle.warnings == () and texts_of(listicle)[1] == "NEW"


def test_a_custom_layout_without_a_subtitle_warns(tmp_path):
    from renderer import Renderer

    (tmp_path / "plain.yaml").write_text(
        "name: plain\nformat: youtube\nsize: {width: 1280, height: 720}\nlayers:\n"
        "  - {kind: background, fill: '#101010'}\n"
        "  - {kind: text, box: {x: 80, y: 80, width: 1120, height: 560}, size_px: {min: 40, max: 160}}\n", encoding="utf-8")
    thumbnail = Renderer(layouts_dir=tmp_path).render(TITLE, layout="plain", subtitle="A subtitle", badge="NEW")
    assert thumbnail.warnings == ("layout plain has no place for a subtitle: it was not drawn",
                                  "layout plain has no place for a badge: it was not drawn")
    assert texts_of(thumbnail) == [TITLE]


def test_a_stack_without_room_leaves_an_item_out_with_a_warning(tmp_path):
    from renderer import Renderer

    (tmp_path / "tight.yaml").write_text(
        "name: tight\nformat: youtube\nsize: {width: 1280, height: 720}\nlayers:\n"
        "  - {kind: background, fill: '#101010'}\n"
        "  - kind: stack\n    box: {x: 80, y: 80, width: 600, height: 150}\n    items:\n"
        "    - {size_px: {min: 60, max: 120}, max_lines: 2, grow: true}\n"
        "    - {text: '{{ subtitle }}', font: body, size_px: {min: 40, max: 40}, max_lines: 2}\n", encoding="utf-8")
    thumbnail = Renderer(layouts_dir=tmp_path).render("A title that needs two lines here", layout="tight",
                                                      subtitle="A subtitle that takes room too")
    assert len(thumbnail.plan.texts) == 1  # the title alone
    assert thumbnail.warnings == ("stack layer 1 has no room for 'A subtitle that takes room too' (item 1) beside the rest: it was not drawn",)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("badge", "A badge far too long", f"badge must be at most {MAX_BADGE_CHARS} characters, got 20"),
    ("subtitle", "x" * (MAX_SUBTITLE_CHARS + 1), f"subtitle must be at most {MAX_SUBTITLE_CHARS} characters, got {MAX_SUBTITLE_CHARS + 1}"),
    ("badge", 14, "badge must be a string"),
])
def test_too_long_or_wrong_values_are_input_errors(renderer, field, value, message):
    with pytest.raises(InputError, match=message) as caught:
        parse_request({"title": TITLE, field: value})
    assert caught.value.field == field
    if isinstance(value, str):
        with pytest.raises(InputError, match=message):
            renderer.render(TITLE, **{field: value})


def test_blank_secondary_texts_are_no_texts():
    request = parse_request({"title": TITLE, "subtitle": "  \n ", "badge": None})
    assert (request.subtitle, request.badge) == ("", "")
    assert parse_request({"title": TITLE, "badge": " new\tone "}).badge == "new one"


def test_generate_takes_them_and_they_change_the_image():
    plain = generate(TITLE, layout="youtube-bold")
    with_badge = generate(TITLE, layout="youtube-bold", badge="NEW", subtitle="And how to fix it")
    assert plain["image"] != with_badge["image"]
    assert with_badge["dimensions"] == {"width": 1280, "height": 720}


def test_the_command_line_takes_subtitle_and_badge(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "renderer.cli", "render", TITLE, "--subtitle", "And how to fix it", "--badge", "NEW",
         "-o", "out.png", "--plan", "plan.json"],
        cwd=tmp_path, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    plan = (tmp_path / "plan.json").read_text(encoding="utf-8")
    assert '"text": "NEW"' in plan and '"text": "And how to fix it"' in plan
    too_long = subprocess.run(
        [sys.executable, "-m", "renderer.cli", "render", TITLE, "--badge", "FAR TOO LONG A BADGE", "-o", "bad.png"],
        cwd=tmp_path, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert too_long.returncode == 2
    assert too_long.stderr.strip() == "thumbkit: badge must be at most 12 characters, got 20: 'FAR TOO LONG A BADGE'"


def test_a_batch_csv_has_subtitle_and_badge_columns(tmp_path):
    from renderer import run_batch

    path = tmp_path / "titles.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "Subtitle", "badge", "filename", "layout", "outputFormat"])
        writer.writerow([TITLE, "", "", "plain.png", "youtube-bold", "png"])
        writer.writerow([TITLE, "And how to fix it", "NEW", "with.png", "youtube-bold", "png"])
        writer.writerow([TITLE, "", "WAY TOO LONG BADGE", "bad.png", "youtube-bold", "png"])
    summary = run_batch(path, out_dir=tmp_path / "out", workers=0)
    assert (summary.rendered, summary.failed) == (2, 1)
    plain = Image.open(tmp_path / "out" / "plain.png").convert("RGB")
    with_texts = Image.open(tmp_path / "out" / "with.png").convert("RGB")
    assert plain.tobytes() != with_texts.tobytes()
    failures = (tmp_path / "out" / "failures.csv").read_text(encoding="utf-8")
    assert "badge must be at most 12 characters" in failures


def test_the_server_takes_them_and_documents_them(tmp_path):
    from fastapi.testclient import TestClient

    from renderer.server import ServerSettings, create_app
    from renderer.server.keys import load_or_create_keys

    settings = ServerSettings(data_dir=tmp_path)
    key = load_or_create_keys(settings, {}).keys[0]
    with TestClient(create_app(settings)) as client:
        headers = {"x-api-key": key}
        plain = client.post("/v1/generate", json={"title": TITLE, "layout": "youtube-bold"}, headers=headers)
        with_texts = client.post("/v1/generate", json={"title": TITLE, "layout": "youtube-bold", "subtitle": "And how",
                                                       "badge": "NEW"}, headers=headers)
        too_long = client.post("/v1/generate", json={"title": TITLE, "badge": "WAY TOO LONG BADGE"}, headers=headers)
    assert plain.status_code == with_texts.status_code == 200
    assert plain.json()["id"] != with_texts.json()["id"]  # a different image, stored under its own key
    image = Image.open(io.BytesIO(base64.b64decode(with_texts.json()["image"].split(",", 1)[1])))
    assert image.size == (1280, 720)
    assert too_long.status_code == 422
    assert too_long.json() == {"error": "badge must be at most 12 characters, got 18: 'WAY TOO LONG BADGE'"}
    from renderer import Renderer
    from renderer.server.openapi_bodies import generate_body  # what /openapi.json publishes for the body

    properties = generate_body(Renderer())["properties"]
    assert properties["badge"]["anyOf"][0]["maxLength"] == MAX_BADGE_CHARS
    assert properties["subtitle"]["anyOf"][0]["maxLength"] == MAX_SUBTITLE_CHARS
