"""The title over a picture, end to end: real photos (scikit-image's samples, shipped with it) as
backgrounds in every format; the title never covers a face found in the output and reads at 4.5:1
measured on the output's pixels; kit backgrounds; every interface (Python, generate, CLI, CSV,
server); bad and hostile pictures; the layout schema's picture block."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from renderer import InputError, Renderer, SpecError, generate
from renderer.colors import luminance_array, parse_color, relative_luminance
from renderer.formats import FORMAT_NAMES
from renderer.compose.placement import find_picture_faces

ROOT = Path(__file__).resolve().parents[1]
PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field")
TITLES = ("Why your *Python* code is slow", "I quit my job to travel the world for a year and this is what it cost")


def photo(name: str) -> Image.Image:
    from skimage import data  # the sample files ship inside scikit-image: nothing is downloaded

    return Image.fromarray(getattr(data, name)()).convert("RGB")


def jpeg(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, **options)
    return buffer.getvalue()


def decoded(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def plain_text_pixels(output: Image.Image, text) -> tuple[np.ndarray, np.ndarray]:
    """The output's pixels behind the plain (not emphasised) words of ``text``: inside each word's
    box but off the glyphs (what is near the text colour, widened by an eighth of the font size
    to leave out anti-aliased edges and the drop shadow). Returns (behind, glyphs)."""
    color = np.array(parse_color(text.color)[:3], np.int16)
    pixels = np.asarray(output, np.int16)
    near = (np.abs(pixels - color).max(axis=2) < 60).astype(np.uint8) * 255
    grow = max(3, round(text.size_px / 8)) | 1
    glyphs = np.asarray(Image.fromarray(near).filter(ImageFilter.MaxFilter(grow))) > 0
    box = np.zeros(glyphs.shape, bool)
    for line in text.lines:
        top, bottom = max(0, int(line.baseline_px - 0.75 * text.size_px)), int(line.baseline_px + 0.2 * text.size_px)
        for segment in line.segments:
            if not segment.emphasis:
                box[top:bottom, max(0, int(segment.x_px)) : int(segment.x_px + segment.width_px)] = True
    return pixels[box & ~glyphs].astype(np.float32) / 255, pixels[box & (near > 0)]


def contrast_on_pixels(output: Image.Image, text) -> float:
    """The contrast of the text colour that 98% of the pixels behind the plain words reach."""
    behind, _ = plain_text_pixels(output, text)
    assert len(behind) > 200, "nothing measured behind the text"
    own = relative_luminance(parse_color(text.color))
    luminance = luminance_array(behind)
    ratios = (np.maximum(luminance, own) + 0.05) / (np.minimum(luminance, own) + 0.05)
    return float(np.percentile(ratios, 2))


@pytest.fixture(scope="module")
def renders(renderer) -> dict[tuple[str, str, int], object]:
    """Every sample photo under both titles in every format, default kit, layout auto."""
    made = {}
    for name in PHOTOS:
        picture = photo(name)
        for fmt in FORMAT_NAMES:
            for index, title in enumerate(TITLES):
                made[(name, fmt, index)] = renderer.render(title, format=fmt, background=picture, output_format="png")
    return made


@pytest.mark.slow  # every sample photo in every format
def test_auto_takes_the_picture_layout_and_plans_the_picture(renders):
    for (name, fmt, _), thumbnail in renders.items():
        assert thumbnail.layout == f"{fmt}-scene"
        picture = thumbnail.plan.picture
        assert picture is not None and picture.source == "background"
        assert picture.position in ("left", "right", "top", "bottom", "center")
        assert picture.contrast_after >= 4.5, (name, fmt, picture)
        assert thumbnail.warnings == (), (name, fmt, thumbnail.warnings)


@pytest.mark.slow  # every sample photo in every format
def test_the_title_never_covers_a_face_found_in_the_output(renders):
    faces_seen = 0
    for key, thumbnail in renders.items():
        output = decoded(thumbnail.data)
        faces = find_picture_faces(output, widened=False)  # as the detector finds them (the renderer keeps a margin)
        faces_seen += len(faces)
        for text in thumbnail.plan.texts:
            assert not any(text.ink.intersects(face) for face in faces), (key, text.ink, faces)
    assert faces_seen >= 5, "the astronaut's face should be found in her renders: the check would be empty"


@pytest.mark.slow  # every sample photo in every format
def test_the_text_reads_at_4_5_to_1_on_the_pixels_behind_it(renders):
    for key, thumbnail in renders.items():
        output = decoded(thumbnail.data)
        for text in thumbnail.plan.texts:
            assert contrast_on_pixels(output, text) >= 4.5, key


@pytest.mark.slow  # every sample photo in every format
def test_the_picture_still_looks_like_a_picture(renders):
    """Calmed behind the text only: away from it the picture keeps most of its light."""
    for (name, fmt, index), thumbnail in renders.items():
        if name == "hubble_deep_field":
            continue  # a night sky is dark everywhere
        output = np.asarray(decoded(thumbnail.data), np.float32)
        ink = thumbnail.plan.texts[0].ink
        mask = np.ones(output.shape[:2], bool)
        mask[max(0, int(ink.y - 60)) : int(ink.bottom + 60), max(0, int(ink.x - 60)) : int(ink.right + 60)] = False
        assert output[mask].mean() > 55, (name, fmt, index)


def test_the_plan_records_position_crop_treatment_and_contrast(renderer):
    thumbnail = renderer.render(TITLES[0], background=photo("coffee"))
    record = json.loads(thumbnail.plan.to_json())["picture"]
    assert set(record) >= {"position", "crop", "faces", "blur_px", "scrim_opacity", "scrim_color", "swapped",
                           "contrast_before", "contrast_after", "darken", "scores"}
    assert record["contrast_before"] < 4.5 <= record["contrast_after"]
    assert 0 < record["scrim_opacity"] <= 0.85  # coffee is bright: a scrim, as strong as needed and no more
    assert record["crop"]["width"] == 600  # the whole width of a 3:2 picture shows on a 16:9 canvas


@pytest.mark.slow  # a real video decoded
def test_a_video_frame_goes_through_the_same_path(renderer, tmp_path):
    from tests.video_fixtures import edit_video

    video = edit_video(tmp_path / "edit.mp4")
    thumbnail = renderer.render("Over a frame", video=video, time=0.5)
    assert thumbnail.layout == "youtube-scene"
    assert thumbnail.plan.picture is not None and thumbnail.plan.picture.source.startswith("video")


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_a_head_in_profile_is_kept_in_the_crop(renderer, fmt):
    """scikit-image's grey ``camera``: a man in profile (no face found) whose head is near the top
    (hair from about row 70, eyes about row 130 of 512). A crop from below row 120 cuts his face off;
    the crops chosen before the top-edge term began at rows 168-183 for three formats."""
    thumbnail = renderer.render("The lens that changed street photography", format=fmt, background=photo("camera"))
    picture = thumbnail.plan.picture
    assert picture is not None and picture.faces == ()
    assert picture.crop.y <= 120, f"{fmt}: the crop starts at row {picture.crop.y:.0f}, below the man's eyes"


def test_any_layout_takes_a_picture_at_its_own_text_box(renderer):
    thumbnail = renderer.render(TITLES[0], layout="youtube-bold", background=photo("rocket"))
    assert thumbnail.plan.picture is not None and thumbnail.plan.picture.position == "left"
    assert thumbnail.plan.texts[0].contrast_ratio >= 4.5


def test_a_presenter_over_a_picture_keeps_the_split_design(renderer):
    thumbnail = renderer.render(TITLES[0], brand="techpulse", use_photo=True, background=photo("coffee"))
    assert thumbnail.layout == "youtube-split"
    photo_box = next(image.box for image in thumbnail.plan.images if image.kind == "photo")
    assert not thumbnail.plan.texts[0].ink.intersects(photo_box)


def test_a_right_to_left_title_mirrors_the_positions(renderer):
    thumbnail = renderer.render("لماذا الكود بطيء جدا", background=photo("rocket"))
    assert thumbnail.plan.picture is not None
    ink = thumbnail.plan.texts[0].ink
    assert thumbnail.plan.texts[0].contrast_ratio >= 4.5 and ink.right <= 1280


# -- kit backgrounds -------------------------------------------------------------------------------
def test_a_kit_with_backgrounds_puts_faceless_titles_over_them(renderer):
    kit = renderer.kit("sunrise")
    titles = [f"Episode {n}: a morning routine that works" for n in range(12)]
    sources = [renderer.render(title, brand="sunrise").plan.picture.source for title in titles]
    assert all(source.startswith("kit sunrise bg-") for source in sources)
    assert len(set(sources)) >= 2, "a channel's thumbnails should vary"
    again = renderer.render(titles[3], brand="sunrise").plan.picture.source
    assert again == sources[3], "the same title must get the same picture"
    assert {source.split()[-1] for source in sources} <= set(kit.spec.backgrounds)


def test_kit_backgrounds_are_for_faceless_thumbnails_only(renderer):
    with_photo = renderer.render("My honest review", brand="sunrise", use_photo=True)
    assert with_photo.layout == "youtube-split" and with_photo.plan.picture is None
    chosen = renderer.render("My honest review", brand="sunrise", layout="youtube-minimal")
    assert chosen.plan.picture is None  # a layout that takes no picture keeps its own background


def test_a_kit_lists_its_background_files_and_they_must_exist(tmp_path):
    import shutil

    from renderer.paths import data_dir

    kits = tmp_path / "kits"
    shutil.copytree(data_dir("brand_kits") / "sunrise", kits / "mine")
    kit_file = kits / "mine" / "kit.yaml"
    kit_file.write_text(kit_file.read_text().replace("bg-rocket.jpg]", "missing.jpg, ../../outside.jpg]"))
    with pytest.raises(SpecError) as caught:
        Renderer(kit_dirs=(kits,)).render("Hello", brand="mine")
    problems = [str(problem) for problem in caught.value.problems]
    assert any("backgrounds[2]: file not found: 'missing.jpg'" in p for p in problems), problems
    assert any("backgrounds[3]: '../../outside.jpg' leaves the kit folder" in p for p in problems), problems


# -- every interface -------------------------------------------------------------------------------
def test_render_takes_a_path_bytes_a_data_url_or_a_pil_image(renderer, tmp_path):
    raw = jpeg(photo("rocket"))
    (tmp_path / "bg.jpg").write_bytes(raw)
    url = "data:image/jpeg;base64," + base64.b64encode(raw).decode()
    planned = [renderer.render(TITLES[0], background=value).plan.picture
               for value in (tmp_path / "bg.jpg", str(tmp_path / "bg.jpg"), raw, url, photo("rocket"))]
    assert len({(p.position, p.crop) for p in planned}) == 1, planned


def test_generate_takes_background_image():
    url = "data:image/jpeg;base64," + base64.b64encode(jpeg(photo("coffee"))).decode()
    body = generate("Over a coffee", format="instagram", backgroundImage=url)
    image = Image.open(io.BytesIO(base64.b64decode(body["image"].split(",", 1)[1])))
    assert image.size == (1080, 1080)


@pytest.mark.slow  # the command line in a new process
def test_cli_render_background(tmp_path):
    (tmp_path / "bg.jpg").write_bytes(jpeg(photo("chelsea")))
    result = subprocess.run(
        [sys.executable, "-m", "renderer.cli", "render", "From the CLI", "--background", "bg.jpg", "-o", "out.png",
         "--plan", "plan.json"],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "plan.json").read_text())["picture"]["source"] == "background"


# -- bad and hostile pictures ----------------------------------------------------------------------
def test_a_decompression_bomb_is_a_clear_input_error(renderer):
    from tests.assets.test_decode import bomb_png

    with pytest.raises(InputError, match=r"^background is 30000x30000 pixels \(900\.0 megapixels\), too large"):
        renderer.render("Bomb", background=bomb_png(30000))
    url = "data:image/png;base64," + base64.b64encode(bomb_png(30000)).decode()
    with pytest.raises(InputError, match=r"^backgroundImage is 30000x30000 pixels"):
        generate("Bomb", backgroundImage=url)


def test_a_corrupt_or_wrong_picture_is_a_clear_input_error(renderer):
    raw = jpeg(photo("coffee"))
    with pytest.raises(InputError, match=r"^background is a truncated or corrupt JPEG image"):
        renderer.render("Broken", background=raw[: len(raw) // 2])
    with pytest.raises(InputError, match=r"^background is not an image"):
        renderer.render("Text", background=b"hello, not a picture")
    with pytest.raises(InputError, match=r"^backgroundImage must be a base64 data URL"):
        generate("Path", backgroundImage="/etc/passwd")  # a request's string is never read as a path


def test_a_picture_over_5_mb_is_refused():
    noise = np.random.default_rng(0).integers(0, 256, (1500, 1500, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, "PNG", compress_level=0)
    assert buffer.tell() > 5 * 1024 * 1024
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    with pytest.raises(InputError, match=r"^backgroundImage exceeds 5MB cap$"):
        generate("Too big", backgroundImage=url)


def test_a_large_jpeg_is_decoded_only_as_large_as_the_canvas_needs():
    from renderer.assets.decode import decode_picture

    big = photo("rocket").resize((4000, 2670))
    picture = decode_picture(jpeg(big), field="background", max_bytes=None, cover_px=(1280, 720))
    assert picture.size == (2000, 1335)  # JPEG draft mode: half size still covers 1280x720
    assert picture.mode == "RGB"


# -- the CSV column ------------------------------------------------------------------------------
def test_a_csv_background_is_a_file_beside_the_csv_and_stays_in_its_folder(tmp_path):
    import csv

    from renderer.batch.run import run_batch

    folder = tmp_path / "csv"
    (folder / "pictures").mkdir(parents=True)
    (folder / "pictures" / "cup.jpg").write_bytes(jpeg(photo("coffee")))
    (tmp_path / "secret.jpg").write_bytes(jpeg(photo("rocket")))
    (folder / "pictures" / "escape.jpg").symlink_to(tmp_path / "secret.jpg")
    (folder / "titles.csv").write_text(
        "title,background,filename\n"
        "Over a cup,pictures/cup.jpg,cup\n"
        f"Absolute,{tmp_path / 'secret.jpg'},abs\n"
        "Climbing out,../secret.jpg,up\n"
        "Through a link,pictures/escape.jpg,link\n"
        "Not there,pictures/none.jpg,none\n", encoding="utf-8")
    summary = run_batch(folder / "titles.csv", out_dir=tmp_path / "out", workers=0)
    assert (summary.rendered, summary.failed) == (1, 4)
    with Image.open(tmp_path / "out" / "cup.webp") as cup:
        assert cup.size == (1280, 720)
    with open(summary.failures_path, encoding="utf-8", newline="") as handle:
        errors = {row["title"]: row["error"] for row in csv.DictReader(handle)}
    assert "must be a path relative to the CSV's folder" in errors["Absolute"]
    assert "must stay inside the CSV's folder" in errors["Climbing out"]
    assert "leads outside the CSV's folder" in errors["Through a link"]
    assert "background file" in errors["Not there"] and "does not exist" in errors["Not there"]


def test_a_changed_csv_picture_renders_the_row_again(tmp_path):
    from renderer.batch.run import run_batch

    (tmp_path / "bg.jpg").write_bytes(jpeg(photo("coffee")))
    (tmp_path / "t.csv").write_text("title,background\nOver a picture,bg.jpg\n", encoding="utf-8")
    assert run_batch(tmp_path / "t.csv", out_dir=tmp_path / "out", workers=0).rendered == 1
    assert run_batch(tmp_path / "t.csv", out_dir=tmp_path / "out", workers=0).skipped == 1
    (tmp_path / "bg.jpg").write_bytes(jpeg(photo("rocket")))
    assert run_batch(tmp_path / "t.csv", out_dir=tmp_path / "out", workers=0).rendered == 1


# -- the server ------------------------------------------------------------------------------------
@pytest.mark.slow  # the server app, in process
def test_the_server_takes_an_uploaded_picture_by_id_or_a_data_url(tmp_path):
    from fastapi.testclient import TestClient

    from renderer.server import ServerSettings, create_app
    from renderer.server.keys import load_or_create_keys

    settings = ServerSettings(data_dir=tmp_path)
    key = {"x-api-key": load_or_create_keys(settings, {}).keys[0]}
    raw = jpeg(photo("rocket"))
    with TestClient(create_app(settings)) as client:
        uploaded = client.post("/v1/uploads", content=raw, headers={**key, "content-type": "image/jpeg"})
        assert uploaded.status_code == 201, uploaded.text
        body = uploaded.json()
        assert (body["width"], body["height"], body["mediaType"]) == (640, 427, "image/jpeg")
        by_id = client.post("/v1/generate", json={"title": "Launch day", "backgroundImage": body["id"]}, headers=key)
        assert by_id.status_code == 200, by_id.text
        url = "data:image/jpeg;base64," + base64.b64encode(raw).decode()
        by_url = client.post("/v1/generate", json={"title": "Launch day", "backgroundImage": url}, headers=key)
        assert by_url.status_code == 200 and by_url.json()["image"] == by_id.json()["image"]
        unknown = client.post("/v1/generate", json={"title": "Nope", "backgroundImage": "0" * 64}, headers=key)
        assert unknown.status_code == 422 and "is not a stored image" in unknown.json()["error"]
        job = client.post("/v1/jobs", json={"kind": "generate", "input": {"title": "Later", "backgroundImage": "1" * 64}},
                          headers=key)
        assert job.status_code == 422 and "is not a stored image" in job.json()["error"]
        broken = client.post("/v1/uploads", content=raw[: len(raw) // 2], headers=key)
        assert broken.status_code == 422 and "truncated or corrupt JPEG" in broken.json()["error"]
        not_image = client.post("/v1/uploads", content=b"%PDF-1.4 not a picture", headers=key)
        assert not_image.status_code == 422 and "is a PDF image" in not_image.json()["error"]
        too_big = client.post("/v1/uploads", content=b"\xff\xd8\xff" + bytes(6 * 1024 * 1024), headers=key)
        assert too_big.status_code == 413 and too_big.json()["error"] == "backgroundImage exceeds 5MB cap"


# -- layouts -----------------------------------------------------------------------------------------
PICTURE_LAYOUT = """\
name: pic
format: youtube
size: {{width: 1280, height: 720}}
layers:
  - kind: background
    fill: "#000000"
    picture:
      positions:
{positions}
  - kind: text
    box: {{x: 80, y: 80, width: 500, height: 560}}
    size_px: {{min: 40, max: 120}}
"""


def layout_problems(tmp_path, positions: str) -> list[str]:
    folder = tmp_path / "layouts"
    folder.mkdir(exist_ok=True)
    (folder / "pic.yaml").write_text(PICTURE_LAYOUT.format(positions=positions), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        Renderer(layouts_dir=folder)
    return [str(problem) for problem in caught.value.problems]


def test_a_picture_block_is_closed_and_located(tmp_path):
    problems = layout_problems(tmp_path, "        - {at: left, box: {x: 80, y: 80, width: 500, height: 560}, shade: 3}\n"
                                         "        - {at: middle, box: {x: 700, y: 80, width: 500, height: 560}}\n")
    assert any(p.startswith("layouts/pic.yaml:9:") and "positions[0].shade: unknown key; allowed: at, box, align, valign" in p
               for p in problems), problems
    assert any(p.startswith("layouts/pic.yaml:10:12: layers[0].picture.positions[1].at: expected 'left'")
               and "'center', got 'middle'" in p for p in problems), problems


def test_a_picture_block_lists_each_position_once_on_the_canvas_around_the_text(tmp_path):
    twice = layout_problems(tmp_path, "        - {at: left, box: {x: 80, y: 80, width: 500, height: 560}}\n"
                                      "        - {at: left, box: {x: 700, y: 80, width: 500, height: 560}}\n")
    assert any("each position may be listed once; left is listed twice" in p for p in twice), twice
    off = layout_problems(tmp_path, "        - {at: left, box: {x: 80, y: 80, width: 500, height: 560}}\n"
                                    "        - {at: right, box: {x: 900, y: 80, width: 500, height: 560}}\n")
    assert any("positions[1].box: box 900,80 500x560 leaves the 1280x720 canvas" in p for p in off), off
    empty = layout_problems(tmp_path, "        - {at: right, box: {x: 700, y: 80, width: 500, height: 560}}\n")
    assert any("no text layer lies inside the first position's box (right)" in p for p in empty), empty


def test_auto_prefers_picture_layouts_only_when_there_is_a_picture(renderer):
    assert renderer.render("Why your code is slow").layout != "youtube-scene"
    assert renderer.render("Why your code is slow", background=photo("coffee")).layout == "youtube-scene"


@pytest.mark.slow  # every sample photo in every format
def test_picture_layouts_keep_the_text_out_of_the_safe_zones(renders):
    """Nothing under YouTube's duration badge (x >= 1100, y >= 640 at 1280x720); Instagram text in
    the centre 3:4 (x 135..945 of 1080)."""
    for (name, fmt, index), thumbnail in renders.items():
        for text in thumbnail.plan.texts:
            ink = text.ink
            if fmt == "youtube":
                assert not (ink.right > 1100 and ink.bottom > 640), (name, index, ink)
            if fmt == "instagram":
                assert ink.x >= 135 and ink.right <= 945, (name, index, ink)


# -- kit new ---------------------------------------------------------------------------------------
def test_kit_new_copies_backgrounds_into_the_kit(tmp_path):
    from renderer.kits.new import create_kit

    (tmp_path / "ref.jpg").write_bytes(jpeg(photo("coffee")))
    (tmp_path / "bg.png").write_bytes(_png(photo("rocket")))
    folder = create_kit("cafe", [tmp_path / "ref.jpg"], kits_dir=tmp_path / "kits",
                        backgrounds=[tmp_path / "ref.jpg", tmp_path / "bg.png"])
    kit = Renderer(kit_dirs=(tmp_path / "kits",)).kit("cafe")
    assert kit.spec.backgrounds == ["background-1.jpg", "background-2.jpg"]
    for name in kit.spec.backgrounds:
        with Image.open(folder / name) as copied:
            assert copied.format == "JPEG"
    thumbnail = Renderer(kit_dirs=(tmp_path / "kits",)).render("A faceless title", brand="cafe")
    assert thumbnail.plan.picture is not None and thumbnail.plan.picture.source.startswith("kit cafe background-")


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
