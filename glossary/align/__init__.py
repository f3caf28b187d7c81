"""Alignment: the Chinese equivalent, in the corpus, of each English term of a curated list, and English drafts for
the mined Chinese terms no entry covers.

The modules, each importing only those before it:
  dictionary   CC-CEDICT and the domain lexicon, English normalisation (load_dictionary, english_term_words)
  candidates   the Chinese strings a term may align to (build_candidate_pool, anchored_spans)
  matching     English and Chinese word by word through the dictionary (prepare_english, compositional_match)
  proposals    a Chinese form proposed for a term (Proposal, curated_match, dictionary_matches)
  parallel     co-occurrence in paragraphs of English versions of the documents (parallel_matches)
  drafts       English drafts for new Chinese terms (draft_english, covered_forms)
  align        the whole stage (align_terms) and the plain CC-CEDICT baseline (cedict_lookup_baseline)
"""

from glossary.align.align import ALIGN_COLUMNS, align_terms, cedict_lookup_baseline, near_miss
from glossary.align.candidates import Candidate, CandidatePool, build_candidate_pool
from glossary.dictionary import Dictionary, english_term_words, load_dictionary
from glossary.align.drafts import DRAFT_COLUMNS, covered_forms, draft_english, draft_translation
from glossary.align.matching import CompositionalMatch, EnglishTerm, compositional_match, prepare_english
from glossary.align.parallel import combine_parallel, parallel_matches
from glossary.align.proposals import Proposal, curated_match, dictionary_matches

__all__ = [
    "ALIGN_COLUMNS",
    "DRAFT_COLUMNS",
    "Candidate",
    "CandidatePool",
    "CompositionalMatch",
    "Dictionary",
    "EnglishTerm",
    "Proposal",
    "align_terms",
    "build_candidate_pool",
    "cedict_lookup_baseline",
    "combine_parallel",
    "compositional_match",
    "covered_forms",
    "curated_match",
    "dictionary_matches",
    "draft_english",
    "draft_translation",
    "english_term_words",
    "load_dictionary",
    "near_miss",
    "parallel_matches",
    "prepare_english",
]
