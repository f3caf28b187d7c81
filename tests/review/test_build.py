"""Versioned glossaries: build, review in Excel (simulated with openpyxl), carry forward, diff, the folder lock.

The corpus is the first half of two real seeds (001: 2018, 002: 2020) copied to a temporary folder, the second with
one extra line that starts like a spreadsheet formula. Versions v1 and v2 are built once per module; each test works on a copy.
Reading a reviewed workbook safely is tested in tests/formats/test_workbook_file.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import SEEDS_DIR, copy_seed_halves
from glossary.cli import app
from glossary.config import load_settings
from glossary.errors import InputError
from glossary.formats.tables import set_cell
from glossary.formats.workbook import (
    GLOSSARY_COLUMNS,
    STATUSES,
    StoredGlossary,
    list_versions,
    read_glossary,
    resolve_glossary,
)
from glossary.review.build import (
    build_glossary,
    carry_forward,
    compare_glossaries,
    diff_glossaries,
    form_key,
    propose_rows,
)
from glossary.review.lock import version_lock

SEEDS = SEEDS_DIR
FORMULA_LINE = '=HYPERLINK("http://example.com","x")'
TERMS_CSV = (
    "en,zh,abbr,domain,reviewer_hint\n"
    "middle-income countries,中等收入国家,MICs,development,keep\n"
    "inclusive and sustainable industrial development,包容和可持续的工业发展|包容及可持续工业发展,ISID,industry,\n"
    "United Nations Industrial Development Organization,,UNIDO,,\n"
    "Montreal Protocol,蒙特利尔议定书,,environment,\n"  # the corpus writes it as a title: 《蒙特利尔议定书》
)
runner = CliRunner()


# --- fixtures -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    copy_seed_halves(folder)
    (seed_002,) = folder.glob("002_*.txt")
    # 中等收入国家 occurs only in seed 001; here it gets a 2020 context sentence that starts like a formula
    with seed_002.open("a", encoding="utf-8") as handle:
        handle.write(f"\n\n{FORMULA_LINE}中等收入国家的合作。\n")
    terms = folder.parent / f"{folder.name}-terms.csv"
    terms.write_text(TERMS_CSV, encoding="utf-8")
    return folder, terms


@pytest.fixture(scope="module")
def settings():
    return load_settings()


@pytest.fixture(scope="module")
def built(corpus, settings, tmp_path_factory):
    """A folder holding v1 and v2, built from the same corpus and terms, never reviewed."""
    folder, terms = corpus
    out = tmp_path_factory.mktemp("glossaries")
    first = build_glossary([folder], terms, out, settings)
    v1_bytes = first.path.read_bytes()
    second = build_glossary([folder], terms, out, settings)
    return out, first, second, v1_bytes


@pytest.fixture
def versions(built, tmp_path):
    """A private copy of the v1 + v2 folder."""
    out = tmp_path / "glossaries"
    shutil.copytree(built[0], out)
    return out


def glossary_sheet(path: Path) -> pd.DataFrame:
    return read_glossary(path).rows.drop(columns="_row")


def review(path: Path, edit) -> None:
    """Open a version as a reviewer would, let `edit(rows)` change the rows (a list of dicts, header order kept in
    the dict), and save it back with its columns in a new order, blank rows, and the Glossary sheet moved last."""
    workbook = load_workbook(path)
    sheet = workbook["Glossary"]
    values = list(sheet.iter_rows(values_only=True))
    header, rows = list(values[0]), [dict(zip(values[0], v)) for v in values[1:]]
    rows = edit(rows)
    header += [c for r in rows for c in r if c not in header]
    header = list(dict.fromkeys(header))
    order = ["status", "en", "zh"] + [c for c in header if c not in ("status", "en", "zh")]
    sheet.delete_rows(1, sheet.max_row)
    sheet.delete_cols(1, sheet.max_column)
    for col, name in enumerate(order, start=1):
        set_cell(sheet.cell(row=1, column=col), name)
    row_number = 2
    for index, row in enumerate(rows):
        if index == 10:
            row_number += 2  # two blank rows in the middle
        for col, name in enumerate(order, start=1):
            set_cell(sheet.cell(row=row_number, column=col), row.get(name))
        row_number += 1
    workbook.move_sheet("Glossary", offset=len(workbook.sheetnames) - 1)
    workbook.save(path)


def candidates_with_chinese(rows):
    return [r for r in rows if r["status"] == "candidate" and r["zh"] and r["method"] in ("draft", "mined")]


# --- build --------------------------------------------------------------------------------------------------------


def test_two_builds_make_v1_and_v2_and_leave_v1_alone(built):
    out, first, second, v1_bytes = built
    assert (first.version, second.version) == (1, 2)
    assert [p.name for _, p in list_versions(out)] == ["glossary-v1.xlsx", "glossary-v2.xlsx"]
    assert first.path.read_bytes() == v1_bytes
    assert second.changes.empty
    assert pd.read_excel(second.path, sheet_name="Changes").empty
    assert resolve_glossary(out) == second.path


def test_workbook_layout(built):
    path = built[2].path
    workbook = load_workbook(path)
    assert workbook.sheetnames[:6] == ["Glossary", "Variants", "Contexts", "Statistics", "Changes", "About"]
    assert workbook["_published"].sheet_state == "hidden"
    sheet = workbook["Glossary"]
    header = [c.value for c in sheet[1]]
    assert header[: len(GLOSSARY_COLUMNS)] == GLOSSARY_COLUMNS
    assert header[-1] == "concept_id" and "reviewer_hint" in header  # a terms-file column is carried
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet[1][0].font.bold
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list" and all(s in validation.formula1 for s in STATUSES)
    rows = glossary_sheet(path)
    curated = rows.set_index("en").loc["inclusive and sustainable industrial development"]
    assert curated["zh"] == "包容和可持续的工业发展" and curated["deprecated"] == "包容及可持续工业发展"
    assert curated["status"] == "approved" and curated["abbr"] == "ISID"
    assert set(rows["status"]) <= set(STATUSES)
    assert rows["zh"].dropna().is_unique
    mined = rows[rows["method"].isin(["draft", "mined"])]
    assert len(mined) > 20 and (mined["status"] == "candidate").all()
    assert pd.to_numeric(mined["freq"]).min() >= 2 and mined["example"].notna().all()

    variants = pd.read_excel(path, sheet_name="Variants")
    assert {"zh", "form", "relation", "document", "year", "count"} <= set(variants.columns)
    isid = variants[variants["zh"] == "包容和可持续的工业发展"]
    assert {"preferred", "deprecated"} <= set(isid["relation"]) and {2018, 2020} <= set(isid["year"])
    about = pd.read_excel(path, sheet_name="About", dtype=str)
    inputs = about[about["section"] == "input"]
    assert len(inputs) == 2 and inputs["value"].str.fullmatch(r"[0-9a-f]{64}").all()
    names = dict(zip(about["name"], about["value"]))
    assert names["version"] == "2" and names["previous version"].endswith("glossary-v1.xlsx")
    assert names["terms file"].endswith("-terms.csv") and "min_freq" in names
    statistics = pd.read_excel(path, sheet_name="Statistics", header=None, dtype=str)
    assert "documents" in statistics[0].tolist() and "tokens" in statistics.values
    assert len(workbook["Statistics"]._images) == 3  # the heatmap, drift and Zipf charts of `stats --plot`


HASHED_FILE_NAME = re.compile(r"^\S*[0-9a-f]{12}")


def test_one_row_per_concept_and_examples_name_their_document(built, corpus):
    rows = glossary_sheet(built[2].path)
    keys = rows["zh"].dropna().map(form_key)
    assert keys.is_unique  # no 《X》 beside X
    montreal = rows[keys == "蒙特利尔议定书"].iloc[0]
    assert (montreal["zh"], montreal["status"]) == ("蒙特利尔议定书", "approved")
    assert "《蒙特利尔议定书》" not in str(montreal["variants"])  # the same form, not a variant
    examples = rows["example"].dropna()
    assert len(examples) > 20 and not examples.str.match(HASHED_FILE_NAME).any()
    assert examples.str.match(r"IDB\.4[68]: ").mean() > 0.9  # the seeds' symbols


def test_about_and_statistics_show_no_path_of_this_machine(built, corpus):
    machine = str(corpus[0].parent)
    for name in ("About", "Statistics"):
        cells = pd.read_excel(built[2].path, sheet_name=name, header=None, dtype=str).stack().dropna().tolist()
        assert not [c for c in cells if os.path.isabs(c) or machine in c], name
    about = pd.read_excel(built[2].path, sheet_name="About", dtype=str)
    inputs = about.loc[about["section"] == "input", "name"]
    assert sorted(inputs) == sorted(p.name for p in corpus[0].glob("*.txt"))  # relative to the corpus root
    settings = dict(zip(about["name"], about["value"]))
    assert settings["stopwords"] == "glossary.data/stopwords.txt" and settings["corpus root"] == corpus[0].name


def test_file_is_readable_by_others_like_any_file(built):
    mode = built[1].path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_text_that_looks_like_a_formula_stays_text(built):
    workbook = load_workbook(built[2].path)
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    assert cell.data_type == "s"
                    found.append(sheet.title)
    assert "Contexts" in found  # the corpus line reached the workbook, as text


# --- review carry-forward -----------------------------------------------------------------------------------------


def test_review_is_carried_into_the_next_version(versions, corpus, settings):
    folder, terms = corpus
    v2 = versions / "glossary-v2.xlsx"
    picked = {}

    def edit(rows):
        candidates = candidates_with_chinese(rows)
        approve, reject, annotate = candidates[:3], candidates[3:5], candidates[5]
        for row in approve:
            row.update(status="approved", en=f"corrected {row['zh']}  ", reviewer="AB")
        for row in reject:
            row["status"] = "rejected"
        annotate["note"] = "ask the Vienna terminology unit"
        rows.append({"zh": "手工添加的术语", "en": "hand-made term", "status": "approved", "note": "from the style guide"})
        picked.update(approve=[r["zh"] for r in approve], reject=[r["zh"] for r in reject], annotate=annotate["zh"])
        return rows

    review(v2, edit)
    v3 = build_glossary([folder], terms, versions, settings)
    assert v3.version == 3
    rows = glossary_sheet(v3.path).set_index("zh")
    for zh in picked["approve"]:
        assert rows.loc[zh, "status"] == "approved" and rows.loc[zh, "en"] == f"corrected {zh}"
        assert rows.loc[zh, "reviewer"] == "AB"  # a column a reviewer added survives
    for zh in picked["reject"]:
        assert rows.loc[zh, "status"] == "rejected"
    assert rows.loc[picked["annotate"], "note"] == "ask the Vienna terminology unit"
    hand = rows.loc["手工添加的术语"]
    assert hand["en"] == "hand-made term" and hand["status"] == "approved" and hand["method"] == "manual"
    assert hand["freq"] == 0 and hand["concept_id"]
    assert rows.index.is_unique

    expected = {("added", "手工添加的术语", "")}
    expected |= {("changed", zh, f) for zh in picked["approve"] for f in ("en", "status", "reviewer")}
    expected |= {("changed", zh, "status") for zh in picked["reject"]}
    expected |= {("changed", picked["annotate"], "note")}
    changes = v3.changes.fillna("")
    assert set(zip(changes["change"], changes["zh"], changes["field"])) == expected
    assert len(changes) == len(expected)
    approved_en = changes[(changes["field"] == "en")]
    assert approved_en["old"].eq("").all() or approved_en["old"].notna().all()

    # the same report from `glossary diff`, and v4 changes nothing more
    assert_same_changes(diff_glossaries(versions / "glossary-v2.xlsx", v3.path, settings), v3.changes)
    v4 = build_glossary([folder], terms, versions, settings)
    assert v4.changes.empty
    rows4 = glossary_sheet(v4.path)
    rejected = rows4[rows4["zh"].isin(picked["reject"])]
    assert len(rejected) == 2 and (rejected["status"] == "rejected").all()  # kept, not proposed again


def test_proposal_rows_from_alignment_and_mining():
    from types import SimpleNamespace

    mining = SimpleNamespace(terms=pd.DataFrame([
        {"term": "工发组织", "variants": "", "freq": 40, "docs": 2, "score": 1.0, "first_year": 2018,
         "last_year": 2020, "example": "工发组织与中等收入国家。"},
        {"term": "技术转让", "variants": "技术转移", "freq": 4, "docs": 2, "score": 0.5, "first_year": 2018,
         "last_year": 2020, "example": "技术转让项目。"},
        {"term": "中期方案纲要", "variants": "", "freq": 3, "docs": 1, "score": 0.4, "first_year": 2018,
         "last_year": 2018, "example": "中期方案纲要。"},
    ]))
    terms = pd.DataFrame([{"en": "United Nations Industrial Development Organization", "zh": "联合国工业发展组织",
                           "admitted": "工发组织", "abbr": "UNIDO", "domain": "", "note": "", "source": "",
                           "desk": "Vienna"},
                          {"en": "technology transfer", "zh": "", "abbr": "", "domain": "", "note": "",
                           "source": "", "admitted": "", "desk": ""}])
    alignment = pd.DataFrame([
        {"en": "United Nations Industrial Development Organization", "zh": "工发组织", "score": 0.9,
         "method": "variant", "freq": 41, "docs": 2, "variants": "", "context": "工发组织与中等收入国家。"},
        {"en": "technology transfer", "zh": "技术转让", "score": 0.8, "method": "dictionary", "freq": 4, "docs": 2,
         "variants": "技术转移", "context": "技术转让项目。"},
    ])
    drafts = pd.DataFrame([{"term": "技术转让", "en": "technology transfer", "score": 1.0, "method": "draft"}])
    rows = propose_rows(mining, alignment, terms, drafts).set_index("zh")
    unido = rows.loc["联合国工业发展组织"]
    assert (unido["status"], unido["admitted"], unido["abbr"], unido["desk"]) == ("approved", "工发组织", "UNIDO", "Vienna")
    assert not unido["variants"]  # 工发组织 is listed as admitted, not as a stray variant
    transfer = rows.loc["技术转让"]
    assert (transfer["status"], transfer["method"], transfer["variants"]) == ("candidate", "dictionary", "技术转移")
    outline = rows.loc["中期方案纲要"]  # mined, no English entry, no draft
    assert (outline["method"], outline["en"], outline["status"]) == ("mined", "", "candidate")
    assert list(rows.index) == ["联合国工业发展组织", "技术转让", "中期方案纲要"]  # covered mined terms not repeated


def test_proposal_has_one_row_per_concept():
    """Mined forms that differ from a curated form only by title marks, or that put the United Nations prefix on a
    concept's short name, join that concept; a prefixed name that is no short name stays a concept of its own."""
    from types import SimpleNamespace

    def mined(term, freq):
        return {"term": term, "variants": "", "freq": freq, "docs": 2, "score": 0.5, "example": f"{term}。"}

    mining = SimpleNamespace(terms=pd.DataFrame([
        mined("《阿布扎比宣言》", 9), mined("联合国工发组织", 6), mined("联合国大会", 4), mined("《利马宣言》", 3)]))
    terms = pd.DataFrame([
        {"en": "United Nations Industrial Development Organization", "zh": "联合国工业发展组织", "admitted": "工发组织"},
        {"en": "Abu Dhabi Declaration", "zh": "阿布扎比宣言", "admitted": ""},
        {"en": "General Conference", "zh": "大会", "admitted": ""},
    ])
    alignment = terms[["en", "zh"]].assign(method="curated")
    rows = propose_rows(mining, alignment, terms).set_index("zh")
    assert list(rows.index) == ["联合国工业发展组织", "阿布扎比宣言", "大会", "联合国大会", "《利马宣言》"]
    assert rows.loc["联合国工业发展组织", "variants"] == "联合国工发组织"
    assert rows.loc["阿布扎比宣言", "freq"] == 9 and not rows.loc["阿布扎比宣言", "variants"]
    assert rows.loc["联合国大会", "method"] == "mined"  # the General Assembly is not UNIDO's General Conference


def _reviewed_spellings(*rows):
    """A previous version's rows (its snapshot: the same rows before review) and a new proposal with the curated
    阿布扎比宣言 and UNIDO."""
    proposal = _proposal(
        {"zh": "阿布扎比宣言", "en": "Abu Dhabi Declaration", "status": "approved", "method": "curated",
         "concept_id": "c-abu"},
        {"zh": "联合国工业发展组织", "en": "United Nations Industrial Development Organization", "status": "approved",
         "admitted": "工发组织", "method": "curated", "concept_id": "c-unido"},
    )
    published = [{**r, "status": "candidate", "note": None, "en": r.get("published_en")} for r in rows]
    reviewed = [{k: v for k, v in r.items() if k != "published_en"} for r in rows]
    published = [{k: v for k, v in r.items() if k != "published_en"} for r in published]
    return carry_forward(proposal, _stored(reviewed, published))


@pytest.mark.parametrize("spelling", ["《阿布扎比宣言》", "阿布扎比宣言"])
def test_a_decision_on_either_spelling_is_kept(spelling):
    rows = _reviewed_spellings({"zh": spelling, "en": "Abu Dhabi Declaration", "status": "approved",
                                "note": "GC.18/Res.1", "method": "draft", "concept_id": "c-old"})
    abu = rows[rows["zh"].map(form_key) == "阿布扎比宣言"]
    assert len(abu) == 1 and abu.iloc[0]["note"] == "GC.18/Res.1" and abu.iloc[0]["status"] == "approved"


def test_reviewed_rows_of_an_older_build_join_their_concept():
    # built before one concept had one row: 《阿布扎比宣言》 and 联合国工发组织 were rows of their own, now reviewed
    rows = _reviewed_spellings(
        {"zh": "阿布扎比宣言", "en": "Abu Dhabi Declaration", "status": "approved", "method": "curated",
         "published_en": "Abu Dhabi Declaration", "concept_id": "c-abu"},
        {"zh": "《阿布扎比宣言》", "status": "approved", "note": "adopted 2019", "method": "mined", "concept_id": "c-t"},
        {"zh": "联合国工发组织", "en": "UNIDO", "status": "candidate", "note": "short form, do not use",
         "method": "draft", "published_en": "UNIDO", "concept_id": "c-un"},
    )
    assert len(rows) == 2
    abu = rows.set_index("concept_id").loc["c-abu"]
    assert (abu["zh"], abu["status"], abu["note"]) == ("阿布扎比宣言", "approved", "adopted 2019")
    unido = rows.set_index("concept_id").loc["c-unido"]
    assert unido["note"] == "short form, do not use" and "note" in unido["_owned"]


def test_disagreeing_decisions_on_two_spellings_both_stay():
    rows = _reviewed_spellings(
        {"zh": "阿布扎比宣言", "en": "Abu Dhabi Declaration", "status": "approved", "note": "curated",
         "method": "curated", "concept_id": "c-abu"},
        {"zh": "《阿布扎比宣言》", "status": "rejected", "note": "duplicate", "method": "mined", "concept_id": "c-t"},
        # a rejected spelling stays a row of its own beside its concept's row, which it leaves as it was
        {"zh": "联合国工发组织", "status": "rejected", "method": "mined", "concept_id": "c-un"},
    )
    kept = rows.set_index("concept_id")
    assert kept.loc["c-t", "status"] == "rejected" and kept.loc["c-abu", "note"] == "curated"
    assert kept.loc["c-un", "status"] == "rejected" and kept.loc["c-unido", "status"] == "approved"


def assert_same_changes(a: pd.DataFrame, b: pd.DataFrame) -> None:
    key = ["change", "zh", "field"]
    left = a.fillna("").astype(str).sort_values(key).reset_index(drop=True)
    right = b.fillna("").astype(str).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)


def _proposal(*rows):
    frame = pd.DataFrame([{c: None for c in GLOSSARY_COLUMNS} | {"concept_id": None} | r for r in rows])
    return frame.astype(object).where(pd.notna(frame), None)


def _stored(rows, published=None):
    frame = _proposal(*rows)
    frame.insert(0, "_row", range(2, len(frame) + 2))
    return StoredGlossary(Path("glossary-v1.xlsx"), frame, None if published is None else _proposal(*published),
                          [c for c in frame.columns if c != "_row"])


def test_carry_forward_rules():
    # what the tool wrote in v1
    v1 = [
        {"zh": "伙伴关系方案", "en": "partnership programme", "status": "candidate", "method": "draft", "score": 0.9,
         "concept_id": "c1"},
        {"zh": "技术转让", "en": "technology transfer", "status": "candidate", "method": "draft", "score": 0.8,
         "concept_id": "c2"},
        {"zh": "这场大流行病", "en": "this pandemic", "status": "candidate", "method": "draft", "concept_id": "c3"},
        {"zh": "侧重于", "en": "focus on", "status": "candidate", "method": "draft", "concept_id": "c4"},
        {"zh": "利益攸关方", "en": "stakeholder", "status": "candidate", "method": "draft", "concept_id": "c5"},
        {"zh": "中期方案纲要", "en": "medium-term programme outline", "status": "candidate", "method": "draft",
         "concept_id": "c8"},
    ]
    reviewed = [
        {**v1[0], "en": "programme for country partnership"},  # en edited, still a candidate
        {**v1[1], "status": "approved"},  # approved as proposed
        {**v1[2], "status": "rejected"},
        v1[3],  # untouched
        {**v1[4], "concept_id": None},  # the reviewer's Excel lost the id
        {**v1[5], "zh": "中期方案纲要（草案）"},  # the reviewer corrected the Chinese
        {"zh": "国别方案", "en": "country programme", "status": "approved"},  # hand-made
    ]
    proposal = _proposal(
        # the canonical form changed: matched through its variants; new English proposed
        {"zh": "国家伙伴关系方案", "variants": "伙伴关系方案", "en": "national partnership programme",
         "status": "candidate", "method": "draft", "concept_id": "cX"},
        {"zh": "技术转让", "en": "transfer of technology", "status": "candidate", "method": "draft", "score": 0.2,
         "concept_id": "c2"},
        {"zh": "大流行病", "variants": "这场大流行病", "en": "pandemic", "status": "candidate", "method": "draft",
         "concept_id": "c6"},
        {"zh": "利益攸关方", "en": "stakeholders", "status": "candidate", "method": "draft", "concept_id": "c5"},
        {"zh": "国别方案", "en": "country programme", "status": "candidate", "method": "draft", "freq": 4,
         "concept_id": "c7"},
        {"zh": "中期方案纲要", "en": "medium-term programme outline", "status": "candidate", "method": "draft",
         "concept_id": "c8"},
    )
    rows = carry_forward(proposal, _stored(reviewed, v1)).set_index("concept_id")
    assert rows.loc["c1", "en"] == "programme for country partnership"  # reviewer's English wins
    assert rows.loc["c1", "zh"] == "国家伙伴关系方案"  # the id survives a new canonical form
    assert (rows.loc["c2", "en"], rows.loc["c2", "status"]) == ("technology transfer", "approved")  # score fell
    assert rows.loc["c3", "status"] == "rejected" and "c6" not in rows.index  # not proposed again
    assert "c4" not in rows.index  # an untouched candidate the corpus no longer yields is dropped
    assert rows.loc["c5", "en"] == "stakeholders"  # untouched: the new proposal wins
    hand = rows[rows["zh"] == "国别方案"].iloc[0]
    assert (hand["en"], hand["status"], hand["freq"]) == ("country programme", "approved", 4)
    assert rows.loc["c8", "zh"] == "中期方案纲要（草案）"  # the reviewer's Chinese wins, the id still matches
    assert len(rows) == 6 and rows["zh"].is_unique
    assert rows.loc["c1", "_owned"] == "en" and rows.loc["c2", "_owned"] == "status"  # remembered for next time

    changes = compare_glossaries(_proposal(*v1), rows.reset_index())
    summary = set(zip(changes["change"], changes["field"], changes["concept_id"]))
    assert ("removed", "", "c4") in summary and ("changed", "status", "c3") in summary
    assert ("changed", "score", "c2") in summary and ("added", "", "c7") in summary


# --- safety of the folder -----------------------------------------------------------------------------------------


def rewrite(path: Path, edit_sheet) -> None:
    workbook = load_workbook(path)
    edit_sheet(workbook["Glossary"])
    workbook.save(path)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_an_interrupted_build_leaves_the_folder_as_it_was(versions, corpus, settings, monkeypatch):
    from openpyxl.writer.excel import ExcelWriter

    before = snapshot(versions)

    def crash(self):
        self._archive.writestr("xl/half.xml", b"half a workbook")
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(ExcelWriter, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        build_glossary([corpus[0]], corpus[1], versions, settings)
    assert snapshot(versions) == before


def test_the_folder_lock(tmp_path):
    with version_lock(tmp_path, timeout=0.2):
        assert (tmp_path / ".glossary.lock").exists()
        with pytest.raises(InputError, match="another build"):
            with version_lock(tmp_path, timeout=0.2):
                pass
    assert not (tmp_path / ".glossary.lock").exists()
    # a lock left by a process that no longer exists is broken
    (tmp_path / ".glossary.lock").write_text(json.dumps({"pid": 2**22 + 12345, "host": os.uname().nodename,
                                                         "since": 0}))
    with version_lock(tmp_path, timeout=0.2):
        pass
    assert list(tmp_path.iterdir()) == []


def test_a_build_never_overwrites_and_takes_the_next_number(versions, corpus, settings):
    (versions / "glossary-v7.xlsx").write_bytes((versions / "glossary-v2.xlsx").read_bytes())
    (versions / ".glossary-v8.xlsx.abandoned.xlsx").write_bytes(b"left by a killed build")
    result = build_glossary([corpus[0]], corpus[1], versions, settings)
    assert result.path.name == "glossary-v8.xlsx" and result.previous.name == "glossary-v7.xlsx"
    assert not (versions / ".glossary-v8.xlsx.abandoned.xlsx").exists()


def _build_in_child(corpus_folder, terms, out):
    try:
        return build_glossary([corpus_folder], terms, out, load_settings()).path.name
    except Exception as error:  # returned, not raised: a Pool cannot always send an exception back
        return f"{type(error).__name__}: {error}"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to start warm builds quickly")
def test_concurrent_builds_claim_different_numbers(versions, corpus):
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(2) as pool:
        names = pool.starmap(_build_in_child, [(corpus[0], corpus[1], versions)] * 2)
    assert sorted(names) == ["glossary-v3.xlsx", "glossary-v4.xlsx"]
    assert not (versions / ".glossary.lock").exists()


# --- command line -------------------------------------------------------------------------------------------------


def test_cli_build_and_diff(versions, corpus):
    folder, terms = corpus
    result = runner.invoke(app, ["build", str(folder), "--terms", str(terms), "--out-dir", str(versions)])
    assert result.exit_code == 0, result.output
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line == str(versions / "glossary-v3.xlsx") and Path(last_line).is_file()

    review(versions / "glossary-v3.xlsx", lambda rows: [
        {**r, "status": "rejected"} if r["zh"] == candidates_with_chinese(rows)[0]["zh"] else r for r in rows])
    result = runner.invoke(app, ["diff", str(versions / "glossary-v1.xlsx"), str(versions / "glossary-v3.xlsx"),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    (change,) = json.loads(result.stdout)
    assert (change["change"], change["field"], change["old"], change["new"]) == \
        ("changed", "status", "candidate", "rejected")
    result = runner.invoke(app, ["diff", str(versions), str(versions / "glossary-v3.xlsx"), "--format", "table"])
    assert result.exit_code == 0 and "rejected" in result.stdout


def test_a_damaged_newest_version_stops_the_build(versions, corpus):
    path = versions / "glossary-v2.xlsx"
    rewrite(path, lambda sheet: sheet.cell(row=4, column=3, value="okay"))
    before = snapshot(versions)
    result = runner.invoke(app, ["build", str(corpus[0]), "--terms", str(corpus[1]), "--out-dir", str(versions)])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"error: {path}: row 4: status 'okay' is not one of {', '.join(STATUSES)}"
    assert snapshot(versions) == before


def test_cli_errors_exit_2(tmp_path, corpus):
    result = runner.invoke(app, ["build", str(corpus[0]), "--terms", str(tmp_path / "missing.csv"),
                                 "--out-dir", str(tmp_path)])
    assert result.exit_code == 2 and "missing.csv" in result.stderr
    result = runner.invoke(app, ["diff", str(tmp_path / "nothing.xlsx"), str(tmp_path)])
    assert result.exit_code == 2 and "nothing.xlsx" in result.stderr


def test_a_build_bounded_by_max_candidates_says_so_in_its_about_sheet(corpus, settings, tmp_path):
    """A corpus with more candidates than max_candidates: the build tells the user which least occurrences it
    mined with (BuildResult.notes, printed by the CLI) and records it in the About sheet, for the reviewers."""
    folder, terms = corpus
    result = build_glossary([folder], terms, tmp_path / "out", settings.replace(max_candidates=40))
    assert len(result.notes) == 1 and "max_candidates" in result.notes[0]
    about = pd.read_excel(result.path, sheet_name="About", dtype=str)
    assert about.loc[about["name"] == "note", "value"].tolist() == result.notes
    mined = result.rows[result.rows["method"].isin(["draft", "mined"])]
    floor = int(re.search(r"seen (\d+) times or more were mined", result.notes[0]).group(1))
    assert floor > 2 and len(mined) and pd.to_numeric(mined["freq"]).min() >= floor
