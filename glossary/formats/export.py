"""Exports of a reviewed glossary for translation tools: TBX-Basic, CSV, TSV (OmegaT) and a clean XLSX.

Public API:
    parse_statuses("approved,deprecated") -> tuple[str, ...]
    glossary_concepts(rows, statuses) -> (concepts, skipped)  (which terms each exported concept carries)
    to_tbx(concepts, title) -> bytes                        (TBX-Basic, ISO 30042:2019, DCA style, UTF-8)
    concepts_table(concepts, fmt, zh_code) -> DataFrame     (the rows of a CSV / TSV / XLSX export)
    term_table(concepts, zh_code) -> DataFrame              (the CSV: one row per Chinese term, with its status)
    export_glossary(glossary, fmt, statuses, out, settings) -> ExportResult
    FORMATS: --format name -> ExportFormat (how it is written)

What goes out, for --status approved (the default): each approved row is one concept, its English (and `abbr`
as an admitted English abbreviation) and its Chinese `zh` as the preferred term, the `admitted` forms as admitted
terms. Adding `deprecated` to --status also exports what must not be used: the `deprecated` forms of those rows,
and rows a reviewer marked deprecated, each attached to the exported concept with the same English (or as a
concept of its own), marked deprecatedTerm-admn-sts. Candidate or rejected rows go out only when asked for, with
no administrative status. Rows without English or without Chinese are skipped: a translation tool needs both.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from glossary.config import Settings, default_settings
from glossary.errors import InputError
from glossary.files import atomic_path
from glossary.formats.tables import neutralise_formula, records, to_delimited, write_xlsx_sheets
from glossary.formats.terms import cell_text, split_forms
from glossary.formats.workbook import STATUSES, read_glossary, resolve_glossary

DEFAULT_STATUSES = ("approved",)
TBX_NAMESPACE = "urn:iso:std:iso:30042:ed-2"  # TBX v3 (ISO 30042:2019); "ed:3.0" was a draft LTAC dropped in 2018
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The schemas LTAC publishes for TBX-Basic (tbxinfo.net, Developer resources): the core structure in RELAX NG and the
# dialect's constraints in Schematron, named in the xml-model lines as LTAC's own DCA example names them.
# tests/formats/tbx holds copies; every TBX the tests write is validated against both.
TBX_CORE_RNG = "https://raw.githubusercontent.com/LTAC-Global/TBX_Core_RNG/master/TBXcoreStructV03.rng"
TBX_BASIC_SCHEMATRON = "https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/TBX-Basic_DCA.sch"
PREFERRED, ADMITTED, DEPRECATED = "preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts"
# the CSV's status column: the TBX value without its suffix, a word every tool's mapping dialog shows as it is
TERM_STATUS = {PREFERRED: "preferred", ADMITTED: "admitted", DEPRECATED: "deprecated"}
# OmegaT's own first line for a new glossary (GlossaryReaderTSV.createEmpty): skipped like every line starting with
# "#", and its magic comment makes OmegaT read a .tsv, .tab or .txt glossary as UTF-8 whatever the system's charset.
OMEGAT_FIRST_LINE = "# Glossary in tab-separated format -*- coding: utf-8 -*-"


@dataclass
class ExportTerm:
    text: str
    status: str | None = None  # a TBX administrativeStatus value, or None (candidate / rejected rows)
    term_type: str | None = None  # TBX termType: "abbreviation" for abbr


@dataclass
class ExportConcept:
    id: str
    status: str  # the Glossary row's status
    en: list[ExportTerm] = field(default_factory=list)
    zh: list[ExportTerm] = field(default_factory=list)
    note: str = ""
    domain: str = ""
    example: str = ""

    def preferred(self, language: str) -> str:
        terms = [t for t in getattr(self, language) if t.status != DEPRECATED]
        return terms[0].text if terms else ""

    def deprecated_zh(self) -> list[str]:
        return [t.text for t in self.zh if t.status == DEPRECATED]


def parse_statuses(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """'approved,deprecated' -> ('approved', 'deprecated'); InputError for a status outside the list."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_STATUSES
    parts = value.split(",") if isinstance(value, str) else [p for v in value for p in str(v).split(",")]
    statuses = tuple(dict.fromkeys(p.strip().casefold() for p in parts if p.strip()))
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise InputError(None, f"--status {unknown[0]!r} is not one of {', '.join(STATUSES)}")
    return statuses


def glossary_concepts(rows: pd.DataFrame,
                      statuses: Sequence[str] = DEFAULT_STATUSES) -> tuple[list[ExportConcept], int]:
    """(concepts to export, how many selected rows were skipped for lacking English or Chinese)."""
    statuses = tuple(statuses)
    with_deprecated = "deprecated" in statuses
    concepts: list[ExportConcept] = []
    by_en: dict[str, ExportConcept] = {}
    skipped = 0
    deprecated_rows = []
    for row in records(rows):
        status = cell_text(row.get("status")).casefold() or "candidate"
        if status not in statuses:
            continue
        if status == "deprecated":
            deprecated_rows.append(row)
            continue
        en, zh = cell_text(row.get("en")), cell_text(row.get("zh"))
        if not en or not zh:
            skipped += 1
            continue
        decided = status == "approved"
        concept = ExportConcept(
            id=cell_text(row.get("concept_id")) or f"c{len(concepts) + 1}",
            status=status,
            en=[ExportTerm(en, PREFERRED if decided else None)],
            zh=[ExportTerm(zh, PREFERRED if decided else None)],
            note=cell_text(row.get("note")),
            domain=cell_text(row.get("domain")),
            example=cell_text(row.get("example")),
        )
        for abbr in split_forms(row.get("abbr")):
            concept.en.append(ExportTerm(abbr, ADMITTED if decided else None, "abbreviation"))
        for form in split_forms(row.get("admitted")):
            if form != zh:
                concept.zh.append(ExportTerm(form, ADMITTED if decided else None))
        if with_deprecated:
            concept.zh += [ExportTerm(f, DEPRECATED) for f in split_forms(row.get("deprecated")) if f != zh]
        concepts.append(concept)
        by_en.setdefault(en.casefold(), concept)
    for row in deprecated_rows:
        # a row marked deprecated names a Chinese form not to use; it belongs to the concept with the same English
        en, zh = cell_text(row.get("en")), cell_text(row.get("zh"))
        if not zh:
            skipped += 1
            continue
        home = by_en.get(en.casefold()) if en else None
        if home is not None:
            if zh not in [t.text for t in home.zh]:
                home.zh.append(ExportTerm(zh, DEPRECATED))
            continue
        if not en:
            skipped += 1
            continue
        concept = ExportConcept(cell_text(row.get("concept_id")) or f"c{len(concepts) + 1}", "deprecated",
                                en=[ExportTerm(en)], zh=[ExportTerm(zh, DEPRECATED)], note=cell_text(row.get("note")),
                                domain=cell_text(row.get("domain")))
        concepts.append(concept)
        by_en.setdefault(en.casefold(), concept)
    return concepts, skipped


def to_tbx(concepts: Sequence[ExportConcept], title: str = "glossary", zh_code: str = "zh-CN") -> bytes:
    """TBX-Basic in the DCA style: conceptEntry > langSec xml:lang > termSec > term + termNote, built as a tree."""
    from glossary import __version__

    ET.register_namespace("", TBX_NAMESPACE)

    def element(parent, tag, text=None, **attributes):
        node = ET.SubElement(parent, f"{{{TBX_NAMESPACE}}}{tag}", attributes)
        if text is not None:
            node.text = text
        return node

    root = ET.Element(f"{{{TBX_NAMESPACE}}}tbx", {"type": "TBX-Basic", "style": "dca", XML_LANG: "en"})
    file_desc = element(element(root, "tbxHeader"), "fileDesc")
    element(element(file_desc, "titleStmt"), "title", title)
    element(element(file_desc, "sourceDesc"), "p", f"Exported by glossary {__version__} from {title}")
    body = element(element(root, "text"), "body")
    used_ids: set[str] = set()
    for concept in concepts:
        entry_id, serial = _xml_id(concept.id), 1
        while entry_id in used_ids:  # ids are XML IDs: unique in the file even if a reviewer copied a row
            serial += 1
            entry_id = f"{_xml_id(concept.id)}-{serial}"
        used_ids.add(entry_id)
        entry = element(body, "conceptEntry", id=entry_id)
        if concept.domain:
            element(entry, "descrip", concept.domain, type="subjectField")
        if concept.note:
            element(entry, "note", concept.note)
        for language, code in (("en", "en"), ("zh", zh_code)):
            lang_sec = element(entry, "langSec", **{XML_LANG: code})
            for index, term in enumerate(getattr(concept, language)):
                term_sec = element(lang_sec, "termSec")
                element(term_sec, "term", term.text)
                if term.status:
                    element(term_sec, "termNote", term.status, type="administrativeStatus")
                if term.term_type:
                    element(term_sec, "termNote", term.term_type, type="termType")
                if language == "zh" and index == 0 and concept.example:
                    element(term_sec, "descrip", concept.example, type="context")
    ET.indent(root, space="  ")
    declaration = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                   f'<?xml-model href="{TBX_CORE_RNG}" type="application/xml" '
                   'schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
                   f'<?xml-model href="{TBX_BASIC_SCHEMATRON}" type="application/xml" '
                   'schematypens="http://purl.oclc.org/dsdl/schematron"?>\n')
    return declaration.encode("utf-8") + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def _xml_id(value: str) -> str:
    """conceptEntry@id must be an XML name: a letter first, then letters, digits, '-', '_', '.'."""
    cleaned = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in value)
    return cleaned if cleaned[:1].isalpha() else f"c{cleaned}"


def concepts_table(concepts: Sequence[ExportConcept], fmt: str, zh_code: str = "zh-CN") -> pd.DataFrame:
    """The rows of a CSV (term_table), TSV (omegat_table) or XLSX (translator_table) export."""
    tables = {"csv": term_table, "tsv": omegat_table, "xlsx": translator_table}
    return tables[fmt](concepts, zh_code)


def term_table(concepts: Sequence[ExportConcept], zh_code: str = "zh-CN") -> pd.DataFrame:
    """One row per Chinese term, each with the concept's English, its own status and a forbidden flag.

    Forms joined in one cell import as ordinary synonyms, so a form not to use would become a valid translation:
    here each form is a row of its own. memoQ's and Trados's CSV imports take a row as an entry: an English-Chinese
    pair with the Chinese term's status; a converter that merges rows into concepts (Glossary Converter) has
    `concept_id`. `forbidden` is TRUE for a deprecated form, the way memoQ and Phrase mark a term not to use;
    candidate or rejected rows have no status. The concept's abbreviations, note and domain repeat on each row.
    """
    rows = []
    for concept in concepts:
        shared = {"abbr": _joined_forms(concept)[0], "note": concept.note, "domain": concept.domain}
        for term in concept.zh:
            rows.append({"concept_id": concept.id, "en": concept.preferred("en"), zh_code: term.text,
                         "status": TERM_STATUS.get(term.status, ""),
                         "forbidden": "TRUE" if term.status == DEPRECATED else "FALSE", **shared})
    columns = ["concept_id", "en", zh_code, "status", "forbidden", "abbr", "note", "domain"]
    return pd.DataFrame(rows, columns=columns)


def omegat_table(concepts: Sequence[ExportConcept], zh_code: str = "zh-CN") -> pd.DataFrame:
    """en, zh-CN, comment: OmegaT reads source, target, comment in that order (GlossaryReaderTSV)."""
    rows = []
    for concept in concepts:
        zh = concept.preferred("zh")
        if not zh:
            continue  # OmegaT has no forbidden terms: a concept with only forms not to use has nothing to offer
        abbr, admitted, deprecated = _joined_forms(concept)
        comment = "; ".join(filter(None, [
            concept.note,
            f"abbr: {abbr}" if abbr else "",
            f"also: {admitted}" if admitted else "",
            f"do not use: {deprecated}" if deprecated else "",
            concept.domain,
        ]))
        rows.append({"en": concept.preferred("en"), zh_code: zh, "comment": comment})
    return pd.DataFrame(rows, columns=["en", zh_code, "comment"])


def translator_table(concepts: Sequence[ExportConcept], zh_code: str = "zh-CN") -> pd.DataFrame:
    """One row per concept for people reading it in Excel: language-code headers, then the other forms."""
    rows = []
    for concept in concepts:
        abbr, admitted, deprecated = _joined_forms(concept)
        rows.append({"en": concept.preferred("en"), zh_code: concept.preferred("zh"), "note": concept.note,
                     "domain": concept.domain, "abbr": abbr, "admitted": admitted, "deprecated": deprecated,
                     "status": concept.status, "example": concept.example})
    columns = ["en", zh_code, "note", "domain", "abbr", "admitted", "deprecated", "status", "example"]
    return pd.DataFrame(rows, columns=columns)


def _joined_forms(concept: ExportConcept) -> tuple[str, str, str]:
    """(abbreviations, admitted Chinese forms, deprecated Chinese forms), each `|`-joined as in the terms file."""
    return ("|".join(t.text for t in concept.en if t.term_type == "abbreviation"),
            "|".join(t.text for t in concept.zh[1:] if t.status != DEPRECATED),
            "|".join(concept.deprecated_zh()))


def _plain_tsv(table: pd.DataFrame) -> str:
    """OmegaT's tab-separated glossary: no quoting (OmegaT reads none); the column names on a `#` line, since OmegaT
    skips only lines starting with `#` and would read a plain header as an entry; cells neutralised like every
    CSV/TSV the tool writes, header included."""
    lines = [OMEGAT_FIRST_LINE, "# " + "\t".join(str(neutralise_formula(c)) for c in table.columns)]
    for row in records(table):
        line = "\t".join(str(neutralise_formula(v or "")) for v in row.values())
        # OmegaT skips a line starting with "#" but trims each cell: a leading space keeps a term like #MeToo an entry
        lines.append(" " + line if line.startswith("#") else line)
    return "\n".join(lines) + "\n"


@dataclass
class ExportResult:
    source: Path  # the workbook exported
    fmt: str
    concepts: int
    skipped: int  # selected rows without English or Chinese
    out: Path | None = None
    data: bytes = b""  # what was written (also when written to stdout)


def _tbx_data(concepts: Sequence[ExportConcept], title: str, zh_code: str, out: Path | None) -> bytes:
    return to_tbx(concepts, title, zh_code)


def _csv_data(concepts: Sequence[ExportConcept], title: str, zh_code: str, out: Path | None) -> bytes:
    # with a byte-order mark in a file: Excel then opens the UTF-8 Chinese correctly; memoQ and Trados accept it
    table = term_table(concepts, zh_code)
    text = to_delimited(table.rename(columns=neutralise_formula), ",")  # the header is text from settings too
    return (("\ufeff" if out is not None else "") + text).encode("utf-8")


def _tsv_data(concepts: Sequence[ExportConcept], title: str, zh_code: str, out: Path | None) -> bytes:
    return _plain_tsv(_clean_for_omegat(omegat_table(concepts, zh_code))).encode("utf-8")


def _xlsx_file(concepts: Sequence[ExportConcept], title: str, zh_code: str, out: Path | None) -> bytes:
    write_xlsx_sheets(out, {"Glossary": translator_table(concepts, zh_code)})
    return out.read_bytes()


@dataclass(frozen=True)
class ExportFormat:
    """How one format is written: `write(concepts, title, zh_code, out)` returns the bytes for `out` (or stdout)."""

    write: Callable[[Sequence[ExportConcept], str, str, Path | None], bytes]
    needs_file: bool = False  # written to --out by `write` itself, never to stdout (xlsx: a zip archive)
    needs_concepts: bool = False  # an empty file would not validate (TBX requires at least one conceptEntry)


# Every export format, by its --format name: the one place a format is added.
FORMATS: dict[str, ExportFormat] = {
    "tbx": ExportFormat(_tbx_data, needs_concepts=True),
    "csv": ExportFormat(_csv_data),
    "tsv": ExportFormat(_tsv_data),
    "xlsx": ExportFormat(_xlsx_file, needs_file=True),
}


def export_glossary(
    glossary: Path | str = "glossaries",
    fmt: str = "tbx",
    statuses: Sequence[str] | str | None = DEFAULT_STATUSES,
    out: Path | str | None = None,
    settings: Settings | None = None,
) -> ExportResult:
    """Read a reviewed glossary (a workbook, or a folder's newest version) and write it for a translation tool:
    to `out` atomically, or to stdout (not for xlsx)."""
    export_format = FORMATS.get(fmt)
    if export_format is None:
        raise InputError(None, f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if export_format.needs_file and out is None:
        raise InputError(None, f"--format {fmt} needs --out FILE")
    settings = settings or default_settings()
    statuses = parse_statuses(statuses)
    source = resolve_glossary(Path(glossary))
    stored = read_glossary(source, settings)
    concepts, skipped = glossary_concepts(stored.rows, statuses)
    out = Path(out) if out is not None else None
    if export_format.needs_concepts and not concepts:
        raise InputError(source, f"no rows with status {', '.join(statuses)} and both en and zh to export")
    data = export_format.write(concepts, source.name, settings.export.chinese_code, out)
    if export_format.needs_file:
        return ExportResult(source, fmt, len(concepts), skipped, out, data)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        with atomic_path(out) as tmp:
            tmp.write_bytes(data)
    return ExportResult(source, fmt, len(concepts), skipped, out, data)


def _clean_for_omegat(table: pd.DataFrame) -> pd.DataFrame:
    """OmegaT splits lines on tabs and knows no quoting: tabs and line breaks inside a cell become spaces."""
    if not len(table):
        return table
    return table.apply(lambda column: column.map(lambda v: " ".join(cell_text(v).split())))
