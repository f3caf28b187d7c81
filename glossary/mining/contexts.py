"""Keyword-in-context sentences: for each concept, a few sentences of the corpus that use one of its forms."""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from glossary.model import Document


def find_contexts(
    documents: Sequence[Document], groups: dict[str, list[str]], per_term: int = 3,
    documents_of: Mapping[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Keyword-in-context sentences for each concept, one from each document before a second from any.
    One pass over each document with an Aho-Corasick automaton over every form of every concept. With
    `documents_of` (concept -> indices of the documents where it is counted as a term), only the first `per_term`
    documents of each concept are read: a large corpus is not read again for a few sentences."""
    import ahocorasick

    wanted = None
    if documents_of is not None:
        wanted = np.zeros(len(documents), dtype=bool)
        for docs in documents_of.values():
            wanted[np.sort(docs)[:per_term]] = True

    def automaton_of(concepts):
        automaton = ahocorasick.Automaton()
        for concept in concepts:
            for form in groups[concept]:
                if form:
                    automaton.add_word(form, (concept, form))
        if len(automaton):
            automaton.make_automaton()
        return automaton

    unfinished = {concept for concept, forms in groups.items() if any(forms)}
    automaton, searched = automaton_of(unfinished), len(unfinished)
    if len(automaton) == 0:
        return pd.DataFrame(columns=CONTEXT_COLUMNS)
    # concept -> for each n, the first documents' n-th sentences: (document, paragraph, start, form). One from each
    # document comes before a second from any, so no more than per_term entries of each level can ever be chosen,
    # and a concept with per_term first sentences is finished: its forms leave the automaton.
    found: dict[str, list[list]] = defaultdict(lambda: [[] for _ in range(per_term)])
    for doc_index, doc in enumerate(documents):
        if not unfinished:
            break
        if wanted is not None and not wanted[doc_index]:
            continue
        taken: Counter = Counter()  # concept -> sentences taken from this document
        # one automaton pass over the document; matches come in text order, so paragraph by paragraph
        starts = [0]
        for paragraph in doc.paragraphs[:-1]:
            starts.append(starts[-1] + len(paragraph.text) + 1)
        current, seen_here = -1, {}  # concept -> (start, form) of its longest first match in paragraph `current`

        def settle():
            for seen, (start, seen_form) in seen_here.items():
                level = found[seen][taken[seen]]
                if len(level) < per_term:
                    level.append((doc, doc.paragraphs[current], start, seen_form))
                taken[seen] += 1

        for end, (concept, form) in automaton.iter("\n".join(p.text for p in doc.paragraphs)):
            index = bisect.bisect_right(starts, end - len(form) + 1) - 1
            if index != current:
                settle()
                current, seen_here = index, {}
            if taken[concept] >= per_term:
                continue
            start = end - len(form) + 1 - starts[index]
            best = seen_here.get(concept)
            if best is None or (start == best[0] and len(form) > len(best[1])):
                seen_here[concept] = (start, form)
        settle()
        unfinished -= {concept for concept in taken if len(found[concept][0]) >= per_term}
        # the most frequent concepts finish first and would match most: rebuild once a few percent have finished
        if len(unfinished) < 0.97 * searched:
            automaton, searched = automaton_of(unfinished), len(unfinished)
    rows = []
    for concept in groups:
        chosen = [entry for level in found.get(concept, ()) for entry in level][:per_term]
        for doc, paragraph, start, form in chosen:
            rows.append(
                {
                    "term": concept,
                    "form": form,
                    "document": doc.name,
                    "year": doc.year,
                    "paragraph": paragraph.number or str(paragraph.index + 1),
                    "sentence": sentence_at(paragraph.text, start),
                }
            )
    return pd.DataFrame(rows, columns=CONTEXT_COLUMNS)


CONTEXT_COLUMNS = ["term", "form", "document", "year", "paragraph", "sentence"]


def sentence_at(text: str, position: int) -> str:
    """The sentence of `text` around character `position`."""
    start = max(text.rfind(mark, 0, position) for mark in "。！？；") + 1
    ends = [i for i in (text.find(mark, position) for mark in "。！？；") if i >= 0]
    return text[start : (min(ends) + 1 if ends else len(text))].strip()

