"""Keyword-in-context sentences: for each concept, a few sentences of the corpus that use one of its forms."""

from __future__ import annotations

import bisect
from collections import defaultdict
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from glossary.model import Document, Paragraphs


def find_contexts(
    documents: Sequence[Document], groups: dict[str, list[str]], per_term: int = 3,
    documents_of: Mapping[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Keyword-in-context sentences for each concept (`groups`: concept -> its forms), one from each document before a
    second from any: the first sentence of each of its first `per_term` documents, then second sentences of those.
    `documents_of` (concept -> indices of the documents where it is counted) says where to look, so each concept
    reads only its own few documents, however large the corpus; without it every document is a candidate (a
    small corpus). In a paragraph, the earliest form is shown, the longest of those starting there."""
    wanted: dict[int, list[str]] = defaultdict(list)  # document -> the concepts read in it
    for concept, forms in groups.items():
        if not any(forms):
            continue
        docs = range(len(documents)) if documents_of is None else np.sort(documents_of.get(concept, ()))[:per_term]
        for doc_index in docs:
            wanted[int(doc_index)].append(concept)
    # concept -> per document read, its paragraphs' first matches (document, label, sentence, form): the sentence,
    # not the paragraph, held until the rows are chosen (at 100 MB of text, paragraphs held here made the contexts
    # the run's peak)
    found: dict[str, list[list]] = defaultdict(list)
    about: dict[int, tuple[str, int | None]] = {}  # document -> its name and year, read once
    for doc_index in sorted(wanted):
        doc = documents[doc_index]
        about[doc_index] = (doc.name, doc.year)
        text, starts, paragraph_of = _joined(doc.paragraphs)
        for concept in wanted[doc_index]:
            seen = found[concept]
            if documents_of is None and len(seen) >= per_term:
                continue  # its first per_term documents are read
            # every document gives one sentence before any gives a second: this one needs no more than this many
            needed = per_term - (min(per_term, len(documents_of[concept])) - 1 if documents_of is not None else 0)
            hits = _paragraph_hits(text, starts, groups[concept], needed)
            if hits:
                sentences = []
                for index, start, form in hits:
                    paragraph, label = paragraph_of(index)
                    sentences.append((doc_index, label, sentence_at(paragraph, start), form))
                seen.append(sentences)
    columns: dict[str, list] = {name: [] for name in CONTEXT_COLUMNS}
    for concept in groups:
        per_document = found.get(concept, [])
        # level by level: each document's first sentence, then each one's second...
        chosen = [hits[level] for level in range(per_term) for hits in per_document if level < len(hits)][:per_term]
        for doc_index, label, sentence, form in chosen:
            name, year = about[doc_index]
            for column, value in zip(CONTEXT_COLUMNS, (concept, form, name, year, label, sentence)):
                columns[column].append(value)
    return pd.DataFrame(columns, columns=CONTEXT_COLUMNS)


def _joined(paragraphs: Sequence) -> tuple[str, list[int], Callable[[int], tuple[str, str]]]:
    """A document's paragraphs joined by newlines, where each begins, and a reader of paragraph k's text and label
    (its number, else its place): from a Paragraphs' columns, with no Paragraph made for each hit."""
    if isinstance(paragraphs, Paragraphs):  # they hold their joined text and where each begins
        text, bounds, numbers, indices = paragraphs.text, paragraphs.starts, paragraphs.number, paragraphs.index

        def paragraph_of(k: int) -> tuple[str, str]:
            return text[bounds[k]: bounds[k + 1] - 1], numbers[k] or str(indices[k] + 1)

        return text, bounds[:-1].tolist(), paragraph_of
    starts = [0]
    for paragraph in paragraphs[:-1]:
        starts.append(starts[-1] + len(paragraph.text) + 1)

    def paragraph_of(k: int) -> tuple[str, str]:
        return paragraphs[k].text, paragraphs[k].number or str(paragraphs[k].index + 1)

    return "\n".join(p.text for p in paragraphs), starts, paragraph_of


def _paragraph_hits(text: str, starts: list[int], forms: Sequence[str], limit: int) -> list[tuple[int, int, str]]:
    """The first `limit` paragraphs (of a document's `text`, paragraphs joined by newlines beginning at `starts`)
    using any of `forms`: (paragraph index, start within it, form), the earliest form in each, the longest there."""
    best: dict[int, tuple[int, str]] = {}  # paragraph -> (start in text, form)
    for form in forms:
        if not form:
            continue
        position, taken = text.find(form), 0
        while position >= 0 and taken < limit:
            index = bisect.bisect_right(starts, position) - 1
            current = best.get(index)
            if current is None or position < current[0] or (position == current[0] and len(form) > len(current[1])):
                best[index] = (position, form)
            taken += 1
            # the next paragraph: one match per paragraph is shown
            following = starts[index + 1] if index + 1 < len(starts) else len(text)
            position = text.find(form, following)
    return [(index, best[index][0] - starts[index], best[index][1]) for index in sorted(best)[:limit]]


CONTEXT_COLUMNS = ["term", "form", "document", "year", "paragraph", "sentence"]
def sentence_at(text: str, position: int) -> str:
    """The sentence of `text` around character `position`."""
    # (the four marks written out: the rows of a large corpus's contexts call this half a million times)
    start = max(text.rfind("。", 0, position), text.rfind("！", 0, position), text.rfind("？", 0, position),
                text.rfind("；", 0, position)) + 1
    ends = [i for i in (text.find("。", position), text.find("！", position), text.find("？", position),
                        text.find("；", position)) if i >= 0]
    return text[start: (min(ends) + 1 if ends else len(text))].strip()
