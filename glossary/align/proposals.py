"""Proposals: Chinese forms put forward for one English term, each with its score and evidence, and the two
methods that need no parallel text.

  curated_match()        the terms list's own Chinese found in the corpus, directly or through its variant group
  dictionary_matches()   the pool's candidates ranked by compositional match (glossary.align.matching) × termhood
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from glossary.align.candidates import Candidate, CandidatePool, anchored_spans
from glossary.align.matching import EnglishTerm, compositional_match, match_weights
from glossary.config import AlignSettings


@dataclass
class Proposal:
    zh: str
    score: float
    method: str
    glosses: list[tuple[str, str]] = field(default_factory=list)
    dictionary_score: float = 0.0
    parallel_score: float = 0.0
    english_coverage: float = 0.0
    head_aligned: bool = True
    candidate: Candidate | None = None
    chinese_coverage: float | None = None
    secondary_senses: int = 0  # glossary.align.matching.CompositionalMatch.secondary_senses
    names_rendered: bool = True  # every word of an English name has a rendering (CompositionalMatch.names_rendered)
    english_words: int = 0  # content words of the English term

    def acceptable(self, config: AlignSettings) -> bool:
        """Good enough to propose: curated, or scored high enough with enough of the English translated (or
        chosen on strong co-occurrence evidence). Anything less means the corpus has no equivalent."""
        if self.method in ("curated", "variant"):
            return True
        if self.method == "parallel":  # chosen on co-occurrence (glossary.align.parallel.best_co_occurring)
            return self.parallel_score >= config.parallel_min_dice and self.score >= config.min_score
        # a Chinese term ends with its head: one ending elsewhere names another concept (高效的能源 is no
        # "energy efficiency"), and one that leaves much of the English untranslated is a broader term
        # and a body's name is all there: a word of it left out names another body (会址委员会, Peacebuilding)
        enough_english = self.english_coverage >= config.min_english_coverage
        # a one-word term rendered by a later sense only (任务: a task first, a mandate after) is no equivalent
        one_later_sense = self.secondary_senses > 0 and self.english_words == 1
        return (self.score >= config.min_score and enough_english and self.head_aligned and self.names_rendered
                and not one_later_sense)


def termhood(candidate: Candidate, config: AlignSettings) -> float:
    # A candidate's weight as a term of the corpus: whether it ever stands outside a longer candidate (a string
    # never seen alone is a fragment: the nested-term test of Frantzi et al. 2000) and the miner's own ranking
    # (glossary.mining.statistics.rank), each a bounded factor so that the translation match stays the main
    # evidence.
    # A term seen alone at all is a term, however often a longer name contains it (发达国家 in 最不发达国家).
    independent = 1 - config.independence_weight * (candidate.independence == 0.0)
    return independent * (1 - config.mined_weight + config.mined_weight * min(1.0, candidate.mined * 4))


def dictionary_matches(term: EnglishTerm, pool: CandidatePool, config: AlignSettings) -> list[Proposal]:
    """Candidates ranked by compositional match × termhood; only candidates sharing a gloss word are scored."""
    if not term.words:
        return []
    spans = anchored_spans(pool, term.all_related, config.max_span_tokens, config.max_span_chars)
    total = sum(w.weight for w in term.words)
    reach: dict[str, float] = defaultdict(float)  # form -> upper bound of its English coverage
    for word, related in zip(term.words, term.related):
        forms = set()
        for stem in related:
            forms |= pool.stem_index.get(stem, set())
        forms |= {form for form in spans if any(related.keys() & p.stems for p in pool.dictionary.pieces(form))}
        for form in forms:
            reach[form] += word.weight / total
    # the shortlist: most of the English reachable first, then the shortest (extra Chinese only lowers a match)
    shortlist = sorted(reach, key=lambda f: (-round(reach[f], 6), len(f), f))[: config.candidate_limit]
    proposals = []
    for form in shortlist:
        candidate = pool.candidates.get(form) or spans[form]
        match = compositional_match(term.words, term.related, form, pool.dictionary.pieces(form),
                                    match_weights(config), term.coordinated, term.negated, term.required)
        if match.score <= 0:
            continue
        score = match.score * termhood(candidate, config)
        proposals.append(Proposal(form, score, "dictionary", match.glosses, dictionary_score=score,
                                  english_coverage=match.english_coverage, head_aligned=match.head_aligned,
                                  candidate=candidate, chinese_coverage=match.chinese_coverage,
                                  secondary_senses=match.secondary_senses, names_rendered=match.names_rendered,
                                  english_words=len(term.words)))
    return rank_proposals(proposals)


def rank_proposals(proposals: list[Proposal]) -> list[Proposal]:
    # equal scores: the form rendering the English with primary senses (任务授权, whose first sense is mandate, over
    # 任务, a task first), then the more frequent form, then the longer (增强妇女的经济权能 over 妇女的经济权能: both
    # render it all)
    return sorted(proposals, key=lambda p: (-round(p.score, 6), p.secondary_senses,
                                            -(p.candidate.freq if p.candidate else 0), -len(p.zh), p.zh))


def curated_match(forms: Sequence[str], pool: CandidatePool) -> Proposal | None:
    """The approved Chinese (first form) found in the corpus: method 'curated'. Otherwise a form of its variant
    group (mined groups, the same form without particles, or a deprecated form of the list): method 'variant'."""
    from glossary.mining.variants import variant_key

    forms = [f for f in forms if f]
    if not forms:
        return None
    if pool.occurrences(forms[0]):
        return Proposal(forms[0], 1.0, "curated")
    keys = {variant_key(f, "和及与的、") for f in forms}
    group_forms = set()
    for concept, members in pool.groups.items():
        if any(m in forms or variant_key(m, "和及与的、") in keys for m in members):
            group_forms.update(members)
    group_forms |= {c for c in pool.candidates if variant_key(c, "和及与的、") in keys}
    group_forms |= {f for f in forms[1:]}
    present = sorted((f for f in group_forms if pool.occurrences(f)), key=lambda f: (-pool.occurrences(f), f))
    if present:
        return Proposal(present[0], 0.9, "variant")
    return None
