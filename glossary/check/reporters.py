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

Bounded whatever the input: each format reads a window of a finding's line, never a copy of the whole line, and shows
at most MAX_SHOWN_PER_RULE findings of one rule in one file, then says how many more there are (text: a line;
SARIF: a tool notification; JUnit: a line of the failure or system-out; GitHub: an annotation; JSON, a list of
findings only: `omitted_notices` for the caller to print). Summaries, failures and the exit code count every finding.
Text from checked files reaches a terminal or a CI log only as printable characters (`printable`).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable, Sequence
from urllib.parse import quote

from glossary.check.rules import RULES, Finding
from glossary.text import printable

FORMATS = ("text", "json", "sarif", "junit", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# Findings of one rule in one file a report shows. A real document has a few dozen; a file that is one form repeated
# a million times would otherwise give a report of gigabytes. GitHub code scanning shows 5,000 results of a run and
# 10 annotations of a kind per step anyway.
MAX_SHOWN_PER_RULE = 1000


def render(fmt: str, findings: Sequence[Finding], files: Sequence[str] = (), tool_version: str = "",
           width: int = 100, hidden: int = 0, limit: int | None = MAX_SHOWN_PER_RULE) -> str:
    """The report in `fmt` (one of FORMATS). `files` are all files checked: JUnit lists clean ones as passed tests,
    the text summary counts them. `width`: the terminal's, in cells, for the text format. `hidden`: findings a
    baseline accounted for, counted in the text summary. `limit`: findings shown of one rule in one file (None:
    all)."""
    renderers: dict[str, Callable[[], str]] = {
        "text": lambda: to_text(findings, files, width, hidden, limit),
        "json": lambda: to_json(findings, limit),
        "sarif": lambda: to_sarif(findings, tool_version, limit),
        "junit": lambda: to_junit(findings, files, limit),
        "github": lambda: to_github(findings, limit),
    }
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return renderers[fmt]()


# --- what a report shows ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Omitted:
    """Findings of one rule in one file a report leaves out (beyond its limit)."""

    path: str
    rule: str
    count: int
    severity: str  # the most severe of them
    limit: int

    @property
    def notice(self) -> str:
        return (f"{self.count} more {'finding' if self.count == 1 else 'findings'} of {self.rule} in {self.path} "
                f"not shown (a report shows {self.limit} of a rule per file)")


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def shown_findings(findings: Sequence[Finding], limit: int | None = MAX_SHOWN_PER_RULE
                   ) -> tuple[list[Finding], list[Omitted]]:
    """The first `limit` findings of each rule in each file, in their order, and what is left out of each."""
    if limit is None:
        return list(findings), []
    seen: Counter = Counter()
    shown, left_out = [], defaultdict(list)
    for f in findings:
        seen[f.path, f.rule] += 1
        if seen[f.path, f.rule] <= limit:
            shown.append(f)
        else:
            left_out[f.path, f.rule].append(f.severity)
    omitted = [Omitted(path, rule, len(severities), min(severities, key=lambda s: _SEVERITY_ORDER.get(s, 1)), limit)
               for (path, rule), severities in left_out.items()]
    return shown, omitted


def omitted_notices(findings: Sequence[Finding], limit: int | None = MAX_SHOWN_PER_RULE) -> list[str]:
    """One line per rule and file whose findings a report leaves out, printable: for the caller to print beside a
    JSON report, which is a list of findings and has no place for them."""
    return [printable(o.notice) for o in shown_findings(findings, limit)[1]]


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


def excerpt(line: str, start: int, end: int, room: int) -> tuple[str, int, int]:
    """The part of `line` around the span [start, end) (characters) that fits in `room` terminal cells, … where the
    line goes on; and where the span is in it: (text, cells before the span, cells of the span).

    Linear in the excerpt, not the line: a finding on a 1-million-character line reads a few hundred characters of
    it. Each character takes at least one cell, so `room` characters either side are all that can be shown.
    """
    def visible(text: str) -> str:
        # one character for one, one cell each: the carets stay under the span; a tab would move the line away
        return printable(text).replace("\t", " ")

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


def to_text(findings: Sequence[Finding], files: Sequence[str] = (), width: int = 100, hidden: int = 0,
            limit: int | None = MAX_SHOWN_PER_RULE) -> str:
    """The report for a terminal `width` cells wide: each finding's location, the part of its line around it with
    the span underlined, and its message, wrapped; a line for the findings beyond `limit` of a rule in a file; then
    a summary of all findings. Only a word wider than the terminal (a long path) makes a line wider."""
    out = []
    indent = " " * (GUTTER_NUMBER + 1)  # under the gutter's bar
    room = max(NARROWEST_EXCERPT, width - len(indent) - 2)
    shown, omitted = shown_findings(findings, limit)
    for f in shown:
        arrow = f" → {f.expected}" if f.expected else ""
        # wrapped between words only: the location (which editors jump to) and the terms stay whole
        header = wrap(printable(f"{f.path}:{f.line}:{f.column}: {f.rule}: {f.found}{arrow} [{f.severity}]"), room,
                      first_room=width, cut_long_words=False)
        out += [header[0], *(indent + "  " + line for line in header[1:])]
        if f.line_text:
            gutter = f"{f.line:>{GUTTER_NUMBER}} | "
            end = f.end_column - 1 if f.end_line == f.line and f.end_column > f.column else len(f.line_text)
            shown, offset, span = excerpt(f.line_text, f.column - 1, end, max(NARROWEST_EXCERPT, width - len(gutter)))
            out.append(gutter + shown)
            # East Asian characters take two terminal cells: mark the span in cells, not characters
            out.append(" " * (len(gutter) - 2) + "| " + " " * offset + "^" * max(span, 1))
        out += [indent + ("= " if number == 0 else "  ") + line
                for number, line in enumerate(wrap(printable(f.message), room))]
    out += [printable(o.notice) for o in omitted]
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


# JSON escapes C0 controls itself; DEL and C1 controls it leaves raw (a terminal acts on C1 CSI), and a lone
# surrogate (from a file name that is no UTF-8) cannot be written at all
_JSON_RAW = re.compile("[\x7f-\x9f\ud800-\udfff]")


def _json_escape(char: str) -> str:
    return "\\ufffd" if "\ud800" <= char <= "\udfff" else f"\\u{ord(char):04x}"


def dump_json(document) -> str:
    """Indented JSON, non-ASCII as it is but for the characters a terminal acts on, escaped."""
    text = json.dumps(document, ensure_ascii=False, indent=2)
    # these characters can only be inside JSON strings, where an escape reads back as the same character
    return _JSON_RAW.sub(lambda m: _json_escape(m.group()), text) + "\n"


def to_json(findings: Sequence[Finding], limit: int | None = MAX_SHOWN_PER_RULE) -> str:
    """The findings shown (see shown_findings; the caller prints omitted_notices, a list has no place for them)."""
    return dump_json([f.to_dict() for f in shown_findings(findings, limit)[0]])


# --- SARIF 2.1.0 --------------------------------------------------------------------------------------------------


def _artifact_uri(path: str) -> str:
    """A relative reference for a path under the working folder (GitHub resolves it against the repository root),
    a file: URI otherwise; non-ASCII characters and spaces percent-encoded, as a URI must be."""
    # a file name that is no UTF-8 (undecodable bytes kept as surrogates) is percent-encoded byte for byte
    if path.startswith("/"):
        return "file://" + quote(path, errors="surrogateescape")
    if re.match(r"^[A-Za-z]:[\\/]", path):  # a Windows drive
        return "file:///" + quote(path.replace("\\", "/"), errors="surrogateescape")
    return quote(path, errors="surrogateescape")


_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note", "off": "none"}


def _sarif_level(severity: str) -> str:
    return _SARIF_LEVELS.get(severity, "warning")


def _sarif_location(path: str) -> dict:
    location = {"physicalLocation": {"artifactLocation": {"uri": _artifact_uri(path)}}}
    if not path.startswith("/"):
        location["physicalLocation"]["artifactLocation"]["uriBaseId"] = "%SRCROOT%"
    return location


def to_sarif(findings: Sequence[Finding], tool_version: str = "", limit: int | None = MAX_SHOWN_PER_RULE) -> str:
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
    shown, omitted = shown_findings(findings, limit)
    for f in shown:
        region = {"startLine": f.line, "startColumn": f.column}
        if f.end_line and f.end_column:
            if f.end_line != f.line:
                region["endLine"] = f.end_line
            region["endColumn"] = f.end_column
        region["snippet"] = {"text": f.found}  # the span, never the line: a line may be a whole file
        location = _sarif_location(f.path)
        location["physicalLocation"]["region"] = region
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
    run = {
        "tool": {"driver": driver},
        # columns count characters (code points), not UTF-16 units: 𠀀 in a Chinese name is one column
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if omitted:  # the findings beyond the limit, counted where SARIF viewers show what a run did not report
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": [
            {"level": _sarif_level(o.severity), "message": {"text": o.notice}, "locations": [_sarif_location(o.path)],
             "associatedRule": {"id": o.rule, "index": rule_ids.index(o.rule)}}
            for o in omitted]}]
    return dump_json({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]})


# --- JUnit XML ----------------------------------------------------------------------------------------------------

# what XML 1.0 cannot hold, and what a terminal showing the report would act on (DEL, C1, lone surrogates)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def _junit_label(f: Finding) -> str:
    return "info" if f.severity == "info" else "warning"


def to_junit(findings: Sequence[Finding], files: Sequence[str] = (), limit: int | None = MAX_SHOWN_PER_RULE) -> str:
    import xml.etree.ElementTree as ET

    errors_in = Counter(f.path for f in findings if f.severity == "error")  # all of them, shown or not
    shown, omitted = shown_findings(findings, limit)
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in shown:
        by_file[f.path].append(f)
    omitted_in: dict[str, list[Omitted]] = defaultdict(list)
    for o in omitted:
        omitted_in[o.path].append(o)
    names = list(dict.fromkeys([*files, *by_file]))
    failures = sum(1 for name in names if errors_in[name])
    suites = ET.Element("testsuites", name="glossary check", tests=str(len(names)), failures=str(failures),
                        errors="0")
    suite = ET.SubElement(suites, "testsuite", name="glossary check", tests=str(len(names)),
                          failures=str(failures), errors="0", skipped="0")
    for name in names:
        case = ET.SubElement(suite, "testcase", classname="glossary.check", name=_xml_text(name),
                             file=_xml_text(name))
        errors = [f"{f.path}:{f.line}:{f.column} {f.rule}: {f.message}"
                  for f in by_file[name] if f.severity == "error"]
        errors += [o.notice for o in omitted_in[name] if o.severity == "error"]
        # warning and info: reported, not failed
        warnings = [f"{f.path}:{f.line}:{f.column} {f.rule} ({_junit_label(f)}): {f.message}"
                    for f in by_file[name] if f.severity != "error"]
        warnings += [o.notice for o in omitted_in[name] if o.severity != "error"]
        if errors:
            failure = ET.SubElement(case, "failure", type="terminology",
                                    message=f"{_plural(errors_in[name], 'terminology error')}")
            failure.text = _xml_text("\n".join(errors))
        if warnings:
            out = ET.SubElement(case, "system-out")
            out.text = _xml_text("\n".join(warnings))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


# --- GitHub Actions annotations -----------------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message (@actions/core escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (@actions/core escapeProperty): also ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_command(severity: str) -> str:
    return {"error": "error", "info": "notice"}.get(severity, "warning")


def to_github(findings: Sequence[Finding], limit: int | None = MAX_SHOWN_PER_RULE) -> str:
    """Workflow commands, one per finding shown and one per rule and file with findings left out; every value
    printable (the job log shows ANSI colours)."""
    lines = []
    shown, omitted = shown_findings(findings, limit)
    for f in shown:
        properties = [f"file={escape_property(printable(f.path))}", f"line={f.line}", f"col={f.column}"]
        if f.end_line and f.end_line != f.line:
            properties.append(f"endLine={f.end_line}")
        elif f.end_column:
            properties.append(f"endColumn={f.end_column}")
        properties.append(f"title={escape_property(f.rule)}")
        lines.append(f"::{_github_command(f.severity)} {','.join(properties)}::{escape_data(printable(f.message))}")
    for o in omitted:
        lines.append(f"::{_github_command(o.severity)} file={escape_property(printable(o.path))},"
                     f"title={escape_property(o.rule)}::{escape_data(printable(o.notice))}")
    return "".join(line + "\n" for line in lines)
