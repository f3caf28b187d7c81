"""Versioned glossaries: build version N+1 from the corpus, carrying forward every reviewer decision of N.

A glossary folder holds glossary-v1.xlsx, glossary-v2.xlsx, ... (the file: glossary.formats.workbook). Each build
writes a new version and never touches an old one. Reviewers edit the newest version in Excel; the next build reads
it back and keeps their decisions.

Public API:
    build_glossary(paths, terms_path, out_dir, settings=None, skip_bad=False, cache_dir=None) -> BuildResult
    propose_rows(mining, alignment, terms, drafts) -> DataFrame   (what the tool proposes from the corpus)
    carry_forward(proposal, previous, documents) -> DataFrame     (the proposal with reviewer decisions applied)
    compare_glossaries(old, new) -> DataFrame                 (the Changes report)
    diff_glossaries(old_path, new_path) -> DataFrame          (the same report between two workbooks)
    approved_forms(stored) -> [[forms]]                       (approved terms: known terms for the next mining)
    form_key(form) -> str                                     (a Chinese form as concepts compare it: no 《》, spaces)

One concept, one row: forms that differ only by title marks are one form (《阿布扎比宣言》 is 阿布扎比宣言), and the
United Nations prefix on a row's short name (联合国工发组织, where 工发组织 is short for 联合国工业发展组织) is a
variant of that row, both when proposing and when carrying a review forward.

A row gets status `deprecated` only when a reviewer marks it so: its `zh` is then a form not to use, and export
attaches it to the approved concept with the same English.

Every build also stores, in the hidden sheet `_published`, the Glossary table exactly as the tool wrote it, plus a
column `_owned` listing the cells each row holds from earlier reviews. Comparing a reviewer's workbook with it tells
which cells the reviewer changed (those stay the reviewer's in every later version), and the next version's Changes
sheet is reported against it, so reviewer decisions show up as changes. Without the snapshot (a workbook copied
through another tool), every filled-in reviewer cell counts as a decision: nothing a person wrote is lost.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

from glossary.config import DATA_DIR, SEEDS_DIR, Settings, default_settings
from glossary.errors import InputError, os_problem
from glossary.files import check_output_folder
from glossary.formats.tables import records
from glossary.formats.terms import cell_text, is_blank, join_forms, split_forms
from glossary.formats.workbook import (
    GLOSSARY_COLUMNS,
    GLOSSARY_SHEET,
    ID_COLUMN,
    OWNED_COLUMN,
    STATUSES,
    StoredGlossary,
    list_versions,
    read_glossary,
    resolve_glossary,
    write_glossary_workbook,
)
from glossary.mining.variants import is_subsequence, variant_key
from glossary.review.lock import remove_abandoned_temps, version_lock

DECIDED = ("approved", "rejected", "deprecated")  # statuses only a person sets; the tool never overrides them
# Cells a person owns: a reviewer's value always wins over a new proposal once they changed it, and rows with a
# decided status keep DECISION_FIELDS as the reviewer left them even when they did not change them.
REVIEWER_FIELDS = ["zh", "en", "status", "note", "deprecated", "admitted", "abbr", "domain", "source"]
DECISION_FIELDS = ["zh", "en", "status", "note", "deprecated", "admitted"]
# Recomputed from the corpus on every build; edits to them are not kept.
MACHINE_FIELDS = [c for c in GLOSSARY_COLUMNS if c not in REVIEWER_FIELDS]
# Compared by the Changes report; `score` only when it moved by at least workbook_changes_min_score_delta.
CHANGE_FIELDS = REVIEWER_FIELDS + ["score"]
FORM_FIELDS = ["zh", "variants", "deprecated", "admitted"]
# Terms-file columns the tool interprets; every other terms-file column is carried into the Glossary untouched.
TERMS_FILE_COLUMNS = {"en", "zh", "abbr", "domain", "note", "source"}


# --- small value helpers ------------------------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    """Equal as a reviewer sees them: blanks equal, numbers by value (3 == 3.0), text trimmed."""
    if is_blank(a) and is_blank(b):
        return True
    if is_blank(a) or is_blank(b):
        return False
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return cell_text(a) == cell_text(b)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def make_concept_id(key: str) -> str:
    """A stable XML-safe id from a concept's first key ('zh:可持续发展' / 'en:sustainable development')."""
    return "c" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def concept_key(row: dict) -> str:
    """The natural key of a row: its preferred Chinese, or its English when it has no Chinese."""
    zh = cell_text(row.get("zh"))
    return f"zh:{zh}" if zh else f"en:{cell_text(row.get('en')).casefold()}"


def row_forms(row: dict) -> list[str]:
    """Every Chinese form a row names, the preferred one first."""
    forms: list[str] = []
    for column in FORM_FIELDS:
        forms += [f for f in split_forms(row.get(column)) if f not in forms]
    return forms


# --- one concept, one row ----------------------------------------------------------------------------------------

UN_PREFIX = "联合国"  # "United Nations": 联合国工发组织 is UNIDO's short name 工发组织 with the prefix put back


def form_key(form: Any) -> str:
    """A Chinese form as concepts compare it: title marks and spaces do not make another concept (《阿布扎比宣言》 is
    阿布扎比宣言; the curated list may have either, the corpus mostly writes a title in its marks)."""
    return variant_key(cell_text(form), "")


def _abbreviates(short: str, full: str) -> bool:
    """`short` is a short name of `full` taken from its characters in order, not a piece of it: 工发组织 of
    联合国工业发展组织, 安理会 of 安全理事会 (but 国家工作队 is a piece of 联合国国家工作队, 大会 of 联合国大会)."""
    return len(short) < len(full) and short not in full and is_subsequence(short, full)


class ConceptForms:
    """Which row names a Chinese form, forms compared by form_key; a row's short name with the United Nations
    prefix (联合国工发组织 beside 工发组织, short for 联合国工业发展组织) names the same row."""

    def __init__(self, rows: Iterable[dict] = ()):
        self.owner: dict[str, dict] = {}
        self.short_names: dict[str, dict] = {}
        for row in rows:
            self.add(row)

    def add(self, row: dict, forms: Iterable[str] | None = None) -> None:
        keys = [k for k in dict.fromkeys(form_key(f) for f in (row_forms(row) if forms is None else forms)) if k]
        for key in keys:
            self.owner.setdefault(key, row)
            if any(_abbreviates(key, other) for other in keys):
                self.short_names.setdefault(key, row)

    def find(self, form: Any) -> dict | None:
        """The row naming this form, with or without title marks."""
        return self.owner.get(form_key(form))

    def find_prefixed(self, form: Any) -> dict | None:
        """The row whose short name this form is with the United Nations prefix. Only a short name: 联合国大会 (the
        General Assembly) is no form of 大会 (UNIDO's General Conference)."""
        key = form_key(form)
        return self.short_names.get(key[len(UN_PREFIX):]) if key.startswith(UN_PREFIX) else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- what the tool proposes ---------------------------------------------------------------------------------------


def _mined_index(terms: pd.DataFrame) -> dict[str, dict]:
    """Every surface form of a mined concept (by form_key) -> that concept's row (the canonical form wins)."""
    index: dict[str, dict] = {}
    for row in records(terms) if terms is not None and len(terms) else []:
        for form in [row.get("term"), *split_forms(row.get("variants"))]:
            if form:
                index.setdefault(form_key(form), row)
    return index


def _other_forms(candidates: Iterable[Any], listed: Iterable[str]) -> list[str]:
    """The candidates that are forms of their own: none already listed, none twice, title marks or not."""
    seen = {form_key(f) for f in listed}
    forms = []
    for form in map(cell_text, candidates):
        if form and form_key(form) not in seen:
            seen.add(form_key(form))
            forms.append(form)
    return forms


# --- naming the documents examples come from ----------------------------------------------------------------------

HASHED_NAME_PART = re.compile(r"[_.-]?[0-9a-f]{12,}", re.IGNORECASE)  # 001_bdb54e24888df284: a content hash
HAN_CHARACTER = re.compile(r"[\u4e00-\u9fff]")
TITLE_LABEL_CHARS = 20


def document_labels(documents: Sequence) -> dict[str, str]:
    """File name -> how a reviewer knows the document: its symbol (IDB.52/9), else its Chinese title (shortened),
    else its file stem without a hashed part. A label two documents share gets their stems added."""
    labels = {}
    for doc in documents:
        title = cell_text(doc.title)
        if len(title) > TITLE_LABEL_CHARS:
            title = title[: TITLE_LABEL_CHARS - 1] + "…"
        labels[doc.name] = cell_text(doc.symbol) or (title if HAN_CHARACTER.search(title) else "") \
            or _short_stem(doc.name)
    shared = {label for label in labels.values() if list(labels.values()).count(label) > 1}
    return {name: f"{label} ({_short_stem(name)})" if label in shared else label for name, label in labels.items()}


def _short_stem(name: str) -> str:
    stem = Path(name).stem
    return HASHED_NAME_PART.sub("", stem) or stem


def _cited(example: Any, labels: dict[str, str], document: str | None = None) -> str:
    """An example sentence headed by its document's label. The aligner heads its sentences with the file name
    ('001_bdb54e24888df284.txt: ...'); the miner's come bare, with their document given apart."""
    text = cell_text(example)
    if document is None:
        name, separator, sentence = text.partition(": ")
        if separator and name in labels:
            document, text = name, sentence
    label = labels.get(document) if document else None
    return f"{label}: {text}" if label and text else text


def _example_documents(mining) -> dict[str, str]:
    """Mined term -> the document of its example (the miner's example is the term's first context)."""
    contexts = getattr(mining, "contexts", None)
    if contexts is None or not len(contexts):
        return {}
    first = contexts.drop_duplicates("term")
    return dict(zip(first["term"].astype(str), first["document"].astype(str)))


# --- what the tool proposes ---------------------------------------------------------------------------------------


def propose_rows(
    mining,
    alignment: pd.DataFrame | None = None,
    terms: pd.DataFrame | None = None,
    drafts: pd.DataFrame | None = None,
    max_mined: int | None = None,
) -> pd.DataFrame:
    """The rows the corpus suggests, before any review: curated English terms first (terms-file order), then mined
    Chinese terms that no curated entry covers, best first, with their draft English.

    A terms-file entry with Chinese is status approved (the terms file is the terminologists' own list, its first
    form preferred, the rest deprecated); everything else is a candidate. One concept, one row: a mined form that
    differs from a row's form only by title marks is that row's, and a mined United Nations name made of a row's
    short name (联合国工发组织) becomes a variant of that row.
    """
    mined_terms = mining.terms if mining is not None else pd.DataFrame()
    mined = _mined_index(mined_terms)
    labels = document_labels(getattr(mining, "documents", None) or ())
    example_documents = _example_documents(mining)
    terms_rows = records(terms) if terms is not None and len(terms) else []
    terms_by_en = {}
    for row in terms_rows:
        terms_by_en.setdefault(cell_text(row.get("en")).casefold(), row)
    carried = [c for c in (terms.columns if terms is not None else []) if c not in TERMS_FILE_COLUMNS
               and c not in GLOSSARY_COLUMNS and c != ID_COLUMN and not str(c).startswith("_")]
    rows: list[dict] = []
    seen_en: set[str] = set()

    for aligned in records(alignment) if alignment is not None and len(alignment) else []:
        en = cell_text(aligned.get("en"))
        if not en or en.casefold() in seen_en:
            continue
        seen_en.add(en.casefold())
        curated = terms_by_en.get(en.casefold(), {})
        curated_forms = split_forms(curated.get("zh"))
        found = cell_text(aligned.get("zh"))
        zh = curated_forms[0] if curated_forms else found
        deprecated = curated_forms[1:]
        concept = mined.get(form_key(zh)) or mined.get(form_key(found)) or {}
        listed = [zh, *deprecated, *split_forms(curated.get("admitted"))]
        variants = _other_forms([found, *split_forms(aligned.get("variants")), concept.get("term"),
                                 *split_forms(concept.get("variants"))], listed)
        row = {
            "zh": zh,
            "en": en,
            "status": "approved" if curated_forms else "candidate",
            "note": cell_text(curated.get("note", aligned.get("note"))),
            "deprecated": join_forms(deprecated),
            # a terms file may name accepted synonyms in an optional `admitted` column (工发组织 beside 联合国工业发展组织)
            "admitted": join_forms(split_forms(curated.get("admitted"))),
            "variants": join_forms(variants),
            "freq": _first_number(aligned.get("freq"), concept.get("freq")),
            "docs": _first_number(aligned.get("docs"), concept.get("docs")),
            "score": _round(aligned.get("score")),
            "method": cell_text(aligned.get("method")) or ("curated" if curated_forms else ""),
            "abbr": cell_text(curated.get("abbr", aligned.get("abbr"))),
            "domain": cell_text(curated.get("domain", aligned.get("domain"))),
            "source": cell_text(curated.get("source", aligned.get("source"))),
            "first_year": concept.get("first_year"),
            "last_year": concept.get("last_year"),
            "example": _cited(aligned.get("context"), labels)
            or _cited(concept.get("example"), labels, example_documents.get(cell_text(concept.get("term")))),
            "alternatives": cell_text(aligned.get("alternatives")),
            "glosses": cell_text(aligned.get("glosses")),
            "termhood": _round(concept.get("score")),
        }
        for column in carried:
            row[column] = curated.get(column, aligned.get(column))
        row[ID_COLUMN] = make_concept_id(f"en:{en.casefold()}")
        rows.append(row)

    curated_rows = ConceptForms(rows)
    draft_by_term = {}
    for draft in records(drafts) if drafts is not None and len(drafts) else []:
        draft_by_term.setdefault(cell_text(draft.get("term")), draft)
    mined_rows = []
    for concept in records(mined_terms) if len(mined_terms) else []:
        term = cell_text(concept.get("term"))
        forms = [term, *split_forms(concept.get("variants"))]
        if not term or any(curated_rows.find(f) for f in forms):
            continue  # a curated entry already names this concept
        draft = draft_by_term.get(term, {})
        en = cell_text(draft.get("en"))
        mined_rows.append({
            "zh": term, "en": en, "status": "candidate", "note": "", "deprecated": "", "admitted": "",
            "variants": join_forms(forms[1:]),
            "freq": concept.get("freq"), "docs": concept.get("docs"),
            "score": _round(draft.get("score")) if en else None,
            "method": (cell_text(draft.get("method")) or "draft") if en else "mined",
            "abbr": "", "domain": "", "source": "",
            "first_year": concept.get("first_year"), "last_year": concept.get("last_year"),
            "example": _cited(concept.get("example"), labels, example_documents.get(term)), "alternatives": "",
            "glosses": cell_text(draft.get("glosses")),
            "termhood": _round(concept.get("score")),
            ID_COLUMN: make_concept_id(f"zh:{term}"),
        })
    mined_rows = _fold_prefixed_names(rows, mined_rows)
    rows += mined_rows[:max_mined] if max_mined is not None else mined_rows
    return pd.DataFrame(rows, columns=[*GLOSSARY_COLUMNS, *carried, ID_COLUMN])


def _fold_prefixed_names(curated_rows: list[dict], mined_rows: list[dict]) -> list[dict]:
    """The mined rows left once each United Nations name made of another row's short name (联合国工发组织, with
    工发组织 a form of 联合国工业发展组织) has become a variant of that row."""
    index = ConceptForms([*curated_rows, *mined_rows])
    targets = {}
    for row in mined_rows:
        owner = index.find_prefixed(row["zh"])
        if owner is not None and owner is not row:
            targets[id(row)] = owner
    kept = []
    for row in mined_rows:
        owner = targets.get(id(row))
        if owner is None or id(owner) in targets:  # never into a row that is itself folded away
            kept.append(row)
            continue
        owner["variants"] = join_forms([*split_forms(owner.get("variants")),
                                        *_other_forms(row_forms(row), row_forms(owner))])
    return kept


def _first_number(*values):
    for value in values:
        number = _number(value)
        if number is not None:
            return int(number) if number.is_integer() else number
    return None


def _round(value, digits: int = 4):
    number = _number(value)
    return None if number is None else round(number, digits)


# --- carry-forward ------------------------------------------------------------------------------------------------


def _held_fields(row: dict, published: dict[str, dict] | None, fields: Iterable[str]) -> set[str] | None:
    """The cells of a reviewed row that belong to the reviewer: those changed since the tool wrote the row, plus
    those already held from earlier reviews (the `_owned` list of the hidden snapshot). None for a row the tool
    never wrote (added by hand). `published` maps concept ids and natural keys to the snapshot's rows."""
    concept_id = cell_text(row.get(ID_COLUMN))
    if published is None:
        # the hidden snapshot is gone: treat every filled-in reviewer cell as a decision, so nothing is lost
        return {f for f in fields if not is_blank(row.get(f))} if concept_id else None
    # a row whose id cell was cleared is still the tool's row if the snapshot has its Chinese (or English)
    original = published.get(concept_id) if concept_id else published.get(concept_key(row))
    if original is None:
        return None
    held = {f for f in fields if not _same(row.get(f), original.get(f))}
    return held | (set(split_forms(original.get(OWNED_COLUMN))) & set(fields))


def _compatible(proposed: dict, existing: dict) -> bool:
    """Can a proposal and an existing row with the same Chinese be one concept? Yes unless both carry different
    English and the proposal's English is curated (draft English is a guess and never tells concepts apart)."""
    ea, eb = cell_text(proposed.get("en")).casefold(), cell_text(existing.get("en")).casefold()
    return not ea or not eb or ea == eb or proposed.get("method") in ("draft", "mined")


def _match_rows(proposal: list[dict], old: list[dict]) -> dict[int, int]:
    """new index -> old index. In order of trust: same concept_id, same Chinese (and compatible English), any shared
    Chinese form, same English (curated terms only: draft English is too unreliable to identify a concept). Chinese
    forms compare by form_key, so a decision taken on 《阿布扎比宣言》 holds for 阿布扎比宣言; the same spelling first."""
    matched: dict[int, int] = {}
    used: set[int] = set()

    def claim(new_index: int, old_index: int | None) -> None:
        if old_index is not None and old_index not in used and new_index not in matched:
            matched[new_index] = old_index
            used.add(old_index)

    by_id = {}
    for i, row in enumerate(old):
        by_id.setdefault(cell_text(row.get(ID_COLUMN)), i)
    by_id.pop("", None)
    for n, row in enumerate(proposal):
        claim(n, by_id.get(cell_text(row.get(ID_COLUMN))))

    by_zh: dict[str, list[int]] = {}
    by_form: dict[str, list[int]] = {}
    by_en: dict[str, list[int]] = {}
    for i, row in enumerate(old):
        if cell_text(row.get("zh")):
            by_zh.setdefault(form_key(row["zh"]), []).append(i)
        for form in row_forms(row):
            by_form.setdefault(form_key(form), []).append(i)
        if cell_text(row.get("en")):
            by_en.setdefault(cell_text(row["en"]).casefold(), []).append(i)
    for n, row in enumerate(proposal):
        zh = cell_text(row.get("zh"))
        candidates = [i for i in by_zh.get(form_key(zh), []) if i not in used] if zh else []
        candidates.sort(key=lambda i: cell_text(old[i].get("zh")) != zh)
        exact = [i for i in candidates if cell_text(old[i].get("en")).casefold() == cell_text(row.get("en")).casefold()]
        claim(n, (exact or [i for i in candidates if _compatible(row, old[i])] or [None])[0])
    for n, row in enumerate(proposal):
        for form in row_forms(row):
            free = [i for i in by_form.get(form_key(form), []) if i not in used and _compatible(row, old[i])]
            if free and n not in matched:
                claim(n, free[0])
    for n, row in enumerate(proposal):
        if row.get("method") in ("draft", "mined") or not cell_text(row.get("en")):
            continue
        free = [i for i in by_en.get(cell_text(row["en"]).casefold(), []) if i not in used]
        if free:
            claim(n, free[0])
    return matched


def carry_forward(proposal: pd.DataFrame, previous: StoredGlossary | None, documents: Sequence = ()) -> pd.DataFrame:
    """The new proposal with every reviewer decision of the previous version applied (plus the bookkeeping column
    `_owned`: the cells each row holds from reviews, stored in the hidden snapshot only).

    - approved / rejected / deprecated rows keep zh, en, status, note, deprecated and admitted as the reviewer
      left them, whatever the new score; their corpus figures are refreshed
    - any reviewer-owned cell a reviewer changed (en, zh, note, abbr, ...) wins over the new proposal
    - columns a reviewer added are kept, with their values
    - rows a reviewer added by hand are kept (method `manual`), counted in the corpus
    - a proposal whose Chinese a kept row already names (a rejected term, a form a reviewer moved) is not proposed
      again; candidate rows nobody touched that the corpus no longer yields are dropped
    - a reviewed row the proposal no longer has because it is another spelling of a proposed concept (《X》 beside X,
      联合国工发组织 beside 工发组织, from versions built before they were one row) joins that concept's row when
      its decisions agree with that row's; when they disagree it stays a row of its own, so no decision is lost
    """
    new_rows = records(proposal)
    new_columns = list(proposal.columns)
    if previous is None:
        return _finish(new_rows, new_columns, documents)
    old_rows = [{k: v for k, v in row.items()} for row in records(previous.rows)]
    published_index = None  # snapshot rows by concept id, and by natural key for rows whose id was cleared
    if previous.published is not None:
        published_index = {}
        for snapshot in records(previous.published):
            published_index.setdefault(concept_key(snapshot), snapshot)
            if cell_text(snapshot.get(ID_COLUMN)):
                published_index[cell_text(snapshot.get(ID_COLUMN))] = snapshot
    reviewer_added = [c for c in previous.columns if c not in new_columns and c not in GLOSSARY_COLUMNS
                      and c != ID_COLUMN and not c.startswith("_")]
    owned = REVIEWER_FIELDS + [c for c in previous.columns if c not in GLOSSARY_COLUMNS and c != ID_COLUMN]
    edits = [_held_fields(row, published_index, owned) for row in old_rows]

    matched = _match_rows(new_rows, old_rows)
    carried = set(matched.values())
    result: list[dict] = []
    for n, new in enumerate(new_rows):
        if n not in matched:
            result.append(new)
            continue
        old, edited = old_rows[matched[n]], edits[matched[n]]
        row = dict(new)
        # a hand-made row: what the reviewer filled in wins; the cells they left empty take the proposal
        held = {f for f in owned if not is_blank(old.get(f))} if edited is None else set(edited)
        keep = held | (set(DECISION_FIELDS) if old["status"] in DECIDED else set())
        for column in keep | set(reviewer_added):
            if column in old:
                row[column] = old[column]
        row["status"] = cell_text(row.get("status")) or "candidate"
        row[OWNED_COLUMN] = join_forms(sorted(held))
        row[ID_COLUMN] = cell_text(old.get(ID_COLUMN)) or new[ID_COLUMN]
        row["_previous"] = True
        result.append(row)

    proposed = ConceptForms(result)
    by_name: dict[str, dict] = {}
    for row in result:
        by_name.setdefault(form_key(row.get("zh")), row)
    for i, old in enumerate(old_rows):
        if i in carried:
            continue
        edited = edits[i]
        if old["status"] in DECIDED or edited is None or edited:
            held = {f for f in owned if not is_blank(old.get(f))} if edited is None else set(edited)
            # only another spelling of a row's own name: a decision on a form the row merely lists (a rejected
            # fragment among its variants) is no decision on the row
            spelling_of = by_name.get(form_key(old.get("zh"))) or proposed.find_prefixed(old.get("zh"))
            if spelling_of is not None and _join_decisions(spelling_of, old, held, reviewer_added):
                continue
            row = {c: old.get(c) for c in [*new_columns, *reviewer_added] if c in old}
            row["status"] = old["status"]
            row["method"] = cell_text(old.get("method")) or "manual"
            row[ID_COLUMN] = cell_text(old.get(ID_COLUMN))
            row[OWNED_COLUMN] = join_forms(sorted(held))
            row["_recount"] = True
            row["_previous"] = True
            result.append(row)
    # a fresh proposal is dropped when a row carried from the review already decides about its Chinese: the same
    # zh with compatible English, or any form of a rejected row (a rejected term is not proposed again)
    decided_forms: dict[str, list[dict]] = {}
    for row in result:
        if row.get("_previous"):
            forms = row_forms(row) if row["status"] == "rejected" else [cell_text(row.get("zh"))]
            for form in filter(None, forms):
                decided_forms.setdefault(form_key(form), []).append(row)
    result = [r for r in result if r.get("_previous") or not any(
        _compatible(r, k) for f in row_forms(r)[:1] for k in decided_forms.get(form_key(f), []))]
    return _finish(result, [*new_columns, *[c for c in reviewer_added if c not in new_columns]], documents)


def _join_decisions(row: dict, other: dict, held: set[str], reviewer_added: Sequence[str]) -> bool:
    """Give `row` the decisions a reviewer took on `other`, another spelling of its concept, unless they disagree
    with what `row` already says; True when joined. An undecided `row` takes an approval (rejecting or deprecating
    one spelling may be about that spelling only, so that stays a row of its own); another cell gives way only when
    it is blank, or a guess of the tool nobody reviewed (a mined candidate's draft English); forms lists are united.
    `row` keeps its concept id: the Changes report shows `other` as removed."""
    decided = cell_text(other.get("status")) in DECIDED
    fields = [f for f in dict.fromkeys([*held, *(DECISION_FIELDS if decided else []), *reviewer_added])
              if f in other and not is_blank(other.get(f))]
    row_held = set(split_forms(row.get(OWNED_COLUMN)))
    undecided = cell_text(row.get("status")) in ("", "candidate")
    guessed = undecided and row.get("method") in ("draft", "mined")
    joined: dict[str, Any] = {}
    for name in fields:
        mine, theirs = row.get(name), other.get(name)
        if name == "zh":
            if name in held and form_key(mine) != form_key(theirs):
                return False  # the reviewer chose a spelling this row does not have
        elif name in ("deprecated", "admitted"):
            joined[name] = join_forms([*split_forms(mine), *split_forms(theirs)])
        elif name == "status":
            if cell_text(theirs) in ("", "candidate"):
                continue  # no decision to carry
            if cell_text(theirs) != (cell_text(mine) or "candidate"):
                if not (undecided and cell_text(theirs) == "approved"):
                    return False
                joined[name] = cell_text(theirs)
        elif not _same(mine, theirs):
            if not (is_blank(mine) or (guessed and name not in row_held)):
                return False
            joined[name] = theirs
    row.update(joined)
    row[OWNED_COLUMN] = join_forms(sorted(row_held | (held & set(fields))))
    row["_previous"] = True
    return True


def _finish(rows: list[dict], columns: list[str], documents: Sequence) -> pd.DataFrame:
    """Unique concept ids, corpus figures for rows the miner did not count, blanks instead of NaN."""
    counter = _FormCounter(documents) if documents else None
    seen_ids: set[str] = set()
    for row in rows:
        concept_id = cell_text(row.get(ID_COLUMN)) or make_concept_id(concept_key(row))
        base, serial = concept_id, 1
        while concept_id in seen_ids:
            serial += 1
            concept_id = f"{base}-{serial}"
        seen_ids.add(concept_id)
        row[ID_COLUMN] = concept_id
        forms = row_forms(row) if counter is not None else []
        if forms and row.pop("_recount", False):
            row.update(counter.figures(forms))  # a row carried from the review: its figures are all stale
        elif forms and any(is_blank(row.get(k)) for k in ("docs", "first_year")) and row.get("freq") != 0:
            # a curated term the miner did not rank: complete what the alignment did not say
            figures = counter.figures(forms)
            row.update({k: v for k, v in figures.items() if is_blank(row.get(k))})
        row.pop("_previous", None)
        row.pop("_recount", None)
    columns = [c for c in columns if c not in (ID_COLUMN, OWNED_COLUMN)] + [ID_COLUMN, OWNED_COLUMN]
    frame = pd.DataFrame(rows, columns=columns, dtype=object)  # object: counts stay ints next to blanks
    return frame.where(pd.notna(frame), None)


class _FormCounter:
    """Occurrences of given Chinese forms in the corpus (longest form first, no overlaps), for rows the miner did
    not count: hand-made rows, curated terms the miner did not rank, approved terms no longer mined."""

    def __init__(self, documents: Sequence):
        self.documents = [(doc, "\n".join(p.text for p in doc.paragraphs)) for doc in documents]

    def per_document(self, forms: Sequence[str]) -> list[tuple[Any, dict[str, int]]]:
        pattern = re.compile("|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True)))
        found = []
        for doc, text in self.documents:
            counts: dict[str, int] = {}
            for match in pattern.finditer(text):
                counts[match.group(0)] = counts.get(match.group(0), 0) + 1
            if counts:
                found.append((doc, counts))
        return found

    def figures(self, forms: Sequence[str]) -> dict[str, Any]:
        found = self.per_document(forms)
        years = sorted(doc.year for doc, _ in found if doc.year)
        return {
            "freq": sum(sum(c.values()) for _, c in found),
            "docs": len(found),
            "first_year": years[0] if years else None,
            "last_year": years[-1] if years else None,
        }


# --- the Changes report -------------------------------------------------------------------------------------------

CHANGE_COLUMNS = ["change", "zh", "en", "field", "old", "new", ID_COLUMN]


def compare_glossaries(old: pd.DataFrame | None, new: pd.DataFrame,
                       min_score_delta: float | None = None) -> pd.DataFrame:
    """added / removed concepts and changed cells between two Glossary tables, one line per change.

    Rows pair up by concept_id, then by their natural key (zh, or en without zh): a hand-made row has no id until
    the next build gives it one. Compared: the reviewer-owned columns, columns either side added, and the score when
    it moved by at least `min_score_delta` (default: workbook_changes_min_score_delta).
    """
    if min_score_delta is None:
        min_score_delta = default_settings().review.workbook_changes_min_score_delta
    if old is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    old_rows = records(old.drop(columns=["_row"], errors="ignore"))
    new_rows = records(new.drop(columns=["_row"], errors="ignore"))
    extra = [c for c in [*old.columns, *new.columns] if c not in GLOSSARY_COLUMNS and c != ID_COLUMN
             and not str(c).startswith("_")]
    fields = CHANGE_FIELDS + [c for c in dict.fromkeys(extra) if c not in CHANGE_FIELDS]
    old_by_id = {cell_text(r.get(ID_COLUMN)): i for i, r in enumerate(old_rows) if cell_text(r.get(ID_COLUMN))}
    old_by_key: dict[str, int] = {}
    for i, r in enumerate(old_rows):
        old_by_key.setdefault(concept_key(r), i)
    used: set[int] = set()
    changes: list[dict] = []

    def line(kind, row, field_name="", before=None, after=None):
        changes.append({"change": kind, "zh": cell_text(row.get("zh")), "en": cell_text(row.get("en")),
                        "field": field_name, "old": before, "new": after, ID_COLUMN: cell_text(row.get(ID_COLUMN))})

    pairs = []
    for row in new_rows:
        i = old_by_id.get(cell_text(row.get(ID_COLUMN)))
        if i is None or i in used:
            i = old_by_key.get(concept_key(row))
        if i is None or i in used:
            pairs.append((None, row))
            continue
        used.add(i)
        pairs.append((old_rows[i], row))
    for before, row in pairs:
        if before is None:
            line("added", row)
            continue
        for name in fields:
            a, b = before.get(name), row.get(name)
            if name == "status":  # a blank status is a candidate
                a, b = cell_text(a) or "candidate", cell_text(b) or "candidate"
            if name == "score":
                x, y = _number(a), _number(b)
                if (x is None) != (y is None) or (x is not None and abs(x - y) >= min_score_delta):
                    line("changed", row, name, a, b)
            elif not _same(a, b):
                line("changed", row, name, cell_text(a) or None, cell_text(b) or None)
    for i, row in enumerate(old_rows):
        if i not in used:
            line("removed", row)
    return pd.DataFrame(changes, columns=CHANGE_COLUMNS)


def diff_glossaries(old_path: Path, new_path: Path, settings: Settings | None = None,
                    reviewed_old: bool = False) -> pd.DataFrame:
    """The Changes report between two workbooks (files or folders: their newest version).

    OLD is taken as the tool published it (its hidden snapshot), NEW as it is now, so `diff v2 v3` is exactly v3's
    Changes sheet. reviewed_old=True compares OLD as reviewers left it: what the corpus changed since the review.
    """
    settings = settings or default_settings()
    old = read_glossary(resolve_glossary(old_path), settings)
    new = read_glossary(resolve_glossary(new_path), settings)
    baseline = old.rows if reviewed_old or old.published is None else old.published
    return compare_glossaries(baseline, new.rows, settings.review.workbook_changes_min_score_delta)


# --- the other sheets ---------------------------------------------------------------------------------------------


def _form_owner(rows: pd.DataFrame) -> dict[str, str]:
    """Chinese form -> the zh of the Glossary row it belongs to."""
    owner: dict[str, str] = {}
    for row in records(rows):
        zh = cell_text(row.get("zh"))
        for form in row_forms(row):
            owner.setdefault(form, zh or form)
    return owner


def variants_table(rows: pd.DataFrame, mining, documents: Sequence) -> pd.DataFrame:
    """Each surface form of each concept with its relation (preferred, deprecated, admitted, or how the miner linked
    it) and its count in each document: which document, which year, uses which form."""
    mined: dict[str, list[dict]] = {}
    relations: dict[str, str] = {}
    if mining is not None and len(mining.variants):
        for row in records(mining.variants):
            mined.setdefault(row["form"], []).append(row)
            relations.setdefault(row["form"], row.get("relation") or "variant")
    counter = _FormCounter(documents)
    out = []
    for row in records(rows):
        group = cell_text(row.get("zh")) or cell_text(row.get("en"))
        labelled = [(f, "preferred") for f in split_forms(row.get("zh"))]
        labelled += [(f, "deprecated") for f in split_forms(row.get("deprecated"))]
        labelled += [(f, "admitted") for f in split_forms(row.get("admitted"))]
        labelled += [(f, relations.get(f, "variant")) for f in split_forms(row.get("variants"))]
        seen: set[str] = set()
        for form, relation in labelled:
            if form in seen:
                continue
            seen.add(form)
            if form in mined:
                counts = [(m["document"], m["year"], m["count"]) for m in mined[form]]
            else:
                counts = [(doc.name, doc.year, n) for doc, c in counter.per_document([form]) for n in c.values()]
            for document, year, count in counts:
                out.append({"zh": group, "en": cell_text(row.get("en")), "status": row.get("status"), "form": form,
                            "relation": relation, "document": document, "year": year, "count": count})
    return pd.DataFrame(out, columns=["zh", "en", "status", "form", "relation", "document", "year", "count"])


def contexts_table(rows: pd.DataFrame, mining) -> pd.DataFrame:
    """Sentences showing each concept in use (from the miner), under the Glossary row's zh."""
    columns = ["zh", "en", "form", "document", "year", "paragraph", "sentence"]
    if mining is None or not len(mining.contexts):
        return pd.DataFrame(columns=columns)
    owner = _form_owner(rows)
    english = {cell_text(r.get("zh")): cell_text(r.get("en")) for r in records(rows)}
    out = []
    for context in records(mining.contexts):
        zh = owner.get(context.get("form")) or owner.get(context.get("term"))
        if zh is None:
            continue
        out.append({"zh": zh, "en": english.get(zh, ""), **{c: context.get(c) for c in columns[2:]}})
    return pd.DataFrame(out, columns=columns)


def corpus_root(paths: Sequence[str | Path]) -> Path:
    """The folder the given inputs share (a file's own folder for a file): the corpus root paths are shown from."""
    folders = [p if p.is_dir() else p.parent for p in (Path(path).resolve() for path in paths)]
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # no common folder (Windows drives)
        return folders[0]


def shown_path(path: str | Path, root: Path) -> str:
    """A path as the workbook shows it, never an absolute path of this machine: relative to the corpus root, the
    tool's own files as glossary.data/... or glossary.seeds/..., anything else relative to the root (../terms.csv)."""
    resolved = Path(path).resolve()
    for base, prefix in ((root, ""), (DATA_DIR.resolve(), "glossary.data/"), (SEEDS_DIR.resolve(), "glossary.seeds/")):
        if resolved.is_relative_to(base):
            return prefix + resolved.relative_to(base).as_posix()
    try:
        return Path(os.path.relpath(resolved, root)).as_posix()
    except ValueError:  # another drive
        return resolved.name


def _root_label(root: Path) -> str:
    """The corpus root itself: the bundled corpus by its package name, a folder by its name."""
    return "glossary.seeds" if root == SEEDS_DIR.resolve() else root.name


def about_table(version: int, created: str, documents: Sequence, terms_path: Path | None, previous: Path | None,
                settings, skipped: Sequence = (), root: Path | None = None, notes: Sequence[str] = ()) -> pd.DataFrame:
    """Everything needed to reproduce this version: inputs with checksums, tool version, settings. Paths are shown
    relative to the corpus root (`root`, by default the folder the documents share), the previous version by its
    name (it sits beside this one)."""
    from glossary import __version__

    root = root or corpus_root([doc.path for doc in documents] or [Path.cwd()])
    rows = [
        ("build", "version", version, f"glossary-v{version}.xlsx"),
        ("build", "created", created, "UTC"),
        ("build", "tool", f"glossary {__version__}", f"Python {sys.version.split()[0]}"),
        ("build", "previous version", Path(previous).name if previous else "(none)",
         sha256_of(previous) if previous and previous.exists() else ""),
        ("build", "terms file", shown_path(terms_path, root) if terms_path else "(none)",
         sha256_of(terms_path) if terms_path and Path(terms_path).is_file() else ""),
        ("build", "corpus root", _root_label(root), "input paths are relative to it"),
        ("build", "documents", len(documents), ""),
        *(("build", "note", note, "") for note in notes),
    ]
    for doc in documents:
        rows.append(("input", shown_path(doc.path, root), doc.sha256,
                     " ".join(filter(None, [doc.date, doc.symbol, doc.title]))))
    for problem in skipped:
        path = getattr(problem, "path", None)
        rows.append(("skipped", shown_path(path, root) if path else "", "", getattr(problem, "problem", str(problem))))
    values = settings.flat()
    for key in sorted(values):
        value = values[key]
        if isinstance(value, str) and os.path.isabs(value):
            value = shown_path(value, root)
        rows.append(("setting", key, value if isinstance(value, (int, float, bool)) else str(value), ""))
    for source in settings.sources:
        rows.append(("settings file", shown_path(source, root),
                     sha256_of(Path(source)) if Path(source).is_file() else "", ""))
    return pd.DataFrame(rows, columns=["section", "name", "value", "detail"])




def approved_forms(stored: StoredGlossary | None) -> list[list[str]]:
    """The Chinese forms of approved rows, preferred first: known terms for the next mining."""
    if stored is None or not len(stored.rows):
        return []
    rows = stored.rows[stored.rows["status"].map(cell_text) == "approved"]
    forms = []
    for _, row in rows.iterrows():
        entry = split_forms(row.get("zh")) + split_forms(row.get("deprecated")) + split_forms(row.get("admitted"))
        if entry:
            forms.append(entry)
    return forms


# --- the build ----------------------------------------------------------------------------------------------------


@dataclass
class BuildResult:
    path: Path
    version: int
    rows: pd.DataFrame  # the Glossary sheet written
    changes: pd.DataFrame  # the Changes sheet written (empty for v1)
    previous: Path | None = None
    skipped: list = field(default_factory=list)  # unreadable inputs passed over (skip_bad=True)
    notes: list[str] = field(default_factory=list)  # what the user should know of how it was built

    def summary(self) -> str:
        counts = self.rows["status"].value_counts().to_dict() if len(self.rows) else {}
        by_status = ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES)
        kinds = self.changes["change"].value_counts().to_dict() if len(self.changes) else {}
        against = f" against {self.previous.name}" if self.previous else ""
        changed = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"
        return f"glossary v{self.version}: {len(self.rows)} concepts ({by_status}); changes{against}: {changed}"


def _statistics(documents, settings, root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    from glossary.report.stats import corpus_stats

    result = corpus_stats(documents, settings, top=0)
    per_document = result.documents_table()
    if "path" in per_document.columns:
        per_document["path"] = [shown_path(path, root) for path in per_document["path"]]
    return result.summary_table(), per_document


def build_glossary(
    paths: Sequence[str | Path] | None,
    terms_path: str | Path | None = None,
    out_dir: str | Path = "glossaries",
    settings: Settings | None = None,
    skip_bad: bool = False,
    cache_dir: Path | None = None,
) -> BuildResult:
    """Mine and align the corpus, apply the newest version's review, write the next glossary-vN.xlsx.

    The slow part (mining, alignment) runs before the folder lock is taken; reading the previous version,
    numbering and writing the new one happen under it, so concurrent builds get consecutive numbers.
    `cache_dir`: where segmentations are cached between runs (the CLI passes config.cache_root()).
    """
    from glossary.corpus.load import load_corpus
    from glossary.mining.mine import mine_corpus, raised_min_freq_note

    settings = settings or default_settings()
    out_dir = Path(out_dir)
    if terms_path is None:  # the curated list named in [tool.glossary] `terms`, when there is one
        default_terms = settings.align.terms
        terms_path = default_terms if default_terms.is_file() else None
    elif not Path(terms_path).is_file():
        raise InputError(terms_path, "no such terms file")
    terms_path = Path(terms_path) if terms_path is not None else None
    check_output_folder(out_dir)  # now, not after the mining
    versions = list_versions(out_dir)
    # a damaged review stops the build now, not after the mining
    reviewed = read_glossary(versions[-1][1], settings) if versions else None
    corpus = load_corpus(list(paths) if paths else [SEEDS_DIR], settings=settings, skip_bad=skip_bad,
                         cache_dir=cache_dir)
    documents = corpus.documents
    if not documents:
        raise InputError(None, "no readable documents in the given paths")

    from glossary.align import align_terms, covered_forms, draft_english
    from glossary.formats.terms import curated_forms, read_terms

    terms = read_terms(terms_path, settings) if terms_path is not None else pd.DataFrame(columns=["en", "zh"])
    curated = curated_forms(terms)
    # terms reviewers approved join the curated ones: the segmenter keeps them whole, their group takes their form
    mining = mine_corpus(documents, settings, curated=curated + approved_forms(reviewed), cache_dir=cache_dir)
    alignment = align_terms(terms, documents, settings, mining=mining) if len(terms) else pd.DataFrame()
    covered = (covered_forms(alignment) if len(alignment) else set()) | {f for forms in curated for f in forms}
    drafts = draft_english(mining, covered, settings)
    notes = [note] if (note := raised_min_freq_note(mining, settings.mining)) else []
    proposal = propose_rows(mining, alignment, terms, drafts,
                            max_mined=settings.review.build_max_candidates or None)
    root = corpus_root(list(paths) if paths else [SEEDS_DIR])
    statistics = _statistics(documents, settings, root)
    from glossary.report.plots import add_statistics_charts, statistics_charts

    charts = statistics_charts(mining, documents, settings=settings)

    def add_charts(sheet) -> None:  # the pictures `glossary stats --plot` draws, under the tables
        add_statistics_charts(sheet, None, None, charts=list(charts))

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(out_dir, f"cannot create the folder of glossary versions: {os_problem(error)}") from None
    with version_lock(out_dir, settings.review.build_lock_timeout, settings.review.build_lock_stale_after):
        remove_abandoned_temps(out_dir)
        versions = list_versions(out_dir)
        previous_path = versions[-1][1] if versions else None
        previous = read_glossary(previous_path, settings) if previous_path else None
        published = carry_forward(proposal, previous, documents)
        rows = published.drop(columns=OWNED_COLUMN)
        baseline = None
        if previous is not None:
            baseline = previous.published if previous.published is not None else previous.rows
        changes = compare_glossaries(baseline, rows, settings.review.workbook_changes_min_score_delta)
        version = (versions[-1][0] if versions else 0) + 1
        target = out_dir / f"glossary-v{version}.xlsx"
        created = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
        sheets = {
            GLOSSARY_SHEET: rows,
            "Variants": variants_table(rows, mining, documents),
            "Contexts": contexts_table(rows, mining),
            "Changes": changes,
            "About": about_table(version, created, documents, terms_path, previous_path, settings, corpus.skipped,
                                 root, notes),
        }
        try:
            write_glossary_workbook(target, sheets, statistics, published, add_charts if charts else None)
        except OSError as error:  # a full or read-only disk: the writer left no temporary file, no version changed
            raise InputError(target, f"cannot write: {os_problem(error)}") from None
    return BuildResult(target, version, rows, changes, previous_path, list(corpus.skipped), notes)
