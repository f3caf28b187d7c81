"""Term mining: segment a corpus, count its term-shaped n-grams, score them, group their variants.

The modules, each importing only those before it:
  hashing      the 64-bit string hashes counting, shape tests and the variant relations compare (string_hash)
  segment      jieba word segmentation with POS tags (Segmenter)
  shape        what may start, end or sit inside a term (Lexicon, clauses, is_candidate)
  variants     the surface forms of one concept (group_variants), and the blocking keys counting gives each form
  count        the n-grams of a corpus inside clauses, vectorised, by shard, cached (count_corpus)
  statistics   termhood and association measures, and the ranking (term_statistics, rank)
  contexts     keyword-in-context sentences (find_contexts)
  mine         the whole stage (mine_corpus, MiningResult)

The names below are imported on first use, so that importing one light module of the package (the checker reads
glossary.mining.variants) does not load numpy and pandas.
"""

from __future__ import annotations

from glossary.lazy import lazy_exports

__all__ = [
    "Counts",
    "Lexicon",
    "MiningResult",
    "Segmenter",
    "Token",
    "VariantGroups",
    "clauses",
    "count_corpus",
    "find_contexts",
    "group_variants",
    "is_candidate",
    "mine_corpus",
    "rank",
    "read_user_dict",
    "term_statistics",
    "variant_key",
]

MODULE_OF = {
    "Segmenter": "segment",
    "Token": "segment",
    "read_user_dict": "segment",
    "Lexicon": "shape",
    "clauses": "shape",
    "is_candidate": "shape",
    "Counts": "count",
    "count_corpus": "count",
    "rank": "statistics",
    "term_statistics": "statistics",
    "VariantGroups": "variants",
    "group_variants": "variants",
    "variant_key": "variants",
    "find_contexts": "contexts",
    "MiningResult": "mine",
    "mine_corpus": "mine",
}


__getattr__, __dir__ = lazy_exports(__name__, MODULE_OF)
