"""Hostile and damaged corpus input: links, pipes, unreadable and vanishing files, folders nested thousands deep,
decompression bombs of each kind, control characters. Each ends in one InputError naming the file (or a `skipped:`
line with --skip-bad), never a traceback, within bounded time and memory."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import seed_path
from corpus.bombs import deflated, docx_bomb, pdf_bomb, pdf_with_stream, peak_of, zip_archive
from glossary.cli import app
from glossary.config import default_settings
from glossary.corpus.load import collect_paths, load_corpus, read_source
from glossary.errors import InputError
from glossary.files import check_zip_archive

TRACEBACK = "Traceback (most recent call last)"


def corpus_with(folder: Path) -> Path:
    """A folder holding one good document."""
    folder.mkdir(exist_ok=True)
    (folder / "good.txt").write_text(seed_path("001").read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def glossary(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


# --- links, pipes, unreadable and vanishing files -------------------------------------------------------------------


@pytest.mark.parametrize("make, problem", [
    (lambda folder: (folder / "dangling.txt").symlink_to(folder / "nowhere.txt"), "broken symbolic link"),
    (lambda folder: (folder / "loop.txt").symlink_to(folder / "loop.txt"), "symbolic link loops"),
    (lambda folder: (folder / "up").symlink_to(folder), "a link to a folder is not followed"),
    (lambda folder: os.mkfifo(folder / "pipe.txt"), "not a regular file"),
])
def test_a_bad_entry_in_a_folder_is_named_or_skipped(tmp_path, make, problem):
    folder = corpus_with(tmp_path / "corpus")
    make(folder)
    with pytest.raises(InputError, match=problem) as error:
        collect_paths([folder])
    assert error.value.path.startswith(str(folder)) and "good.txt" not in error.value.path
    skipped: list[InputError] = []
    assert collect_paths([folder], skipped) == [folder / "good.txt"]
    assert [problem in str(error) for error in skipped] == [True]
    # the command line: one line and exit 2; with --skip-bad a `skipped:` line and the rest read
    code, _, stderr = glossary("stats", folder)
    assert (code, stderr.count("\n"), TRACEBACK in stderr) == (2, 1, False) and problem in stderr
    code, stdout, stderr = glossary("stats", "--skip-bad", "--format", "json", folder)
    assert code == 0 and stderr.startswith("skipped: ") and problem in stderr and '"documents": 1' in stdout


def test_links_that_are_no_documents_are_ignored(tmp_path):
    folder = corpus_with(tmp_path / "corpus")
    (folder / "loop").symlink_to(folder / "loop")          # no document's suffix: nothing to read or report
    (folder / "gone").symlink_to(folder / "nowhere")
    (folder / "notes.csv").symlink_to(folder / "good.txt")
    skipped: list[InputError] = []
    assert collect_paths([folder], skipped) == [folder / "good.txt"] and not skipped


@pytest.mark.parametrize("make, problem", [
    (lambda path: path.symlink_to(path.parent / "nowhere.txt"), "broken symbolic link"),
    (lambda path: path.symlink_to(path), "symbolic link loops"),
    (lambda path: os.mkfifo(path), "not a regular file"),     # would block a reader for ever
])
def test_a_bad_path_named_on_the_command_line(tmp_path, make, problem):
    path = tmp_path / "named.txt"
    make(path)
    good = corpus_with(tmp_path / "corpus") / "good.txt"
    code, _, stderr = glossary("stats", path, good)
    assert (code, stderr.count("\n")) == (2, 1) and problem in stderr and str(path) in stderr
    corpus = load_corpus([path, good], skip_bad=True)
    assert len(corpus.documents) == 1 and problem in str(corpus.skipped[0])


def test_an_unreadable_subfolder_is_reported_not_silently_skipped(tmp_path, monkeypatch):
    folder = corpus_with(tmp_path / "corpus")
    (folder / "locked").mkdir()
    (folder / "locked" / "inside.txt").write_text("工发组织。", encoding="utf-8")
    scandir = os.scandir

    def refusing(path):  # the tests run as root, whom chmod 000 does not stop
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    with pytest.raises(InputError, match="cannot read folder: permission denied") as error:
        load_corpus([folder])
    assert error.value.path.endswith("locked")
    corpus = load_corpus([folder], skip_bad=True)
    assert len(corpus.documents) == 1 and [str(e) for e in corpus.skipped] == [
        f"{folder / 'locked'}: cannot read folder: permission denied"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a folder whatever its permissions")
def test_a_folder_without_permission(tmp_path):
    folder = corpus_with(tmp_path / "corpus")
    (folder / "locked").mkdir(mode=0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            collect_paths([folder])
    finally:
        (folder / "locked").chmod(0o755)


def test_a_file_deleted_while_the_folder_is_read(tmp_path, monkeypatch):
    folder = corpus_with(tmp_path / "corpus")
    (folder / "vanishing.txt").write_text("工发组织。", encoding="utf-8")
    scandir = os.scandir

    class Listing:
        """The folder as listed, and then the file gone, before it is looked at."""

        def __init__(self, path):
            with scandir(path) as entries:
                self.entries = list(entries)
            (folder / "vanishing.txt").unlink(missing_ok=True)

        def __enter__(self):
            return iter(self.entries)

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(os, "scandir", Listing)
    with pytest.raises(InputError, match="vanishing.txt: no such file or folder"):
        collect_paths([folder])
    (folder / "vanishing.txt").write_text("工发组织。", encoding="utf-8")
    corpus = load_corpus([folder], skip_bad=True)
    assert len(corpus.documents) == 1 and "vanishing.txt" in str(corpus.skipped[0])


def nest(base: Path, depth: int) -> None:
    """Folders d/d/d/... `depth` deep under `base` with a document at the bottom, made through folder handles (the
    path of the bottom one may be longer than the system lets a path be)."""
    handle = os.open(base, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=handle)
        inner = os.open("d", os.O_RDONLY, dir_fd=handle)
        os.close(handle)
        handle = inner
    document = os.open("bottom.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=handle)
    os.write(document, "工发组织促进包容及可持续工业发展。\n".encode("utf-8"))
    os.close(document)
    os.close(handle)


def unnest(base: Path, depth: int) -> None:
    """Remove what `nest` made, bottom up through folder handles (shutil.rmtree recurses a level per folder)."""
    handles = [os.open(base, os.O_RDONLY)]
    for _ in range(depth):
        handles.append(os.open("d", os.O_RDONLY, dir_fd=handles[-1]))
    os.unlink("bottom.txt", dir_fd=handles[-1])
    for level in range(depth, 0, -1):
        os.close(handles[level])
        os.rmdir("d", dir_fd=handles[level - 1])
    os.close(handles[0])


@pytest.mark.parametrize("depth", [2000, 2100])  # the bottom document's path: within PATH_MAX, and past it
def test_folders_nested_thousands_deep(tmp_path, depth):
    folder = corpus_with(tmp_path / "corpus")
    nest(folder, depth)
    try:
        started = time.monotonic()
        skipped: list[InputError] = []
        found = collect_paths([folder], skipped)
        assert time.monotonic() - started < 5
        if depth == 2000:
            assert len(found) == 2 and not skipped
            assert len(load_corpus([folder]).documents) == 2
        else:
            assert found == [folder / "good.txt"] and ["the name is too long" in str(e) for e in skipped] == [True]
            code, _, stderr = glossary("stats", folder)
            assert (code, stderr.count("\n")) == (2, 1) and "the name is too long" in stderr
    finally:
        unnest(folder, depth)


# --- decompression bombs and other limits ---------------------------------------------------------------------------


def test_a_docx_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_bomb(4))
    assert 3_000_000 < path.stat().st_size < 5_000_000
    started = time.monotonic()
    with pytest.raises(InputError, match=r"unpacks to 4,0\d\d,\d{3},\d{3} bytes, more than archive_max_unpacked_bytes"):
        read_source(path)
    assert time.monotonic() - started < 2


def test_a_docx_that_understates_what_it_holds_is_refused(tmp_path):
    """zipfile unpacks up to 2 GB in one call before it cuts a part to its declared size."""
    path = tmp_path / "liar.docx"
    path.write_bytes(docx_bomb(4, declared_size=10_000))
    with pytest.raises(InputError, match="'word/document.xml' holds more than the 10,000 bytes the archive declares"):
        read_source(path)


def test_a_part_compressed_past_the_ratio_is_refused(tmp_path):
    path = tmp_path / "dense.docx"
    path.write_bytes(docx_bomb(0.05))     # about 50 MB from 50 kB: under the unpacked limit, far over the ratio
    with pytest.raises(InputError, match=r"'word/document.xml' unpacks to [\d,]+ times its packed size, more than "
                                         r"archive_max_ratio \(100\)"):
        read_source(path)
    # a small part may be as repetitive as it likes
    small = zip_archive({"[Content_Types].xml": b"<Types/>", "word/styles.xml": b" " * 500_000})
    assert len(check_zip_archive(tmp_path, 10**9, 100, data=small)) == 2


def with_a_long_local_extra_field(archive: bytes, name: str) -> bytes:
    """The archive with part `name`'s local header claiming a 64 kB extra field: its data then seems to start past
    the end of a small file (one damaged byte does this), and a reader must not wait for data that never comes."""
    entry = archive.find(b"PK\x03\x04")
    while archive[entry + 30:entry + 30 + len(name)] != name.encode():
        entry = archive.find(b"PK\x03\x04", entry + 4)
    return archive[:entry + 28] + b"\xff\xff" + archive[entry + 30:]


def zip_file_version(archive: bytes, version: int) -> bytes:
    """The archive with its first part asking for a zip version no reader implements."""
    entry = archive.find(b"PK\x01\x02")
    return archive[:entry + 6] + bytes([version, 0]) + archive[entry + 8:]


@pytest.mark.parametrize("data, problem", [
    (b"PK\x03\x04" + bytes(100), "not a zip archive"),
    # found by Hypothesis (tests/test_hostile.py): a version zipfile does not implement raised NotImplementedError
    (zip_file_version(zip_archive({"word/document.xml": b"<w:document/>"}), 94), "not a zip archive"),
    (zip_archive({"a.xml": b"<a/>"})[:-10], "not a zip archive"),
])
def test_damaged_archives(tmp_path, data, problem):
    with pytest.raises(InputError, match=problem):
        check_zip_archive(tmp_path / "x.docx", 10**9, 100, data=data)


def test_a_part_whose_data_seems_to_start_past_the_end_is_refused_at_once(tmp_path):
    # found by Hypothesis (tests/test_hostile.py): the piecewise unpacking waited forever for the missing bytes
    import io

    from docx import Document

    document, buffer = Document(), io.BytesIO()
    document.add_paragraph("工发组织促进包容及可持续工业发展。")
    document.save(buffer)
    path = tmp_path / "cut.docx"
    path.write_bytes(with_a_long_local_extra_field(buffer.getvalue(), "word/document.xml"))
    started = time.monotonic()
    with pytest.raises(InputError):
        read_source(path)
    assert time.monotonic() - started < 5


def test_a_file_larger_than_document_max_bytes(tmp_path):
    path = tmp_path / "large.txt"
    path.write_text("工发组织。" * 100, encoding="utf-8")
    with pytest.raises(InputError, match=r"larger than document_max_bytes \(1,000\)"):
        read_source(path, default_settings().replace(document_max_bytes=1000).corpus)


PDF_TEXT = b"BT /F1 12 Tf 72 712 Td (Industrial development) Tj ET\n"


@pytest.mark.parametrize("content, settings, problem", [
    # 4 MB unpacking to 4 GB: stopped a piece past the budget of decoded bytes
    (None, {}, r"its streams unpack to more than pdf_max_decoded_bytes \(200,000,000\): a decompression bomb"),
    (deflated(PDF_TEXT + b"[" * 1_000_000), {}, "objects nested more than 256 deep"),
    (deflated(PDF_TEXT + b"[" + b"0 " * 600_000), {}, "an array or dictionary holds more than 500,000 elements"),
    (deflated(PDF_TEXT + b"0 0 m 1 1 l S\n" * 60_000), {}, r"a page holds more than pdf_max_page_objects \(50,000\)"),
    (deflated(PDF_TEXT), {"pdf_max_pages": 0}, r"more than pdf_max_pages \(0\) pages"),
    # one number token 30 MB long: pdfminer copies it again for every 4 kB it grows
    (deflated(PDF_TEXT + b"0" * 30_000_000), {"pdf_max_seconds": 1}, r"took more than pdf_max_seconds \(1\)"),
])
def test_pdf_limits(tmp_path, content, settings, problem):
    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf_bomb(4) if content is None else pdf_with_stream(content))
    started = time.monotonic()
    with pytest.raises(InputError, match=problem) as error:
        read_source(path, default_settings().replace(**settings).corpus)
    assert error.value.path == str(path) and time.monotonic() - started < 10


def test_pdf_operands_without_operators_stay_few(tmp_path):
    path = tmp_path / "strays.pdf"
    path.write_bytes(pdf_with_stream(deflated(PDF_TEXT + b"(a) " * 200_000 + PDF_TEXT)))
    assert read_source(path).text.count("Industrial development") == 2


def test_pdfminer_is_left_as_it_was(tmp_path):
    """The bounded decoders and parser methods are swapped in for one extraction only, even when it fails."""
    from pdfminer import pdftypes
    from pdfminer.psparser import PSStackParser

    before = (pdftypes.zlib, pdftypes.decompress_corrupted, PSStackParser.push, PSStackParser.start_type)
    path = tmp_path / "nested.pdf"
    path.write_bytes(pdf_with_stream(deflated(PDF_TEXT + b"[" * 1000)))
    with pytest.raises(InputError):
        read_source(path)
    assert (pdftypes.zlib, pdftypes.decompress_corrupted, PSStackParser.push, PSStackParser.start_type) == before


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_four_megabyte_bomb_peaks_under_500_mb(tmp_path, kind):
    path = tmp_path / f"bomb.{kind}"
    path.write_bytes(docx_bomb(4) if kind == "docx" else pdf_bomb(4))
    code, stderr, peak = peak_of(["stats", str(path)], tmp_path)
    assert code == 2 and stderr.count("\n") == 1 and "decompression bomb" in stderr and TRACEBACK not in stderr
    assert peak < 500 * 2**20, f"{peak / 2**20:.0f} MB"


# --- text as found: control characters, lines without end -------------------------------------------------------


def test_control_characters_reach_no_workbook(tmp_path):
    """A vertical tab from a Word export, \\x01 and \\x00 used to stop every XLSX output (IllegalCharacterError)."""
    text = seed_path("001").read_text(encoding="utf-8").replace("工业发展", "工业\x0b发展", 3).replace("。", "。\x01", 2)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "controls.txt").write_text(text, encoding="utf-8")
    (corpus / "nul.docx").write_bytes(b"")  # an empty file beside them does not matter with --skip-bad
    code, _, stderr = glossary("mine", "--skip-bad", "--format", "xlsx", "--out", tmp_path / "terms.xlsx", corpus)
    assert code == 0, stderr
    code, stdout, _ = glossary("stats", "--format", "json", corpus / "controls.txt")
    assert code == 0 and '"control_characters": 5' in stdout


def test_a_long_line_without_breaks_is_read_as_running_text(tmp_path):
    """A file with no line break used to give no terms (one heading) and, holding the paper-saving notice, no
    characters at all (the whole line removed as boilerplate)."""
    one_line = "".join(seed_path(n).read_text(encoding="utf-8").replace("\n", "") for n in ("000", "001", "002"))
    path = tmp_path / "one_line.txt"
    path.write_text(one_line * 4, encoding="utf-8")
    document = load_corpus([path]).documents[0]
    limit = default_settings().corpus.max_paragraph_chars
    assert max(len(p.text) for p in document.paragraphs) <= limit
    body = [p for p in document.paragraphs if p.kind == "body"]
    assert len(body) > 150 and sum(map(len, (p.text for p in body))) > 0.7 * len(one_line) * 4
    assert document.repairs["boilerplate_lines"] >= 4 and all(len(line) < 100 for line in document.boilerplate)
    code, stdout, _ = glossary("mine", "--format", "tsv", "--top", "5", path)
    assert code == 0 and len(stdout.splitlines()) == 6


def test_a_stray_nul_is_cleaned_but_a_binary_file_is_refused(tmp_path):
    stray = tmp_path / "stray.txt"
    stray.write_bytes("1. 工发组织促进包容\x00和可持续工业发展。\n".encode("utf-8"))
    document = load_corpus([stray]).documents[0]
    assert document.paragraphs[0].text == "工发组织促进包容和可持续工业发展。"
    assert document.repairs["control_characters"] == 1
    utf16 = tmp_path / "utf16_read_as_utf8.txt"     # ASCII in UTF-16 is valid UTF-8 with a NUL every other byte
    utf16.write_bytes("plain ASCII text, saved as UTF-16".encode("utf-16-le"))
    assert load_corpus([utf16]).documents[0].encoding == "utf-16-le"
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00" * 50 + b"abc" * 10)
    with pytest.raises(InputError, match="binary file"):
        read_source(binary)
