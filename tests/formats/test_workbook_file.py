"""The glossary workbook file: versions in a folder, and reading a reviewed workbook (an untrusted file) safely.

Each test reads a small glossary-v2.xlsx written with write_glossary_workbook, as a build writes it, then changed the
way reviewers (or attackers) change a workbook.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import write_glossary_rows

from glossary.cli import app
from glossary.config import load_settings
from glossary.errors import InputError
from glossary.formats.workbook import (
    GLOSSARY_COLUMNS,
    STATUSES,
    list_versions,
    read_glossary,
    resolve_glossary,
)

runner = CliRunner()
ROWS = [
    {"zh": "中等收入国家", "en": "middle-income countries", "status": "approved", "concept_id": "c1"},
    {"zh": "包容和可持续的工业发展", "en": "inclusive and sustainable industrial development", "status": "approved",
     "deprecated": "包容及可持续工业发展", "concept_id": "c2"},
    {"zh": "技术转让", "en": "technology transfer", "status": "candidate", "concept_id": "c3"},
    {"zh": "伙伴关系方案", "en": "", "status": "candidate", "concept_id": "c4"},
    {"zh": "利益攸关方", "en": "stakeholder", "status": "rejected", "concept_id": "c5"},
]


def write_version(path: Path, rows=ROWS) -> Path:
    return write_glossary_rows(path, rows)


@pytest.fixture
def versions(tmp_path) -> Path:
    """A folder holding v1 and v2."""
    out = tmp_path / "glossaries"
    out.mkdir()
    write_version(out / "glossary-v1.xlsx", ROWS[:2])
    write_version(out / "glossary-v2.xlsx")
    return out


# --- versions -----------------------------------------------------------------------------------------------------


def test_versions_are_numbered_files_in_a_folder(versions, tmp_path):
    (versions / "glossary-v10.xlsx").write_bytes((versions / "glossary-v2.xlsx").read_bytes())
    (versions / "notes-v3.xlsx").write_bytes(b"")
    assert [(n, p.name) for n, p in list_versions(versions)] == [
        (1, "glossary-v1.xlsx"), (2, "glossary-v2.xlsx"), (10, "glossary-v10.xlsx")]
    assert resolve_glossary(versions) == versions / "glossary-v10.xlsx"
    assert read_glossary(versions / "glossary-v10.xlsx").version == 10
    assert list_versions(tmp_path / "missing") == []
    with pytest.raises(InputError, match="no glossary-vN.xlsx"):
        resolve_glossary(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        resolve_glossary(tmp_path / "glossary-v9.xlsx")


def test_a_written_version_reads_back(versions):
    stored = read_glossary(versions / "glossary-v2.xlsx")
    rows = stored.rows.drop(columns="_row")
    assert list(rows["zh"]) == [r["zh"] for r in ROWS] and list(rows["status"]) == [r["status"] for r in ROWS]
    assert stored.columns == [*GLOSSARY_COLUMNS, "concept_id"]
    assert stored.published is not None and list(stored.published["concept_id"]) == ["c1", "c2", "c3", "c4", "c5"]
    with pytest.raises(InputError, match="already exists"):
        write_version(versions / "glossary-v2.xlsx")


def test_a_version_reads_well_on_screen_and_on_paper(tmp_path):
    long_name = "Office of the High Representative for the Least Developed Countries, Landlocked Developing " \
                "Countries and Small Island Developing States"
    rows = [*ROWS, {"zh": "最不发达国家、内陆发展中国家和小岛屿发展中国家高级代表办公室", "en": long_name,
                    "status": "deprecated", "example": "IDB.52: " + "工发组织与中等收入国家。" * 12, "concept_id": "c6"}]
    workbook = load_workbook(write_version(tmp_path / "glossary-v1.xlsx", rows))
    sheet = workbook["Glossary"]
    header = [c.value for c in sheet[1]]
    status = sheet.cell(row=1, column=header.index("status") + 1).column_letter

    # each status its colour, on the status column and the rows reviewers may add below
    fills = {}
    for formatting in sheet.conditional_formatting:
        assert str(formatting.sqref).startswith(f"{status}2:{status}")
        for rule in formatting.rules:
            fills[rule.formula[0].strip('"')] = rule.dxf.fill.fgColor.rgb[-6:]
    assert set(fills) == set(STATUSES) and len(set(fills.values())) == len(STATUSES)
    assert fills["approved"] == "C6EFCE"  # green

    # long text wraps in a column sized to its content, and its row is tall enough to show it
    last = len(rows) + 1
    en = sheet.cell(row=last, column=header.index("en") + 1)
    assert en.alignment.wrap_text and sheet.column_dimensions[en.column_letter].width < len(long_name)
    assert sheet.row_dimensions[last].height >= 3 * 15 and sheet.row_dimensions[2].height is None
    assert sheet.column_dimensions["C"].width < sheet.column_dimensions["A"].width  # status narrower than zh

    # on paper: landscape, one page wide, the header on every page, zh to example
    for name in ("Glossary", "Variants", "Contexts", "Changes", "About"):
        setup = workbook[name].page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0), name
        assert workbook[name].sheet_properties.pageSetUpPr.fitToPage, name
        assert workbook[name].print_title_rows == "$1:$1", name
    example = sheet.cell(row=1, column=header.index("example") + 1).column_letter
    assert sheet.print_area == f"'Glossary'!$A$1:${example}${last}"


# --- reading reviewed workbooks -----------------------------------------------------------------------------------


def rewrite(path: Path, edit_sheet) -> None:
    workbook = load_workbook(path)
    edit_sheet(workbook["Glossary"])
    workbook.save(path)


def test_reading_tolerates_what_excel_users_do(versions):
    path = versions / "glossary-v2.xlsx"

    def messy(sheet):
        sheet.insert_rows(1)  # a blank row above the header
        sheet.cell(row=2, column=1).value = " ZH "
        sheet.cell(row=3, column=3).value = " Approved "
        sheet.cell(row=3, column=2).value = "middle-income countries   "

    rewrite(path, messy)
    rows = read_glossary(path).rows
    assert rows.iloc[0]["status"] == "approved" and rows.iloc[0]["en"] == "middle-income countries"
    assert rows.iloc[0]["_row"] == 3


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda s: s.delete_cols(1), "no 'zh' column"),
        (lambda s: s.cell(row=3, column=3, value="approvd"), "row 3: status 'approvd' is not one of"),
        (lambda s: [s.cell(row=5, column=c, value=s.cell(row=4, column=c).value) for c in range(1, 4)],
         "rows 4 and 5 are the same concept"),
    ],
)
def test_bad_workbooks_are_refused_naming_the_file(versions, damage, message):
    path = versions / "glossary-v2.xlsx"
    rewrite(path, damage)
    with pytest.raises(InputError) as error:
        read_glossary(path)
    assert message in str(error.value) and str(path) in str(error.value)
    result = runner.invoke(app, ["export", str(path), "--format", "csv"])
    assert result.exit_code == 2
    assert message in result.stderr and str(path) in result.stderr and "Traceback" not in result.stderr


def test_files_that_are_no_workbook_are_refused(tmp_path, settings):
    text = tmp_path / "glossary-v1.xlsx"
    text.write_text("zh,en\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a zip archive"):
        read_glossary(text)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 20_000_000)
    assert bomb.stat().st_size < 100_000
    small = load_settings().replace(**{"workbook_max_uncompressed_bytes": 10_000_000})
    with pytest.raises(InputError, match="unpacks to"):
        read_glossary(bomb, small)
    with pytest.raises(InputError, match="workbook_max_bytes"):
        read_glossary(bomb, load_settings().replace(**{"workbook_max_bytes": 1000}))


def test_defusedxml_guards_openpyxl():
    import openpyxl
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")  # the sheets' XML


def _replace_part(path: Path, part: str, transform) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    parts[part] = transform(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


ENTITY_BOMB = (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
               b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')
EXTERNAL_ENTITY = b'<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("doctype", [ENTITY_BOMB, EXTERNAL_ENTITY], ids=["entity expansion", "external entity"])
@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "docProps/core.xml"])
def test_xml_attacks_in_a_workbook_are_refused(versions, doctype, part):
    path = versions / "glossary-v2.xlsx"
    reference = b"&d;" if doctype is ENTITY_BOMB else b"&secret;"

    def inject(xml: bytes) -> bytes:
        if xml.startswith(b"<?xml"):
            head, rest = xml.split(b"?>", 1)
            head += b"?>"
        else:
            head, rest = b"", xml
        if part.endswith("sheet1.xml"):  # into the text of the first Chinese cell
            rest = rest.replace("中等收入国家".encode(), reference, 1)
        return head + doctype + rest

    _replace_part(path, part, inject)
    try:
        rows = read_glossary(path).rows
    except InputError as error:
        assert str(path) in str(error)
    else:  # parsed without expanding anything
        assert not rows.astype(str).apply(lambda c: c.str.contains("root:|aaaaaaaaaa")).any().any()
