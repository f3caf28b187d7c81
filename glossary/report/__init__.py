"""Reporting beside the pipeline: corpus statistics, plots, and the quality figures of mining and alignment.

  stats      corpus_stats: documents, characters, tokens, types, repairs, frequent content words
  plots      the heatmap, drift and Zipf figures (matplotlib), and charts for the workbook
  evaluate   precision and recall at K of a ranking, accuracy of an alignment, against reference lists

The names below are imported on first use: plots loads matplotlib, which the other commands never need.
"""

from __future__ import annotations

from glossary.lazy import lazy_exports

__all__ = [
    "corpus_stats",
    "read_gold",
    "read_valid_terms",
    "score_alignment",
    "score_ranking",
    "statistics_charts",
    "token_frequencies",
    "use_cjk_font",
    "write_plots",
]

MODULE_OF = {
    "corpus_stats": "stats",
    "read_gold": "evaluate",
    "read_valid_terms": "evaluate",
    "score_alignment": "evaluate",
    "score_ranking": "evaluate",
    "statistics_charts": "plots",
    "token_frequencies": "plots",
    "use_cjk_font": "plots",
    "write_plots": "plots",
}


__getattr__, __dir__ = lazy_exports(__name__, MODULE_OF)
