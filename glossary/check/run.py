"""A check run: every file read, scanned once by one matcher, its findings (per-term and bilingual) gathered,
ignore markers applied, findings sorted.

    run_check(paths, rulebook, settings=None, sources=()) -> CheckRun   (findings, files checked, notes)
    check_paths(paths, rulebook, settings=None, sources=(), notes=None) -> list[Finding]
    has_errors(findings) -> bool
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from glossary.check.bilingual import AlignedUnit, bilingual_findings, plain_units, xml_units
from glossary.check.findings import Occurrence, find_occurrences, term_finding
from glossary.check.inputs import CheckedFile, collect_check_paths, ignored_lines, read_checked_file, shown_path
from glossary.check.matcher import TermMatcher
from glossary.text import printable
from glossary.check.rulebook import Rulebook
from glossary.check.rules import CheckOptions, Finding
from glossary.config import Settings, default_settings


@dataclass
class CheckRun:
    findings: list[Finding]
    files: list[str]  # every file checked, as shown
    notes: list[str] = field(default_factory=list)


def run_check(paths: Sequence[str | Path], rulebook: Rulebook, settings: Settings | None = None,
              sources: Sequence[str | Path] = (), matcher: TermMatcher | None = None) -> CheckRun:
    """Check every file of `paths` against the rulebook; with `sources`, pair plain files with their English
    versions for the bilingual rules (XLIFF and TMX files carry both languages and always get them)."""
    settings = settings if settings is not None else default_settings()
    options = CheckOptions.from_settings(settings.check)
    matcher = matcher or TermMatcher(rulebook, options, settings.align)
    notes = list(matcher.conflicts)
    files = collect_check_paths(paths)
    if sources:
        collect_check_paths(sources)  # a missing source is bad input before any work is done
    findings: list[Finding] = []
    checked: list[tuple[CheckedFile, list[Occurrence]]] = []
    aligned: list[AlignedUnit] = []
    for path in files:
        file = read_checked_file(path, settings.corpus)
        if file is None:
            notes.append(f"{shown_path(path)}: not checked (not a text file in a known encoding)")
            continue
        occurrences = find_occurrences(file, matcher)
        checked.append((file, occurrences))
        for occurrence in occurrences:
            finding = term_finding(occurrence, file, rulebook, options)
            if finding:
                findings.append(finding)
        if file.units:
            aligned += xml_units(file, occurrences)
    if sources:
        aligned += plain_units(checked, sources, settings, notes)
    if aligned:
        reported = {(f.path, f.line, f.column) for f in findings}
        findings += bilingual_findings(aligned, rulebook, options, reported)
    ignored = {file.shown: ignored_lines(file.lines, options.ignore_marker) for file, _ in checked}
    findings = [f for f in findings if f.line not in ignored.get(f.path, ())]
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    # notes name files and glossary forms, and go to a terminal as they are: nothing in them may act on it
    return CheckRun(findings, [file.shown for file, _ in checked], [printable(note) for note in notes])


def check_paths(paths: Sequence[str | Path], rulebook: Rulebook, settings: Settings | None = None,
                sources: Sequence[str | Path] = (), notes: list[str] | None = None) -> list[Finding]:
    """Findings for every file of `paths` (files, or folders searched recursively); see run_check."""
    run = run_check(paths, rulebook, settings, sources)
    if notes is not None:
        notes.extend(run.notes)
    return run.findings


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
