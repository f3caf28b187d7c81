"""Reports of `glossary check`: pure functions from findings to text.

Severities are error, warning and info (below warning; never fails the check, like warning).

    text     file:line:col: rule: found → expected [severity], the part of the line around the finding with the
             span marked, the message, a summary (errors, warnings, and info when there are any); as wide as the
             terminal
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


def render(fmt: str, findings: Sequence[Finding], files: Sequence[str] = (), tool_version: str = "",
           width: int = 100, hidden: int = 0) -> str:
    """The report in `fmt` (one of FORMATS). `files` are all files checked: JUnit lists clean ones as passed tests,
    the text summary counts them. `width`: the terminal's, in cells, for the text format. `hidden`: findings a
    baseline accounted for, counted in the text summary."""
    renderers: dict[str, Callable[[], str]] = {
        "text": lambda: to_text(findings, files, width, hidden),
        "json": lambda: to_json(findings),
        "sarif": lambda: to_sarif(findings, tool_version),
        "junit": lambda: to_junit(findings, files),
        "github": lambda: to_github(findings),
    }
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return renderers[fmt]()


# --- text ---------------------------------------------------------------------------------------------------------

GUTTER_NUMBER = 6  # the line number's field: "   123 | "
NARROWEST_EXCERPT = 20  # cells of a line shown however narrow the terminal
ELLIPSIS = "…"  # one cell, as rich and display_width count it


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _cells(text: str) -> int:
    from glossary.text import display_width

    return display_width(text)


def _fitting(text: str, room: int) -> int:
    """How many characters from the start of `text` fit in `room` cells."""
    used = 0
    for count, char in enumerate(text):
        used += _cells(char)
        if used > room:
            return count
    return len(text)


def _head(text: str, room: int, cut_after: bool = False) -> str:
    """The start of `text` in at most `room` cells, ending in … when anything is left out (or `cut_after`: the
    line goes on after `text`)."""
    if not cut_after and _cells(text) <= room:
        return text
    if room < _cells(ELLIPSIS):
        return ""
    return text[:_fitting(text, room - _cells(ELLIPSIS))] + ELLIPSIS


def _tail(text: str, room: int, cut_before: bool = False) -> str:
    """The end of `text` in at most `room` cells, after … when anything is left out."""
    return _head(text[::-1], room, cut_before)[::-1]


# control characters are shown as spaces: a tab would move the line away from its caret, an escape sequence from a
# document would reach the terminal
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def excerpt(line: str, start: int, end: int, room: int) -> tuple[str, int, int]:
    """The part of `line` around the span [start, end) (characters) that fits in `room` terminal cells, … where the
    line goes on; and where the span is in it: (text, cells before the span, cells of the span).

    Linear in the excerpt, not the line: a finding on a 1-million-character line reads a few hundred characters of
    it. Each character takes at least one cell, so `room` characters either side are all that can be shown.
    """
    def visible(text: str) -> str:
        return _CONTROL.sub(" ", text)  # one character for one: the columns stay right

    span = visible(line[start:min(end, start + room + 1)])
    before, after = visible(line[max(0, start - room):start]), visible(line[end:end + room])
    more_before, more_after = start > room, end + room < len(line)
    if _cells(span) > room - (start > 0) - (end < len(line)):  # the span alone is too long: its start
        before = ELLIPSIS if start else ""
        span, after = _head(span, room - _cells(before), cut_after=True), ""
    else:
        rest = room - _cells(span)
        # context either side, half each; what one side does not need the other may use
        before_room = max(rest // 2, rest - _cells(_head(after, rest, more_after)))
        before = _tail(before, before_room, more_before)
        after = _head(after, rest - _cells(before), more_after)
    return before + span + after, _cells(before), _cells(span)


def wrap(text: str, room: int, first_room: int | None = None, cut_long_words: bool = True) -> list[str]:
    """Lines of at most `room` cells (the first `first_room`, when given), broken at spaces, so a Chinese term stays
    on one line. A word wider than a line is cut, or, without `cut_long_words`, overflows its line."""
    lines, line, used = [], "", 0
    for word in text.split():
        width = _cells(word)
        limit = room if lines or first_room is None else first_room
        if line and used + 1 + width > limit:
            lines.append(line)
            line, used, limit = "", 0, room
        while width > limit and cut_long_words:
            cut = max(1, _fitting(word, limit))
            lines.append(word[:cut])
            word, width, limit = word[cut:], _cells(word[cut:]), room
        line, used = (f"{line} {word}", used + 1 + width) if line else (word, width)
    return [*lines, line] if line or not lines else lines


def to_text(findings: Sequence[Finding], files: Sequence[str] = (), width: int = 100, hidden: int = 0) -> str:
    """The report for a terminal `width` cells wide: each finding's location, the part of its line around it with
    the span underlined, and its message, wrapped; then a summary. Only a word wider than the terminal (a long path)
    makes a line wider."""
    out = []
    indent = " " * (GUTTER_NUMBER + 1)  # under the gutter's bar
    room = max(NARROWEST_EXCERPT, width - len(indent) - 2)
    for f in findings:
        arrow = f" → {f.expected}" if f.expected else ""
        # wrapped between words only: the location (which editors jump to) and the terms stay whole
        header = wrap(f"{f.path}:{f.line}:{f.column}: {f.rule}: {f.found}{arrow} [{f.severity}]", room,
                      first_room=width, cut_long_words=False)
        out += [header[0], *(indent + "  " + line for line in header[1:])]
        if f.line_text:
            gutter = f"{f.line:>{GUTTER_NUMBER}} | "
            end = f.end_column - 1 if f.end_line == f.line and f.end_column > f.column else len(f.line_text)
            shown, offset, span = excerpt(f.line_text, f.column - 1, end, max(NARROWEST_EXCERPT, width - len(gutter)))
            out.append(gutter + shown)
            # East Asian characters take two terminal cells: mark the span in cells, not characters
            out.append(" " * (len(gutter) - 2) + "| " + " " * offset + "^" * max(span, 1))
        out += [indent + ("= " if number == 0 else "  ") + line for number, line in enumerate(wrap(f.message, room))]
    errors = sum(f.severity == "error" for f in findings)
    infos = sum(f.severity == "info" for f in findings)
    warnings = len(findings) - errors - infos
    with_findings = len({f.path for f in findings})
    checked = f"; {_plural(len(files), 'file')} checked" if files else ""
    if hidden:  # a clean run with a baseline still says what the baseline accepted, so it is not mistaken for clean
        checked += f"; {_plural(hidden, 'finding')} hidden by the baseline"
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
