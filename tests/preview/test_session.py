"""What the preview renders, in process: the targets it accepts, the titles, feed sizes, the kit's
photo where a layout has a slot, problems raised located and the next save rendering again."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from renderer.cli import main
from renderer.errors import InputError, SpecError
from renderer.paths import data_dir
from renderer.preview.session import MAX_TITLES, PREVIEW_TITLES, Previewer, PreviewTarget, SampleTitle, read_titles


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THUMBKIT_LAYOUTS_DIR", str(tmp_path / "no-user-layouts"))
    monkeypatch.setenv("THUMBKIT_CACHE_DIR", str(tmp_path / "cache"))


def copy_layout(tmp_path: Path, source: str, name: str = "mine") -> Path:
    folder = tmp_path / "layouts"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text((data_dir("layouts") / f"{source}.yaml").read_text(encoding="utf-8").replace(f"name: {source}", f"name: {name}"),
                    encoding="utf-8")
    return path


def test_targets_are_checked_before_the_first_render(tmp_path: Path) -> None:
    layout = copy_layout(tmp_path, "x-bold")
    assert PreviewTarget.of(layout) == PreviewTarget(layout.resolve(), "layout", "default", None)
    with pytest.raises(InputError, match="no such file: "):
        PreviewTarget.of(tmp_path / "missing.yaml")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError, match=r"expected a layout \(NAME.yaml\) or a kit file \(ID/kit.yaml\), got notes.txt"):
        PreviewTarget.of(tmp_path / "notes.txt")
    with pytest.raises(InputError, match="--kit must be a kit id"):
        PreviewTarget.of(layout, kit="../etc")
    with pytest.raises(InputError, match="no such titles file"):
        PreviewTarget.of(layout, titles_file=tmp_path / "none.txt")
    shutil.copytree(data_dir("brand_kits") / "default", tmp_path / "kits" / "default")
    with pytest.raises(InputError, match="kit id 'default' is a bundled kit, which hides .*; rename its folder"):
        PreviewTarget.of(tmp_path / "kits" / "default" / "kit.yaml")
    shutil.copytree(data_dir("brand_kits") / "default", tmp_path / "kits" / "Acme Kit")
    with pytest.raises(InputError, match="a kit's folder name is its id"):
        PreviewTarget.of(tmp_path / "kits" / "Acme Kit" / "kit.yaml")
    bundled = data_dir("brand_kits") / "sunrise" / "kit.yaml"
    assert PreviewTarget.of(bundled).kit == "sunrise"
    with pytest.raises(InputError, match="--kit 'default' does not apply to a kit file"):
        PreviewTarget.of(bundled, kit="default")


def test_titles_one_a_line(tmp_path: Path) -> None:
    path = tmp_path / "titles.txt"
    path.write_text("First\n\n  Second  \n", encoding="utf-8")
    assert read_titles(path) == (SampleTitle("First"), SampleTitle("Second"))
    path.write_text("\n \n", encoding="utf-8")
    with pytest.raises(InputError, match="has no titles"):
        read_titles(path)
    path.write_text("t\n" * (MAX_TITLES + 1), encoding="utf-8")
    with pytest.raises(InputError, match=f"has {MAX_TITLES + 1} titles; at most {MAX_TITLES}"):
        read_titles(path)


@pytest.mark.slow  # renders every sample title (seconds)
def test_a_layout_renders_every_sample_title_full_size_with_the_overlay_and_at_feed_size(tmp_path: Path) -> None:
    result = Previewer(PreviewTarget.of(copy_layout(tmp_path, "instagram-bold"))).render()
    assert [(image.title, image.subtitle, image.badge) for image in result.images] == [
        (sample.title, sample.subtitle, sample.badge) for sample in PREVIEW_TITLES]
    for image in result.images:
        assert (image.layout, image.format, image.width_px, image.height_px) == ("mine", "instagram", 1080, 1080)
        clean, debug = (Image.open(io.BytesIO(data)) for data in (image.clean_jpeg, image.debug_jpeg))
        assert clean.size == debug.size == (1080, 1080) and clean.tobytes() != debug.tobytes()
        assert Image.open(io.BytesIO(image.feed_png)).size == image.feed_size == (130, 173)  # a grid tile: the centre 3:4
        text = image.texts[0]
        assert text.feed_size_px == pytest.approx(text.size_px * 130 / 810, abs=0.05)  # the 3:4 crop is 810 px wide
        assert 0 <= image.quality.score <= 100 and image.quality.to_dict()["findings"] is not None


@pytest.mark.slow  # renders every sample title (seconds)
def test_the_kits_photo_goes_where_the_layout_has_a_slot(tmp_path: Path) -> None:
    target = PreviewTarget.of(copy_layout(tmp_path, "youtube-split"), kit="techpulse", titles_file=_titles(tmp_path, "Hello"))
    image = Previewer(target).render().images[0]
    assert image.warnings == ()  # no "has a photo slot but no photo was given"
    without = Previewer(PreviewTarget.of(target.file, titles_file=target.titles_file)).render().images[0]
    assert "has a photo slot but no photo was given" in without.warnings[0]  # the default kit has no photo


@pytest.mark.slow  # renders every sample title (seconds)
def test_a_problem_is_raised_located_and_the_next_save_renders(tmp_path: Path) -> None:
    layout = copy_layout(tmp_path, "youtube-bold")
    previewer = Previewer(PreviewTarget.of(layout, titles_file=_titles(tmp_path, "Stop")))
    first = max(text.size_px for text in previewer.render().images[0].texts)
    good = layout.read_text(encoding="utf-8")
    layout.write_text(good.replace("- kind: background", "- kind: backgrnd"), encoding="utf-8")
    line = good.splitlines().index("- kind: background") + 1
    with pytest.raises(SpecError, match=rf"layouts/mine.yaml:{line}:3: layers\[0\]: expected 'kind' to be one of 'background'"):
        previewer.render()
    layout.write_text(good.replace("size_px: {min: 56, max: 170}", "size_px: {min: 40, max: 90}"), encoding="utf-8")
    again = max(text.size_px for text in previewer.render().images[0].texts)
    assert again <= 90 < first


@pytest.mark.slow  # renders every sample title (seconds)
def test_a_kit_renders_with_its_preferred_layouts_or_auto(tmp_path: Path) -> None:
    titles = _titles(tmp_path, "7 ways to sleep", "Stop")
    result = Previewer(PreviewTarget.of(data_dir("brand_kits") / "techpulse" / "kit.yaml", titles_file=titles)).render()
    assert [(i.layout, i.title) for i in result.images] == [
        ("youtube-bold", "7 ways to sleep"), ("youtube-bold", "Stop"), ("instagram-bold", "7 ways to sleep"),
        ("instagram-bold", "Stop"), ("x-bold", "7 ways to sleep"), ("x-bold", "Stop")]
    assert all(i.debug_jpeg is None and i.kit == "techpulse" for i in result.images)
    plain = Previewer(PreviewTarget.of(data_dir("brand_kits") / "default" / "kit.yaml", titles_file=titles)).render()
    assert [(i.format, i.layout) for i in plain.images] == [
        ("youtube", "youtube-listicle"), ("youtube", "youtube-minimal"), ("instagram", "instagram-listicle"),
        ("instagram", "instagram-minimal"), ("x", "x-listicle"), ("x", "x-minimal")]


def test_watched_folders_and_which_changes_concern_the_preview(tmp_path: Path) -> None:
    layout = copy_layout(tmp_path, "x-bold")
    titles = _titles(tmp_path, "One")
    target = PreviewTarget.of(layout, titles_file=titles)
    assert target.watched() == (layout.parent.resolve(), titles.parent.resolve())
    assert target.concerns(layout) and target.concerns(titles) and not target.concerns(layout.parent / "other.yaml")
    kit = PreviewTarget.of(data_dir("brand_kits") / "techpulse" / "kit.yaml")
    assert kit.concerns(data_dir("brand_kits") / "techpulse" / "logo.png")  # a kit's files are part of it


def test_the_command_refuses_a_missing_file() -> None:
    result = CliRunner().invoke(main, ["preview", "nowhere/mine.yaml"])
    assert result.exit_code == 2 and result.stderr == "thumbkit: no such file: nowhere/mine.yaml\n"


def _titles(tmp_path: Path, *titles: str) -> Path:
    path = tmp_path / "titles.txt"
    path.write_text("\n".join(titles) + "\n", encoding="utf-8")
    return path
