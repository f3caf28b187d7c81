"""Reports of `glossary check`: pure functions from findings to text.

Severities are error, warning and info (below warning; never fails the check, like warning).

    text     file:line:col: rule: found → expected [severity], the line shown with the span marked, a summary
             (errors, warnings, and info when there are any)
    json     a list of objects with the contract's keys (rule, path, line, column, found, expected, message,
             severity), then confidence (0..1, 2 decimals) and evidence
    sarif    SARIF 2.1.0 (GitHub code scanning: upload with github/codeql-action/upload-sarif); info is level
             "note"; a finding with a confidence below 1 or evidence has both in the result's properties and its
             confidence as rank (0..100)
    junit    JUnit XML, one testcase per file checked; error findings fail it (text `file:line:col message`, which
             GitLab shows), warnings and info go to its system-out, so the report agrees with the exit code
    github   GitHub Actions workflow commands (::error / ::warning / ::notice), shown as annotations on the diff
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Callable, Sequence
from urllib.parse import quote

from glossary.check.rules import RULES, Finding

FORMATS = ("text", "json", "sarif", "junit", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render(fmt: str, findings: Sequence[Finding], files: Sequence[str] = (), tool_version: str = "") -> str:
    """The report in `fmt` (one of FORMATS). `files` are all files checked: JUnit lists clean ones as passed tests,
    the text summary counts them."""
    renderers: dict[str, Callable[[], str]] = {
        "text": lambda: to_text(findings, files),
        "json": lambda: to_json(findings),
        "sarif": lambda: to_sarif(findings, tool_version),
        "junit": lambda: to_junit(findings, files),
        "github": lambda: to_github(findings),
    }
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return renderers[fmt]()


# --- text ---------------------------------------------------------------------------------------------------------


def _width(text: str) -> int:
    from glossary.text import display_width

    return display_width(text)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def to_text(findings: Sequence[Finding], files: Sequence[str] = ()) -> str:
    out = []
    for f in findings:
        arrow = f" → {f.expected}" if f.expected else ""
        out.append(f"{f.path}:{f.line}:{f.column}: {f.rule}: {f.found}{arrow} [{f.severity}]")
        if f.line_text:
            gutter = f"{f.line:>6} | "
            out.append(gutter + f.line_text.replace("\t", " "))
            last = f.end_column - 1 if f.end_line == f.line and f.end_column > f.column else len(f.line_text)
            marked = f.line_text[f.column - 1:last].replace("\t", " ")
            before = f.line_text[:f.column - 1].replace("\t", " ")
            # East Asian characters take two terminal cells: mark the span in cells, not characters
            out.append(" " * (len(gutter) - 2) + "| " + " " * _width(before) + "^" * max(_width(marked), 1))
        out.append(f"       = {f.message}")
    errors = sum(f.severity == "error" for f in findings)
    infos = sum(f.severity == "info" for f in findings)
    warnings = len(findings) - errors - infos
    with_findings = len({f.path for f in findings})
    checked = f"; {_plural(len(files), 'file')} checked" if files else ""
    if findings:
        info = f", {infos} info" if infos else ""  # only when there are any: error/warning summaries unchanged
        out.append(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}{info} in "
                   f"{_plural(with_findings, 'file')}{checked}")
    else:
        out.append(f"no findings{checked}")
    return "\n".join(out) + "\n"


# --- json ---------------------------------------------------------------------------------------------------------


def to_json(findings: Sequence[Finding]) -> str:
    return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n"


# --- SARIF 2.1.0 --------------------------------------------------------------------------------------------------


def _artifact_uri(path: str) -> str:
    """A relative reference for a path under the working folder (GitHub resolves it against the repository root),
    a file: URI otherwise; non-ASCII characters and spaces percent-encoded, as a URI must be."""
    if path.startswith("/"):
        return "file://" + quote(path)
    if re.match(r"^[A-Za-z]:[\\/]", path):  # a Windows drive
        return "file:///" + quote(path.replace("\\", "/"))
    return quote(path)


_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note", "off": "none"}


def _sarif_level(severity: str) -> str:
    return _SARIF_LEVELS.get(severity, "warning")


def to_sarif(findings: Sequence[Finding], tool_version: str = "") -> str:
    rule_ids = list(RULES)
    driver = {
        "name": "glossary",
        "rules": [
            {
                "id": rule.id,
                "name": "".join(part.capitalize() for part in rule.id.split("-")),
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.description},
                "defaultConfiguration": {"level": _sarif_level(rule.severity)},
            }
            for rule in RULES.values()
        ],
    }
    if tool_version:
        driver["version"] = tool_version
    results = []
    for f in findings:
        region = {"startLine": f.line, "startColumn": f.column}
        if f.end_line and f.end_column:
            if f.end_line != f.line:
                region["endLine"] = f.end_line
            region["endColumn"] = f.end_column
        region["snippet"] = {"text": f.found}
        location = {"physicalLocation": {"artifactLocation": {"uri": _artifact_uri(f.path)}, "region": region}}
        if not f.path.startswith("/"):
            location["physicalLocation"]["artifactLocation"]["uriBaseId"] = "%SRCROOT%"
        result = {
            "ruleId": f.rule,
            "ruleIndex": rule_ids.index(f.rule),
            "level": _sarif_level(f.severity),
            "message": {"text": f.message},
            "locations": [location],
            # the baseline's key: GitHub tracks a result across commits by it, whatever line it moves to
            "partialFingerprints": {"glossaryFinding/v1": f.fingerprint},
        }
        properties = {"found": f.found, "expected": f.expected} if f.expected else {}
        # only when the finding carries them: findings at the defaults (certain, no evidence) report as before
        if f.confidence != 1.0 or f.evidence:
            confidence = min(max(float(f.confidence), 0.0), 1.0)
            result["rank"] = round(confidence * 100, 1)  # SARIF: 0..100, higher is more important
            properties.update(confidence=round(confidence, 2), evidence=f.evidence)
        if properties:
            result["properties"] = properties
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            # columns count characters (code points), not UTF-16 units: 𠀀 in a Chinese name is one column
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


# --- JUnit XML ----------------------------------------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def _junit_label(f: Finding) -> str:
    return "info" if f.severity == "info" else "warning"


def to_junit(findings: Sequence[Finding], files: Sequence[str] = ()) -> str:
    import xml.etree.ElementTree as ET

    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_file[f.path].append(f)
    names = list(dict.fromkeys([*files, *by_file]))
    failures = sum(1 for name in names if any(f.severity == "error" for f in by_file[name]))
    suites = ET.Element("testsuites", name="glossary check", tests=str(len(names)), failures=str(failures),
                        errors="0")
    suite = ET.SubElement(suites, "testsuite", name="glossary check", tests=str(len(names)),
                          failures=str(failures), errors="0", skipped="0")
    for name in names:
        case = ET.SubElement(suite, "testcase", classname="glossary.check", name=_xml_text(name),
                             file=_xml_text(name))
        errors = [f for f in by_file[name] if f.severity == "error"]
        warnings = [f for f in by_file[name] if f.severity != "error"]  # warning and info: reported, not failed
        if errors:
            failure = ET.SubElement(case, "failure", type="terminology",
                                    message=f"{_plural(len(errors), 'terminology error')}")
            failure.text = _xml_text("\n".join(f"{f.path}:{f.line}:{f.column} {f.rule}: {f.message}" for f in errors))
        if warnings:
            out = ET.SubElement(case, "system-out")
            out.text = _xml_text("\n".join(
                f"{f.path}:{f.line}:{f.column} {f.rule} ({_junit_label(f)}): {f.message}" for f in warnings))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


# --- GitHub Actions annotations -----------------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message (@actions/core escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (@actions/core escapeProperty): also ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        command = {"error": "error", "info": "notice"}.get(f.severity, "warning")
        properties = [f"file={escape_property(f.path)}", f"line={f.line}", f"col={f.column}"]
        if f.end_line and f.end_line != f.line:
            properties.append(f"endLine={f.end_line}")
        elif f.end_column:
            properties.append(f"endColumn={f.end_column}")
        properties.append(f"title={escape_property(f.rule)}")
        lines.append(f"::{command} {','.join(properties)}::{escape_data(f.message)}")
    return "".join(line + "\n" for line in lines)
