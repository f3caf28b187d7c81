"""The reports of `glossary check` for each severity (error, warning, info), from Finding objects built here."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from conftest import TEST_DATA
from glossary.check import SEVERITIES, CheckOptions, Finding, has_errors
from glossary.check.reporters import FORMATS, render, to_github, to_json, to_junit, to_sarif, to_text
from glossary.text import display_width

SARIF_SCHEMA = TEST_DATA / "sarif-schema-2.1.0.json"
EVIDENCE = "unlisted-variant: 包容与可持续工业发展 differs from the glossary's 包容和可持续工业发展 only in a particle."

ERROR = Finding("deprecated-variant", "a.txt", 1, 3, "包容及可持续工业发展", "包容和可持续工业发展", "deprecated form",
                "error", 1, 13, "促进包容及可持续工业发展。")
WARNING = Finding("unlisted-variant", "a.txt", 2, 1, "国别伙伴关系方案", "国家伙伴关系方案", "unlisted variant",
                  "warning", 2, 9, "国别伙伴关系方案。")
INFO = Finding("unlisted-variant", "b.txt", 4, 2, "包容与可持续工业发展", "包容和可持续工业发展", "possible variant",
               "info", 4, 12, "要包容与可持续工业发展。", confidence=0.4, evidence=EVIDENCE)
FINDINGS = [ERROR, WARNING, INFO]
FILES = ["a.txt", "b.txt", "c.txt"]


def test_info_is_a_severity_below_warning_that_never_fails():
    from glossary.config import default_settings

    assert SEVERITIES == ("error", "warning", "info", "off")
    options = CheckOptions.from_settings(default_settings().replace(check_severity_unlisted_variant=" Info ").check)
    assert options.severities["unlisted-variant"] == "info"
    assert not has_errors([WARNING, INFO]) and has_errors(FINDINGS)


def test_finding_defaults_and_dict():
    assert (ERROR.confidence, ERROR.evidence) == (1.0, "")
    assert list(INFO.to_dict()) == ["rule", "path", "line", "column", "found", "expected", "message", "severity",
                                    "confidence", "evidence"]
    assert Finding("r", "p", 1, 1, "f", "e", "m", "info", confidence=0.4567).to_dict()["confidence"] == 0.46
    assert ERROR.fingerprint == Finding(*[getattr(ERROR, k) for k in ("rule", "path", "line", "column", "found",
                                         "expected", "message", "severity", "end_line", "end_column", "line_text")],
                                        confidence=0.1).fingerprint  # confidence is no part of the baseline key


def test_json():
    data = json.loads(to_json(FINDINGS))
    assert [f["severity"] for f in data] == ["error", "warning", "info"]
    assert all(set(f) == {"rule", "path", "line", "column", "found", "expected", "message", "severity",
                          "confidence", "evidence"} for f in data)
    assert (data[0]["confidence"], data[0]["evidence"]) == (1.0, "")
    assert (data[2]["confidence"], data[2]["evidence"]) == (0.4, EVIDENCE)


def test_text_labels_info_and_counts_it_apart():
    text = to_text(FINDINGS, FILES)
    assert "b.txt:4:2: unlisted-variant: 包容与可持续工业发展 → 包容和可持续工业发展 [info]" in text.splitlines()
    assert text.splitlines()[-1] == "1 error, 1 warning, 1 info in 2 files; 3 files checked"
    # without info findings the summary is as before
    assert to_text([ERROR, WARNING], FILES).splitlines()[-1] == "1 error, 1 warning in 1 file; 3 files checked"
    assert to_text([INFO, INFO]).splitlines()[-1] == "0 errors, 0 warnings, 2 info in 1 file"


def test_sarif_validates_with_note_level_confidence_and_evidence():
    import jsonschema

    log = json.loads(to_sarif(FINDINGS, "0.1.0"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = list(validator_class(schema).iter_errors(log))
    assert errors == [], errors[0].message if errors else ""
    error, warning, info = log["runs"][0]["results"]
    assert [r["level"] for r in (error, warning, info)] == ["error", "warning", "note"]
    assert info["properties"] == {"found": INFO.found, "expected": INFO.expected, "confidence": 0.4,
                                  "evidence": EVIDENCE}
    assert info["rank"] == 40
    # certain findings without evidence are reported as before: no rank, no confidence
    assert "rank" not in error and error["properties"] == {"found": ERROR.found, "expected": ERROR.expected}


def test_sarif_confidence_without_expected_and_out_of_range_still_validates():
    import jsonschema

    odd = Finding("key-term-mismatch", "c.txt", 1, 1, "x", "", "m", "info", confidence=1.7, evidence="e")
    log = json.loads(to_sarif([odd]))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    result = log["runs"][0]["results"][0]
    assert result["rank"] == 100 and result["properties"] == {"confidence": 1.0, "evidence": "e"}


def test_junit_info_is_no_failure():
    root = ET.fromstring(to_junit(FINDINGS, FILES).encode("utf-8"))
    assert root.get("failures") == "1" and root.get("tests") == "3"
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["a.txt"].find("failure") is not None
    assert cases["b.txt"].find("failure") is None and cases["c.txt"].find("failure") is None
    assert cases["a.txt"].find("system-out").text == "a.txt:2:1 unlisted-variant (warning): unlisted variant"
    assert cases["b.txt"].find("system-out").text == "b.txt:4:2 unlisted-variant (info): possible variant"
    only_info = ET.fromstring(to_junit([INFO], ["b.txt"]).encode("utf-8"))
    assert only_info.get("failures") == "0" and only_info.find(".//failure") is None


def test_github_notice_for_info():
    lines = to_github(FINDINGS).splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::warning", "::notice"]
    assert lines[2] == "::notice file=b.txt,line=4,col=2,endColumn=12,title=unlisted-variant::possible variant"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_info(fmt):
    assert render(fmt, [INFO], ["b.txt"], "0.1.0")


def test_info_severity_from_settings_exits_0(tmp_path, monkeypatch):
    from glossary.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "terms.csv").write_text("en,zh\ninclusive and sustainable industrial development,包容和可持续工业发展\n",
                                        encoding="utf-8")
    (tmp_path / "t.txt").write_text("促进包容与可持续的工业发展。\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.glossary]\ncheck_severity_unlisted_variant = "info"\n')
    result = CliRunner().invoke(app, ["check", "t.txt", "--terms", "terms.csv", "--format", "json"])
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)
    assert findings and {f["severity"] for f in findings} == {"info"}


# --- text: the part of the line around a finding, for the terminal's width ---------------------------------------

LONG_LINE = "工发组织与中等收入国家合作。" * 40 + "促进包容及可持续工业发展。" + "这是报告的其余部分。" * 40


def caret_under_span(lines: list[str], span: str) -> bool:
    """The caret line underlines exactly `span` in the line shown above it, counting terminal cells."""
    shown, marks = lines[-2], lines[-1]
    start = marks.index("^")
    prefix = next(shown[:i] for i in range(len(shown) + 1) if display_width(shown[:i]) == start)
    return shown[len(prefix):].startswith(span) and marks.count("^") == display_width(span)


@pytest.mark.parametrize("width", [60, 80, 100])
def test_text_shows_the_line_around_the_finding_and_marks_it(width):
    column = LONG_LINE.index("包容及") + 1
    finding = Finding("deprecated-variant", "a.txt", 3, column, "包容及可持续工业发展", "包容和可持续工业发展",
                      "包容及可持续工业发展 is a deprecated form of 包容和可持续工业发展 (inclusive and sustainable "
                      "industrial development): use 包容和可持续工业发展", "error", 3, column + 10, LONG_LINE)
    lines = to_text([finding], ["a.txt"], width).splitlines()
    assert max(map(display_width, lines)) <= width
    shown = next(line for line in lines if line.startswith("     3 | "))
    assert shown.startswith("     3 | …") and shown.endswith("…")  # cut on both sides
    assert caret_under_span(lines[:lines.index(shown) + 2], "包容及可持续工业发展")
    message = " ".join(line.strip().removeprefix("= ") for line in lines[lines.index(shown) + 2:-1])
    assert message == finding.message  # wrapped between words, nothing lost


def test_text_at_the_ends_of_a_line_and_with_tabs():
    start = Finding("deprecated-variant", "a.txt", 1, 1, "包容及", "包容和", "m", "error", 1, 4, "包容及\t" + "字" * 200)
    lines = to_text([start], width=80).splitlines()
    assert lines[1].startswith("     1 | 包容及 字") and lines[1].endswith("…")
    assert lines[2] == "       | ^^^^^^"
    end = Finding("deprecated-variant", "a.txt", 1, 201, "包容及", "包容和", "m", "error", 1, 204, "字" * 200 + "包容及")
    lines = to_text([end], width=80).splitlines()
    assert lines[1].startswith("     1 | …") and lines[1].endswith("包容及") and caret_under_span(lines[:3], "包容及")


def test_a_span_longer_than_the_terminal_is_cut():
    line = "前文" + "长" * 300
    finding = Finding("key-term-missing", "a.txt", 1, 3, "长", "", "m", "warning", 2, 1, line)  # ends on a later line
    lines = to_text([finding], width=80).splitlines()
    assert max(map(display_width, lines)) <= 80
    assert lines[1].startswith("     1 | …长") and lines[1].endswith("…") and lines[2].count("^") >= 60


def test_a_location_wider_than_the_terminal_stays_whole():
    path = "docs/" + "very-long-folder-name/" * 5 + "a.txt"
    finding = Finding("deprecated-variant", path, 1, 1, "包容及", "包容和", "m", "error", 1, 4, "包容及")
    assert to_text([finding], width=80).splitlines()[0] == f"{path}:1:1:"


def test_a_million_character_line_is_read_around_each_finding_only():
    unit = "促进包容及可持续工业发展。"
    line = unit * 92_000  # 1.2 million characters on one line
    findings = [Finding("deprecated-variant", "a.txt", 1, n * len(unit) + 3, "包容及可持续工业发展", "包容和可持续工业发展",
                        "m", "error", 1, n * len(unit) + 13, line) for n in range(0, 92_000, 920)]
    text = to_text(findings, ["a.txt"], 80)
    assert len(text) < 300 * len(findings)  # a window per finding, not the line (which was 1.2 GB of report)
    assert max(map(display_width, text.splitlines())) <= 80
