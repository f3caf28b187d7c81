"""Reading a corpus: find files, decode them, repair PDF-paste damage, split paragraphs, read metadata; and pair
the two language versions of a document.

  load      files to Documents (collect_paths, read_source, load_document, load_corpus)
  repair    the repair steps on one decoded text (repair_text)
  pairing   Chinese and English versions of a document, and their paragraphs (pair_documents, paragraph_pairs)
"""

from __future__ import annotations

from glossary.corpus.load import (
    build_document,
    collect_paths,
    decode_bytes,
    find_symbols,
    load_corpus,
    load_document,
    read_metadata,
    read_source,
)
from glossary.corpus.pairing import AlignedParagraph, aligned_paragraphs, document_key, pair_documents, paragraph_pairs
from glossary.corpus.repair import RepairResult, repair_text, to_simplified

__all__ = [
    "AlignedParagraph",
    "RepairResult",
    "aligned_paragraphs",
    "build_document",
    "collect_paths",
    "decode_bytes",
    "document_key",
    "find_symbols",
    "load_corpus",
    "load_document",
    "pair_documents",
    "paragraph_pairs",
    "read_metadata",
    "read_source",
    "repair_text",
    "to_simplified",
]
