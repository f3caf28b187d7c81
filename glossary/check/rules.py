"""The rules of `glossary check`, their severities, and what a finding is.

Rules (ids, default severities; severities are set in [tool.glossary] check_severity_*):
  deprecated-variant        error    a form the glossary deprecates for a concept (包容及可持续工业发展 where
                                     包容和可持续工业发展 is preferred); expected = the preferred form
  unlisted-variant          warning  a form the glossary neither prefers, admits nor deprecates but that is the same
                                     concept: other particles (包容与可持续的工业发展), one word swapped for a
                                     near-synonym (国别/国家伙伴关系方案), the characters reordered, or a corpus variant
                                     from the workbook's `variants` column
  deprecated-term           error    the Chinese of a glossary row with status deprecated (or rejected)
  key-term-mismatch         warning  bilingual: an English glossary term is in the source paragraph, no form of its
                                     Chinese is in the corresponding target paragraph
  inconsistent-translation  warning  bilingual: one English term rendered by different Chinese forms in one set

Severities: "error" fails the check (exit code 1); "warning" and "info" (below warning: a likely but uncertain
finding) are reported only; "off" disables the rule.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from glossary.config import CheckSettings, default_settings
from glossary.errors import InputError

SEVERITIES = ("error", "warning", "info", "off")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # the default (data/defaults.toml check_severity_<id with underscores>), as SARIF reports it
    summary: str
    description: str


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("deprecated-variant", "error", "A deprecated form of a glossary term is used",
             "The text uses a form the glossary deprecates for a concept (the `deprecated` column of an approved "
             "row, or a form after the first in the terms file). Use the preferred form."),
        Rule("unlisted-variant", "warning", "An unapproved variant of a glossary term is used",
             "The text uses a form the glossary neither prefers, admits nor deprecates, but that is a variant of a "
             "glossary concept: other particles (和及与的、), one word swapped for a near-synonym, the same characters "
             "reordered, or a corpus variant listed in the `variants` column. Use the preferred form, or add the "
             "form to the glossary as admitted or deprecated."),
        Rule("deprecated-term", "error", "A term marked deprecated or rejected in the glossary is used",
             "The text uses the Chinese of a glossary row whose status is deprecated (or rejected: rejected as a "
             "translation). Use the approved term with the same English, if there is one."),
        Rule("key-term-mismatch", "warning", "A key term of the source is missing from the translation",
             "An English glossary term occurs in the source paragraph, but none of the Chinese forms of that "
             "concept occurs in the corresponding target paragraph."),
        Rule("inconsistent-translation", "warning", "One English term is translated in different ways",
             "Within one bilingual set, paragraphs whose source has the same English term render it with "
             "different Chinese forms of the concept."),
    )
}


@dataclass(frozen=True)
class Finding:
    rule: str
    path: str  # as shown: relative to the working folder when under it, '/'-separated
    line: int  # 1-based
    column: int  # 1-based, in characters
    found: str
    expected: str
    message: str
    severity: str  # error | warning | info
    end_line: int = 0
    end_column: int = 0  # 1-based column just past the last character (SARIF's endColumn)
    line_text: str = field(default="", compare=False, repr=False)  # the original line, shown and hashed
    confidence: float = 1.0  # estimated probability (0..1) that the finding is a real problem
    evidence: str = ""  # one plain sentence: which rule, which glossary entry, why the text is the same concept

    def to_dict(self) -> dict[str, Any]:
        """The keys of the command-line contract, then confidence (2 decimals) and evidence."""
        return {"rule": self.rule, "path": self.path, "line": self.line, "column": self.column,
                "found": self.found, "expected": self.expected, "message": self.message, "severity": self.severity,
                "confidence": round(float(self.confidence), 2), "evidence": self.evidence}

    @property
    def line_hash(self) -> str:
        return line_text_hash(self.line_text)

    @property
    def fingerprint(self) -> str:
        """Stable across edits elsewhere in the file: path, rule, text found and the line's text, no line number."""
        key = "\0".join((self.path, self.rule, self.found, self.line_hash))
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]  # a path that is no UTF-8


LINES_HASHED_AT_ONCE = 256  # lines whose hash is kept: all a run's findings on one line share its hash


@lru_cache(maxsize=LINES_HASHED_AT_ONCE)
def line_text_hash(text: str) -> str:
    """The baseline's and SARIF's key for a line's text. Computed once per line, not once per finding: the findings
    on a line hold the same string object, which the cache finds by identity without comparing its characters, so
    10,000 findings on a line of a million characters hash it once (hashing it for each took 40 s)."""
    return hashlib.sha256(text.strip().encode("utf-8", "surrogatepass")).hexdigest()[:16]


# --- settings -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckOptions:
    """The check settings, validated: a severity per rule, and how the matcher reads text."""

    severities: dict[str, str]
    particles: str
    variant_min_chars: int
    across_line_breaks: bool
    word_choice: bool
    reorderings: bool
    ignore_marker: str
    rejected_as_deprecated: bool
    info_below: float

    @classmethod
    def from_settings(cls, settings: CheckSettings | None = None) -> "CheckOptions":
        check = settings if settings is not None else default_settings().check
        severities = {}
        for rule in RULES.values():
            name = "severity_" + rule.id.replace("-", "_")
            key = CheckSettings.PREFIX + name
            value = str(getattr(check, name) or rule.severity).strip().lower()
            if value not in SEVERITIES:
                raise InputError(None, f"[tool.glossary] {key} = {value!r}: expected one of {', '.join(SEVERITIES)}")
            severities[rule.id] = value
        marker = str(check.ignore_marker or "").strip()
        if not marker:
            raise InputError(None, "[tool.glossary] check_ignore_marker is empty")
        return cls(
            severities=severities,
            particles=str(check.particles),
            variant_min_chars=int(check.variant_min_chars),
            across_line_breaks=bool(check.across_line_breaks),
            word_choice=bool(check.word_choice),
            reorderings=bool(check.reorderings),
            ignore_marker=marker,
            rejected_as_deprecated=bool(check.rejected_as_deprecated),
            info_below=float(check.info_below),
        )
