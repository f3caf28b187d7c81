"""`glossary check` on hostile input (issue 18): a file that is one enormous line, findings by the hundred thousand,
escape sequences in the text and in file names, damaged XLIFF and baselines. Every format stays linear in time and
bounded in size, prints nothing a terminal acts on, and bad input ends with one line and exit 2."""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import ROOT, TEST_DATA, seed_path
from glossary.check import Finding
from glossary.check.reporters import (
    FORMATS,
    omitted_notices,
    printable,
    render,
    shown_findings,
    to_github,
    to_json,
    to_junit,
    to_sarif,
    to_text,
)
from glossary.check.rules import line_text_hash
from glossary.cli import app

runner = CliRunner()
DEPRECATED, PREFERRED = "包容及可持续工业发展", "包容和可持续工业发展"
TERMS = "en,zh\ninclusive and sustainable industrial development,包容和可持续工业发展|包容及可持续工业发展\n"
SARIF_SCHEMA = TEST_DATA / "sarif-schema-2.1.0.json"
# what a terminal or a CI log acts on: C0 controls but tab and line feed (the report's own), DEL, C1
TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ESCAPES = "\x1b]0;pwned\x07\x1b[31m\x9b2J\r"


def check(folder: Path, *args: str):
    terms = folder / "terms.csv"
    if not terms.exists():
        terms.write_text(TERMS, encoding="utf-8")
    return runner.invoke(app, ["check", "--terms", str(terms), *args])


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    line, = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    return line


def finding(path="a.txt", line=1, column=3, rule="deprecated-variant", severity="error", line_text="",
            found=DEPRECATED, message="m") -> Finding:
    return Finding(rule, path, line, column, found, PREFERRED, message, severity, line, column + len(found),
                   line_text or "促进" + found + "。")


def a_long_line(characters: int) -> str:
    """A real paragraph of the seeds with deprecated forms in it, repeated to `characters`: one line, no breaks.
    Its traditional character (務) sends every sentence through OpenCC, the slowest path."""
    paragraph = max(seed_path("003").read_text(encoding="utf-8").splitlines(), key=len)
    unit = paragraph + DEPRECATED + "和包容可持续工业发展的任務。"
    return (unit * (characters // len(unit) + 1))[:characters]


# --- 1. linear in line length ---------------------------------------------------------------------------------------


def test_a_line_is_hashed_once_for_all_its_findings():
    line = a_long_line(100_000)
    findings = [finding(column=c, line_text=line) for c in range(1, 2001)]
    line_text_hash.cache_clear()
    to_sarif(findings, limit=None)  # a fingerprint for each result
    assert {f.line_hash for f in findings} == {findings[0].line_hash}
    assert line_text_hash.cache_info().misses == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_copies_the_line_for_each_finding(fmt):
    line = a_long_line(200_000)
    findings = [finding(column=c, line_text=line) for c in range(1, 200_001, 1000)]  # 200 findings
    report = render(fmt, findings, ["a.txt"], width=100)
    # a few hundred characters a finding, whatever the line's length (a copy of it would be 200,000)
    assert len(report) < 2_000 * len(findings)


def test_a_form_spread_over_a_whole_file_is_no_finding(tmp_path):
    from glossary.check.matcher import MAX_SKIPPED_IN_MATCH

    # particles and spaces inside a form: a few are a variant or a line break; a million are no term at all
    near = "包容" + "和" * 2 + "可持续工业发展。\n" + "包容及可持续\n      工业发展。\n"
    far = "包容" + "和" * (MAX_SKIPPED_IN_MATCH + 1) + "可持续工业发展。\n" + "包容及" + " " * 100_000 + "可持续工业发展。\n"
    (tmp_path / "near.txt").write_text(near, encoding="utf-8")
    (tmp_path / "far.txt").write_text(far, encoding="utf-8")
    found = json.loads(check(tmp_path, str(tmp_path / "near.txt"), str(tmp_path / "far.txt"),
                             "--format", "json").stdout)
    assert {(Path(f["path"]).name, f["line"]) for f in found} == {("near.txt", 1), ("near.txt", 2)}


# --- 1. bounded: findings beyond the limit are counted, not shown --------------------------------------------------


MANY = [finding(column=c) for c in range(1, 8)] + [finding(rule="unlisted-variant", severity="warning")] * 5


def test_findings_beyond_the_limit_are_counted_per_rule_and_file():
    shown, omitted = shown_findings(MANY, limit=3)
    assert len(shown) == 6
    assert [(o.rule, o.count, o.severity) for o in omitted] == [("deprecated-variant", 4, "error"),
                                                                ("unlisted-variant", 2, "warning")]
    assert omitted_notices(MANY, limit=3)[0] == ("4 more findings of deprecated-variant in a.txt not shown "
                                                 "(a report shows 3 of a rule per file)")
    assert shown_findings(MANY, limit=None) == (MANY, [])


def test_every_format_says_what_it_left_out_and_counts_everything():
    import jsonschema

    notice = "4 more findings of deprecated-variant in a.txt not shown"
    text = to_text(MANY, ["a.txt"], limit=3)
    assert any(line.startswith(notice) for line in text.splitlines())
    assert text.splitlines()[-1] == "7 errors, 5 warnings in 1 file; 1 file checked"  # all of them
    assert len(json.loads(to_json(MANY, limit=3))) == 6
    log = json.loads(to_sarif(MANY, "0.1.0", limit=3))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    run_ = log["runs"][0]
    assert len(run_["results"]) == 6
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    assert [(n["level"], n["associatedRule"]["id"]) for n in notes] == [("error", "deprecated-variant"),
                                                                       ("warning", "unlisted-variant")]
    assert notes[0]["message"]["text"].startswith(notice)
    junit = to_junit(MANY, ["a.txt"], limit=3)
    assert 'message="7 terminology errors"' in junit and notice in junit
    github = to_github(MANY, limit=3).splitlines()
    assert len(github) == 8 and github[6].startswith("::error file=a.txt,title=deprecated-variant::" + notice)


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["a paragraph repeated", "one form repeated"])
def test_a_line_of_1_2_million_characters_in_every_format(tmp_path, shape):
    """The closing note of issue 18: under 10 s in every format, output under 10 MB, with the bundled terms file
    (measured as the process's CPU time, which the load of other processes on the machine does not inflate; the
    wall time is printed)."""
    characters = 1_200_000
    line = a_long_line(characters) if shape == "a paragraph repeated" else DEPRECATED * (characters // len(DEPRECATED))
    (tmp_path / "one_line.txt").write_text(line + "\n", encoding="utf-8")
    occurrences = line.count(DEPRECATED)
    assert occurrences > 4_000
    for fmt in FORMATS:
        out = tmp_path / f"report.{fmt}"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "glossary.cli", "check", "one_line.txt", "--terms",
                                 str(ROOT / "data" / "terms_en.csv"), "--format", fmt, "--out", str(out)],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"{shape}, {fmt}: {cpu:.1f} s CPU, {wall:.1f} s wall, {out.stat().st_size / 1e6:.2f} MB, "
              f"{after.ru_maxrss / 1e3:.0f} MB peak")
        assert result.returncode == 1, result.stderr  # errors found, every one counted
        assert "Traceback" not in result.stderr
        assert cpu < 10, fmt
        assert out.stat().st_size < 10_000_000, fmt
    text = (tmp_path / "report.text").read_text(encoding="utf-8")
    assert "more findings of deprecated-variant in one_line.txt not shown" in text
    assert text.splitlines()[-1].startswith(f"{occurrences + line.count('包容可持续工业发展')} errors")


# --- 8. nothing a terminal acts on ---------------------------------------------------------------------------------


def test_printable_keeps_one_character_for_one():
    assert printable("a\x1b]0;t\x07b\x9b\t\x7f") == "a␛]0;t␇b\ufffd\t␡"
    assert printable("包容\tok") == "包容\tok"


@given(st.text())
def test_printable_leaves_nothing_a_terminal_acts_on(text):
    shown = printable(text)
    assert len(shown) == len(text)
    assert not TERMINAL_CONTROL.search(shown) and "\n" not in shown and not re.search("[\ud800-\udfff]", shown)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.text(min_size=1, max_size=20), found=st.text(min_size=1, max_size=10), message=st.text(max_size=30),
       line=st.text(max_size=40))
def test_text_and_github_reports_print_no_control_character(path, found, message, line):
    f = Finding("deprecated-variant", path, 1, 1, found, PREFERRED + "\x1b[0m", message, "error", 1, 2, line)
    for report in (to_text([f], [path]), to_github([f])):
        assert not TERMINAL_CONTROL.search(report)
        assert not re.search("[\ud800-\udfff]", report)


@settings(max_examples=60)
@given(found=st.text(min_size=1, max_size=10, alphabet=st.characters(blacklist_categories=("Cs",))),
       message=st.text(max_size=30, alphabet=st.characters(blacklist_categories=("Cs",))))
def test_json_and_sarif_escape_controls_and_keep_the_text(found, message):
    f = Finding("deprecated-variant", "a.txt", 1, 1, found, PREFERRED, message, "error", 1, 2, "x")
    for report in (to_json([f]), to_sarif([f])):
        assert not TERMINAL_CONTROL.search(report)
    assert json.loads(to_json([f]))[0]["found"] == found  # escaped, not changed
    assert json.loads(to_json([f]))[0]["message"] == message
    assert json.loads(to_sarif([f]))["runs"][0]["results"][0]["message"]["text"] == message


def test_escape_sequences_in_a_checked_file_and_its_name_never_reach_the_terminal(tmp_path):
    name = "a\x1b[31mb.txt"
    try:
        (tmp_path / name).write_text(f"{ESCAPES}促进{DEPRECATED}。{ESCAPES}\n", encoding="utf-8")
    except OSError:
        pytest.skip("the file system refuses the name")
    for fmt in FORMATS:
        result = check(tmp_path, str(tmp_path), "--format", fmt)
        assert result.exit_code == 1, result.output
        assert not TERMINAL_CONTROL.search(result.stdout), fmt
        assert not TERMINAL_CONTROL.search(result.stderr), fmt
    text = check(tmp_path, str(tmp_path)).stdout
    assert "a␛[31mb.txt:1:" in text and "␛]0;pwned␇␛[31m" in text


def test_a_file_name_that_is_no_utf8_is_reported_in_every_format(tmp_path):
    import os

    try:
        with open(os.path.join(os.fsencode(tmp_path), b"bad\xff.txt"), "wb") as handle:
            handle.write(f"促进{DEPRECATED}。\n".encode("utf-8"))
    except OSError:
        pytest.skip("the file system refuses the name")
    for fmt in FORMATS:
        result = check(tmp_path, str(tmp_path), "--format", fmt)
        assert result.exit_code == 1 and "Traceback" not in result.output, (fmt, result.output)
    sarif = json.loads(check(tmp_path, str(tmp_path), "--format", "sarif").stdout)
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "bad%FF.txt")
    baseline = tmp_path / "baseline.json"
    assert check(tmp_path, str(tmp_path), "--baseline", str(baseline), "--update-baseline").exit_code == 0
    assert check(tmp_path, str(tmp_path), "--baseline", str(baseline)).exit_code == 0  # the same file, accepted


def test_notes_are_printable(tmp_path):
    from glossary.check import load_rulebook, run_check

    (tmp_path / "terms.csv").write_text(TERMS, encoding="utf-8")
    (tmp_path / "x\x1b[2J.bin").write_bytes(b"\x00\x01\x02\xff\xfe\x00binary")
    run_ = run_check([tmp_path / "x\x1b[2J.bin"], load_rulebook(None, tmp_path / "terms.csv"))
    assert run_.notes and not any(TERMINAL_CONTROL.search(note) for note in run_.notes)


# --- 7. damaged XLIFF and baselines: one line, exit 2 --------------------------------------------------------------

XLIFF = ('<?xml version="1.0" encoding="{encoding}"?>\n<xliff version="1.2"><file source-language="en" '
         'target-language="zh"><body><trans-unit id="1"><source>inclusive and sustainable industrial development'
         '</source><target>{target}</target></trans-unit></body></file></xliff>\n')


def test_xliff_with_an_unknown_encoding(tmp_path):
    (tmp_path / "a.xlf").write_text(XLIFF.format(encoding="x-no-such-codec", target=DEPRECATED), encoding="utf-8")
    line = one_error_line(check(tmp_path, str(tmp_path / "a.xlf")))
    assert "a.xlf" in line and "unknown encoding (x-no-such-codec)" in line


@pytest.mark.parametrize("target", [
    f"包容<trans-unit id='2'>x</trans-unit>{DEPRECATED}",
    f"<trans-unit id='2'><source>x</source><target>{DEPRECATED}</target></trans-unit>",
])
def test_a_trans_unit_inside_a_target(tmp_path, target):
    (tmp_path / "a.xlf").write_text(XLIFF.format(encoding="UTF-8", target=target), encoding="utf-8")
    line = one_error_line(check(tmp_path, str(tmp_path / "a.xlf")))
    assert "a.xlf" in line and "<trans-unit> inside <trans-unit> (line 2)" in line


@pytest.mark.parametrize("encoding", ["GB18030", "GBK", "Big5"])
def test_xliff_in_a_chinese_encoding_is_read_like_its_utf8(tmp_path, encoding):
    """expat reads no multi-byte encoding but UTF-8 and UTF-16; Chinese tools save GB18030, GBK and Big5."""
    target = f"促进{DEPRECATED}。" if encoding != "Big5" else "促進包容及可持續工業發展。"
    (tmp_path / "utf8.xlf").write_text(XLIFF.format(encoding="UTF-8", target=target), encoding="utf-8")
    (tmp_path / "other.xlf").write_bytes(XLIFF.format(encoding=encoding, target=target).encode(encoding))
    findings = {}
    for name in ("utf8.xlf", "other.xlf"):
        found = json.loads(check(tmp_path, str(tmp_path / name), "--format", "json").stdout)
        findings[name] = [(f["line"], f["column"], f["found"], f["rule"]) for f in found]
    assert findings["other.xlf"] == findings["utf8.xlf"] and findings["utf8.xlf"]


def test_xliff_that_is_not_valid_in_its_declared_encoding(tmp_path):
    (tmp_path / "a.xlf").write_bytes(XLIFF.format(encoding="GB18030", target="x").encode("ascii") + b"\x81\x20")
    one_error_line(check(tmp_path, str(tmp_path / "a.xlf")))


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["<trans-unit id='1'>", "</trans-unit>", "<target>", "</target>", "<source>",
                                 "</source>", "<tu>", "</tu>", "<tuv xml:lang='zh'>", "</tuv>", "<seg>", "</seg>",
                                 "<ph>", "</ph>", "<segment>", "</segment>", DEPRECATED, "&amp;", "<!--c-->",
                                 "<x/>", "\u3000"]), max_size=24))
def test_any_nesting_of_xliff_and_tmx_elements_is_read_or_refused_in_one_line(tmp_path, parts):
    from glossary.check.inputs import read_bilingual_file
    from glossary.errors import InputError

    path = tmp_path / "fuzz.xlf"
    path.write_text("<?xml version='1.0'?><xliff><file><body>" + "".join(parts) + "</body></file></xliff>",
                    encoding="utf-8")
    try:
        read_bilingual_file(path)
    except InputError as error:
        assert "\n" not in str(error)


def test_a_baseline_of_200000_nested_lists(tmp_path):
    (tmp_path / "t.txt").write_text(f"促进{DEPRECATED}。\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    baseline.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    started = time.perf_counter()
    line = one_error_line(check(tmp_path, str(tmp_path / "t.txt"), "--baseline", str(baseline)))
    assert time.perf_counter() - started < 5
    assert "baseline.json" in line and "nested too deeply" in line


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00", b"null", b"[]", b'{"findings": 5}', b'{"findings": "ab"}',
                                     b'{"findings": [[]]}', b'{"findings": [{"path": "a"}]}',
                                     b'{"findings": [{"path": ' + b"[" * 900 + b"]" * 900 + b"}]}"])
def test_a_damaged_baseline(tmp_path, content):
    (tmp_path / "t.txt").write_text(f"促进{DEPRECATED}。\n", encoding="utf-8")
    (tmp_path / "baseline.json").write_bytes(content)
    line = one_error_line(check(tmp_path, str(tmp_path / "t.txt"), "--baseline", str(tmp_path / "baseline.json")))
    assert "not a baseline file" in line
