"""Parallel-text evidence: where English versions of the documents exist, an English term and its Chinese
equivalent occur in the same paragraphs (paired by symbol and UN paragraph number, glossary.corpus.pairing).

  parallel_matches()    the candidates co-occurring with the English term, with their Dice coefficient
  combine_parallel()    dictionary and co-occurrence evidence in one score
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from glossary.align.candidates import CandidatePool
from glossary.dictionary import ENGLISH_FUNCTION_WORDS, Dictionary, expand_abbreviations, gloss_words
from glossary.align.matching import EnglishTerm, compositional_match, match_weights
from glossary.align.proposals import Proposal, rank_proposals, termhood
from glossary.config import AlignSettings
from glossary.corpus.pairing import AlignedParagraph
from glossary.formats.terms import normalise_zh


def english_stem_sequence(text: str, dictionary: Dictionary, abbreviations: dict[str, str]) -> list[str]:
    expanded = expand_abbreviations(text, abbreviations)
    return [dictionary.stem(w) for w in gloss_words(expanded) if w not in ENGLISH_FUNCTION_WORDS]


def _contains_sequence(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    return n > 0 and any(list(haystack[i: i + n]) == list(needle) for i in range(len(haystack) - n + 1))


@dataclass
class ParallelEvidence:
    dice: float
    joint: int
    english_paragraphs: int
    chinese_paragraphs: int


def parallel_matches(
    term: str,
    aligned: Sequence[AlignedParagraph],
    pool: CandidatePool,
    abbreviations: dict[str, str],
    _cache: dict | None = None,
) -> dict[str, ParallelEvidence]:
    """Candidates co-occurring with the English term in aligned paragraphs, with their Dice coefficient."""
    dictionary = pool.dictionary
    needle = english_stem_sequence(term, dictionary, abbreviations)
    cache = _cache if _cache is not None else {}
    if "en" not in cache:
        cache["en"] = [english_stem_sequence(p.en, dictionary, abbreviations) for p in aligned]
        cache["zh"] = [normalise_zh(p.zh) for p in aligned]
    with_term = [i for i, stems in enumerate(cache["en"]) if _contains_sequence(stems, needle)]
    if not with_term:
        return {}
    joint_counts: Counter = Counter()
    for i in with_term:
        text = cache["zh"][i]
        for form in pool.candidates:
            if normalise_zh(form) in text:
                joint_counts[form] += 1
    evidence = {}
    for form, joint in joint_counts.items():
        zh_count = sum(normalise_zh(form) in text for text in cache["zh"])
        # Dice coefficient of the two paragraph sets (Smadja, McKeown & Hatzivassiloglou 1996)
        dice = 2 * joint / (len(with_term) + zh_count)
        evidence[form] = ParallelEvidence(dice, joint, len(with_term), zh_count)
    return evidence


def combine_parallel(term: EnglishTerm, proposals: list[Proposal], evidence: dict[str, ParallelEvidence],
                     pool: CandidatePool, config: AlignSettings) -> list[Proposal]:
    """Dictionary and co-occurrence evidence in one score, a weighted mean, where the term occurs in aligned
    paragraphs. Co-occurrence cannot tell a name from its head word (曙光倡议 / 倡议 share every paragraph), so it
    is weighed by how well the untranslated parts balance: English words no dictionary renders should face
    Chinese characters no dictionary renders, as much of one as of the other."""
    by_form = {p.zh: p for p in proposals}
    combined = []
    for form in set(by_form) | set(evidence):
        proposal = by_form.get(form)
        if proposal is None or (form in evidence and proposal.chinese_coverage is None):
            match = compositional_match(term.words, term.related, form, pool.dictionary.pieces(form),
                                        match_weights(config), term.coordinated)
            candidate = pool.candidates.get(form)
            dictionary_score = match.score * termhood(candidate, config) if candidate else match.score
            proposal = Proposal(form, dictionary_score, "dictionary", match.glosses, dictionary_score,
                                english_coverage=match.english_coverage, head_aligned=match.head_aligned,
                                candidate=candidate, chinese_coverage=match.chinese_coverage)
        parallel = 0.0
        if form in evidence:
            # untranslated shares should balance, as lengths do in sentence alignment (Gale & Church 1993)
            balance = 1 - abs(proposal.chinese_coverage - proposal.english_coverage)
            parallel = evidence[form].dice * termhood(pool.candidates[form], config) * balance
        score = (1 - config.parallel_weight) * proposal.dictionary_score + config.parallel_weight * parallel
        method = "parallel" if form in evidence and evidence[form].dice >= config.parallel_min_dice else proposal.method
        combined.append(Proposal(form, score, method, proposal.glosses, proposal.dictionary_score, parallel,
                                 proposal.english_coverage, proposal.head_aligned,
                                 proposal.candidate or pool.candidates.get(form), proposal.chinese_coverage))
    return rank_proposals(combined)
