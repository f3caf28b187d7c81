"""The bilingual rules: key-term-mismatch and inconsistent-translation.

A unit is a source paragraph (English) beside its translation: a translation unit of an XLIFF or TMX file, or a
paragraph pair of a plain document and its English source (paired by symbol or by name, then by paragraph number).
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from glossary.check.findings import Occurrence, make_finding
from glossary.check.inputs import BILINGUAL_SUFFIXES, CheckedFile, collect_check_paths, shown_path
from glossary.check.matcher import normal_form
from glossary.check.rulebook import RuleConcept, Rulebook
from glossary.check.rules import CheckOptions, Finding
from glossary.config import Settings


class EnglishTerms:
    """The English of the glossary concepts, found in source text: case-insensitive, whole words (English has
    boundaries), a plural -s/-es tolerated, longest match first."""

    def __init__(self, concepts: Sequence[RuleConcept]):
        import ahocorasick

        self.automaton = ahocorasick.Automaton()
        by_term: dict[str, list[int]] = defaultdict(list)
        for index, concept in enumerate(concepts):
            term = self.normalise(concept.en)
            if term and concept.preferred:
                by_term[term].append(index)
        for term, indexes in by_term.items():
            self.automaton.add_word(term, (term, tuple(indexes)))
        if by_term:
            self.automaton.make_automaton()

    @staticmethod
    def normalise(text: str) -> str:
        text = text.casefold().replace("\u2019", "'").translate(str.maketrans("\u2010\u2011\u2013", "---"))
        return " ".join(text.split())

    def concepts_in(self, text: str) -> set[int]:
        if not len(self.automaton):
            return set()
        text = self.normalise(text)
        hits = []
        for last, (term, indexes) in self.automaton.iter(text):
            start, end = last - len(term) + 1, last + 1
            if start > 0 and text[start - 1].isalnum():
                continue
            tail = text[end:end + 3]
            for suffix in ("", "s", "es"):
                if tail.startswith(suffix) and not tail[len(suffix):len(suffix) + 1].isalnum():
                    hits.append((start, end + len(suffix), indexes))
                    break
        taken = bytearray(len(text) + 2)
        concepts = set()
        for start, end, indexes in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
            if not any(taken[start:end]):
                taken[start:end] = b"\1" * (end - start)
                concepts.update(indexes)
        return concepts


@dataclass
class AlignedUnit:
    """A source paragraph (English) and its translation's occurrences of glossary forms."""

    file: CheckedFile
    label: str
    english: str
    occurrences: list[Occurrence]
    line: int
    column: int


def xml_units(file: CheckedFile, occurrences: list[Occurrence]) -> list[AlignedUnit]:
    """The translation units of an XLIFF or TMX file with English and Chinese, each with its occurrences."""
    by_segment = defaultdict(list)
    for occurrence in occurrences:
        by_segment[occurrence.segment].append(occurrence)
    aligned, index = [], 0
    for unit in file.units:
        found = []
        for _ in unit.chinese:
            found += by_segment.get(index, [])
            index += 1
        if unit.english.strip() and unit.chinese:
            line, column = unit.chinese[0].locate(len(unit.chinese[0].text) - len(unit.chinese[0].text.lstrip()))
            aligned.append(AlignedUnit(file, unit.label, unit.english, found, line, column))
    return aligned


def plain_units(targets: list[tuple[CheckedFile, list[Occurrence]]], sources: Sequence[str | Path],
                settings: Settings, notes: list[str]) -> list[AlignedUnit]:
    """Paragraph pairs of plain documents (txt, md, docx, pdf) and their source files, paired by symbol or by name
    (doc.zh.txt / doc.en.txt, or the same name in two folders)."""
    from glossary.corpus.load import load_document
    from glossary.corpus.pairing import pair_documents, paragraph_pairs

    source_files = [p for p in collect_check_paths(sources) if p.suffix.lower() not in BILINGUAL_SUFFIXES]
    en_docs = [load_document(p, settings) for p in source_files]
    plain = {file.path.resolve(): (file, occurrences) for file, occurrences in targets
             if file.path.suffix.lower() not in BILINGUAL_SUFFIXES and file.segments}
    zh_docs = [load_document(file.path, settings) for file, _ in plain.values()]
    pairs = pair_documents(zh_docs, en_docs)
    paired = {id(zh) for zh, _ in pairs}
    for doc in zh_docs:
        if id(doc) not in paired:
            notes.append(f"{shown_path(doc.path)}: no source document pairs with it (same symbol or same name)")
    aligned = []
    for zh_doc, en_doc in pairs:
        file, occurrences = plain[zh_doc.path.resolve()]
        pairs_of_paragraphs = paragraph_pairs(zh_doc, en_doc, by_order=True)
        if pairs_of_paragraphs is None:
            zh_body, en_body = ([p for p in doc.paragraphs if p.kind != "header"] for doc in (zh_doc, en_doc))
            notes.append(f"{shown_path(zh_doc.path)} and {shown_path(en_doc.path)}: {len(zh_body)} and "
                         f"{len(en_body)} paragraphs without paragraph numbers; cannot pair them")
            pairs_of_paragraphs = []
        starts = sorted({p.line for p in [*zh_doc.paragraphs, *zh_doc.footnotes]})
        by_start = defaultdict(list)
        for occurrence in occurrences:
            index = bisect.bisect_right(starts, occurrence.line) - 1
            if index >= 0:
                by_start[starts[index]].append(occurrence)
        for zh_paragraph, en_paragraph in pairs_of_paragraphs:
            text = file.line_text(zh_paragraph.line)
            column = len(text) - len(text.lstrip()) + 1
            label = f"paragraph {zh_paragraph.number}" if zh_paragraph.number else f"paragraph at line {zh_paragraph.line}"
            aligned.append(AlignedUnit(file, f"{label} (source {shown_path(en_doc.path)})", en_paragraph.text,
                                       by_start.get(zh_paragraph.line, []), zh_paragraph.line, column))
    return aligned


def bilingual_findings(units: list[AlignedUnit], rulebook: Rulebook, options: CheckOptions,
                       reported: set[tuple[str, int, int]]) -> list[Finding]:
    """key-term-mismatch in each unit, inconsistent-translation across them; a place `reported` already is not
    reported again."""
    english = EnglishTerms(rulebook.concepts)
    findings = []
    uses: dict[int, list[tuple[AlignedUnit, Occurrence]]] = defaultdict(list)
    for unit in units:
        in_source = english.concepts_in(unit.english)
        in_target = {o.match.concept for o in unit.occurrences if o.match.concept is not None}
        for index in sorted(in_source):
            concept = rulebook.concepts[index]
            if index not in in_target:
                accepted = " | ".join([concept.preferred, *concept.admitted])
                finding = make_finding("key-term-mismatch", unit.file, unit.line, unit.column, concept.en,
                                       concept.preferred, f"the source of {unit.label} has '{concept.en}' but the "
                                       f"translation has none of its Chinese forms ({accepted})", options)
                if finding:
                    findings.append(finding)
            for occurrence in unit.occurrences:
                if occurrence.match.concept == index:
                    uses[index].append((unit, occurrence))
    for index, used in uses.items():
        forms = Counter(o.match.normal for _, o in used)
        if len(forms) < 2:
            continue
        concept = rulebook.concepts[index]
        preferred = normal_form(concept.preferred)
        dominant = preferred if preferred in forms else forms.most_common(1)[0][0]
        expected = concept.preferred if dominant == preferred else dominant
        spread = ", ".join(f"{form} ×{count}" for form, count in forms.most_common())
        for unit, occurrence in used:
            if occurrence.match.normal == dominant or (unit.file.shown, occurrence.line, occurrence.column) in reported:
                continue
            finding = make_finding("inconsistent-translation", unit.file, occurrence.line, occurrence.column,
                                   occurrence.found, expected, f"'{concept.en}' is translated {occurrence.found} here "
                                   f"but {expected} elsewhere in this set ({spread})", options,
                                   (occurrence.end_line, occurrence.end_column))
            if finding:
                findings.append(finding)
    return findings
