"""Term consistency checks for CI: the terms a translation uses, against the glossary's decisions.

    rules.py      the rules, their severities (CheckOptions from settings.check), Finding
    rulebook.py   what the glossary decided: concepts and banned terms, from a workbook or a terms file
    matcher.py    every glossary form and variant in a text, in one pass (TermMatcher)
    inputs.py     the files checked (text, Markdown, .docx, .pdf, XLIFF, TMX), with positions in the original
    findings.py   occurrences of glossary forms in a file, and the per-term rules' findings
    bilingual.py  key-term-mismatch and inconsistent-translation, against the English source
    run.py        a check run over files and folders
    baseline.py   findings accepted for now
    reporters.py  text, json, sarif, junit and github reports

Public API:
    load_rulebook(glossary=None, terms=None, settings=None) -> Rulebook
    check_paths(paths, rulebook, settings=None, sources=(), notes=None) -> list[Finding]
    run_check(paths, rulebook, settings=None, sources=()) -> CheckRun   (findings, files checked, notes)
    TermMatcher(rulebook, options).scan(text) -> list[Match]
    read_baseline(path) / apply_baseline(findings, baseline) / write_baseline(path, findings)
    render(fmt, findings, files, tool_version) -> str, FORMATS
    RULES, Finding
"""

from glossary.check.baseline import apply_baseline, read_baseline, write_baseline
from glossary.check.matcher import Match, TermMatcher
from glossary.check.reporters import FORMATS, render
from glossary.check.rulebook import (
    BannedTerm,
    RuleConcept,
    Rulebook,
    load_rulebook,
    rulebook_from_glossary,
    rulebook_from_terms,
)
from glossary.check.rules import RULES, SEVERITIES, CheckOptions, Finding, Rule
from glossary.check.run import CheckRun, check_paths, has_errors, run_check

__all__ = [
    "FORMATS",
    "RULES",
    "SEVERITIES",
    "BannedTerm",
    "CheckOptions",
    "CheckRun",
    "Finding",
    "Match",
    "Rule",
    "RuleConcept",
    "Rulebook",
    "TermMatcher",
    "apply_baseline",
    "check_paths",
    "has_errors",
    "load_rulebook",
    "read_baseline",
    "render",
    "rulebook_from_glossary",
    "rulebook_from_terms",
    "run_check",
    "write_baseline",
]
