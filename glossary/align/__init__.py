"""Alignment: the Chinese equivalent, in the corpus, of each English term of a curated list, and English drafts for
the mined Chinese terms no entry covers.

The modules, each importing only those before it:
  dictionary   CC-CEDICT and the domain lexicon, English normalisation (load_dictionary, english_term_words)
  candidates   the Chinese strings a term may align to (build_candidate_pool, anchored_spans)
  matching     English and Chinese word by word through the dictionary (prepare_english, compositional_match)
  proposals    a Chinese form proposed for a term (Proposal, curated_match, dictionary_matches)
  lexicon      UN senses and acronyms added to the dictionary (align_dictionary, acronym_table, short_forms)
  sentences    sentences of two versions aligned by length and anchors (align_sentences, split_bitext_line)
  parallel     co-occurrence in aligned sentences of English versions, bitext and TMX/XLIFF (parallel_text,
               parallel_matches, add_parallel_evidence)
  drafts       English drafts for new Chinese terms (draft_english, covered_forms)
  calibration  the probability that a proposal is right (proposal_features, read_calibration, fit_logistic)
  align        the whole stage (align_terms, term_proposals) and the plain CC-CEDICT baseline
               (cedict_lookup_baseline)
"""

from glossary.align.align import (ALIGN_COLUMNS, TermProposals, align_terms, cedict_lookup_baseline, near_miss,
                                  term_proposals)
from glossary.align.candidates import Candidate, CandidatePool, build_candidate_pool
from glossary.dictionary import Dictionary, english_term_words, load_dictionary
from glossary.align.drafts import DRAFT_COLUMNS, covered_forms, draft_english, draft_translation
from glossary.align.matching import CompositionalMatch, EnglishTerm, compositional_match, prepare_english
from glossary.align.lexicon import acronym_table, align_dictionary, is_acronym, short_forms
from glossary.align.parallel import (ParallelSegments, ParallelText, add_parallel_evidence, defined_acronyms,
                                     load_parallel_inputs, parallel_matches, parallel_text)
from glossary.align.sentences import SentencePair, align_sentences, split_bitext_line, split_chinese, split_english
from glossary.align.proposals import Proposal, curated_match, dictionary_matches

__all__ = [
    "ALIGN_COLUMNS",
    "DRAFT_COLUMNS",
    "Candidate",
    "CandidatePool",
    "CompositionalMatch",
    "Dictionary",
    "EnglishTerm",
    "ParallelSegments",
    "ParallelText",
    "Proposal",
    "TermProposals",
    "SentencePair",
    "align_terms",
    "build_candidate_pool",
    "cedict_lookup_baseline",
    "add_parallel_evidence",
    "acronym_table",
    "align_dictionary",
    "align_sentences",
    "defined_acronyms",
    "is_acronym",
    "load_parallel_inputs",
    "parallel_text",
    "short_forms",
    "term_proposals",
    "split_bitext_line",
    "split_chinese",
    "split_english",
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
