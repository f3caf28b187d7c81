"""Exports for translation tools: TBX-Basic (DCA), CSV, TSV (OmegaT) and XLSX, from a reviewed glossary.

Most tests read a small reviewed workbook written here (exact expectations); one builds from two real seeds,
approves terms as a reviewer would and exports every format. Every TBX a test writes is validated against LTAC's
TBX core structure (RELAX NG) and the TBX-Basic DCA Schematron, copies in tests/formats/tbx (see its README.txt).
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

import pandas as pd
import pytest
from defusedxml.ElementTree import fromstring as safe_fromstring
from lxml import etree, isoschematron
from openpyxl import load_workbook
from typer.testing import CliRunner

from glossary.cli import app
from glossary.config import load_settings
from glossary.errors import InputError
from glossary.formats.export import (
    ADMITTED,
    DEPRECATED,
    FORMATS,
    PREFERRED,
    TBX_BASIC_SCHEMATRON,
    TBX_CORE_RNG,
    export_glossary,
    glossary_concepts,
    parse_statuses,
    to_tbx,
)
from glossary.review.build import build_glossary

from conftest import copy_seed_halves, write_glossary_rows

NS = {"tbx": "urn:iso:std:iso:30042:ed-2"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TBX_SCHEMAS = Path(__file__).parent / "tbx"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
# The Schematron declares queryBinding xslt2, and lxml runs Schematron through XSLT 1 only. Its rules are XPath 1
# but for two expressions, rewritten here to XPath 1 equivalents (each must be found, so a new LTAC version that
# changes them fails loudly instead of validating less):
#   matches(@target,'https?://.+')  (a regular expression, unanchored: "http://" or "https://" then a character;
#                                   the XPath 1 form also takes a line break for that character)
#   ./local-name()                  (a function as a path step, XPath 2 only; the same as local-name() there)
SCHEMATRON_IN_XPATH1 = {
    'queryBinding="xslt2"': 'queryBinding="xslt"',
    "matches(@target,'https?://.+')": "(string-length(substring-after(@target,'http://')) > 0"
                                      " or string-length(substring-after(@target,'https://')) > 0)",
    "./local-name()": "local-name()",
}
FORMULA = '=HYPERLINK("http://example.com","x")'
runner = CliRunner()

REVIEWED = [
    {"zh": "中等收入国家", "en": "middle-income countries", "status": "approved", "abbr": "MICs",
     "domain": "development", "note": "plural in English", "example": "与中等收入国家建立伙伴关系的战略框架。",
     "concept_id": "c-mic"},
    {"zh": "包容和可持续的工业发展", "en": "inclusive and sustainable industrial development", "status": "approved",
     "deprecated": "包容及可持续工业发展|包容可持续工业发展", "admitted": "包容性和可持续工业发展", "abbr": "ISID",
     "note": FORMULA, "concept_id": "c-isid"},
    {"zh": "国别伙伴关系方案", "en": "Programme for Country Partnership", "status": "deprecated",
     "concept_id": "c-pcp-old"},
    {"zh": "国家伙伴关系方案", "en": "programme for country partnership", "status": "approved", "concept_id": "c-pcp"},
    {"zh": "这场大流行病", "en": "this pandemic", "status": "rejected", "concept_id": "c-pandemic"},
    {"zh": "技术转让", "en": "technology transfer", "status": "candidate", "concept_id": "c-tt"},
    {"zh": "工发组织", "en": "", "status": "approved", "concept_id": "c-unido"},  # no English yet: skipped
]


def write_reviewed(path: Path, rows=REVIEWED) -> Path:
    return write_glossary_rows(path, rows)


@pytest.fixture
def reviewed(tmp_path) -> Path:
    return write_reviewed(tmp_path / "glossary-v3.xlsx")


@functools.cache
def core_structure() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(TBX_SCHEMAS / "TBXcoreStructV03.rng")))


@functools.cache
def tbx_basic_rules() -> isoschematron.Schematron:
    text = (TBX_SCHEMAS / "TBX-Basic_DCA.sch").read_text(encoding="utf-8-sig")
    for xpath2, xpath1 in SCHEMATRON_IN_XPATH1.items():
        assert xpath2 in text, f"TBX-Basic_DCA.sch no longer has {xpath2}: check the XPath 1 rendering"
        text = text.replace(xpath2, xpath1)
    return isoschematron.Schematron(etree.fromstring(text.encode("utf-8")), store_report=True)


def tbx_problems(data: bytes) -> list[str]:
    """What LTAC's core structure RNG and TBX-Basic DCA Schematron say of a TBX file; [] when it is valid."""
    document = etree.fromstring(data)
    rng = core_structure()
    problems = [] if rng.validate(document) else [str(error) for error in rng.error_log]
    rules = tbx_basic_rules()
    if not rules.validate(document):
        report = rules.validation_report
        problems += report.xpath("//svrl:failed-assert/svrl:text/text()", namespaces=SVRL)
    return problems


def tbx_entries(data: bytes):
    assert tbx_problems(data) == []
    root = safe_fromstring(data)  # parses as XML (and safely)
    assert root.tag == "{urn:iso:std:iso:30042:ed-2}tbx"
    assert (root.get("type"), root.get("style"), root.get(XML_LANG)) == ("TBX-Basic", "dca", "en")
    return root, root.findall("tbx:text/tbx:body/tbx:conceptEntry", NS)


def terms_of(entry, language_prefix: str) -> dict[str, str | None]:
    out = {}
    for lang_sec in entry.findall("tbx:langSec", NS):
        if lang_sec.get(XML_LANG).startswith(language_prefix):
            for term_sec in lang_sec.findall("tbx:termSec", NS):
                status = term_sec.find("tbx:termNote[@type='administrativeStatus']", NS)
                out[term_sec.find("tbx:term", NS).text] = None if status is None else status.text
    return out


# --- TBX ----------------------------------------------------------------------------------------------------------


def test_tbx_has_one_entry_per_approved_concept_in_both_languages(reviewed):
    result = export_glossary(reviewed, "tbx", "approved", reviewed.with_suffix(".tbx"))
    data = reviewed.with_suffix(".tbx").read_bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>') and data == result.data
    root, entries = tbx_entries(data)
    assert root.find("tbx:tbxHeader/tbx:fileDesc/tbx:sourceDesc/tbx:p", NS) is not None
    assert [e.get("id") for e in entries] == ["c-mic", "c-isid", "c-pcp"]
    assert (result.concepts, result.skipped) == (3, 1)  # 工发组织 has no English
    for entry in entries:
        languages = [s.get(XML_LANG) for s in entry.findall("tbx:langSec", NS)]
        assert languages == ["en", "zh-CN"]
    mic, isid, pcp = entries
    assert terms_of(mic, "en") == {"middle-income countries": PREFERRED, "MICs": ADMITTED}
    assert terms_of(mic, "zh") == {"中等收入国家": PREFERRED}
    assert mic.find("tbx:descrip[@type='subjectField']", NS).text == "development"
    assert mic.find("tbx:note", NS).text == "plural in English"
    context = mic.find("tbx:langSec/tbx:termSec/tbx:descrip[@type='context']", NS)
    assert context.text.startswith("与中等收入国家")
    assert terms_of(isid, "zh") == {"包容和可持续的工业发展": PREFERRED, "包容性和可持续工业发展": ADMITTED}
    assert isid.find("tbx:note", NS).text == FORMULA  # text in XML, nothing to run
    # termNote sits inside termSec, after the term (TBX-Basic DCA)
    for term_sec in root.iter("{urn:iso:std:iso:30042:ed-2}termSec"):
        assert term_sec[0].tag.endswith("term")


def test_tbx_with_deprecated_marks_the_forms_not_to_use(reviewed):
    data = export_glossary(reviewed, "tbx", "approved,deprecated", reviewed.with_suffix(".tbx")).data
    _, entries = tbx_entries(data)
    by_id = {e.get("id"): e for e in entries}
    assert set(by_id) == {"c-mic", "c-isid", "c-pcp"}  # the deprecated row joined its concept (same English)
    assert terms_of(by_id["c-isid"], "zh") == {
        "包容和可持续的工业发展": PREFERRED, "包容性和可持续工业发展": ADMITTED,
        "包容及可持续工业发展": DEPRECATED, "包容可持续工业发展": DEPRECATED}
    assert terms_of(by_id["c-pcp"], "zh") == {"国家伙伴关系方案": PREFERRED, "国别伙伴关系方案": DEPRECATED}


def test_a_deprecated_row_without_an_approved_partner_is_its_own_entry():
    rows = pd.DataFrame([{"zh": "国别方案", "en": "country programme (old)", "status": "deprecated",
                          "concept_id": "c1"}])
    concepts, skipped = glossary_concepts(rows, ("approved", "deprecated"))
    assert skipped == 0 and len(concepts) == 1
    _, (entry,) = tbx_entries(to_tbx(concepts))
    assert terms_of(entry, "zh") == {"国别方案": DEPRECATED} and terms_of(entry, "en") == {"country programme (old)": None}


def test_candidates_only_when_asked_and_without_a_status(reviewed):
    data = export_glossary(reviewed, "tbx", "approved,candidate", reviewed.with_suffix(".tbx")).data
    _, entries = tbx_entries(data)
    (tt,) = [e for e in entries if e.get("id") == "c-tt"]
    assert terms_of(tt, "zh") == {"技术转让": None}


def test_concept_ids_are_unique_xml_ids():
    rows = pd.DataFrame([{"zh": "技术转让", "en": "technology transfer", "status": "approved", "concept_id": "7"},
                         {"zh": "技术转移", "en": "transfer of technology", "status": "approved", "concept_id": "7"}])
    _, entries = tbx_entries(to_tbx(glossary_concepts(rows)[0]))
    assert [e.get("id") for e in entries] == ["c7", "c7-2"]


def test_nothing_to_export_as_tbx_is_an_error_naming_the_file(tmp_path):
    path = write_reviewed(tmp_path / "glossary-v1.xlsx", [r for r in REVIEWED if r["status"] != "approved"])
    result = runner.invoke(app, ["export", str(path), "--format", "tbx"])
    assert result.exit_code == 2 and str(path) in result.stderr and "status approved" in result.stderr


def test_tbx_names_the_current_ltac_schemas():
    data = to_tbx(glossary_concepts(pd.DataFrame(REVIEWED[:1]))[0])
    declarations = data.decode("utf-8").split("<tbx", 1)[0]
    assert f'<?xml-model href="{TBX_CORE_RNG}"' in declarations
    assert f'<?xml-model href="{TBX_BASIC_SCHEMATRON}"' in declarations
    assert (TBX_SCHEMAS / Path(TBX_CORE_RNG).name).exists() and (TBX_SCHEMAS / Path(TBX_BASIC_SCHEMATRON).name).exists()


@pytest.mark.parametrize("change, message", [
    (("urn:iso:std:iso:30042:ed-2", "urn:iso:std:iso:30042:ed:3.0"), "wrong namespace"),  # the draft namespace
    (("admittedTerm-admn-sts", "acceptedTerm"), "/administrativeStatus/ type may be"),
    (('type="context"', 'type="usageNote"'), "Permitted type value(s): subjectField, context, definition"),
])
def test_the_validation_catches_what_ltac_forbids(change, message):
    data = to_tbx(glossary_concepts(pd.DataFrame(REVIEWED[:1]))[0])
    assert tbx_problems(data) == []
    problems = tbx_problems(data.replace(change[0].encode(), change[1].encode()))
    assert any(message in problem for problem in problems), problems


def test_status_list_is_checked():
    assert parse_statuses(None) == ("approved",)
    assert parse_statuses(" Approved , deprecated") == ("approved", "deprecated")
    with pytest.raises(InputError, match="'final' is not one of"):
        parse_statuses("approved,final")


# --- CSV, TSV, XLSX -----------------------------------------------------------------------------------------------


def test_csv_has_one_row_per_chinese_term_with_its_status(reviewed):
    out = reviewed.with_suffix(".csv")
    export_glossary(reviewed, "csv", "approved,deprecated", out)
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(table.columns) == ["concept_id", "en", "zh-CN", "status", "forbidden", "abbr", "note", "domain"]
    isid = table[table["concept_id"] == "c-isid"]
    assert isid[["zh-CN", "status", "forbidden"]].values.tolist() == [
        ["包容和可持续的工业发展", "preferred", "FALSE"], ["包容性和可持续工业发展", "admitted", "FALSE"],
        ["包容及可持续工业发展", "deprecated", "TRUE"], ["包容可持续工业发展", "deprecated", "TRUE"]]
    assert set(isid["en"]) == {"inclusive and sustainable industrial development"} and set(isid["abbr"]) == {"ISID"}
    assert set(isid["note"]) == {"'" + FORMULA}  # neutralised: a spreadsheet shows it, never runs it
    assert not any("|" in cell for cell in table["zh-CN"])  # one form a cell: no synonym hides a forbidden form
    pcp = table[table["concept_id"] == "c-pcp"]
    assert pcp[["zh-CN", "status"]].values.tolist() == [["国家伙伴关系方案", "preferred"],
                                                        ["国别伙伴关系方案", "deprecated"]]
    assert table["concept_id"].drop_duplicates().tolist() == ["c-mic", "c-isid", "c-pcp"]


def test_csv_of_candidates_carries_no_status(reviewed):
    table = pd.read_csv(io.BytesIO(export_glossary(reviewed, "csv", "candidate", reviewed.with_suffix(".csv")).data),
                        encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert table[["en", "zh-CN", "status", "forbidden"]].values.tolist() == [
        ["technology transfer", "技术转让", "", "FALSE"]]


def test_headers_from_settings_are_neutralised_too():
    concepts = glossary_concepts(pd.DataFrame(REVIEWED[:1]))[0]
    csv_header = FORMATS["csv"].write(concepts, "t", "=zh", None).decode("utf-8").splitlines()[0]
    assert csv_header.split(",")[2] == "'=zh"
    tsv_header = FORMATS["tsv"].write(concepts, "t", "=zh", None).decode("utf-8").splitlines()[1]
    assert tsv_header == "# en\t'=zh\tcomment"


def omegat_entries(text: str) -> list[tuple[str, str, str]]:
    """What OmegaT's GlossaryReaderTSV.read makes of a file: lines starting with "#" skipped, the rest split on tabs,
    each cell trimmed, a line with fewer than two cells or an empty first cell skipped; source, target, comment."""
    entries = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) >= 2 and cells[0]:
            entries.append((cells[0], cells[1], cells[2] if len(cells) >= 3 else ""))
    return entries


def test_tsv_is_what_omegat_reads(reviewed):
    out = reviewed.with_suffix(".utf8")
    export_glossary(reviewed, "tsv", None, out)
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[:2] == ["# Glossary in tab-separated format -*- coding: utf-8 -*-", "# en\tzh-CN\tcomment"]
    assert all(line.count("\t") == 2 and '"' not in line.replace(FORMULA, "") for line in lines[1:])
    entries = omegat_entries(text)
    assert [source for source, _, _ in entries] == ["middle-income countries",
                                                   "inclusive and sustainable industrial development",
                                                   "programme for country partnership"]  # the header is no entry
    assert entries[0][1] == "中等收入国家" and "abbr: MICs" in entries[0][2]
    table = pd.read_csv(out, sep="\t", dtype=str, keep_default_na=False, quoting=3, skiprows=2, header=None)
    assert table.shape == (3, 3)


def test_tsv_keeps_a_term_starting_with_a_hash_an_omegat_entry():
    rows = pd.DataFrame([{"zh": "我也是运动", "en": "#MeToo movement", "status": "approved", "concept_id": "c1"}])
    text = FORMATS["tsv"].write(glossary_concepts(rows)[0], "t", "zh-CN", None).decode("utf-8")
    assert omegat_entries(text) == [("#MeToo movement", "我也是运动", "")]


def test_xlsx_for_translators_keeps_text_as_text(reviewed):
    out = reviewed.parent / "for-translators.xlsx"
    export_glossary(reviewed, "xlsx", "approved", out)
    sheet = load_workbook(out)["Glossary"]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["en", "zh-CN"] and "example" in header
    cells = [c for row in sheet.iter_rows() for c in row]
    formula_cells = [c for c in cells if c.value == FORMULA]
    assert formula_cells and all(c.data_type == "s" for c in formula_cells)
    assert not any(c.data_type == "f" for c in cells)


# --- command line -------------------------------------------------------------------------------------------------


def test_cli_export_reads_the_newest_version_of_a_folder(tmp_path):
    write_reviewed(tmp_path / "glossary-v1.xlsx", REVIEWED[:1])
    write_reviewed(tmp_path / "glossary-v2.xlsx")
    result = runner.invoke(app, ["export", str(tmp_path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str)
    assert table["concept_id"].nunique() == 3 and "glossary-v2.xlsx" in result.stderr
    result = runner.invoke(app, ["export", str(tmp_path), "--format", "tbx", "--out", str(tmp_path / "g.tbx")])
    assert result.exit_code == 0 and len(tbx_entries((tmp_path / "g.tbx").read_bytes())[1]) == 3
    help_text = " ".join(runner.invoke(app, ["export", "--help"]).stdout.replace("│", " ").split())
    assert "Default: approved" in help_text


@pytest.mark.parametrize("args, message", [
    (["--format", "pdf"], "--format must be one of"),
    (["--format", "xlsx"], "--format xlsx needs --out"),
    (["--format", "csv", "--status", "done"], "'done' is not one of"),
])
def test_cli_export_usage_errors_exit_2(reviewed, args, message):
    result = runner.invoke(app, ["export", str(reviewed), *args])
    assert result.exit_code == 2 and message in result.stderr


def test_cli_export_of_an_empty_folder_names_it(tmp_path):
    result = runner.invoke(app, ["export", str(tmp_path), "--format", "tbx"])
    assert result.exit_code == 2 and str(tmp_path) in result.stderr and "no glossary-vN.xlsx" in result.stderr


# --- end to end on two seeds --------------------------------------------------------------------------------------


def test_build_review_export_on_real_seeds(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    copy_seed_halves(corpus)
    terms = tmp_path / "terms.csv"
    terms.write_text("en,zh\ninclusive and sustainable industrial development,"
                     "包容和可持续的工业发展|包容及可持续工业发展\n", encoding="utf-8")
    built = build_glossary([corpus], terms, tmp_path / "glossaries", load_settings())

    workbook = load_workbook(built.path)
    sheet = workbook["Glossary"]
    header = [c.value for c in sheet[1]]
    status, en, zh, method = (header.index(n) for n in ("status", "en", "zh", "method"))
    approved = []
    for row in sheet.iter_rows(min_row=2):
        if row[method].value in ("draft", "mined") and row[zh].value and len(approved) < 3:
            row[status].value = "approved"
            row[en].value = row[en].value or f"term {len(approved)}"
            approved.append(row[zh].value)
    workbook.save(built.path)

    for fmt in ("tbx", "csv", "tsv", "xlsx"):
        out = tmp_path / f"export.{fmt}"
        result = export_glossary(tmp_path / "glossaries", fmt, "approved,deprecated", out)
        assert result.concepts == 4 and out.stat().st_size > 0
    _, entries = tbx_entries((tmp_path / "export.tbx").read_bytes())
    zh_terms = [terms_of(e, "zh") for e in entries]
    assert all(z for z in zh_terms) and {t for z in zh_terms for t in z} >= set(approved)
    isid = next(z for z in zh_terms if "包容和可持续的工业发展" in z)
    assert isid["包容及可持续工业发展"] == DEPRECATED
    table = pd.read_csv(tmp_path / "export.csv", encoding="utf-8-sig", dtype=str)
    assert set(approved) <= set(table["zh-CN"])
