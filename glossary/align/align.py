"""Alignment stage: the Chinese equivalent, found in the corpus, of every English term of a curated list, and an
English draft for every mined Chinese term no English entry covers.

Each method is a named function; `align_terms` combines them into one ranked proposal per English term:
  curated_match()        the list's approved zh found in the corpus, directly or through its variant group
                         (glossary.align.proposals)
  dictionary_matches()   compositional: each Chinese candidate's words translated with CC-CEDICT and the domain
                         lexicon, matched to the English words in both directions (glossary.align.proposals, scored
                         by glossary.align.matching with the word knowledge of glossary.dictionary)
  parallel_matches()     co-occurrence of the English term and a Chinese candidate across paragraphs of English
                         versions of the documents, paired by symbol and UN paragraph number (glossary.align.parallel)
  draft_english()        compositional English drafts, in English word order, for new Chinese terms
                         (glossary.align.drafts)

Candidates (`CandidatePool`, glossary.align.candidates) are the corpus n-grams shaped like terms (glossary.mining's
filter, every frequency), the mined terms and their variants, and spans of the corpus anchored on words that
translate the English term. The terms file is read by glossary.formats.terms.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

import pandas as pd

from glossary.align.calibration import probability, proposal_features, read_calibration
from glossary.align.candidates import CandidatePool, build_candidate_pool
from glossary.dictionary import cedict_senses
from glossary.align.lexicon import acronym_table, align_dictionary, is_acronym, pieces_of, short_forms
from glossary.align.matching import format_glosses, prepare_english
from glossary.align.parallel import add_parallel_evidence, chinese_acronyms, parallel_matches, parallel_text
from glossary.align.proposals import Proposal, curated_match, dictionary_matches
from glossary.config import AlignSettings, Settings, default_settings
from glossary.errors import InputError
from glossary.formats.terms import normalise_zh, split_forms
from glossary.model import Document

# a name the corpus defines for the acronym itself is as sure as a dictionary match of the whole name
ACRONYM_DEFINED_SCORE = 0.9
ALIGN_COLUMNS = ["en", "zh", "score", "method", "alternatives", "freq", "docs", "variants", "glosses", "context",
                 "near_miss"]


def _as_terms_frame(terms) -> pd.DataFrame:
    if isinstance(terms, pd.DataFrame):
        if "en" not in terms.columns:
            raise InputError(terms.attrs.get("source"), "no 'en' column")
        return terms
    return pd.DataFrame({"en": [str(t) for t in terms]})


def abbreviations_of_terms(frame: pd.DataFrame) -> dict[str, str]:
    """The terms file's own abbreviations (abbr column: LDCs for least developed countries), singular too, so
    that "LDC Ministerial Conference" and English paragraphs using LDCs read as spelt out."""
    table = {}
    for en, abbr in zip(frame["en"], frame["abbr"]):
        for short in re.split(r"[;,|]", str(abbr or "")):
            short = short.strip()
            if not short or " " in short or short == en:
                continue
            table[short] = str(en)
            if short.endswith("s") and str(en).endswith("s"):
                table.setdefault(short[:-1], singular(str(en)))
    return table


def singular(phrase: str) -> str:
    """least developed countries -> least developed country (the last word only)."""
    if phrase.endswith("ies"):
        return phrase[:-3] + "y"
    if phrase.endswith("s") and not phrase.endswith("ss"):
        return phrase[:-1]
    return phrase


def _parallel_inputs(parallel) -> list:
    if parallel is None:
        return []
    if hasattr(parallel, "documents"):
        return list(parallel.documents)
    return list(parallel)


def acronym_proposal(form: str, pool: CandidatePool) -> Proposal:
    """The Chinese name the corpus itself gives an acronym in brackets (联合国南苏丹特派团(UNMISS))."""
    return Proposal(form, ACRONYM_DEFINED_SCORE, "acronym", english_coverage=1.0, candidate=pool.candidates.get(form),
                    chinese_coverage=1.0)


@dataclass
class TermProposals:
    """One English term and the Chinese proposed for it, best first (the list's own choice, when it has one and the
    corpus uses it, ahead of the computed ones)."""

    en: str
    ranked: list[Proposal]


def term_proposals(terms, documents: Sequence[Document], settings: Settings | None = None, *, mining=None,
                   parallel=None, use_curated: bool = True) -> tuple[list[TermProposals], CandidatePool]:
    """The ranked proposals of every English term (align_terms's arguments), and the candidate pool they come from:
    what align_terms turns into rows, and what the calibration is fit on (scripts/fit_align_calibration.py)."""
    from glossary.mining.mine import mine_corpus

    settings = settings or default_settings()
    config = settings.align
    frame = _as_terms_frame(terms)
    dictionary = align_dictionary(config)
    bilingual = parallel_text(documents, _parallel_inputs(parallel), dictionary, config)
    documents = [*documents, *bilingual.chinese_documents]  # the Chinese of bitext and TMX inputs is corpus too
    abbreviations = acronym_table(config, bilingual.acronyms)
    if "abbr" in frame.columns:
        abbreviations.update(abbreviations_of_terms(frame))
    curated = [split_forms(v) for v in frame["zh"]] if use_curated and "zh" in frame.columns else [[] for _ in
                                                                                                   range(len(frame))]
    curated_forms = [f for forms in curated for f in forms]
    if mining is None:
        mining = mine_corpus(documents, settings, curated=[forms for forms in curated if forms])
    pool = build_candidate_pool(documents, settings, dictionary, mining, curated_forms)
    acronyms_in_chinese = chinese_acronyms(documents, pool)
    parallel_cache: dict = {}

    results = []
    for en, forms in zip((str(v).strip() for v in frame["en"]), curated):
        english = prepare_english(en, pool, abbreviations)
        proposals = dictionary_matches(english, pool, config)
        if is_acronym(en) and acronyms_in_chinese.get(en):
            proposals = [acronym_proposal(acronyms_in_chinese[en], pool)] + proposals
        if bilingual.pairs:
            evidence = parallel_matches(en, bilingual.pairs, pool, abbreviations, parallel_cache)
            if evidence:
                proposals = add_parallel_evidence(english, proposals, evidence, pool, config)
        if is_acronym(en):
            proposals = prefer_short_forms(proposals, pool, config)
        chosen = curated_match(forms, pool) if forms else None
        ranked: list[Proposal] = []
        seen: set[str] = set()
        for proposal in ([chosen] if chosen else []) + proposals:
            key = normalise_zh(proposal.zh)
            if key and key not in seen:
                seen.add(key)
                ranked.append(proposal)
        results.append(TermProposals(en, ranked))
    return results, pool


def align_terms(
    terms,
    documents: Sequence[Document],
    settings: Settings | None = None,
    mining=None,
    parallel=None,
    use_curated: bool = True,
) -> pd.DataFrame:
    """One row per English term, in input order: the best Chinese found in the corpus and how it was found.

    `terms`: a DataFrame with column `en` (as `read_terms` returns) or a list of English terms.
    `parallel`: English versions of the documents (a list of Documents or a Corpus), paired by symbol or name and
    aligned sentence by sentence; bitext documents (English and Chinese on each line) and ParallelSegments (TMX,
    XLIFF units, glossary.align.parallel) too. Bitext documents among `documents` are read as parallel text.
    `use_curated=False` ignores the list's own zh (evaluation hands only `en`).
    Columns: en, zh (empty when the corpus has no equivalent, or the best one is less likely right than
    min_probability), score (the estimated probability that zh is right, glossary.align.calibration; with an empty
    zh, that of the near miss), method (curated | variant | dictionary | parallel | short_name | acronym; empty
    with zh), alternatives ('|', next best, up to 4), freq, docs, variants, glosses, context, near_miss (with an
    empty zh: the best candidate rejected, and why), then the input's other columns (its own zh as `curated_zh`)."""
    settings = settings or default_settings()
    config = settings.align
    frame = _as_terms_frame(terms)
    proposals, pool = term_proposals(frame, documents, settings, mining=mining, parallel=parallel,
                                     use_curated=use_curated)
    coefficients = read_calibration(str(config.calibration))
    result = pd.DataFrame([_result_row(term, pool, config, coefficients) for term in proposals])
    if result.empty:
        result = pd.DataFrame(columns=ALIGN_COLUMNS)
    carried = [c for c in frame.columns if c != "en"]
    for column in carried:
        name = "curated_zh" if column == "zh" else column
        if name in ALIGN_COLUMNS:
            name = f"input_{column}"
        result[name] = list(frame[column])
    return result


def calibrated_score(ranked: list[Proposal], pool: CandidatePool, config: AlignSettings,
                     coefficients: tuple[float, ...] | None) -> float:
    """The probability that the first proposal is right: the list's own choice is taken as given; a computed one
    is scored by the calibration model (its match score when no model is installed)."""
    best = ranked[0]
    if best.method in ("curated", "variant") or coefficients is None:
        return float(best.score)
    runner_up = ranked[1] if len(ranked) > 1 else None
    return probability(proposal_features(best, runner_up, pool, config), coefficients)


def prefer_short_forms(proposals: list[Proposal], pool: CandidatePool, config: AlignSettings) -> list[Proposal]:
    """For an English acronym: the Chinese short name of the best full name, when the corpus uses one (UNMISS is
    南苏丹特派团, the short name, as the name spelt out is 联合国南苏丹共和国特派团): the one a document gives in
    brackets after the full name, else the most used abbreviation of it; ranked first at the full name's score,
    the full name follows."""
    best = next((p for p in proposals if p.acceptable(config)), None)
    if best is None:
        return proposals
    form = bracketed_short_name(best.zh, pool)
    if form is None:
        shorter = [f for f in short_forms(best.zh, pool.candidates) if pool.occurrences(f)]
        if not shorter:
            return proposals
        # a short name inside another (苏丹特派团 in 南苏丹特派团) is counted in its occurrences: the longest of equals
        form = max(shorter, key=lambda f: (pool.occurrences(f) - sum(pool.occurrences(g) for g in shorter
                                                                     if g != f and f in g), len(f)))
        form = extend_short_form(form, best.zh, pool)
    short = Proposal(form, best.score, "short_name", best.glosses, best.dictionary_score, best.parallel_score,
                     best.english_coverage, best.head_aligned, pool.candidates.get(form), best.chinese_coverage)
    return [short] + [p for p in proposals if p.zh != form]


def bracketed_short_name(name: str, pool: CandidatePool) -> str | None:
    """The short name a document gives in brackets after the full one, as UN texts introduce them:
    联合国支助荷台达协议特派团（荷台达协议支助团）, 联合国驻塞浦路斯维和部队(联塞部队). Only a short name made of pieces
    of the full one counts (not a date or a symbol in brackets)."""
    key = normalise_zh(name)
    for match in re.finditer(re.escape(key) + r"[（(]([\u4e00-\u9fff]{2,16})[)）]", pool.flat_text):
        short = match.group(1)
        if len(short) < len(key) and short[-1] == key[-1] and pieces_of(short, key, 4):
            return short
    return None


def extend_short_form(form: str, name: str, pool: CandidatePool) -> str:
    """A short name the segmenter cut short (请南|苏丹特派团 leaves 苏丹特派团) grown by the name's characters before it,
    as long as the corpus has the longer string as often: 南苏丹特派团."""
    grown = True
    while grown:
        grown = False
        for character in dict.fromkeys(name):
            longer = character + form
            if pieces_of(longer, name, 3) and pool.occurrences(longer) == pool.occurrences(form):
                form, grown = longer, True
                break
    return form


def _result_row(term: TermProposals, pool: CandidatePool, config: AlignSettings,
                coefficients: tuple[float, ...] | None) -> dict:
    ranked = term.ranked
    best = ranked[0] if ranked else None
    chance = calibrated_score(ranked, pool, config, coefficients) if best else 0.0
    found = best is not None and best.acceptable(config) and (
        best.method in ("curated", "variant") or coefficients is None or chance >= config.min_probability)
    zh = best.zh if found else ""
    # next best: acceptable on their own and not far behind (a tenth of the list's noise is worth no reader's time)
    floor = best.score * config.alternative_min_ratio if found else 0.0
    alternatives = [p.zh for p in ranked[1:] if p.acceptable(config) and p.score >= floor][: config.alternatives]
    alternatives = alternatives if found else []
    glosses = best.glosses if found else []
    if found and not glosses:  # a curated choice: show what the dictionary makes of it
        glosses = next((p.glosses for p in ranked if p.zh == zh and p.glosses), [])
    candidate = pool.candidates.get(zh)
    concept = candidate.concept if candidate else zh
    variants = [f for f in pool.groups.get(concept, []) if f != zh and pool.occurrences(f)]
    return {
        "en": term.en,
        "zh": zh,
        # no equivalent: the score (that of the best rejected candidate, shown apart) stays below the line
        "score": round(chance if found else min(chance, config.min_probability), 4) if best else 0.0,
        "method": best.method if found else "",
        "alternatives": "|".join(alternatives),
        "freq": pool.occurrences(zh) if zh else 0,
        "docs": pool.documents_with(zh) if zh else 0,
        "variants": "|".join(variants),
        "glosses": format_glosses(glosses),
        "context": pool.context(zh) if zh else "",
        "near_miss": near_miss(best, config, chance) if best is not None and not found else "",
    }


def near_miss(proposal: Proposal, config: AlignSettings, chance: float | None = None) -> str:
    """The best candidate found not good enough, and why: '直接投资 (translates 69% of the English)'."""
    if proposal.method not in ("curated", "variant") and not proposal.head_aligned:
        reason = "does not end with the English head"
    elif proposal.english_coverage < config.min_english_coverage:
        reason = f"translates {proposal.english_coverage:.0%} of the English"
    elif not proposal.names_rendered:
        reason = "leaves a word of the name untranslated"
    elif chance is not None and chance < config.min_probability:
        reason = f"probability {chance:.2f}"
    else:
        reason = f"score {proposal.score:.2f}"
    return f"{proposal.zh} ({reason})"


# --- baseline -----------------------------------------------------------------------------------------------


def cedict_lookup_baseline(terms, documents: Sequence[Document]) -> pd.DataFrame:
    """Plain CC-CEDICT lookup of the whole English term: headwords with a sense equal to the term (case
    ignored) that occur in the corpus, most frequent first. The comparison point for alignment accuracy."""
    senses = cedict_senses()
    by_sense: dict[str, list[str]] = defaultdict(list)
    for word, glosses in senses.items():
        for gloss in glosses:
            by_sense[" ".join(gloss.lower().split())].append(word)
    text = normalise_zh("\n".join(p.text for doc in documents for p in doc.paragraphs))
    rows = []
    for en in _as_terms_frame(terms)["en"]:
        words = [w for w in by_sense.get(" ".join(str(en).lower().split()), []) if w in text]
        words.sort(key=lambda w: -text.count(w))
        rows.append({"en": en, "zh": words[0] if words else "", "alternatives": "|".join(words[1:4])})
    return pd.DataFrame(rows, columns=["en", "zh", "alternatives"])
