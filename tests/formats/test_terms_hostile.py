"""A terms file as an attacker or a damaged export leaves it: decompression bombs, workbooks that state absurd
dimensions, control characters in cells and headers. Each is read cleanly or refused in one line naming the file."""

from __future__ import annotations

import io
import time
import warnings

import pytest
from openpyxl import Workbook

from corpus.bombs import peak_of, xlsx_bomb, zip_archive
from glossary.config import default_settings
from glossary.errors import InputError
from glossary.formats.terms import TermsFileWarning, read_terms


def workbook_parts(rows: list[list]) -> dict[str, bytes]:
    import zipfile

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_an_xlsx_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(xlsx_bomb(4))
    started = time.monotonic()
    with pytest.raises(InputError, match=r"bomb.xlsx: unpacks to 4,0\d\d,\d{3},\d{3} bytes, more than "
                                         r"archive_max_unpacked_bytes .*decompression bomb"):
        read_terms(path)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("make, problem", [
    (lambda: xlsx_bomb(0.05), "times its packed size, more than archive_max_ratio"),
    (lambda: xlsx_bomb(4, declared_size=50_000), "holds more than the 50,000 bytes the archive declares"),
])
def test_xlsx_bombs_that_hide(tmp_path, make, problem):
    path = tmp_path / "terms.xlsx"
    path.write_bytes(make())
    with pytest.raises(InputError, match=problem):
        read_terms(path)


def sheet_with(rows_xml: str, dimension: str = "A1:B2") -> bytes:
    parts = workbook_parts([["en", "zh"]])
    parts["xl/worksheets/sheet1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main"><dimension ref="{dimension}"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>en</t></is></c><c r="B1" t="inlineStr"><is><t>zh</t></is></c></row>'
        f'{rows_xml}</sheetData></worksheet>').encode("utf-8")
    return zip_archive(parts)


@pytest.mark.parametrize("rows_xml, dimension, problem", [
    # a row numbered in the billions: openpyxl would make an empty row for each one before it
    ('<row r="4000000000"><c r="A4000000000" t="inlineStr"><is><t>x</t></is></c></row>', "A1:B2",
     r"more than workbook_max_rows \(200000\) rows"),
    # a sheet that says it is a million rows by 16,384 columns, and a cell far to the right
    ('<row r="2"><c r="A2" t="inlineStr"><is><t>term</t></is></c></row>', "A1:XFD1048576", None),
    ('<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>', "A1:B2",
     r"more than workbook_max_columns \(200\) columns"),
])
def test_absurd_dimensions_are_bounded(tmp_path, rows_xml, dimension, problem):
    path = tmp_path / "terms.xlsx"
    path.write_bytes(sheet_with(rows_xml, dimension))
    started = time.monotonic()
    if problem:
        with pytest.raises(InputError, match=problem):
            read_terms(path)
    else:
        assert list(read_terms(path)["en"]) == ["term"]
    assert time.monotonic() - started < 5


def test_control_characters_in_cells_and_headers_become_spaces(tmp_path):
    csv_path = tmp_path / "terms.csv"
    csv_path.write_text("en,zh,note\x01\nindustrial\x0bdevelopment,工业\x00发展,a\x1fb\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TermsFileWarning)
        frame = read_terms(csv_path)
    assert list(frame.columns[:3]) == ["en", "zh", "note"]
    assert frame.iloc[0][["en", "zh", "note"]].tolist() == ["industrial development", "工业 发展", "a b"]
    assert frame.attrs["control_characters"] == 4
    assert [str(w.message) for w in caught] == [f"{csv_path}: 4 control characters replaced by spaces"]
    # a workbook holds them as Office escapes (a vertical tab is _x000B_), which openpyxl leaves as they are
    parts = workbook_parts([["en", "zh"]])
    parts["xl/worksheets/sheet1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>en_x000B_</t></is></c><c r="B1" '
        't="inlineStr"><is><t>zh</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>climate_x000B_change'
        '</t></is></c><c r="B2" t="inlineStr"><is><t>气候变化</t></is></c></row></sheetData></worksheet>').encode()
    (tmp_path / "terms.xlsx").write_bytes(zip_archive(parts))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TermsFileWarning)
        frame = read_terms(tmp_path / "terms.xlsx")
    assert frame["en"].tolist() == ["climate change"] and frame.attrs["control_characters"] == 2


def test_the_limits_come_from_the_settings(tmp_path):
    path = tmp_path / "terms.xlsx"
    workbook = Workbook()
    for row in [["en", "zh"], ["a", "甲"], ["b", "乙"], ["c", "丙"]]:
        workbook.active.append(row)
    workbook.save(path)
    assert len(read_terms(path)) == 3
    with pytest.raises(InputError, match=r"more than workbook_max_rows \(2\) rows"):
        read_terms(path, default_settings().replace(workbook_max_rows=2))
    with pytest.raises(InputError, match="more than archive_max_unpacked_bytes"):
        read_terms(path, default_settings().replace(archive_max_unpacked_bytes=1000))


@pytest.mark.slow
def test_a_four_megabyte_xlsx_bomb_peaks_under_500_mb(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(xlsx_bomb(4))
    (tmp_path / "doc.txt").write_text("工发组织促进包容及可持续工业发展。\n", encoding="utf-8")
    code, stderr, peak = peak_of(["align", "--terms", str(path), str(tmp_path / "doc.txt")], tmp_path)
    assert code == 2 and stderr.count("\n") == 1 and "decompression bomb" in stderr, stderr
    assert peak < 500 * 2**20, f"{peak / 2**20:.0f} MB"
