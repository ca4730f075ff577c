"""CSV batch mode (issue 4): reading real-world CSV, naming, resume, failures, workers, Dask.

Most end-to-end tests render inline (``workers=0``: one Renderer, built once per test session) to
stay fast; the process pool is exercised by the entry-point test and the SIGKILL test, Dask by a
LocalCluster test.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from tests.batch.batch_helpers import (
    assert_decodes,
    files_in,
    live_processes_in_group,
    manifest_count,
    planned_names,
    thumbnails_in,
    titles,
    wait_until,
    write_titles_csv,
)
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from renderer.batch.run import RowEvent, run_batch
from renderer.batch.csv_rows import count_rows, read_rows
from renderer.batch.files import FAILURE_COLUMNS, spreadsheet_safe
from renderer.batch.manifest import Manifest
from renderer.batch.names import NameRegistry, safe_relative_name, title_slug
from renderer.batch.plan import RowDefaults
from renderer.cli.batch import batch_command
from renderer.errors import AssetError, InputError

REPO = Path(__file__).resolve().parents[2]


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def read_failures(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# -- reading CSV ---------------------------------------------------------------------------------

def test_bom_crlf_quoted_commas_and_newlines_and_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", (
        "\ufefftitle,format,style\r\n"
        "\r\n"
        '"Hello, world",instagram,faceless\r\n'
        '"two\r\nlines",,\r\n'
        ",,\r\n"
        "   \r\n"
        "last,x,\r\n"
    ))
    rows = list(read_rows(path))
    assert [(r.line, r.number, r.fields) for r in rows] == [
        (3, 1, {"title": "Hello, world", "format": "instagram", "imageStyle": "faceless"}),
        (4, 2, {"title": "two\r\nlines"}),
        (8, 3, {"title": "last", "format": "x"}),
    ]
    assert count_rows(path) == 3


# Cells with what makes CSV hard: separators, quotes, tabs, LF and CRLF (a lone CR is a line end
# for csv readers in universal-newline mode, so writers quote it only when it is their line end).
_CELL = st.lists(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff") | st.sampled_from([",", '"', "\n", "\r\n", "\t"]),
    min_size=1, max_size=20,
).map("".join).filter(str.strip)


@given(st.lists(st.tuples(_CELL, st.sampled_from(["", "youtube", "x"])), max_size=12),
       st.booleans(), st.sampled_from(["\r\n", "\n"]))
@settings(max_examples=150, deadline=None)
def test_whatever_a_csv_writer_writes_reads_back_the_same(rows: list[tuple[str, str]], bom: bool, line_end: str) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerow(["title", "format"])
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "t.csv", ("\ufeff" if bom else "") + buffer.getvalue())
        read = [(row.title, row.fields.get("format", "")) for row in read_rows(path)]
    assert read == rows


def test_old_mac_line_ends_and_line_numbers_after_them(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", b'title,format\r"two\rlines",x\rlast,\r')
    assert [(r.line, r.fields) for r in read_rows(path)] == [(2, {"title": "two\rlines", "format": "x"}), (4, {"title": "last"})]
    write(path, b"title\rfine\rcaf\xe9\r")
    with pytest.raises(InputError, match=r"t\.csv:3: not valid UTF-8 \(byte 0xe9 at column 4\)"):
        count_rows(path)


def test_headerless_file_is_one_title_per_line_and_commas_stay_in_the_title(tmp_path: Path) -> None:
    path = write(tmp_path / "t.txt", "7 Python tricks\n\nStop doing this, do that\n\"Quoted, with\nnewline\"\n")
    assert [(r.line, r.title) for r in read_rows(path)] == [
        (1, "7 Python tricks"), (3, "Stop doing this, do that"), (4, "Quoted, with\nnewline"),
    ]


def test_column_names_are_matched_loosely_and_aliases_map_to_thumbapi_fields(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "Title,Style,Brand,Output Format,use_logo,notes\nA,faceless,acme,png,no,hi\n")
    (row,) = read_rows(path)
    assert row.fields == {"title": "A", "imageStyle": "faceless", "customAssetsId": "acme", "outputFormat": "png", "useLogo": "no"}


def test_missing_title_column_names_the_header_line(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "\n\nname,format,style\nA,youtube,faceless\n")
    with pytest.raises(InputError, match=r"t\.csv:3: no title column; the header has name, format, style"):
        list(read_rows(path))


def test_two_columns_for_one_field_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "title,style,imageStyle\nA,faceless,faceless\n")
    with pytest.raises(InputError, match=r"t\.csv:1: columns 'style' and 'imageStyle' both give imageStyle"):
        list(read_rows(path))


def test_invalid_utf8_names_the_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", b"title\nfine\nalso fine\ncaf\xe9 latin-1\n")
    with pytest.raises(InputError, match=r"t\.csv:4: not valid UTF-8 \(byte 0xe9 at column 4\)"):
        count_rows(path)


def test_utf16_is_named_as_such(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "title\nA\n".encode("utf-16"))
    with pytest.raises(InputError, match=r"t\.csv:1: the file is UTF-16, not UTF-8"):
        count_rows(path)


def test_unterminated_quote_names_the_line_where_it_opened(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", 'title\nA\n"B never closed\nC\nD\n')
    with pytest.raises(InputError, match=r"t\.csv:3: not valid CSV"):
        count_rows(path)


def test_reading_streams_100k_rows_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.write(b"title,format\n")
        handle.writelines(b"Title number %d with some words,youtube\n" % i for i in range(100_000))
        handle.write(b"\xff broken last line\n")
    rows = read_rows(path)
    # The first row comes before the broken last line is reached: nothing reads the file ahead.
    assert next(rows).title == "Title number 0 with some words"
    tracemalloc.start()
    try:
        assert sum(1 for _ in itertools.islice(rows, 20_000)) == 20_000
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 20,000 rows held at once would take several MiB of Python objects; one row at a time, a few KiB.
    assert peak_bytes < 256 * 2**10, f"peak {peak_bytes / 2**10:.0f} KiB"
    with pytest.raises(InputError, match=r"big\.csv:100002: not valid UTF-8"):
        count_rows(path)


def test_a_txt_title_list_is_read_line_by_line_without_csv_quoting(tmp_path: Path) -> None:
    """A plain list of titles stopped the whole batch when a line started with a quote (``not valid
    CSV``): a .txt file, or any file with lines=True, is one title per line, as written."""
    listing = ["First title", '"I quit my job" — one year later', "Commas, too, stay", "  ", 'A "quoted" word']
    path = write(tmp_path / "titles.txt", "\r\n".join(listing) + "\n")
    rows = list(read_rows(path, lines=True))
    assert [(row.line, row.title) for row in rows] == [
        (1, "First title"), (2, '"I quit my job" — one year later'), (3, "Commas, too, stay"), (5, 'A "quoted" word')]
    with pytest.raises(InputError, match=r"titles.txt:2: not valid CSV"):  # what reading it as CSV did
        count_rows(path)
    summary = run_batch(path, out_dir=tmp_path / "out", workers=0)  # .txt: a title list by default
    assert (summary.rendered, summary.failed) == (4, 0)
    assert Path("i-quit-my-job-one-year-later.webp") in files_in(tmp_path / "out")
    csv_copy = write(tmp_path / "titles.list", path.read_text(encoding="utf-8"))
    assert CliRunner().invoke(batch_command, [str(csv_copy), "-o", str(tmp_path / "out2"), "-w", "0", "-q", "--lines"]).exit_code == 0
    assert len(files_in(tmp_path / "out2")) == 4


# -- names ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("hostile", [
    "../x", "a/../../x", "/etc/passwd", "C:\\x", "a\\..\\x", "~/x", ".hidden", "a/.b", "a//b", "./x", "x\x00y", "a/ /b",
])
def test_hostile_filenames_are_refused(hostile: str) -> None:
    with pytest.raises(InputError, match="filename"):
        safe_relative_name(hostile, "webp")


def test_filenames_get_an_extension_unless_they_have_one() -> None:
    assert safe_relative_name("intro", "webp") == "intro.webp"
    assert safe_relative_name("season 1/ep 2", "jpeg") == "season 1/ep 2.jpg"
    assert safe_relative_name("cover.PNG", "webp") == "cover.PNG"


def test_a_filename_leaves_room_for_the_temporary_it_is_written_to_first(tmp_path: Path) -> None:
    """233-255 byte names passed the 255-byte check, then failed at write time: the temporary file
    (".<name>.<pid>.<random>.part") is 23 bytes longer. The longest accepted name is written."""
    from renderer.files import write_atomic

    longest = "a" * 227 + ".webp"  # 232 bytes
    assert safe_relative_name(longest, "webp") == longest
    assert write_atomic(tmp_path / longest, b"thumbnail").read_bytes() == b"thumbnail"
    with pytest.raises(InputError, match=r"^filename must be at most 232 bytes after its last '/', extension included "
                                         r"\(it is written under a temporary name 23 bytes longer.*got 233 bytes"):
        safe_relative_name("a" * 228 + ".webp", "webp")
    with pytest.raises(InputError, match=r"got 236 bytes"):  # counted in UTF-8 bytes, the extension added
        safe_relative_name("é" * 115 + "x", "webp")
    assert safe_relative_name("f" * 255 + "/" + "b.webp", "webp") == "f" * 255 + "/b.webp"  # folders: 255


def test_slugs_are_readable_ascii() -> None:
    assert title_slug("7 Python tricks you didn't know!") == "7-python-tricks-you-didnt-know"
    assert title_slug("Café olé") == "cafe-ole"
    assert title_slug("🔥🔥") == "thumbnail"
    assert len(title_slug("word " * 100)) <= 80


def test_slug_collisions_get_suffixes_in_row_order_and_exact_names_clash_case_insensitively() -> None:
    names = NameRegistry()
    try:
        assert [names.claim_slug("hello", "webp", line=n) for n in (2, 3, 4)] == ["hello.webp", "hello-2.webp", "hello-3.webp"]
        assert names.claim_slug("hello-2", "webp", line=5) == "hello-2-2.webp"
        assert names.claim_slug("hello", "png", line=6) == "hello.png"
        names.claim("Intro.webp", line=7)
        with pytest.raises(InputError, match=r"filename 'intro.WEBP' is already used by the row on line 7"):
            names.claim("intro.WEBP", line=8)
        with pytest.raises(InputError, match="already used by the row on line 2"):
            names.claim("HELLO.webp", line=9)
    finally:
        names.close()


@given(st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_an_accepted_filename_always_stays_inside_the_folder(filename: str) -> None:
    try:
        name = safe_relative_name(filename, "webp")
    except InputError as refused:  # refused, then with a message naming the field and the rule
        assert refused.field == "filename" and str(refused).startswith("filename ")
        return
    base = Path("/srv/out")
    target = Path(os.path.normpath(base / name))
    assert target.is_relative_to(base) and target != base
    assert not any(part.startswith(".") for part in Path(name).parts)


@given(st.lists(st.sampled_from(["Hello", "hello!", "HELLO", "Hello 2", "hello-2", "Héllo", "🔥", ""]), max_size=25))
@settings(max_examples=100, deadline=None)
def test_slug_names_are_unique_and_the_same_on_every_run(titles_in_order: list[str]) -> None:
    def assign() -> list[str]:
        names = NameRegistry()
        try:
            return [names.claim_slug(title_slug(t), "webp", line=i) for i, t in enumerate(titles_in_order)]
        finally:
            names.close()

    first = assign()
    assert len({name.casefold() for name in first}) == len(first)
    assert assign() == first


# -- rendering inline ----------------------------------------------------------------------------

def test_good_and_bad_rows_failures_file_and_summary(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", (
        "title,format,brand,filename,outputFormat\n"
        "7 Python tricks,youtube,,,\n"
        ",youtube,,,\n"                                   # empty title
        "Bad format,tiktok,,,\n"                          # unknown format
        "Missing kit,,no-such-kit,,\n"                    # kit not found (in the worker)
        "Escape,,,../outside,\n"                          # hostile filename
        "Clash,,,7-python-tricks,\n"                      # explicit name taken by line 2
        "Square,instagram,,covers/square.png,\n"          # extension picks png
        "Conflict,,,c.png,webp\n"                         # extension against outputFormat
        "Too,many,,,,cells\n"
    ))
    events: list[RowEvent] = []
    summary = run_batch(path, out_dir=tmp_path / "out", workers=0, on_row=events.append)
    assert (summary.rows, summary.rendered, summary.skipped, summary.failed) == (9, 2, 0, 7)
    assert not summary.ok
    assert files_in(tmp_path / "out") == [Path("7-python-tricks.webp"), Path("covers/square.png"), Path("failures.csv")]
    assert assert_decodes(tmp_path / "out/covers/square.png") == (1080, 1080)
    assert not (tmp_path / "outside.webp").exists()
    failures = read_failures(summary.failures_path)
    assert tuple(failures[0]) == FAILURE_COLUMNS
    by_row = {int(f["row"]): f for f in failures}
    assert sorted(by_row) == [2, 3, 4, 5, 6, 8, 9]
    assert by_row[2] == {"row": "2", "line": "3", "title": "", "error": "title is required"}
    assert by_row[3]["error"] == "format must be one of: youtube, instagram, x, blogpost, linkedin"
    assert by_row[4]["title"] == "Missing kit" and "unknown customAssetsId 'no-such-kit'" in by_row[4]["error"]
    assert "must stay inside the output folder" in by_row[5]["error"]
    assert by_row[6]["error"] == "filename '7-python-tricks.webp' is already used by the row on line 2"
    assert by_row[8]["error"] == "filename's extension asks for png but outputFormat is webp"
    assert "6 cells but the header has 5 columns" in by_row[9]["error"]
    assert sorted(e.status for e in events) == ["failed"] * 7 + ["rendered"] * 2


def test_failures_file_neutralises_formulas(tmp_path: Path) -> None:
    """OWASP's CSV injection advice: a cell starting with = + - @, a tab or a carriage return would
    be a formula in a spreadsheet; it gets a ' in front. Other titles are written as they are."""
    rows = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "Plain = fine"]
    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "format"])
        writer.writerows([title, "tiktok"] for title in rows)  # every row fails: unknown format
    summary = run_batch(path, out_dir=tmp_path / "out", workers=0)
    assert summary.failed == len(rows)
    written = [failure["title"] for failure in read_failures(summary.failures_path)]
    assert written == ["'" + title for title in rows[:-1]] + ["Plain = fine"]
    # a title's leading tab or carriage return is stripped before it gets here; an error text is not
    assert [spreadsheet_safe(text) for text in ("\tx", "\rx", "-", "", "a=b")] == ["'\tx", "'\rx", "'-", "", "a=b"]


def test_files_are_written_off_the_main_thread_and_recorded_once_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parent's writes (fsync included) go to writer threads, so its main thread keeps the
    workers fed; a row is recorded, and reported, only once its file is whole. A disk error in a
    writer thread stops the batch, with the rows written before it recorded."""
    import threading

    import renderer.batch.run as batch_module

    real_write = batch_module.write_output
    writers: list[str] = []

    def recording_write(path: Path, data: bytes) -> str | None:
        writers.append(threading.current_thread().name)
        return real_write(path, data)

    monkeypatch.setattr(batch_module, "write_output", recording_write)
    path = write(tmp_path / "t.csv", "title\n" + "\n".join(f"Row number {n}" for n in range(12)) + "\n")
    events: list[RowEvent] = []

    def on_row(event: RowEvent) -> None:  # a reported row's file is there, whole
        events.append(event)
        assert event.path is not None and assert_decodes(event.path)

    summary = run_batch(path, out_dir=tmp_path / "out", workers=0, on_row=on_row)
    assert (summary.rendered, len(events)) == (12, 12)
    assert len(writers) == 12 and all(name.startswith("thumbkit-batch-write") for name in writers)
    with Manifest.open(tmp_path / "out") as manifest:
        assert manifest.count("done") == 12

    def full_disk(path: Path, data: bytes) -> str | None:
        if "7" in path.name:
            raise OSError(28, "No space left on device")
        return real_write(path, data)

    monkeypatch.setattr(batch_module, "write_output", full_disk)
    with pytest.raises(OSError, match="No space left on device"):
        run_batch(path, out_dir=tmp_path / "full", workers=0)
    with Manifest.open(tmp_path / "full") as manifest:
        done = manifest.count("done")
    assert 0 < done < 12 and len(files_in(tmp_path / "full")) >= done  # what was recorded is there


def test_rerun_skips_unchanged_rerenders_changed_and_force_redoes_all(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = write(tmp_path / "t.csv", "title,format\nAlpha one,youtube\nBeta two,youtube\nGamma three,x\n")
    first = run_batch(path, out_dir=out, workers=0)
    assert (first.rendered, first.skipped) == (3, 0)
    beta = (out / "beta-two.webp").read_bytes()

    again = run_batch(path, out_dir=out, workers=0)
    assert (again.rendered, again.skipped, again.failed) == (0, 3, 0)

    write(path, "title,format\nAlpha one,youtube\nBeta two,instagram\nGamma three,x\n")  # one row changed
    events: list[RowEvent] = []
    changed = run_batch(path, out_dir=out, workers=0, on_row=events.append)
    assert (changed.rendered, changed.skipped) == (1, 2)
    assert [e.title for e in events if e.status == "rendered"] == ["Beta two"]
    assert assert_decodes(out / "beta-two.webp") == (1080, 1080) and (out / "beta-two.webp").read_bytes() != beta

    forced = run_batch(path, out_dir=out, workers=0, force=True)
    assert (forced.rendered, forced.skipped) == (3, 0)
    assert len(thumbnails_in(out)) == 3
    assert forced.failures_path is None and not (out / "failures.csv").exists()


def test_a_variants_column_writes_numbered_files_and_resumes_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = write(tmp_path / "t.csv", "title,variants,headline\nThe *secret* to fast builds,3,\nWhy this works,,\n"
                                     "The *secret* to fast builds,2,Fast builds\nBad,seven,\n")
    first = run_batch(path, out_dir=out, workers=0)
    assert (first.rendered, first.failed) == (3, 1)
    # row 1 claims the slug and its variants -1..-3; row 3, the same title, gets the next free slug (-4)
    assert [str(p) for p in thumbnails_in(out)] == [
        "the-secret-to-fast-builds-1.webp", "the-secret-to-fast-builds-2.webp", "the-secret-to-fast-builds-3.webp",
        "the-secret-to-fast-builds-4-1.webp", "the-secret-to-fast-builds-4-2.webp", "why-this-works.webp"]
    assert "variants must be a whole number from 1 to 6, got 'seven'" in read_failures(out / "failures.csv")[0]["error"]
    pictures = {p: (out / p).read_bytes() for p in ("the-secret-to-fast-builds-1.webp", "the-secret-to-fast-builds-2.webp")}
    assert len(set(pictures.values())) == 2  # different variants

    again = run_batch(path, out_dir=out, workers=0)
    assert (again.rendered, again.skipped) == (0, 3)
    (out / "the-secret-to-fast-builds-3.webp").unlink()  # one variant lost: its row is rendered again
    third = run_batch(path, out_dir=out, workers=0)
    assert (third.rendered, third.skipped) == (1, 2) and (out / "the-secret-to-fast-builds-3.webp").exists()
    with Manifest.open(out) as manifest:
        names = ("the-secret-to-fast-builds-1.webp", "the-secret-to-fast-builds-2.webp", "the-secret-to-fast-builds-3.webp")
        assert all(manifest.get(name).status == "done" for name in names)


def test_file_without_record_or_damaged_is_rendered_again_under_the_same_name(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = write(tmp_path / "t.csv", "title\nAlpha one\nBeta two\nGamma three\n")
    run_batch(path, out_dir=out, workers=0)
    # A crash between writing a file and recording it: the file is there, the record is not.
    manifest = Manifest.open(out)
    manifest._db.execute("DELETE FROM outputs WHERE name = 'alpha-one.webp'")
    manifest.close()
    (out / "beta-two.webp").write_bytes(b"half a file")               # damaged behind our back
    (out / ".gamma-three.webp.abcd1234.part").write_bytes(b"partial")  # a killed write's temporary
    summary = run_batch(path, out_dir=out, workers=0)
    assert (summary.rendered, summary.skipped) == (2, 1)
    assert files_in(out) == [Path("alpha-one.webp"), Path("beta-two.webp"), Path("gamma-three.webp")]
    for name in ("alpha-one.webp", "beta-two.webp"):
        assert assert_decodes(out / name) == (1280, 720)


def test_symlinked_subfolder_may_not_lead_out(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "link").symlink_to(elsewhere, target_is_directory=True)
    path = write(tmp_path / "t.csv", "title,filename\nA,link/a\n")
    summary = run_batch(path, out_dir=out, workers=0)
    assert summary.failed == 1 and list(elsewhere.iterdir()) == []
    assert "leads outside the output folder" in read_failures(summary.failures_path)[0]["error"]


def test_defaults_fill_missing_columns_and_headerless_files_render(tmp_path: Path) -> None:
    path = write(tmp_path / "t.txt", "First, with a comma\nSecond\n")
    summary = run_batch(path, out_dir=tmp_path / "out", workers=0, defaults=RowDefaults(format="x", output_format="png"))
    assert summary.rendered == 2
    assert files_in(tmp_path / "out") == [Path("first-with-a-comma.png"), Path("second.png")]
    assert assert_decodes(tmp_path / "out/second.png") == (1200, 675)


def test_a_second_batch_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    with Manifest.open(tmp_path):
        with pytest.raises(InputError, match="another thumbkit batch is writing to"):
            Manifest.open(tmp_path)


def test_renderer_that_cannot_load_stops_the_batch(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "title\nA\n")
    (tmp_path / "no-layouts").mkdir()
    with pytest.raises(AssetError, match="workers could not load the renderer: no layouts found"):
        run_batch(path, out_dir=tmp_path / "out", workers=0, layouts_dir=tmp_path / "no-layouts")


def test_an_empty_file_or_a_header_alone_renders_nothing(tmp_path: Path) -> None:
    for text in ("", "title,format\r\n\r\n"):
        summary = run_batch(write(tmp_path / "t.csv", text), out_dir=tmp_path / "out", workers=0)
        assert (summary.rows, summary.rendered, summary.failed) == (0, 0, 0)


# -- command line --------------------------------------------------------------------------------

def test_cli_options_are_defaults_for_missing_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "title,format\nSquare one,\nWide one,youtube\n")
    result = CliRunner().invoke(batch_command, [str(path), "--out", str(tmp_path / "out"), "-w", "0", "-q",
                                                "--format", "instagram", "--output-format", "png"])
    assert result.exit_code == 0, result.output
    assert assert_decodes(tmp_path / "out/square-one.png") == (1080, 1080)
    assert assert_decodes(tmp_path / "out/wide-one.png") == (1280, 720)


@pytest.mark.slow
def test_cli_exit_status_1_with_failures_and_summary(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "title,format\nGood one,youtube\nBad,tiktok\n")
    result = CliRunner().invoke(batch_command, [str(path), "--out", str(tmp_path / "out"), "-w", "0", "-q"])
    assert result.exit_code == 1, result.output
    assert "1 rendered, 0 skipped (unchanged), 1 failed of 2 rows" in result.output
    assert f"failures: {tmp_path / 'out' / 'failures.csv'}" in result.output


def test_cli_exit_status_2_for_an_unusable_csv(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", b"title\n\xff\n")
    result = CliRunner().invoke(batch_command, [str(path), "--out", str(tmp_path / "out"), "-w", "0"])
    assert result.exit_code == 2
    assert "t.csv:2: not valid UTF-8" in result.output
    assert not (tmp_path / "out").exists()  # checked before anything was created


# -- worker processes ----------------------------------------------------------------------------

@pytest.mark.slow
def test_sigkill_at_any_moment_then_rerun_gives_every_thumbnail_exactly_once(tmp_path: Path) -> None:
    """The first run is the CLI in its own process group, killed with SIGKILL once some rows are
    recorded: the batch process alone, so its workers must notice and exit by themselves. The
    second run is the Python entry point with worker processes. JPEG (half WebP's encode time)
    keeps the test quick; the encoding plays no part in resuming."""
    path = write_titles_csv(tmp_path / "t.csv", titles(200))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "renderer.cli", "batch", str(path), "--out", str(out), "--workers", "2",
               "--output-format", "jpeg", "--quiet"]
    process = subprocess.Popen(command, cwd=REPO, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: manifest_count(out) >= 15 or process.poll() is not None, timeout_s=60, what="15 rows done")
        assert process.poll() is None, f"the batch ended before it could be killed: {process.communicate()}"
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)  # its workers hold its stdout: this returns once they are gone
        wait_until(lambda: not live_processes_in_group(process.pid), timeout_s=15, what="the orphaned workers to exit")
    finally:
        if live_processes_in_group(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
    done_before = manifest_count(out)
    assert 15 <= done_before < 200

    started: list[int] = []
    summary = run_batch(path, out_dir=out, workers=2, defaults=RowDefaults(output_format="jpeg"), on_start=started.append)
    assert started == [200]
    assert (summary.skipped, summary.rendered, summary.failed, summary.workers) == (done_before, 200 - done_before, 0, "2 processes")
    expected = sorted(planned_names(path, RowDefaults(output_format="jpeg")))
    assert len(expected) == 200 and len(set(expected)) == 200 and "7-python-tricks-2.jpg" in expected
    assert [str(p) for p in files_in(out)] == expected  # nothing extra, no temporaries, no duplicates
    for name in expected:
        assert assert_decodes(out / name) == (1280, 720)
    assert manifest_count(out) == 200
    assert {p.name for p in (out / ".thumbkit").iterdir()} <= {
        "manifest.sqlite", "manifest.sqlite-wal", "manifest.sqlite-shm", "batch.lock",
    }


# -- Dask ----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_dask_local_cluster_renders_and_resumes_like_local_workers(tmp_path: Path) -> None:
    """By address (as the CLI does, with no default client around) and with a Client object."""
    import distributed

    path = write(tmp_path / "t.csv", "title,format\nAlpha one,youtube\nBeta two,instagram\nBad,tiktok\nDelta four,x\n")
    out = tmp_path / "out"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        summary = run_batch(path, out_dir=out, scheduler=cluster.scheduler_address)
        assert (summary.rendered, summary.failed, summary.workers) == (3, 1, cluster.scheduler_address)
        assert files_in(out) == [Path("alpha-one.webp"), Path("beta-two.webp"), Path("delta-four.webp"), Path("failures.csv")]
        assert assert_decodes(out / "beta-two.webp") == (1080, 1080)

        write(path, "title,format\nAlpha one,youtube\nBeta two,x\nBad,tiktok\nDelta four,x\n")  # one row changed
        with distributed.Client(cluster, set_as_default=False) as client:
            again = run_batch(path, out_dir=out, scheduler=client)
        assert (again.rendered, again.skipped, again.failed, again.workers) == (1, 2, 1, "Dask")
        assert assert_decodes(out / "beta-two.webp") == (1200, 675)
