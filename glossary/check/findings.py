"""Where a checked file uses glossary forms, and the findings of the per-term rules (deprecated-variant,
unlisted-variant, deprecated-term); the bilingual rules are in glossary.check.bilingual."""

from __future__ import annotations

from dataclasses import dataclass

from glossary.check.inputs import CheckedFile
from glossary.check.matcher import KINDS_ALLOWED, UNLISTED_REASONS, Match, TermMatcher
from glossary.check.rulebook import Rulebook
from glossary.check.rules import CheckOptions, Finding


@dataclass
class Occurrence:
    match: Match
    found: str  # the original characters, whitespace removed
    line: int
    column: int
    end_line: int
    end_column: int
    segment: int  # index into CheckedFile.segments


def find_occurrences(file: CheckedFile, matcher: TermMatcher) -> list[Occurrence]:
    """Every match in the file's segments, located in the file."""
    found = []
    for index, segment in enumerate(file.segments):
        for match in matcher.scan(segment.text, file.extra_skip):
            line, column = segment.locate(match.start)
            end_line, end_column = segment.locate(match.end - 1)
            surface = "".join(segment.text[match.start:match.end].split())  # whitespace removed
            found.append(Occurrence(match, surface, line, column, end_line, end_column + 1, index))
    return found


def make_finding(rule: str, file: CheckedFile, line: int, column: int, found: str, expected: str, message: str,
                 options: CheckOptions, end: tuple[int, int] | None = None, confidence: float = 1.0,
                 evidence: str = "") -> Finding | None:
    """A finding at 1-based (line, column), with the rule's severity (a warning this unsure of itself is only
    info); None when the rule is off."""
    severity = options.severities[rule]
    if severity == "off":
        return None
    if severity == "warning" and confidence < options.info_below:
        severity = "info"
    end_line, end_column = end if end else (line, column)
    return Finding(rule, file.shown, line, column, found, expected, message, severity, end_line, end_column,
                   file.line_text(line), confidence=confidence, evidence=evidence)


def term_finding(occurrence: Occurrence, file: CheckedFile, rulebook: Rulebook,
                 options: CheckOptions) -> Finding | None:
    match, found = occurrence.match, occurrence.found
    where = (occurrence.line, occurrence.column)
    end = (occurrence.end_line, occurrence.end_column)
    if match.kind in KINDS_ALLOWED:
        return None
    if match.kind == "banned":
        term = rulebook.banned[match.banned]
        because = f"{term.status} in the glossary" + (f" as the translation of '{term.en}'" if term.en else "")
        advice = f": use {term.replacement}" if term.replacement else ": do not use it"
        return make_finding("deprecated-term", file, *where, found, term.replacement,
                            f"{found} is {because} ({term.origin}){advice}", options, end)
    concept = rulebook.concepts[match.concept]
    about = f" ({concept.en})" if concept.en else ""
    if match.kind == "deprecated":
        return make_finding("deprecated-variant", file, *where, found, concept.preferred,
                            f"{found} is a deprecated form of {concept.preferred}{about}: use {concept.preferred}",
                            options, end)
    if match.kind == "listed-variant":
        message = (f"{found} is a corpus variant of {concept.preferred}{about} that the glossary lists but has not "
                   f"approved: use {concept.preferred}")
    else:
        message = (f"{found} is not in the glossary but reads as {concept.preferred}{about} "
                   f"{UNLISTED_REASONS[match.kind]}: use {concept.preferred}")
    evidence = f"{match.evidence}; the listed entry is {concept.preferred}{about}" if match.evidence else ""
    return make_finding("unlisted-variant", file, *where, found, concept.preferred, message, options, end,
                        match.confidence, evidence)
