"""The rulebook: what the glossary decided, read from a glossary workbook or a terms file.

Each concept has a preferred form and the forms the glossary admits, deprecates or lists as corpus variants;
banned terms are the Chinese of deprecated (or rejected) rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glossary.config import Settings, default_settings
from glossary.errors import InputError


@dataclass(frozen=True)
class RuleConcept:
    """A glossary concept as the checker sees it: its forms and what the glossary decided about each."""

    en: str
    preferred: str
    admitted: tuple[str, ...] = ()
    deprecated: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()  # corpus variants listed but not decided on (workbook column `variants`)
    origin: str = ""  # 'glossary-v3.xlsx row 12': where a terminologist finds the decision


@dataclass(frozen=True)
class BannedTerm:
    form: str
    en: str
    status: str  # deprecated | rejected
    replacement: str  # preferred Chinese of the approved row with the same English, or ''
    origin: str = ""


@dataclass
class Rulebook:
    concepts: list[RuleConcept]
    banned: list[BannedTerm] = field(default_factory=list)
    source: str = ""


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _forms(value: Any) -> list[str]:
    from glossary.formats.terms import split_forms  # pandas: imported when a rulebook is read

    return split_forms(value)


def rulebook_from_terms(terms, source: str = "") -> Rulebook:
    """A terms file (glossary.formats.terms.read_terms): each row with Chinese is a concept, its first form preferred
    and the others deprecated; an optional `admitted` column names accepted synonyms (工发组织, 劳工组织)."""
    concepts = []
    name = Path(source).name if source else "terms file"
    for number, row in enumerate(terms.to_dict("records"), start=2):
        forms = _forms(row.get("zh"))
        if forms:
            admitted = tuple(f for f in _forms(row.get("admitted")) if f not in forms)
            concepts.append(RuleConcept(_cell(row.get("en")), forms[0], admitted=admitted,
                                        deprecated=tuple(forms[1:]), origin=f"{name} row {number}"))
    return Rulebook(concepts, [], source)


def rulebook_from_glossary(rows, source: str = "", rejected_as_deprecated: bool = False) -> Rulebook:
    """Rows of a glossary workbook (glossary.formats.workbook.read_glossary(...).rows): approved rows are concepts (zh
    preferred; admitted, deprecated and variants columns), deprecated rows, and rejected rows unless
    `rejected_as_deprecated` is off, are banned terms. Candidate rows are not decisions and are left out."""
    name = Path(source).name if source else "glossary"
    records = rows.to_dict("records")
    concepts: list[RuleConcept] = []
    preferred_by_en: dict[str, str] = {}
    for row in records:
        zh, en = _cell(row.get("zh")), _cell(row.get("en"))
        if _cell(row.get("status")).lower() == "approved" and zh:
            where = f"{name} row {row.get('_row', '?')}"
            listed = {zh}
            admitted = tuple(f for f in _forms(row.get("admitted")) if f not in listed)
            listed |= set(admitted)
            deprecated = tuple(f for f in _forms(row.get("deprecated")) if f not in listed)
            listed |= set(deprecated)
            variants = tuple(f for f in _forms(row.get("variants")) if f not in listed)
            concepts.append(RuleConcept(en, zh, admitted, deprecated, variants, where))
            if en:
                preferred_by_en.setdefault(en.casefold(), zh)
    banned_statuses = {"deprecated", "rejected"} if rejected_as_deprecated else {"deprecated"}
    banned = []
    for row in records:
        zh, en, status = _cell(row.get("zh")), _cell(row.get("en")), _cell(row.get("status")).lower()
        if status in banned_statuses and zh:
            banned.append(BannedTerm(zh, en, status, preferred_by_en.get(en.casefold(), "") if en else "",
                                     f"{name} row {row.get('_row', '?')}"))
    return Rulebook(concepts, banned, source)


def load_rulebook(glossary: str | Path | None = None, terms: str | Path | None = None,
                  settings: Settings | None = None) -> Rulebook:
    """The rules: from a glossary workbook (or the newest version in a folder), or from a terms file (given with
    `terms`, or with `glossary` when it is a CSV/TSV or a workbook without a Glossary sheet). With neither,
    the folder glossaries/ when it holds a version, else the terms file of the settings (data/terms_en.csv)."""
    from glossary.formats.workbook import list_versions, read_glossary, resolve_glossary

    settings = settings if settings is not None else default_settings()
    if glossary is not None and terms is not None:
        raise InputError(None, "--glossary and --terms are alternatives: give one of them")
    if glossary is None and terms is None:
        if list_versions(Path("glossaries")):
            glossary = Path("glossaries")
        elif settings.align.terms.is_file():
            terms = settings.align.terms
        else:
            raise InputError(None, "no glossary to check against: pass --glossary FILE|DIR or --terms FILE "
                                   f"(there is no glossaries/ folder here and no {settings.align.terms})")
    if glossary is not None:
        path = resolve_glossary(Path(glossary))
        if path.suffix.lower() != ".xlsx":  # a terms file named with --glossary (data/terms_en.csv): read as one
            return _rulebook_from_terms_file(path, settings)
        try:
            stored = read_glossary(path, settings)
        except InputError as not_a_glossary:
            try:  # a terms workbook (en, zh columns) rather than a glossary version
                return _rulebook_from_terms_file(path, settings)
            except InputError:
                raise not_a_glossary from None
        return rulebook_from_glossary(stored.rows, str(path), settings.check.rejected_as_deprecated)
    return _rulebook_from_terms_file(Path(terms), settings)


def _rulebook_from_terms_file(path: Path, settings: Settings) -> Rulebook:
    import warnings

    from glossary.formats.terms import read_terms

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a Chinese form given for two English terms does not stop a check
        frame = read_terms(path, settings)
    return rulebook_from_terms(frame, str(path))
