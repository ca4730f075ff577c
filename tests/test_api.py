"""The public API: generate()'s ThumbAPI contract, Renderer.render, determinism, errors."""

from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image

import renderer
import renderer as renderer_module
from renderer import InputError, Renderer, generate


def decode(data_url: str) -> Image.Image:
    header, payload = data_url.split(",", 1)
    assert header == "data:image/webp;base64" or header.startswith("data:image/")
    return Image.open(io.BytesIO(base64.b64decode(payload)))


def test_generate_returns_thumbapis_response_body():
    body = generate("7 Python tricks you didn't know", format="youtube")
    assert set(body) == {"image", "format", "outputFormat", "dimensions", "quality"}  # quality: thumbkit's
    assert set(body["quality"]) == {"score", "passed", "findings"} and 0 <= body["quality"]["score"] <= 100
    assert body["format"] == "youtube" and body["outputFormat"] == "webp"
    assert body["dimensions"] == {"width": 1280, "height": 720}
    assert body["image"].startswith("data:image/webp;base64,")
    image = decode(body["image"])
    assert image.format == "WEBP" and image.size == (1280, 720)


def test_generate_accepts_a_request_json_unchanged():
    request_json = json.loads('{"title": "Budget travel in Japan", "format": "instagram", "outputFormat": "png"}')
    body = generate(**request_json)
    assert body["image"].startswith("data:image/png;base64,")
    assert decode(body["image"]).size == (1080, 1080)


@pytest.mark.parametrize(("fmt", "size"), [("youtube", (1280, 720)), ("blogpost", (1200, 630)), ("linkedin", (1200, 627)),
                                           ("instagram", (1080, 1080)), ("x", (1200, 675))])
def test_every_format_has_its_size(renderer, fmt, size):
    thumbnail = renderer.render("Sizes are fixed per format", format=fmt)
    assert (thumbnail.width_px, thumbnail.height_px) == size
    assert Image.open(io.BytesIO(thumbnail.data)).size == size


def test_hd_doubles_the_resolution():
    body = generate("Twice the pixels", format="youtube", model="hd")
    assert body["dimensions"] == {"width": 2560, "height": 1440}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "^title is required$"),
        ({"title": "   \n "}, "^title is required$"),
        ({}, "^title is required$"),
        ({"title": "x" * 201}, "title must be 1 to 200 characters, got 201"),
        ({"title": "ok", "format": "tiktok"}, "^format must be one of: youtube, instagram, x, blogpost, linkedin$"),
        ({"title": "ok", "imageStyle": "cartoon"}, "^imageStyle must be one of: faceless, with-image, with-logo$"),
        ({"title": "ok", "outputFormat": "gif"}, "outputFormat must be one of: webp, png, jpeg"),
        ({"title": "ok", "category": "cooking"}, "^category must be one of: auto, tech-saas, business-finance"),
        ({"title": "ok", "model": "xl"}, "model must be one of: sd, hd"),
        ({"title": 42}, "title must be a string"),
        ({"title": "ok", "usePhoto": "yes"}, "usePhoto must be a boolean"),
        ({"title": "ok", "model": 0}, "model must be one of: sd, hd"),
        ({"title": "ok", "layout": False}, "layout must be a string"),
        ({"title": "\u200b\u200d\ufeff"}, "^title is required$"),  # only zero-width characters: nothing to draw
        ({"title": "Half an emoji \ud83d"}, r"title must be valid Unicode text: a lone surrogate \\ud83d at character 15"),
    ],
)
def test_bad_requests_get_thumbapis_messages(fields, message):
    with pytest.raises(InputError, match=message):
        generate(**fields)


def test_a_title_of_exactly_200_characters_renders():
    body = generate(" ".join(["word"] * 40)[:200])
    assert body["dimensions"]["width"] == 1280


def test_thumbnails_are_equal_by_their_bytes_and_decisions_not_their_picture_or_fonts(renderer, tmp_path):
    import msgspec.structs

    mine = renderer.render("Same title, two renderers")
    other = Renderer(cache_dir=tmp_path).render("Same title, two renderers")
    assert other.fonts is not mine.fonts and mine == other and hash(mine) == hash(other)
    assert msgspec.structs.replace(mine, picture=None, fonts=None) == mine
    assert renderer.render("Another title") != mine


def test_same_inputs_give_the_same_bytes(renderer):
    first = renderer.render("Determinism matters", format="x", output_format="webp")
    second = Renderer().render("Determinism matters", format="x", output_format="webp")
    assert first.data == second.data


@pytest.mark.parametrize(("output_format", "magic"), [("webp", b"RIFF"), ("png", b"\x89PNG"), ("jpeg", b"\xff\xd8\xff")])
def test_output_formats(renderer, output_format, magic):
    thumbnail = renderer.render("Encodings", output_format=output_format)
    assert thumbnail.data.startswith(magic)
    assert thumbnail.media_type == {"webp": "image/webp", "png": "image/png", "jpeg": "image/jpeg"}[output_format]


@pytest.mark.parametrize(
    ("title", "layout"),
    [
        ("10 habits of productive developers", "youtube-listicle"),
        ("Stop", "youtube-minimal"),
        ("Why your code review process is broken", "youtube-bold"),
        ("A really long title that goes on and on about many different things at once, really", "youtube-bold"),
    ],
)
def test_auto_layout_follows_the_title(renderer, title, layout):
    assert renderer.render(title).layout == layout


def test_an_explicit_layout_overrides_auto(renderer):
    assert renderer.render("10 habits", layout="youtube-minimal").layout == "youtube-minimal"


def test_an_unknown_layout_lists_the_known_ones(renderer):
    with pytest.raises(InputError, match="unknown layout 'nope' for format youtube; known: auto, youtube-bold, youtube-cover, youtube-listicle"):
        renderer.render("Hello", layout="nope")


@pytest.mark.parametrize(("call", "field"), [
    (lambda r, huge: r.render("t", layout=huge), "layout"),
    (lambda r, huge: r.render("t", brand=huge), "customAssetsId"),
    (lambda r, huge: r.render("t", quality=huge), "quality"),
    (lambda r, huge: r.render("t", use_photo=True, photo="data:" + huge + ";base64,AAAA"), "photo"),
    (lambda r, huge: r.render("t", video="v.mp4", video_use=huge), "video_use"),
])
def test_echoed_values_are_cut(renderer, call, field):
    """A 100,000-character value is quoted back cut to 80 characters (then ...), not in a 100 KB
    message: every value a message echoes, as customAssetsId always was."""
    huge = "x" * 100_000
    with pytest.raises(InputError) as info:
        call(renderer, huge)
    message = str(info.value)
    assert info.value.field == field
    assert "'" + "x" * 80 + "'..." in message and len(message) < 400


def test_shown_quotes_short_values_whole():
    from renderer.errors import shown

    assert shown("nope") == "'nope'" and shown(7) == "'7'" and shown("y" * 81) == "'" + "y" * 80 + "'..."


def test_a_layout_of_another_format_is_refused(renderer):
    with pytest.raises(InputError, match="unknown layout 'instagram-bold' for format youtube"):
        renderer.render("Hello", layout="instagram-bold")


def test_an_unknown_or_hostile_kit_is_refused(renderer):
    with pytest.raises(InputError, match="unknown customAssetsId 'nope'; known kits: .*default"):
        renderer.render("Hello", brand="nope")
    for hostile in ("../..", "/etc", "a/b", "..", "Default", "x" * 80):
        with pytest.raises(InputError, match="customAssetsId must be a kit id"):
            renderer.render("Hello", brand=hostile)


def test_the_plan_explains_the_render(renderer):
    thumbnail = renderer.render("Fit *this* title into the box", layout="youtube-bold")
    plan = json.loads(thumbnail.plan.to_json())
    assert plan["layout"] == "youtube-bold" and plan["width_px"] == 1280
    text = plan["texts"][0]
    box = text["fit_box"]
    assert text["contrast_ratio"] >= 4.5
    for line in text["lines"]:
        assert box["x"] - 0.5 <= line["x_px"] and line["x_px"] + line["width_px"] <= box["x"] + box["width"] + 0.5
    ink = text["ink"]
    assert box["y"] - 0.5 <= ink["y"] and ink["y"] + ink["height"] <= box["y"] + box["height"] + 0.5
    assert any(seg["emphasis"] and seg["text"] == "THIS" for line in text["lines"] for seg in line["segments"])


@pytest.mark.parametrize(
    "title",
    ["x" * 200, "a" * 60, "🚀🔥💯", "!!! ??? ...", "  leading and trailing  ", "line one\nline two\r\nthree", "\x00\x07 control"],
)
def test_hostile_titles_render(renderer, title):
    thumbnail = renderer.render(title)
    assert Image.open(io.BytesIO(thumbnail.data)).size == (1280, 720)
    for text in thumbnail.plan.texts:
        for line in text.lines:
            assert line.x_px + line.width_px <= text.fit_box.x + text.fit_box.width + 0.5


def test_photo_and_logo_without_an_asset_get_thumbapis_messages():
    with pytest.raises(InputError, match="^Photo asset required: set photoImage or upload a Personal Photo$"):
        generate("Hello", usePhoto=True)
    with pytest.raises(InputError, match="^Logo asset required: set logoImage or upload a Logo$"):
        generate("Hello", useLogo=True)
    with pytest.raises(InputError, match="^Photo asset required"):
        generate("Hello", imageStyle="with-image")


def test_oversized_inline_images_get_thumbapis_cap_messages():
    import base64

    big = "data:image/png;base64," + base64.b64encode(b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 10)).decode()
    with pytest.raises(InputError, match="^photoImage exceeds 2MB cap$"):
        generate("Hello", usePhoto=True, photoImage=big)
    with pytest.raises(InputError, match="^logoImage exceeds 1MB cap$"):
        generate("Hello", useLogo=True, logoImage=big)


@pytest.mark.parametrize("alpha", [0, 100])
def test_a_logo_with_nothing_to_draw_is_refused_as_kit_new_refuses_it(alpha):
    """A fully (or almost) transparent logoImage rendered silently; ``kit new`` refused the same
    file. Both say the same now."""
    buffer = io.BytesIO()
    Image.new("RGBA", (200, 100), (255, 255, 255, alpha)).save(buffer, "PNG")
    logo = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    with pytest.raises(InputError, match=r"^logoImage has no visible pixels \(none is even half opaque\): there is no "
                                         r"logo to draw; use a PNG or WebP whose logo is opaque on a transparent ground$") as info:
        generate("Hello", useLogo=True, logoImage=logo)
    assert info.value.field == "logoImage"
    buffer = io.BytesIO()
    Image.new("RGBA", (200, 100), (255, 255, 255, 128)).save(buffer, "PNG")  # half opaque: drawn
    assert generate("Hello", useLogo=True, logoImage="data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode())["image"]


def test_public_surface_is_small_and_sorted():
    assert renderer.__all__ == sorted(renderer.__all__)
    for name in renderer.__all__:
        assert hasattr(renderer, name)
    assert {"generate", "Renderer", "Thumbnail", "InputError", "UserError", "ThumbkitError"} <= set(renderer.__all__)


@pytest.mark.parametrize("package", ["renderer", "renderer.batch", "renderer.cli", "renderer.server", "renderer.video"])
@pytest.mark.slow
def test_every_public_package_lists_exactly_its_public_names(package):
    """``__all__`` is sorted, each name imports from a fresh interpreter, and it lists every public
    name the package binds (its subpackages and submodules aside), so nothing public is forgotten."""
    import importlib
    import subprocess
    import sys
    import types

    module = importlib.import_module(package)
    names = module.__all__
    assert names == sorted(names)
    bound = {  # dir(): a package that binds its names lazily (module __getattr__) lists them in __dir__
        name for name in dir(module)
        if not name.startswith("_") and not isinstance(getattr(module, name), types.ModuleType) and name != "annotations"
    }
    assert bound == set(names)
    script = f"from {package} import {', '.join(names)}; print('imported', {len(names)})"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"imported {len(names)}"


def test_bad_quality_and_photo_values_are_input_errors(renderer):
    for quality in (0, 101, 1000, "high", True):
        with pytest.raises(InputError, match="quality must be a whole number from 1 to 100"):
            renderer.render("Hello", quality=quality)
    with pytest.raises(InputError, match="photo must be a data URL, bytes or a file path, got int"):
        renderer.render("Hello", photo=5)
    # errors found later, while decoding, name the argument given (photo=), not ThumbAPI's photoImage
    with pytest.raises(InputError, match="^photo is not an image; send a JPEG, PNG or WebP image$") as caught:
        renderer.render("Hello", photo=b"not an image at all")
    assert caught.value.field == "photo"


def test_a_bad_layout_fails_before_any_asset_work(renderer, tmp_path):
    missing_video = tmp_path / "nope.mp4"
    with pytest.raises(InputError, match="unknown layout 'nope'"):
        renderer.render("Hello", layout="nope", video=missing_video, time=1.0)


def test_a_photo_with_a_slotless_layout_is_not_cut_out_and_is_warned(renderer):
    thumbnail = renderer.render("Hello there friends", layout="youtube-bold", brand="techpulse", use_photo=True)
    assert thumbnail.plan.images == ()
    assert "layout youtube-bold has no photo slot: the photo was not used" in thumbnail.warnings


def test_empty_model_and_layout_mean_the_defaults():
    from renderer.request import parse_request

    request = parse_request({"title": "ok", "model": "", "layout": ""})
    assert (request.model, request.layout) == ("sd", "auto")


def test_every_render_has_a_quality_report_also_in_its_plan(renderer):
    thumbnail = renderer.render("7 Docker tricks", brand="techpulse", use_logo=True)
    quality = thumbnail.quality
    assert thumbnail.quality is quality  # judged once
    assert isinstance(quality, renderer_module.Quality) and 0 <= quality.score <= 100
    # layout="auto" found its first candidate perfect on the plan: its pixels are judged when asked
    assert thumbnail.composed_plan.quality is None and thumbnail.plan.quality == quality
    assert [(c.layout, c.score) for c in thumbnail.plan.candidates] == [(thumbnail.layout, 100)]
    plan = json.loads(thumbnail.plan.to_json())
    assert plan["quality"] == quality.to_dict()
    assert plan["quality"]["passed"] == (not any(f["severity"] == "fail" for f in plan["quality"]["findings"]))


def test_a_thumbnail_made_elsewhere_is_judged_on_its_encoded_bytes(renderer):
    import msgspec.structs

    thumbnail = renderer.render("Judged from the bytes", format="x", output_format="png")
    bare = msgspec.structs.replace(thumbnail, picture=None, fonts=None)
    assert bare.quality == thumbnail.quality  # PNG: the same pixels
