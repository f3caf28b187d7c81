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
from typing import Sequence

import pandas as pd

from glossary.align.candidates import CandidatePool, build_candidate_pool
from glossary.dictionary import cedict_senses, load_dictionary, read_abbreviations
from glossary.align.matching import format_glosses, prepare_english
from glossary.align.parallel import combine_parallel, parallel_matches
from glossary.align.proposals import Proposal, curated_match, dictionary_matches
from glossary.config import AlignSettings, Settings, default_settings
from glossary.corpus.pairing import aligned_paragraphs
from glossary.errors import InputError
from glossary.formats.terms import normalise_zh, split_forms
from glossary.model import Document

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


def _documents(parallel) -> list[Document]:
    if parallel is None:
        return []
    if hasattr(parallel, "documents"):
        return list(parallel.documents)
    return list(parallel)


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
    `parallel`: English versions of the documents (a list of Documents or a Corpus), paired by symbol or name.
    `use_curated=False` ignores the list's own zh (evaluation hands only `en`).
    Columns: en, zh (empty when nothing in the corpus translates the term), score (0..1), method (curated |
    variant | dictionary | parallel; empty with zh), alternatives ('|', next best, up to 4), freq, docs, variants,
    glosses, context, near_miss (with an empty zh: the best candidate rejected, and why), then the input's other
    columns (its own zh as `curated_zh`)."""
    from glossary.mining.mine import mine_corpus

    settings = settings or default_settings()
    config = settings.align
    frame = _as_terms_frame(terms)
    dictionary = load_dictionary(config)
    abbreviations = dict(read_abbreviations(str(config.abbreviations)))
    if "abbr" in frame.columns:
        abbreviations.update(abbreviations_of_terms(frame))
    curated = [split_forms(v) for v in frame["zh"]] if use_curated and "zh" in frame.columns else [[] for _ in
                                                                                                   range(len(frame))]
    curated_forms = [f for forms in curated for f in forms]
    if mining is None:
        mining = mine_corpus(documents, settings, curated=[forms for forms in curated if forms])
    pool = build_candidate_pool(documents, settings, dictionary, mining, curated_forms)
    aligned = aligned_paragraphs(documents, _documents(parallel)) if parallel is not None else []
    parallel_cache: dict = {}

    rows = []
    for (_, source), forms in zip(frame.iterrows(), curated):
        en = str(source["en"]).strip()
        english = prepare_english(en, pool, abbreviations)
        proposals = dictionary_matches(english, pool, config)
        if aligned:
            evidence = parallel_matches(en, aligned, pool, abbreviations, parallel_cache)
            if evidence:
                proposals = combine_parallel(english, proposals, evidence, pool, config)
        chosen = curated_match(forms, pool) if forms else None
        rows.append(_result_row(en, chosen, proposals, pool, config))
    result = pd.DataFrame(rows)
    if result.empty:
        result = pd.DataFrame(columns=ALIGN_COLUMNS)
    carried = [c for c in frame.columns if c != "en"]
    for column in carried:
        name = "curated_zh" if column == "zh" else column
        if name in ALIGN_COLUMNS:
            name = f"input_{column}"
        result[name] = list(frame[column])
    return result


def _result_row(en: str, chosen: Proposal | None, proposals: list[Proposal], pool: CandidatePool,
                config: AlignSettings) -> dict:
    ranked: list[Proposal] = []
    seen: set[str] = set()
    for proposal in ([chosen] if chosen else []) + proposals:
        key = normalise_zh(proposal.zh)
        if key and key not in seen:
            seen.add(key)
            ranked.append(proposal)
    best = ranked[0] if ranked else None
    found = best is not None and best.acceptable(config)
    zh = best.zh if found else ""
    # next best: acceptable on their own and not far behind (a tenth of the list's noise is worth no reader's time)
    floor = best.score * config.alternative_min_ratio if found else 0.0
    alternatives = [p.zh for p in ranked[1:] if p.acceptable(config) and p.score >= floor][: config.alternatives]
    alternatives = alternatives if found else []
    glosses = best.glosses if found else []
    if found and not glosses:  # a curated choice: show what the dictionary makes of it
        glosses = next((p.glosses for p in proposals if p.zh == zh), [])
    candidate = pool.candidates.get(zh)
    concept = candidate.concept if candidate else zh
    variants = [f for f in pool.groups.get(concept, []) if f != zh and pool.occurrences(f)]
    return {
        "en": en,
        "zh": zh,
        # no equivalent: the score stays below the acceptance line, the best rejected candidate is shown apart
        "score": round(float(best.score if found else min(best.score, config.min_score)), 4) if best else 0.0,
        "method": best.method if found else "",
        "alternatives": "|".join(alternatives),
        "freq": pool.occurrences(zh) if zh else 0,
        "docs": pool.documents_with(zh) if zh else 0,
        "variants": "|".join(variants),
        "glosses": format_glosses(glosses),
        "context": pool.context(zh) if zh else "",
        "near_miss": near_miss(best, config) if best is not None and not found else "",
    }


def near_miss(proposal: Proposal, config: AlignSettings) -> str:
    """The best candidate found not good enough, and why: '直接投资 (translates 69% of the English)'."""
    if proposal.method not in ("curated", "variant") and not proposal.head_aligned:
        reason = "does not end with the English head"
    elif proposal.english_coverage < config.min_english_coverage:
        reason = f"translates {proposal.english_coverage:.0%} of the English"
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
