"""Counting stage of mining: the token n-grams of a corpus inside clauses, counted in vectorised passes.

A corpus of a hundred megabytes holds some twenty million tokens and a hundred million n-gram windows: too many
for a Python loop. Each shard of documents is segmented in one call, its tokens become integer arrays, and every
window of 1..max_tokens tokens is handled by numpy at once, one window length per pass:
  shard_of()          documents fall into shards by their content hash, so a shard's counts can be cached and a
                      document added to the corpus recounts only its shard
  count_shard()       segment, find the clause-bounded windows, keep the term-shaped ones (shape.window_verdicts, once
                      per distinct token sequence), count them by document and neighbour, and count the n-grams
                      their statistics read (the candidates and the two parts of every split)
  count_corpus()      shards in worker processes, each cached on disk, merged into one Counts

Windows are keyed by a 64-bit polynomial hash of their characters, so a term jieba segments two ways (低碳|技术,
低|碳|技术) is one string, and a string is looked up by hashing it (StringCounts). Two different strings share a
hash with probability about 2^-64 per pair: for ten million distinct strings, about one chance in 10^5 of any
collision, which would merge two counts.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from glossary.parallel import collector_paused, map_forked, release_freed_memory
from glossary.mining.segment import Segmenter, Token
from glossary.mining.shape import (
    CLAUSE_INTERNAL, NUMBER, PUNCTUATION, WORD_FLAGS, Lexicon, general_zipf, is_edge_word, may_start, window_verdicts,
    word_flags,
)
from glossary.mining.hashing import CHAR_BASE, powers, sorted_positions, spread_hashes, string_hash, string_hashes
from glossary.mining.variants import (
    ABBREVIATION_FUNCTION_WORDS, NUMERAL as NUMERAL_CHAR, REORDERED_MIN_CHARS, VARIANT_BASE, WORD_CHOICE_MIN_SHARED,
    AbbreviationIndex, abbreviates, abbreviation_keys, char_masks, char_multiset_hashes, variant_key,
    variant_key_hashes, word_choice_keys,
)

TOKEN_BASE = 0x9E3779B97F4A7C15  # a second odd base, for hashes of token sequences (segmentations)
EDGE = 0  # the neighbour of an occurrence that opens or closes its clause
DROP, BOUNDARY, WORD = 0, 1, 2  # what a token is to the counting: space, clause boundary, word


class StringCounts(Mapping):
    """Occurrences of n-grams looked up by their string; only the n-grams the statistics read are held: as two
    arrays and a hash index over the keys (4.3 million n-grams at 100 MB of text: 226 MB, against 400 MB in a dict
    of Python ints; a lookup costs about the same)."""

    def __init__(self, counts: Mapping[int, int] | None = None, *, keys: np.ndarray | None = None,
                 occurrences: np.ndarray | None = None):
        """`counts`: string hash -> occurrences; or the two columns `keys` (distinct hashes) and `occurrences`."""
        if keys is None:
            counts = counts or {}
            keys = np.fromiter(counts.keys(), dtype=np.uint64, count=len(counts))
            occurrences = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
        self.occurrences = np.asarray(occurrences, dtype=np.int64)
        self.index = pd.Index(np.asarray(keys, dtype=np.uint64))

    def get(self, text: str, default: int = 0) -> int:
        try:
            return int(self.occurrences[self.index.get_loc(string_hash(text))])
        except KeyError:
            return default

    def __getitem__(self, text: str) -> int:
        return self.get(text, 0)

    def many(self, texts: Sequence[str]) -> np.ndarray:
        """The occurrences of each text (0 when not held), hashed and looked up all at once: one at a time, a
        lookup hashes its string in Python (the statistics of a 100 MB corpus ask 1.3 million)."""
        found = self.index.get_indexer(string_hashes(texts))
        return np.where(found >= 0, self.occurrences[found], 0)

    def __contains__(self, text) -> bool:
        return isinstance(text, str) and string_hash(text) in self.index

    def __iter__(self):
        raise TypeError("n-gram counts are looked up by string, not listed")

    def __len__(self) -> int:
        return len(self.index)


class DocCounter(Mapping):
    """Occurrences of one candidate per document index, as two arrays (a corpus of ten thousand documents holds
    millions of these pairs; a dict of dicts would not fit in memory)."""

    __slots__ = ("docs", "counts")

    def __init__(self, docs: Sequence[int] = (), counts: Sequence[int] = ()):
        # integer arrays as they are (views of a corpus's grouped counts: a copy as 64-bit integers of every shown
        # form's documents took 8 bytes a row: 52 million rows at 1 GB of text)
        self.docs = docs if isinstance(docs, np.ndarray) and docs.dtype.kind in "iu" else np.asarray(docs, np.int64)
        self.counts = counts if isinstance(counts, np.ndarray) and counts.dtype.kind in "iu" else \
            np.asarray(counts, np.int64)

    def __getitem__(self, doc: int) -> int:
        found = np.flatnonzero(self.docs == doc)
        if len(found):
            return int(self.counts[found[0]])
        raise KeyError(doc)

    def __iter__(self):
        return iter(self.docs.tolist())

    def __len__(self) -> int:
        return len(self.docs)

    def items(self):
        return zip(self.docs.tolist(), self.counts.tolist())


class CandidateValues(Mapping):
    """One value per candidate of a merged corpus: a list over the candidates' rows, found through `row` (name ->
    row), which every such table of one Counts shares. For the 1.48 million candidates kept at 100 MB of text a
    dict per table took about 240 MB each (sys.getsizeof); the shared index takes 61 MB, and each list 12 MB (and
    35 MB for its floats). None marks a candidate without a value (not in the mapping)."""

    __slots__ = ("row", "column")

    def __init__(self, row: Mapping[str, int], column: list):
        self.row, self.column = row, column

    def __getitem__(self, name: str):
        value = self.column[self.row[name]]
        if value is None:
            raise KeyError(name)
        return value

    def get(self, name: str, default=None):
        k = self.row.get(name)
        value = None if k is None else self.column[k]
        return default if value is None else value

    def __contains__(self, name) -> bool:
        return self.get(name) is not None

    def __iter__(self):
        return (name for name, value in zip(self.row, self.column) if value is not None)

    def __len__(self) -> int:
        return len(self.column) - self.column.count(None)

    def items(self):
        return ((name, value) for name, value in zip(self.row, self.column) if value is not None)


def values_of(table: Mapping, names: Iterable[str], default=None) -> list:
    """table.get(name, default) for each name: any mapping; a CandidateValues read through its row index without a
    call per name (the statistics read ten of these tables for every candidate)."""
    if not isinstance(table, CandidateValues):
        return [table.get(name, default) for name in names]
    row, column, values = table.row.get, table.column, []
    for name in names:
        k = row(name)
        value = None if k is None else column[k]
        values.append(default if value is None else value)
    return values


class DocumentCounts(MutableMapping):
    """Candidate -> DocCounter for a whole corpus: every candidate's documents and occurrences, grouped by candidate
    in two arrays; `documents(name)` is how many documents use a candidate."""

    def __init__(self, names: list[str] | Mapping[str, int], codes: np.ndarray, docs: np.ndarray,
                 occurrences: np.ndarray):
        """`names`: the candidates in the order of their codes, or a name -> code mapping to share (a merge's)."""
        self._group(names, [(codes, docs, occurrences)])

    @classmethod
    def of_parts(cls, names: list[str] | Mapping[str, int], parts: list[tuple]) -> "DocumentCounts":
        """The counts of `parts`, each (codes, docs, occurrences) for some documents (a merge's shards), grouped a
        part at a time, each part let go once placed (`parts` is emptied): in the order of the parts concatenated,
        without holding all the rows twice and a sort of them (at 1 GB of text, 1.5 GB at the end of the merge)."""
        counts = cls.__new__(cls)
        counts._group(names, parts)
        return counts

    def _group(self, names: list[str] | Mapping[str, int], parts: list[tuple]) -> None:
        self._index = names if isinstance(names, Mapping) else {name: k for k, name in enumerate(names)}
        self._added: dict[str, DocCounter] = {}
        n = len(self._index)
        self._documents = np.zeros(n, dtype=np.int64)
        for codes, _, _ in parts:
            self._documents += np.bincount(codes, minlength=n)
        bounds = np.concatenate([[0], np.cumsum(self._documents)])
        docs = np.empty(bounds[-1], dtype=np.result_type(*(part[1].dtype for part in parts)) if parts else np.int64)
        occurrences = np.empty(bounds[-1], dtype=np.result_type(*(part[2].dtype for part in parts))
                               if parts else np.int64)
        placed = bounds[:-1].copy()  # where each candidate's next row goes
        for k in range(len(parts)):
            codes, part_docs, part_occurrences = parts[k]
            parts[k] = None
            order = np.argsort(codes, kind="stable")
            ordered = codes[order]
            first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(ordered) else ordered
            rank = np.arange(len(ordered)) - np.repeat(first, np.diff(np.r_[first, len(ordered)]))
            places = placed[ordered] + rank
            docs[places], occurrences[places] = part_docs[order], part_occurrences[order]
            placed[ordered[first]] += np.diff(np.r_[first, len(ordered)])
        parts.clear()
        self._grouped = (docs, occurrences, bounds)

    def documents(self, name: str) -> int:
        if name in self._added:
            return len(self._added[name])
        return int(self._documents[self._index[name]])

    def documents_each(self, names: Sequence[str]) -> list[int]:
        """documents(name) of each name, read from the array at once."""
        added, index = self._added, self._index
        counted = self._documents[[index[name] if name not in added else 0 for name in names]].tolist()
        return [len(added[name]) if name in added else n for name, n in zip(names, counted)] if added else counted

    def __getitem__(self, name: str) -> DocCounter:
        if name in self._added:
            return self._added[name]
        k = self._index[name]
        docs, occurrences, bounds = self._grouped
        return DocCounter(docs[bounds[k]: bounds[k + 1]], occurrences[bounds[k]: bounds[k + 1]])

    def __setitem__(self, name: str, counter: DocCounter) -> None:
        self._added[name] = counter

    def __delitem__(self, name: str) -> None:
        raise TypeError("counts are not removed")

    def __contains__(self, name) -> bool:
        return name in self._index or name in self._added

    def __iter__(self):
        yield from self._index
        yield from (name for name in self._added if name not in self._index)

    def __len__(self) -> int:
        return len(self._index) + sum(name not in self._index for name in self._added)


def documents_using(per_doc: Mapping, name: str) -> int:
    """How many documents use a candidate: a DocumentCounts knows it without making the candidate's DocCounter."""
    return per_doc.documents(name) if isinstance(per_doc, DocumentCounts) else len(per_doc[name])


def documents_using_each(per_doc: Mapping, names: Sequence[str]) -> list[int]:
    """documents_using of each name, a DocumentCounts' read for all of them at once."""
    if isinstance(per_doc, DocumentCounts):
        return per_doc.documents_each(names)
    return [len(per_doc[name]) for name in names]


@dataclass
class Counts:
    """What the statistics read, for the whole corpus. A merge fills the per-candidate tables with CandidateValues
    over one shared index; any mapping will do (tests give dicts)."""

    ngrams: StringCounts = field(default_factory=StringCounts)  # candidates and their parts -> occurrences
    segmentation: Mapping = field(default_factory=dict)  # candidate -> its most frequent tokens
    pos: Mapping = field(default_factory=dict)  # candidate -> the POS tags of those tokens
    per_doc: Mapping = field(default_factory=dict)  # candidate -> DocCounter
    # candidate -> its occurrences as an n-gram (ngrams[candidate]), gathered by hash at merge time: looking a
    # million candidates up by string would hash each string again in Python
    frequency: Mapping = field(default_factory=dict)
    left_entropy: Mapping = field(default_factory=dict)  # candidate -> branching entropy of its left neighbours
    right_entropy: Mapping = field(default_factory=dict)
    enumerated: Mapping = field(default_factory=dict)  # candidate -> occurrences right after 和, 及, 、 …
    # candidate -> its most occurrences next to one same word that may extend a name (shape.extends_name)
    left_glued: Mapping = field(default_factory=dict)
    right_glued: Mapping = field(default_factory=dict)
    tokens: int = 0
    # the least occurrences a candidate was kept for: above the pruning's min_freq when its max_candidates bound it
    # (infinite when the curated forms alone were more)
    frequency_floor: float = 0

    def occurrences(self, name: str) -> int:
        """ngrams[name], from `frequency` when the name is a candidate."""
        found = self.frequency.get(name)
        return found if found is not None else self.ngrams[name]

    def occurrences_of(self, names: Sequence[str]) -> list[int]:
        """occurrences(name) of each name."""
        return [n if n is not None else self.ngrams[name] for name, n in zip(names, values_of(self.frequency, names))]


@dataclass
class ShardCounts:
    """One shard's counts, every table keyed by window hash (see count_shard)."""

    tokens: int
    ngrams: tuple  # (string hash, occurrences) of the n-grams the shard's candidates need
    per_doc: tuple  # (string hash, document within the shard, occurrences) of candidates
    left: tuple  # (string hash, neighbour's hash or EDGE, occurrences)
    right: tuple
    left_glued: tuple  # the same, of the neighbours that may extend a name (shape.extends_name) only
    right_glued: tuple
    enumerated: tuple  # (string hash, occurrences after a coordinator)
    forms: dict  # one row per distinct candidate sequence: its hashes, words and occurrences (_form_table)


# --- one shard ------------------------------------------------------------------------------------------------


class WordTable:
    """What counting needs to know of each distinct word, computed once per process: it is a pure function of the
    word, the segmenter's tag for it (jieba tags a word from its dictionary, whatever the context), the lexicon and
    the characters variant keys ignore. Kept as columns (ROW_FIELDS, HASH_FIELDS) indexed by a word id, so a shard's
    table is a gather, not a loop."""

    def __init__(self, lexicon: Lexicon, ignored: str = ""):
        self.lexicon = lexicon
        self.ignored = ignored
        self.ids: dict[str, int] = {}
        self.columns = {name: np.zeros(0, dtype=dtype) for name, dtype in (*ROW_FIELDS, *HASH_FIELDS)}

    def table(self, words: list[str], tag_of: Callable[[int], str]) -> dict[str, np.ndarray]:
        """The columns for `words` (distinct), `tag_of(k)` giving the tag of words[k]."""
        ids = self.ids
        new = [k for k, word in enumerate(words) if word not in ids]
        if new:
            rows = [self._describe(words[k], tag_of(k)) for k in new]
            for k in new:
                ids[words[k]] = len(ids)
            added = {name: np.array([row[i] for row in rows], dtype=dtype)
                     for i, (name, dtype) in enumerate(ROW_FIELDS)}
            added.update(self._hashes([row[1] for row in rows], added["kind"] == WORD))
            for name, column in added.items():
                self.columns[name] = np.concatenate([self.columns[name], column])
        index = np.fromiter(map(ids.__getitem__, words), dtype=np.int64, count=len(words))
        return {name: column[index] for name, column in self.columns.items()}

    def _hashes(self, stripped: list[str], is_word: np.ndarray) -> dict[str, np.ndarray]:
        """HASH_FIELDS of words (stripped): what count_shard sums into each candidate's variant-key and character
        multiset hashes (the blocking keys of the variant relations), for all new words in one numpy pass."""
        words = [w if keep else "" for w, keep in zip(stripped, is_word.tolist())]
        return {
            "variant": variant_key_hashes(words, self.ignored),
            "kept_chars": np.fromiter((len(variant_key(w, self.ignored)) for w in words), dtype=np.int64,
                                      count=len(words)),
            "multiset": char_multiset_hashes(words),
            "char_mask": char_masks(words),
            "first_char": np.fromiter((ord(w[0]) if w else 0 for w in words), dtype=np.uint64, count=len(words)),
            "function": np.array([bool(w) and w in ABBREVIATION_FUNCTION_WORDS for w in words], dtype=bool),
            "open_paren": np.array([w in OPEN_PARENTHESES for w in stripped], dtype=bool),
            "numeral": np.array([bool(NUMERAL_CHAR.search(w)) for w in words], dtype=bool),
        }

    def _describe(self, raw: str, tag: str) -> tuple:
        lexicon = self.lexicon
        word = raw.strip()
        unflagged = (False,) * len(WORD_FLAGS)
        if not word:
            # paragraphs are joined with newlines: a newline ends a clause, a space inside a clause does not
            return (BOUNDARY if "\n" in raw else DROP, word, tag, 0, 0, False, False) + unflagged
        if PUNCTUATION.match(word) and word not in CLAUSE_INTERNAL:
            return (BOUNDARY, word, tag, len(word), 0, False, False) + unflagged
        token = Token(word, lexicon.pos_overrides.get(word, tag), 0)
        return (
            WORD,
            word,
            token.pos,
            len(word),
            string_hash(word),
            may_start(token, lexicon),
            is_edge_word(token, lexicon) or bool(NUMBER.match(word)),
        ) + word_flags(token, lexicon)


def _first_positions(codes: np.ndarray, n: int) -> np.ndarray:
    """For each code 0..n-1, the first position where it occurs in `codes`."""
    first = np.zeros(n, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write wins: the earliest position
    return first


def count_shard(
    documents: Sequence[Sequence[str]], segmenter: Segmenter, words: WordTable, max_tokens: int, max_chars: int
) -> ShardCounts:
    """Count one shard: `documents` are lists of paragraph texts."""
    # one segmenter call for the shard: jieba segments each run between newlines on its own, as paragraph by paragraph
    text = "\n".join("\n".join(paragraphs) for paragraphs in documents)
    raw_words = segmenter.cut_raw(text)
    codes, uniques = pd.factorize(pd.Series(raw_words, dtype=object), sort=False)
    uniques = uniques.tolist()
    raw_lengths = np.fromiter(map(len, uniques), dtype=np.int64, count=len(uniques))[codes]
    starts = np.concatenate([[0], np.cumsum(raw_lengths)[:-1]]) if len(codes) else np.zeros(0, dtype=np.int64)
    first = _first_positions(codes, len(uniques))
    tag_at = tags_in_context(segmenter, text)
    # a dictionary word's tag is its entry's; only other words are tagged in their line
    table = words.table(uniques, lambda k: segmenter.dictionary_tag(uniques[k]) or tag_at(int(starts[first[k]]),
                                                                                          uniques[k]))
    # which document each token belongs to: by its start in the joined text
    doc_starts = np.cumsum([0] + [len("\n".join(p)) + 1 for p in documents])[:-1]
    kind = table["kind"][codes]
    keep = kind != DROP
    codes, starts = codes[keep], starts[keep]
    doc = np.searchsorted(doc_starts, starts, side="right") - 1
    boundary = kind[keep] == BOUNDARY
    n = len(codes)
    tokens = int((~boundary).sum())

    lengths = np.where(boundary, 1, table["length"][codes]).astype(np.int64)
    char_end = np.concatenate([[0], np.cumsum(lengths)])  # char_end[k] = characters before token k
    char_pow = powers(CHAR_BASE, int(char_end[-1]) + 1)
    char_inv = powers(pow(CHAR_BASE, -1, 1 << 64), int(char_end[-1]) + 1)
    token_pow = powers(TOKEN_BASE, n + 1)
    token_inv = powers(pow(TOKEN_BASE, -1, 1 << 64), n + 1)
    h = table["hash"][codes]
    with np.errstate(over="ignore"):
        # window (i, j) has string hash B^L[j] (F[j] - F[i]) and token-sequence hash C^j (E[j] - E[i])
        zero = np.zeros(1, dtype=np.uint64)
        prefix_chars = np.concatenate([zero, np.cumsum(h * char_inv[char_end[1:]], dtype=np.uint64)])
        prefix_tokens = np.concatenate([zero, np.cumsum(h * token_inv[1 : n + 1], dtype=np.uint64)])

    power_at = char_pow[char_end]  # B^L[k] at each token boundary k

    def string_of(i, j):
        with np.errstate(over="ignore"):
            return power_at[j] * (prefix_chars[j] - prefix_chars[i])

    def sequence_of(i, j):
        with np.errstate(over="ignore"):
            return token_pow[j] * (prefix_tokens[j] - prefix_tokens[i])

    # tokens left before the clause ends, from each position
    positions = np.arange(n)
    next_boundary = np.where(boundary, positions, n)
    next_boundary = np.minimum.accumulate(next_boundary[::-1])[::-1] if n else next_boundary
    room = next_boundary - positions
    may_start = table["may_start"][codes] & ~boundary
    may_end = table["may_end"][codes] & ~boundary
    # a word no term holds inside (shape.bad_inside): a clause word, or a common verb
    bad = (table["forbidden_inside"][codes] | table["common_verb"][codes]) & ~boundary
    bad_before = np.concatenate([[0], np.cumsum(bad)])
    # the word after a year or count that opens a name may be one no term holds inside otherwise (2030|年|…议程)
    name_number = table["name_number"][codes]

    # the longest window from each position: to the clause's end, at most max_tokens tokens and max_chars characters
    within_chars = np.searchsorted(char_end, char_end[:n] + max_chars, side="right") - 1 - positions
    longest = np.minimum(np.minimum(room, max_tokens), within_chars)

    all_hashes, candidate_windows = [], []
    for size in range(1, max_tokens + 1):
        i = np.flatnonzero(longest >= size)
        if not len(i):
            break
        j = i + size
        opening, closing = may_start[i], may_end[j - 1]
        # a needed n-gram (a candidate, or a part of one: a prefix or a suffix) opens or closes like a term
        part_shaped = opening | closing
        all_hashes.append(string_of(i[part_shaped], j[part_shaped]))
        shaped = opening & closing
        if size >= 3:
            shaped &= bad_before[j - 1] - bad_before[i + 1] - (name_number[i] & bad[i + 1]) == 0
        candidate_windows.append((i[shaped], j[shaped]))
    i = np.concatenate([w[0] for w in candidate_windows]) if candidate_windows else np.zeros(0, dtype=np.int64)
    j = np.concatenate([w[1] for w in candidate_windows]) if candidate_windows else np.zeros(0, dtype=np.int64)

    # the term-shape verdict (shape.is_candidate's rules, applied by window_verdicts to all windows at once), on one
    # window of each distinct token sequence
    sequences = sequence_of(i, j)
    inverse, distinct = pd.factorize(sequences, sort=False)
    first_windows = _first_positions(inverse, len(distinct))
    flags = {flag: table[flag][codes] for flag in WORD_FLAGS}
    verdicts = window_verdicts(flags, i[first_windows], j[first_windows])
    # one window of each candidate sequence: the shard's table of candidate forms, one row per sequence
    row_of = np.cumsum(verdicts) - 1  # distinct sequence -> its row
    wi, wj = i[first_windows[verdicts]], j[first_windows[verdicts]]
    chosen = verdicts[inverse]
    window_row = row_of[inverse[chosen]]
    i, j, sequences = i[chosen], j[chosen], sequences[chosen]
    strings = string_of(i, j)

    # neighbours: the word before and after each occurrence, or EDGE at a clause's edge
    before, after = np.maximum(i - 1, 0), np.minimum(j, max(n - 1, 0))
    opens = (i == 0) | boundary[before]
    closes = (j >= n) | boundary[after]
    left = np.where(opens, np.uint64(EDGE), h[before])
    right = np.where(closes, np.uint64(EDGE), h[after])
    # occurrences next to a word that may belong to the same name (shape.extends_name), by that word: a candidate
    # that is always next to the same one is a piece of a longer name (特别|程序任务负责人)
    glued_left = ~opens & table["extends_left"][codes[before]]
    glued_right = ~closes & table["extends_right"][codes[after]]
    coordinated = ~opens & table["separator"][codes[before]]
    enumerated_keys, _, enumerated_counts = _count_pairs(strings[coordinated], np.zeros(int(coordinated.sum()),
                                                                                        dtype=np.uint64))
    # beside a parenthesis: a name a document abbreviates (国际劳工组织（劳工组织）), or the abbreviation
    open_paren = table["open_paren"][codes]
    parenthesised = ((i > 0) & open_paren[before]) | ((j < n) & open_paren[after])

    # the n-grams the statistics read: each candidate, and both parts of each split of each segmentation
    parts = np.zeros((len(wi), 2 * (max_tokens - 1)), dtype=np.uint64)
    for k in range(1, max_tokens):
        split = wj - wi > k
        parts[split, 2 * k - 2] = string_of(wi[split], wi[split] + k)
        parts[split, 2 * k - 1] = string_of(wi[split] + k, wj[split])
    needed = pd.unique(np.concatenate([strings, parts[parts != 0]]))
    every = np.concatenate(all_hashes) if all_hashes else np.zeros(0, dtype=np.uint64)
    every = pd.Series(every[pd.Index(needed).get_indexer(every) >= 0]).value_counts(sort=False)
    ngram_keys, ngram_counts = every.index.to_numpy(np.uint64), every.to_numpy(np.int64)
    forms = _form_table(table, codes, boundary, h, wi, wj, distinct[verdicts], string_of, token_pow, char_end,
                        max_tokens, max_chars)
    part_rows, part_columns = np.nonzero(parts)
    forms.update(
        occurrences=np.bincount(window_row, minlength=len(wi)).astype(np.int64),
        parenthesised=np.bincount(window_row, weights=parenthesised, minlength=len(wi)) > 0,
        # sparse, as (row, hash): most rows are short, and a dense table of every split was half a shard's bytes
        parts=parts[part_rows, part_columns], parts_row=part_rows.astype(np.int32),
    )
    return ShardCounts(
        tokens=tokens,
        ngrams=(ngram_keys, ngram_counts),
        per_doc=_narrow(_count_pairs(strings, doc[i])),
        left=_count_pairs(strings, left),
        right=_count_pairs(strings, right),
        left_glued=_count_pairs(strings[glued_left], left[glued_left]),
        right_glued=_count_pairs(strings[glued_right], right[glued_right]),
        enumerated=(enumerated_keys, enumerated_counts),
        forms=forms,
    )


def _form_table(table, codes, boundary, h, wi, wj, sequences, string_of, token_pow, char_end, max_tokens,
                max_chars) -> dict:
    """One row per distinct candidate sequence (its window wi..wj): the string and sequence hashes, the words (as
    ids into the shard's vocabulary), and the blocking keys the variant relations of variants.group_variants
    compare, so a merge can keep the rare candidates that may join a ranked one without reading any string:
    `variant` (the hash variants.variant_key_hashes gives the candidate's string), `multiset`
    (variants.char_multiset_hashes), `word_choice` (variants.word_choice_keys, one per character, stored sparse
    with `word_choice_row`) and `abbreviations` (variants.abbreviation_keys)."""
    n = len(codes)
    # the characters of the clause tokens, at the offsets char_end counts (a boundary counts as one character)
    char_codes = np.frombuffer(_token_chars(table, codes, boundary).encode("utf-32-le"), dtype=np.uint32)
    char_codes = char_codes.astype(np.uint64)
    positions = np.arange(n)
    with np.errstate(over="ignore"):
        # the variant key's hash of window (i, j): each word's own, shifted by the kept characters before it
        kept = np.where(boundary, 0, table["kept_chars"][codes])
        kept_before = np.concatenate([[0], np.cumsum(kept)])
        variant_pow = powers(VARIANT_BASE, int(kept_before[-1]) + 1)
        variant_inv = powers(pow(VARIANT_BASE, -1, 1 << 64), int(kept_before[-1]) + 1)
        shifted = np.where(boundary, np.uint64(0), table["variant"][codes]) * variant_pow[kept_before[:-1]]
        variant_prefix = np.concatenate([np.zeros(1, dtype=np.uint64), np.cumsum(shifted, dtype=np.uint64)])
        variant = (variant_prefix[wj] - variant_prefix[wi]) * variant_inv[kept_before[wi]]
        multiset_prefix = np.concatenate([np.zeros(1, dtype=np.uint64),
                                          np.cumsum(np.where(boundary, np.uint64(0), table["multiset"][codes]),
                                                    dtype=np.uint64)])
        multiset = multiset_prefix[wj] - multiset_prefix[wi]
        chars = char_end[wj] - char_end[wi]
        # word choice: the sequence with the word at each place replaced by a mark of its length, where the other
        # words hold enough characters (group_variants' slots) and the word holds no numeral, with each of the
        # word's characters (variants.word_choice_keys)
        lengths = np.where(boundary, 1, table["length"][codes]).astype(np.int64)
        token_of_char = np.repeat(positions, lengths)
        word_choice = np.zeros((len(wi), max_chars), dtype=np.uint64)
        for offset in range(max_chars):
            at_char = np.minimum(char_end[wi] + offset, max(len(token_of_char) - 1, 0))
            at = token_of_char[at_char] if len(token_of_char) else np.zeros(len(wi), dtype=np.int64)
            valid = (offset < chars) & (chars - lengths[at] >= WORD_CHOICE_MIN_SHARED) & ~table["numeral"][codes][at]
            mark = spread_hashes(lengths[at].astype(np.uint64) + np.uint64(SLOT_MARK))
            slot = sequences + (mark - h[at]) * token_pow[np.maximum(wj - at - 1, 0)]
            word_choice[valid, offset] = word_choice_keys(slot[valid], char_codes[at_char[valid]])
        # abbreviation: the head word, and the first characters of the first content word the body may start
        # from (the first or the second) and of the last one before the head (variants.abbreviation_keys)
        content = ~boundary & ~table["function"][codes]
        next_content = np.concatenate([np.where(content, positions, n), [n]])
        next_content = np.minimum.accumulate(next_content[::-1])[::-1]
        previous_content = np.maximum.accumulate(np.where(content, positions, -1)) if n else positions
        first = next_content[wi]
        second = next_content[np.minimum(first + 1, n)]
        last = previous_content[np.maximum(wj - 2, 0)] if n else wj
        head = h[np.maximum(wj - 1, 0)]
        first_char = np.concatenate([table["first_char"][codes], np.zeros(1, dtype=np.uint64)])
        # and how many content words the body would take a character from (at most its length)
        content_before = np.concatenate([[0], np.cumsum(content)])
        abbreviations = np.zeros((len(wi), 2), dtype=np.uint64)
        taken = np.zeros((len(wi), 2), dtype=np.int8)
        # the string from that word to the end: an abbreviation equal to it is nested in the full form, not one
        tails = np.zeros((len(wi), 2), dtype=np.uint64)
        for column, opening in enumerate((first, second)):
            valid = opening < wj - 1
            lasts = np.where(last > opening, first_char[np.maximum(last, 0)], np.uint64(0))
            abbreviations[valid, column] = abbreviation_keys(head[valid], first_char[opening[valid]], lasts[valid])
            taken[valid, column] = (content_before[wj - 1] - content_before[np.minimum(opening, n)])[valid]
            tails[valid, column] = string_of(opening[valid], wj[valid])
        body_chars = chars - lengths[np.maximum(wj - 1, 0)]
    # the words of each row, as ids into the shard's vocabulary (only the words rows use)
    places = wi[:, None] + np.arange(max_tokens)[None, :]
    used = places < wj[:, None]
    word_ids = np.where(used, codes[np.minimum(places, max(n - 1, 0))], -1)
    # which characters each row holds (variants.char_masks): the abbreviation test's cheapest refusal
    char_mask = np.bitwise_or.reduce(np.where(used, table["char_mask"][word_ids], np.uint64(0)), axis=1)
    vocabulary, local = np.unique(word_ids[used], return_inverse=True)
    word_ids[used] = local
    choice_rows, choice_columns = np.nonzero(word_choice)  # sparse, as the parts (count_shard)
    return dict(
        key=string_of(wi, wj), sequence=sequences.astype(np.uint64), variant=variant, multiset=multiset,
        chars=chars.astype(np.int64), word_choice=word_choice[choice_rows, choice_columns],
        word_choice_row=choice_rows.astype(np.int32), abbreviations=abbreviations,
        abbreviation_taken=taken, abbreviation_tails=tails, body_chars=body_chars.astype(np.int16),
        char_mask=char_mask, words=word_ids.astype(np.int32),
        vocabulary=table["word"][vocabulary].tolist(), tags=table["pos"][vocabulary].tolist(),
    )


def _token_chars(table, codes, boundary) -> str:
    """The tokens' words joined, each boundary one placeholder character (as count_shard's char_end counts)."""
    words = table["word"][codes]
    return "".join(["\0" if is_boundary else word for word, is_boundary in zip(words.tolist(), boundary.tolist())])


SLOT_MARK = 0x51_07  # shifts a slot's length mark away from the hashes of small numbers


def tags_in_context(segmenter: Segmenter, text: str) -> Callable[[int, str], str]:
    """A function giving the tag of the word at a position of `text`, read from tagging its line: jieba segments
    each line on its own, so the line gives the same words, and tags them from the dictionary (a word tagged alone
    may be cut otherwise: 南南 → 南|南). Each line is tagged once, however many new words it holds."""
    lines: dict[int, dict[int, tuple[str, str]]] = {}

    def tag_at(start: int, word: str) -> str:
        if "\n" not in word:
            line_start = text.rfind("\n", 0, start) + 1
            tagged = lines.get(line_start)
            if tagged is None:
                line_end = text.find("\n", start)
                tagged = lines[line_start] = {}
                offset = line_start
                for token, tag in segmenter.tag_raw(text[line_start: line_end if line_end >= 0 else len(text)]):
                    tagged[offset] = (token, tag)
                    offset += len(token)
            token, tag = tagged.get(start, ("", ""))
            if token == word:
                return tag
        alone = segmenter.tag_raw(word)  # a line break itself (or, never seen, a line cut otherwise)
        return alone[0][1] if len(alone) == 1 else "x"

    return tag_at


ROW_FIELDS = [("kind", np.int8), ("word", object), ("pos", object), ("length", np.int64), ("hash", np.uint64),
              ("may_start", bool), ("may_end", bool),
              *((flag, bool) for flag in WORD_FLAGS)]
HASH_FIELDS = [("variant", np.uint64), ("kept_chars", np.int64), ("multiset", np.uint64), ("char_mask", np.uint64),
               ("first_char", np.uint64), ("function", bool), ("open_paren", bool), ("numeral", bool)]
OPEN_PARENTHESES = ("（", "(")


def _narrow(table: tuple) -> tuple:
    """A (key, document, occurrences) table with 32-bit documents and counts: the largest table a shard keeps."""
    keys, docs, occurrences = table
    return keys, docs.astype(np.int32), occurrences.astype(np.int32)


def _count_pairs(keys: np.ndarray, values: np.ndarray) -> tuple:
    """(key, value, occurrences) for each distinct pair."""
    return _sum_pairs([(keys, values, np.ones(len(keys), dtype=np.int64))])


# --- the corpus -----------------------------------------------------------------------------------------------


def shard_count(total_chars: int, shard_chars: int) -> int:
    """A power of two, so shards split in two as the corpus grows past each doubling."""
    wanted = max(1, math.ceil(total_chars / max(shard_chars, 1)))
    return 1 << (wanted - 1).bit_length()


def shard_of(content_key: str, shards: int) -> int:
    return int(content_key[:12], 16) % shards


_WORKER: dict = {}


def _start_worker(user_words: tuple, engine: str, lexicon: Lexicon, max_tokens: int, max_chars: int,
                  ignored: str = "") -> None:
    """What every shard's counting needs, set once per process. count_corpus sets it in the parent before starting
    workers, so forked workers inherit the loaded dictionaries (jieba's, wordfreq's) instead of each loading them."""
    setup = (user_words, engine, lexicon.fingerprint, max_tokens, max_chars, ignored)
    if _WORKER.get("setup") == setup:
        return
    segmenter = Segmenter(user_words, engine=engine)
    segmenter.tag_raw("发展")  # loads the dictionary
    general_zipf("发展")  # loads wordfreq's frequency list
    _WORKER.update(setup=setup, segmenter=segmenter, words=WordTable(lexicon, ignored), max_tokens=max_tokens,
                   max_chars=max_chars)


@dataclass
class ShardSummary:
    """What the merge keeps of a shard as it arrives, when the shard's counts are in the cache: its tokens, n-gram
    counts and the SUMMARY columns of its forms (the merge reads the rest back from the cache)."""

    tokens: int
    ngrams: tuple
    forms: dict


def _count_in_worker(task: tuple[list[list[str]], Path | None], summary: bool = False) -> ShardCounts | ShardSummary:
    """Count one shard and cache it (in the worker: writing is part of the parallel work). With `summary`, a shard
    the cache holds is answered by its ShardSummary: sending every shard's counts whole to the merging process
    (2.3 GB at 100 MB of text) cost it the time to read them and the memory they left behind."""
    from glossary.cache import write_entry

    documents, path = task
    part = count_shard(documents, _WORKER["segmenter"], _WORKER["words"], _WORKER["max_tokens"], _WORKER["max_chars"])
    write_entry(path, part)
    if summary and path is not None and path.is_file():
        return ShardSummary(part.tokens, part.ngrams, {name: part.forms[name] for name in SUMMARY})
    return part


def _summarised_in_worker(task: tuple[list[list[str]], Path | None]) -> ShardCounts | ShardSummary:
    return _count_in_worker(task, summary=True)


# the modules whose code shapes a shard's counts: a change to any of them misses the cache
COUNTING_MODULES = ("glossary.text", "glossary.mining.segment", "glossary.mining.shape", "glossary.mining.hashing",
                    "glossary.mining.variants", "glossary.mining.count")


@dataclass(frozen=True)
class Pruning:
    """Which candidates rarer than `min_freq` a merge keeps. Most candidates of a growing archive are seen once and
    never reach mining's tables; a rare one does only by joining a ranked one as a variant (variants.group_variants)
    or by recurring in several forms (mine.recurring_variant_forms). So a rare candidate is given a string only
    when, by the blocking hashes count_shard gives each form (a superset of every relation's test):
      - it shares its variant key, or (from 6 characters) its characters' multiset, with another candidate;
      - it fills a word-choice slot of a kept candidate, or ends in a head a kept candidate may abbreviate;
      - it stands beside a parenthesis (a document defining an abbreviation: 国际劳工组织（劳工组织）);
      - it is a curated form or shares a curated form's variant key;
      - it is `long_rare_chars` characters or longer (the reordering-typo scan reads those; None: no scan).
    When more than `max_candidates` would be kept, the least occurrences is raised instead (frequency_floor)."""

    min_freq: int
    ignored: str
    curated: tuple[str, ...] = ()
    long_rare_chars: int | None = None
    max_candidates: int | None = None  # see frequency_floor


@collector_paused()
def count_corpus(
    texts: Sequence[Sequence[str]],
    lexicon: Lexicon,
    segmenter: Segmenter,
    max_tokens: int,
    max_chars: int,
    jobs: int = 1,
    cache_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
    parallel_min_chars: int = 2_000_000,
    shard_chars: int = 300_000,
    pruning: Pruning | None = None,
    merge_memory_mb: int = 64,
    ignored: str = "",
) -> Counts:
    """Count every document (`texts`: each document's paragraphs), shard by shard, in `jobs` worker processes.
    Each shard's counts are cached on disk by the hash of its documents and of everything that shapes counting.
    With `pruning`, only the candidates it keeps are in the result (the others' counts stay in the shards);
    `ignored` (the characters variant keys leave out) is pruning.ignored when pruning. The merge holds shards in
    memory up to `merge_memory_mb` and reads the rest back from the cache."""
    import hashlib

    from glossary.cache import cache_key, code_fingerprint, entry_path, read_entry

    ignored = pruning.ignored if pruning is not None else ignored
    fingerprint = repr((segmenter.fingerprint, lexicon.fingerprint, max_tokens, max_chars, ignored,
                        code_fingerprint(*COUNTING_MODULES)))
    # each document's paragraphs read once here (a corpus's texts may be made when asked for: mine's are)
    content, sizes = [], []
    for paragraphs in texts:
        content.append(hashlib.sha256("\0".join(paragraphs).encode("utf-8")).hexdigest())
        sizes.append(sum(map(len, paragraphs)))
    shards = shard_count(sum(sizes), shard_chars)
    members: list[list[int]] = [[] for _ in range(shards)]
    for index in sorted(range(len(texts)), key=lambda k: (content[k], k)):
        members[shard_of(content[index], shards)].append(index)
    members = [m for m in members if m]
    paths = [entry_path(cache_dir, "counts", cache_key(fingerprint, *(content[k] for k in m))) for m in members]
    missing = [s for s, path in enumerate(paths) if path is None or not path.is_file()]
    setup = (tuple(segmenter.user_words), segmenter.engine, lexicon, max_tokens, max_chars, ignored)
    work = sum(sizes[k] for s in missing for k in members[s])
    # worker processes pay a start-up (dictionaries, word frequencies) that only a large corpus repays
    parallel = jobs > 1 and len(missing) > 1 and work >= parallel_min_chars

    def recount(s: int) -> ShardCounts:
        return _count_in_worker(([texts[k] for k in members[s]], paths[s]))

    with contextlib.ExitStack() as merging:
        spill = _Spill(_ranges_for(len(members)))
        if spill.ranges > 1:  # set aside on disk (in the cache's folder when there is one), removed when done
            beside = cache_dir if cache_dir is not None and cache_dir.is_dir() else None  # else the system's
            spill.folder = Path(merging.enter_context(tempfile.TemporaryDirectory(prefix="glossary-merge-",
                                                                                  dir=beside)))
        merged = _Merger(pruning, recount, merge_memory_mb * 1_000_000, spill)
        _start_worker(*setup)
        with contextlib.ExitStack() as counting:
            tasks = (([texts[k] for k in members[s]], paths[s]) for s in missing)
            if parallel:
                from concurrent.futures import ProcessPoolExecutor

                pool = counting.enter_context(ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                                                                  initargs=setup))
                # sixteen shards' texts are a few megabytes: enough ahead that no worker waits while this process
                # sums
                counted = _submitted_ahead(pool, _summarised_in_worker, tasks, 8 * jobs)
            else:
                counted = map(_count_in_worker, tasks)
            counted, fresh = iter(counted), set(missing)
            # merged in shard order as they come, so few shards' tables wait in memory
            for s in range(len(members)):
                part = next(counted) if s in fresh else read_entry(paths[s], ShardCounts)
                if part is None:  # a cache entry damaged since it was looked at
                    part = recount(s)
                merged.add(part, members[s], paths[s])
                if progress:
                    progress(len(members[s]))
        # the merge reads the shards again: in the workers' number of processes when the corpus is large, cached or
        # not (the workers are gone by now)
        large = jobs > 1 and len(members) > 1 and sum(sizes) >= parallel_min_chars
        return merged.result(jobs if large else 1)


# shards per range of keys the merge sets their tables aside in (_Spill)
SHARDS_PER_RANGE = 32


def _ranges_for(shards: int) -> int:
    """A power of two: one range for up to 2 * SHARDS_PER_RANGE - 1 shards, two from twice that, and so on."""
    return 1 << max(0, (shards // SHARDS_PER_RANGE).bit_length() - 1)


def _submitted_ahead(pool, function, tasks, ahead: int):
    """function(task) for each task, in order, in `pool`, with at most `ahead` tasks submitted and not yet answered:
    Executor.map submits every task at once, which made every shard's paragraph texts at once (the corpus's text
    as strings, held until counting ended)."""
    from collections import deque

    pending: deque = deque()
    for task in tasks:
        pending.append(pool.submit(function, task))
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


# the columns of a shard's forms the merge keeps as shards arrive, and their types there (a shard's own are wider):
# the largest thing a merge holds, a row per shard and distinct candidate sequence
SUMMARY = {"key": np.uint64, "sequence": np.uint64, "occurrences": np.int32, "variant": np.uint64,
           "multiset": np.uint64, "chars": np.int16, "parenthesised": bool}
NEIGHBOUR_TABLES = ("left", "right", "left_glued", "right_glued")


class _Spill:
    """Tables (numpy record arrays with a "key" field) added a shard at a time and read back a range of keys at a
    time, each range's rows in the order they came: held in memory, or with a `folder`, appended to a file per
    table and range there, so that the merge holds one range's rows, not every shard's."""

    def __init__(self, ranges: int = 1, folder: Path | None = None):
        self.ranges = ranges  # a power of two: a key's range is its top bits
        self.folder = folder
        self.held: dict[tuple[str, int], list[np.ndarray]] = {}

    def range_of(self, keys: np.ndarray) -> np.ndarray:
        """Each key's range: its top bits."""
        if self.ranges == 1:
            return np.zeros(len(keys), dtype=np.intp)
        return (keys >> np.uint64(64 - (self.ranges.bit_length() - 1))).astype(np.intp)

    def add(self, name: str, table: np.ndarray) -> None:
        if self.ranges == 1:
            starts, bounds = table, np.array([0, len(table)])
        else:
            ranges = self.range_of(table["key"])
            order = np.argsort(ranges, kind="stable")
            starts, bounds = table[order], np.searchsorted(ranges[order], np.arange(self.ranges + 1))
        for r in range(self.ranges):
            part = starts[bounds[r]:bounds[r + 1]]
            if not len(part):
                continue
            if self.folder is None:
                self.held.setdefault((name, r), []).append(part)
            else:
                with open(self.folder / f"{name}.{r}", "ab") as file:
                    part.tofile(file)

    def take(self, name: str, r: int, dtype: np.dtype) -> np.ndarray:
        """Range `r`'s rows of table `name`, let go of here (a range is read once)."""
        if self.folder is None:
            parts = self.held.pop((name, r), [])
            return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
        path = self.folder / f"{name}.{r}"
        if not path.is_file():
            return np.zeros(0, dtype=dtype)
        rows = np.fromfile(path, dtype=dtype)
        path.unlink()
        return rows


# the rows the merge sets aside: a shard's n-gram counts, and one row per shard and distinct candidate sequence
NGRAM_ROW = np.dtype([("key", np.uint64), ("occurrences", np.int32)])
SUMMARY_ROW = np.dtype([*SUMMARY.items(), ("shard", np.int32)])
SHARD_ROW = np.dtype([("key", np.uint64), ("shard", np.int32)])
# and the kept candidates' rows of a shard: (candidate, neighbour, occurrences) of the neighbour tables, and the keys of
# the n-grams their statistics read (parts)
PAIR_ROW = np.dtype([("key", np.uint64), ("value", np.uint64), ("occurrences", np.int32)])
PART_ROW = np.dtype([("key", np.uint64)])


def _records(dtype: np.dtype, **columns) -> np.ndarray:
    table = np.empty(len(next(iter(columns.values()))), dtype=dtype)
    for name, column in columns.items():
        table[name] = column
    return table


class _Merger:
    """Sums shards' tables into one Counts. The n-gram counts and a summary of each shard's candidate forms are
    set aside by range of keys as shards arrive (_Spill); with pruning, shards are held up to `memory_bytes` and
    the rest, which the cache holds, are read back from disk when needed (twice: for the anchors' keys, then for the
    kept rows), and only the kept candidates' rows are taken from them (Pruning). Of those, the rows per document
    are kept; the neighbour tables and parts are set aside by range too, and summed a range at a time at the end."""

    def __init__(self, pruning: Pruning | None, recount: Callable[[int], ShardCounts], memory_bytes: int = 0,
                 spill: _Spill | None = None):
        self.pruning = pruning
        self.recount = recount
        self.memory_bytes = memory_bytes  # shards held in memory up to this size; later ones are read back
        self.held = 0
        self.tokens = 0
        # each shard's n-gram counts and summary rows, set aside by range of keys until result() sums them (held
        # whole and summed as they came, at 1 GB of text they took most of the merge's 12 GB)
        self.spill = spill or _Spill()
        self.parts: list = []  # per shard: its ShardCounts, or the cache entry to read it from
        self.documents: list[np.ndarray] = []
        self.floor = pruning.min_freq if pruning is not None else 0

    def add(self, part: ShardCounts | ShardSummary, documents: list[int], path: Path | None = None) -> None:
        self.tokens += part.tokens
        keys, occurrences = part.ngrams
        # copied into records: a shard read from the cache holds its arrays as views of one buffer, which a view
        # kept here would keep whole (the summaries of a 100 MB corpus held its 2.3 GB of shards)
        self.spill.add("ngrams", _records(NGRAM_ROW, key=keys, occurrences=occurrences))
        shard = np.full(len(part.forms["key"]), len(self.parts), dtype=np.int32)
        self.spill.add("summary", _records(SUMMARY_ROW, shard=shard, **{name: part.forms[name] for name in SUMMARY}))
        # 32-bit: each kept candidate's row per document carries one (at 10 MB of text, 794,000 rows)
        self.documents.append(np.asarray(documents, dtype=np.int32))
        if isinstance(part, ShardSummary):  # the rest is in the cache, read back when the merge needs it
            self.parts.append(path)
            return
        size = _size(part)
        on_disk = self.pruning is not None and path is not None and self.held + size > self.memory_bytes \
            and path.is_file()
        self.held += 0 if on_disk else size
        self.parts.append(path if on_disk else part)

    def _part(self, s: int) -> ShardCounts:
        from glossary.cache import read_entry

        part = self.parts[s]
        if isinstance(part, Path):
            part = read_entry(part, ShardCounts) or self.recount(s)
        return part

    def result(self, jobs: int = 1) -> Counts:
        """The merged counts; the shards are read again: in `jobs` forked processes for the words of the kept
        candidates and the anchors' word-choice keys, then again for the kept rows' tables."""
        release_freed_memory()  # what counting freed (the workers' answers): 1.76 -> 1.42 GB at 100 MB of text
        if not self.parts:  # no documents
            empty = np.zeros(0, dtype=np.int64)
            return Counts(per_doc=DocumentCounts([], empty, empty, empty), tokens=self.tokens)
        # every candidate, a range of keys at a time: its keys ascending, its chosen sequence and what pruning reads;
        # the ranges are independent, each read by one of `jobs` forked processes (set aside on disk, each range is
        # a file of its own)
        found = self._by_range(_candidates_of_range, jobs)
        # a column at a time, each range's let go once joined (at 1 GB of text: 35 million candidates, 51 bytes each)
        candidates = {name: np.concatenate([f.pop(name) for f in found]) for name in list(found[0])}
        del found
        # each range's columns arrived as arrays of a few MB, which glibc keeps once freed: given back before
        # pruning (at 1 GB of text, 35 million candidates' columns, 1.6 GB)
        release_freed_memory()
        chosen = _Chosen(candidates.pop("key"), candidates.pop("sequence"))
        run_shard = candidates.pop("run_shard")
        if self.pruning is None:
            anchors, kept = None, np.ones(len(chosen.keys), dtype=bool)
        else:
            anchors, kept = self._kept_by_summary(chosen.keys, **candidates)
        del candidates
        shards = range(len(self.parts))
        _MERGING.update(merger=self, chosen=chosen, anchors=anchors, kept=kept, run_shard=run_shard)
        try:
            word_choice = []
            # forked processes see _MERGING and the shards held in memory without a copy
            for keys, runs in map_forked(_read_words, shards, jobs):
                word_choice.append(keys)
                chosen.add_runs(runs)
            if self.pruning is not None:
                names = ["".join(chosen.runs[k][0]) for k in np.flatnonzero(anchors).tolist()]
                word_choice = pd.Index(pd.unique(np.concatenate(word_choice)))
                _MERGING.update(word_choice=word_choice, abbreviated=AbbreviationIndex(names))
            # in `jobs` forked readers: they keep the pages this process writes as their tables arrive, but the
            # merge no longer sets the run's peak (at 100 MB of text this phase: 12.5 s and 1,121 MiB with two
            # readers, 20.5 s and 885 MiB in this process; the run's peak, set elsewhere, about 1,440 MiB either way)
            collected = self._collect(map_forked(_collect_shard, shards, jobs), chosen, kept)
        finally:
            _MERGING.clear()
        self.parts = []
        counts = Counts(tokens=self.tokens, frequency_floor=self.floor)
        # a range of keys at a time, each read by one of `jobs` forked processes when set aside on disk: the n-gram
        # counts the statistics read (those of the kept candidates and their parts) and the neighbour tables' sums
        found = self._by_range(_tables_of_range, jobs, kept_keys=chosen.keys[kept])
        tables = {name: [f.pop(name) for f in found] for name in list(found[0])}
        del found
        kept_ngrams = np.concatenate(tables.pop("ngrams"))
        counts.ngrams = StringCounts(keys=kept_ngrams["key"], occurrences=kept_ngrams["occurrences"])
        del kept_ngrams
        # the kept candidates, in the order of their keys: one row each in every table below
        kept_rows = np.flatnonzero(kept)
        kept_keys = chosen.keys[kept_rows]
        words_of, tags_of, names = [], [], []
        for k in kept_rows.tolist():
            words, tags = chosen.runs.pop(k)
            words_of.append(words)
            tags_of.append(tags)
            names.append("".join(words))
        row = {name: k for k, name in enumerate(names)}
        counts.segmentation = CandidateValues(row, words_of)
        counts.pos = CandidateValues(row, tags_of)
        # the kept candidates are among the n-grams kept: looked up there, not in a hash table of every n-gram
        found = counts.ngrams.index.get_indexer(kept_keys)
        counts.frequency = CandidateValues(row, np.where(found >= 0, counts.ngrams.occurrences[found], 0).tolist())
        del found
        release_freed_memory()  # (as the candidates' columns above)
        # documents are disjoint between shards: the tables only need grouping by candidate (its place among the
        # kept), a shard's rows at a time (a search over all of them at once held 40 bytes a row more)
        per_doc = collected.pop("per_doc")
        for k, (candidates, docs, occurrences) in enumerate(per_doc):
            places = np.searchsorted(kept_rows, candidates)
            if (places >= len(kept_rows)).any() or (kept_rows[places] != candidates).any():
                raise RuntimeError("a merged table holds a candidate that was not kept")
            per_doc[k] = (places.astype(np.int32), docs, occurrences)
        counts.per_doc = DocumentCounts.of_parts(row, per_doc)

        def by_row(keys: np.ndarray, values: np.ndarray) -> list:
            rows = sorted_positions(kept_keys, keys)
            if (rows < 0).any():  # every table holds kept candidates only: anything else is a merge gone wrong
                raise RuntimeError("a merged table holds a candidate that was not kept")
            column = np.full(len(kept_keys), None, dtype=object)
            column[rows] = values.tolist()
            return column.tolist()

        for side, name in (("left", "left_entropy"), ("right", "right_entropy"), ("left_glued", "left_glued"),
                           ("right_glued", "right_glued"), ("enumerated", "enumerated")):
            keys, values = (np.concatenate(column) for column in zip(*tables.pop(side)))
            setattr(counts, name, CandidateValues(row, by_row(keys, values)))
        release_freed_memory()  # the merge's tables of every shard's rows are gone: half the process, at 30 MB
        return counts

    def _by_range(self, function: Callable[[int], dict], jobs: int, **shared) -> list[dict]:
        """function(r) for each range of keys, the ranges being independent: in `jobs` forked processes, which see
        this merger and `shared` (through _MERGING) without a copy, when the ranges are set aside on disk; ranges
        held in memory are read here (what a forked process takes from them would stay in this one)."""
        _MERGING.update(merger=self, **shared)
        try:
            return list(map_forked(function, range(self.spill.ranges), jobs if self.spill.folder is not None else 1))
        finally:
            _MERGING.clear()

    def _candidates_in(self, r: int) -> dict[str, np.ndarray]:
        """The candidates of range `r` of the keys, from the shards' summary rows: their keys (ascending) and
        chosen sequences (the token sequence a candidate is most often cut into; ties: the smaller hash), their
        occurrences as n-grams, what pruning reads of them, and the first shard holding each one's chosen sequence
        (its words are read there). Sets aside the range's summed n-gram counts ("summed") and the shards of the
        candidates found in several rows ("shards": a rare candidate joining the kept in one shard is taken from
        the others too)."""
        spill = self.spill
        ngrams = spill.take("ngrams", r, NGRAM_ROW)
        ngram_keys, _, ngram_counts = _sum_pairs([(ngrams["key"], np.zeros(len(ngrams), dtype=np.uint8),
                                                   ngrams["occurrences"])], MERGE_PARTITIONS)
        del ngrams, _
        spill.add("summed", _records(NGRAM_ROW, key=ngram_keys, occurrences=ngram_counts))
        rows = spill.take("summary", r, SUMMARY_ROW)
        keys, sequences, occurrences = _sum_pairs([(rows["key"], rows["sequence"], rows["occurrences"])],
                                                  MERGE_PARTITIONS)
        order = np.lexsort((sequences, -occurrences, keys))
        keys, sequences = keys[order], sequences[order]
        firsts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, dtype=np.int64)
        keys, sequences = keys[firsts], sequences[firsts]
        del occurrences, order, firsts
        n = len(keys)
        row_key = sorted_positions(keys, rows["key"])
        frequency = np.zeros(n, dtype=np.int64)
        found = sorted_positions(keys, ngram_keys)
        frequency[found[found >= 0]] = ngram_counts[found >= 0]
        del ngram_keys, ngram_counts, found
        found = {"key": keys, "sequence": sequences, "frequency": frequency}
        for name in ("variant", "multiset", "chars"):  # a function of the candidate's string: the same in each row
            found[name] = np.zeros(n, dtype=SUMMARY[name])
            found[name][row_key] = rows[name]
        found["parenthesised"] = np.bincount(row_key, weights=rows["parenthesised"], minlength=n) > 0
        is_chosen = rows["sequence"] == sequences[row_key]
        positions = _first_positions(row_key[is_chosen], n)
        found["run_shard"] = np.where(np.bincount(row_key[is_chosen], minlength=n) > 0,
                                      rows["shard"][is_chosen][positions], -1).astype(np.int32)
        several = np.bincount(row_key, minlength=n)[row_key] > 1
        spill.add("shards", _records(SHARD_ROW, key=rows["key"][several], shard=rows["shard"][several]))
        return found

    def _kept_by_summary(self, keys: np.ndarray, frequency: np.ndarray, variant: np.ndarray, multiset: np.ndarray,
                         chars: np.ndarray, parenthesised: np.ndarray):
        """The candidates kept before any shard is read again: the frequent, those sharing a variant key or a
        character multiset with another, curated ones (`anchors`: all that may be ranked), and those beside a
        parenthesis or long enough for the typo scan (`kept`)."""
        pruning = self.pruning
        n = len(keys)
        shares_variant = repeated_hashes(variant)
        shares_multiset = repeated_hashes(multiset, among=chars >= REORDERED_MIN_CHARS)
        curated = list(dict.fromkeys(pruning.curated))
        curated_keys = pd.Index(pd.unique(np.array([string_hash(form) for form in curated], dtype=np.uint64)))
        is_curated = np.zeros(n, dtype=bool)
        if curated:
            is_curated = np.isin(variant, variant_key_hashes(curated, pruning.ignored))
            is_curated[curated_keys.get_indexer(keys) >= 0] = True
        anchors = (frequency >= pruning.min_freq) | shares_variant | shares_multiset | is_curated
        kept = anchors | parenthesised
        if pruning.long_rare_chars is not None:
            kept |= chars >= pruning.long_rare_chars
        if pruning.max_candidates and kept.sum() > pruning.max_candidates:
            # each candidate's occurrences as the rules above count them: its own, or its group's when it shares a
            # variant key or a multiset (rare forms recurring together), curated ones always
            level = frequency.astype(np.float64)
            for shares, key in ((shares_variant, variant), (shares_multiset, multiset)):
                rows = np.flatnonzero(shares)
                level[rows] = np.maximum(level[rows], hash_group_sums(key[rows], frequency[rows]))
                del rows
            level[is_curated] = np.inf
            self.floor = frequency_floor(level, pruning.min_freq, pruning.max_candidates)
            anchors = kept = level >= self.floor
        return anchors, kept

    def _collect(self, results, chosen: "_Chosen", kept: np.ndarray) -> dict:
        """Gathers the shards' _collect_shard results: the kept candidates' tables, and the rare candidates that
        joined them in some shard (kept from now on). A joined candidate with rows in a shard that did not join it
        has those rows taken afterwards (with min_freq 2 a rare candidate lives in one shard, so this is rare)."""
        collected: dict[str, list] = {"per_doc": []}
        joined_where = []
        for s, (joining, tables, runs) in enumerate(results):
            joined_where.append(joining * len(self.parts) + s)
            chosen.add_runs(runs)
            self._set_aside(collected, tables)
        joined_where = np.concatenate(joined_where)
        joined = np.zeros(len(kept), dtype=bool)
        joined[joined_where // len(self.parts)] = True
        kept |= joined
        # the rows of joined candidates in shards that did not join them (a candidate with one row is in the shard
        # that joined it: only those with several were set aside)
        pairs = []
        for r in range(self.spill.ranges):
            shards = self.spill.take("shards", r, SHARD_ROW)
            candidate = chosen.rows(shards["key"])
            late_rows = np.flatnonzero(joined[candidate])
            pairs.append(candidate[late_rows] * len(self.parts) + shards["shard"][late_rows].astype(np.int64))
        pairs = np.concatenate(pairs)
        late = pd.unique(pairs[~np.isin(pairs, joined_where)])
        for s in np.unique(late % len(self.parts)).tolist():
            only = np.zeros(len(kept), dtype=bool)
            only[late[late % len(self.parts) == s] // len(self.parts)] = True
            part = self._part(s)
            rows = chosen.rows(part.forms["key"])
            tables, runs = _take(part, self.documents[s], rows, only[rows], only[rows], chosen, self.pruning is not None)
            chosen.add_runs(runs)
            self._set_aside(collected, tables)
        return collected

    def _set_aside(self, collected: dict, tables: dict) -> None:
        """Keeps one shard's taken rows: those per document in `collected`, the rest set aside by range of keys
        (summed a range at a time at the end, _tables_of_range: summed as they came, every 32 shards, the sums were
        read again and again: at 1 GB of text, a thousand shards)."""
        collected["per_doc"].append(tables["per_doc"])
        self.spill.add("parts", _records(PART_ROW, key=tables["parts"]))
        for name in NEIGHBOUR_TABLES:
            keys, values, occurrences = tables[name]
            self.spill.add(name, _records(PAIR_ROW, key=keys, value=values, occurrences=occurrences))
        keys, _, occurrences = tables["enumerated"]
        self.spill.add("enumerated", _records(NGRAM_ROW, key=keys, occurrences=occurrences))


def frequency_floor(level: np.ndarray, min_freq: int, limit: int) -> int | float:
    """The least occurrences (at least `min_freq`) that at most `limit` of the candidates reach, each counted at
    `level`: one more than the `limit`+1-th highest level (infinite when it is infinite: more curated forms than
    `limit`)."""
    # only levels of at least min_freq can be the answer: the rest (most candidates of a growing archive are seen
    # once) are not copied into the partition (at 1 GB of text, two copies of 35 million levels)
    level = level[level >= min_freq]
    if len(level) <= limit:
        return min_freq
    highest = float(-np.partition(-level, limit)[limit])
    return max(min_freq, int(highest) + 1) if math.isfinite(highest) else math.inf


# what the merge's passes over the shards read (set before processes are forked, so they share it)
_MERGING: dict = {}


def _candidates_of_range(r: int) -> dict[str, np.ndarray]:
    return _MERGING["merger"]._candidates_in(r)


def _tables_of_range(r: int) -> dict[str, np.ndarray | tuple]:
    """Range `r`'s share of the merged tables: the summed counts of the n-grams the statistics read (the kept
    candidates' own and their parts', when pruning), and for each kept candidate of the range its branching
    entropies, most occurrences next to one word that may extend it, and occurrences after a coordinator."""
    merger, kept_keys = _MERGING["merger"], _MERGING["kept_keys"]
    spill = merger.spill
    summed = spill.take("summed", r, NGRAM_ROW)
    parts = spill.take("parts", r, PART_ROW)["key"]
    found: dict[str, np.ndarray | tuple] = {"ngrams": summed}
    if merger.pruning is not None:
        needed = pd.Index(pd.unique(np.concatenate([kept_keys[spill.range_of(kept_keys) == r], parts])))
        found["ngrams"] = summed[needed.get_indexer(summed["key"]) >= 0]
    del summed, parts
    for side in ("left", "right"):
        rows = spill.take(side, r, PAIR_ROW)
        summed = _sum_pairs([(rows["key"], rows["value"], rows["occurrences"])], MERGE_PARTITIONS)
        del rows
        found[side] = _branching_entropies(*summed, MERGE_PARTITIONS)
    for side in ("left_glued", "right_glued"):
        rows = spill.take(side, r, PAIR_ROW)
        keys, _, occurrences = _sum_pairs([(rows["key"], rows["value"], rows["occurrences"])], MERGE_PARTITIONS)
        most = pd.Series(occurrences).groupby(keys, sort=False).max()
        found[side] = (most.index.to_numpy(np.uint64), most.to_numpy())
    rows = spill.take("enumerated", r, NGRAM_ROW)
    keys, _, occurrences = _sum_pairs([(rows["key"], np.zeros(len(rows), dtype=np.uint64), rows["occurrences"])],
                                      MERGE_PARTITIONS)
    found["enumerated"] = (keys, occurrences)
    return found


def _read_words(s: int) -> tuple[np.ndarray, dict]:
    """A shard's word-choice keys of the candidates that may be ranked, and the words and tags of the kept
    candidates whose words it is to give (run_shard)."""
    merging = _MERGING
    chosen, anchors, kept = merging["chosen"], merging["anchors"], merging["kept"]
    forms = merging["merger"]._part(s).forms
    rows = chosen.rows(forms["key"])
    keys = np.zeros(0, dtype=np.uint64)
    if anchors is not None:
        keys = pd.unique(forms["word_choice"][anchors[rows][forms["word_choice_row"]]])
    return keys, chosen.read_runs(forms, rows, kept[rows] & (merging["run_shard"][rows] == s))


def _collect_shard(s: int) -> tuple[np.ndarray, dict, dict]:
    """A shard's rare candidates that share a word-choice key with a candidate that may be ranked, or are the full
    form of one's abbreviation (they join the kept), and the tables, parts and words of its kept rows."""
    merging = _MERGING
    merger, chosen, kept = merging["merger"], merging["chosen"], merging["kept"]
    part = merger._part(s)
    forms = part.forms
    rows = chosen.rows(forms["key"])
    taken = kept[rows]
    joining = np.zeros(0, dtype=np.int64)
    if merger.pruning is not None:
        rare = ~taken
        choice_rows = forms["word_choice_row"]
        asked = rare[choice_rows]
        joins = np.zeros(len(rows), dtype=bool)
        joins[choice_rows[asked][merging["word_choice"].get_indexer(forms["word_choice"][asked]) >= 0]] = True
        joins[rare] |= _full_forms(merging["abbreviated"], forms, rare)
        joining = np.unique(rows[joins])
        taken = taken | joins
    # the words of the kept were read by _read_words; the joining ones' are read here
    tables, runs = _take(part, merger.documents[s], rows, taken, taken & ~kept[rows], chosen, merger.pruning is not None)
    return joining, tables, runs


def _take(part: ShardCounts, documents: np.ndarray, rows: np.ndarray, taken: np.ndarray, read: np.ndarray,
          chosen: "_Chosen", pruned: bool) -> tuple[dict, dict]:
    """A shard's rows `taken` (a mask over its forms): their window tables and the n-grams their statistics read;
    and the words of the rows `read` that are their candidate's chosen sequence."""
    forms = part.forms
    runs = chosen.read_runs(forms, rows, read)
    tables: dict[str, tuple] = {"parts": forms["parts"][taken[forms["parts_row"]]]}
    # a shard's tables hold its own forms' keys only: those of its taken rows are all there is to look up
    wanted = pd.Index(pd.unique(forms["key"][taken]))
    keys, local, occurrences = part.per_doc
    take = wanted.get_indexer(keys) >= 0 if pruned else slice(None)
    # by candidate (its place among every candidate's keys), 32-bit: a row per kept candidate and document is the
    # largest table a merge keeps (at 100 MB of text, 6.8 million rows), 12 bytes a row with the key 16
    tables["per_doc"] = (chosen.rows(keys[take]).astype(np.int32), documents[local[take].astype(np.int64)],
                         occurrences[take])
    for name in NEIGHBOUR_TABLES:
        table = getattr(part, name)
        take = wanted.get_indexer(table[0]) >= 0 if pruned else slice(None)
        tables[name] = tuple(column[take] for column in table)
    keys, occurrences = part.enumerated
    take = wanted.get_indexer(keys) >= 0 if pruned else slice(None)
    tables["enumerated"] = (keys[take], np.zeros(len(keys[take]), dtype=np.uint64), occurrences[take])
    return tables, runs


def _size(part: ShardCounts) -> int:
    """About how many bytes a shard's counts hold: its arrays, and its vocabulary's strings."""
    tables = (part.ngrams, part.per_doc, part.left, part.right, part.left_glued, part.right_glued, part.enumerated)
    arrays = [column for table in tables for column in table] + [value for value in part.forms.values()
                                                                  if isinstance(value, np.ndarray)]
    return sum(array.nbytes for array in arrays) + 80 * len(part.forms["vocabulary"])


class _Chosen:
    """Each candidate's chosen segmentation (key -> token-sequence hash), and its words and tags once read."""

    def __init__(self, keys: np.ndarray, sequences: np.ndarray):
        """`keys` ascending (distinct), `sequences` theirs."""
        self.keys, self.sequences = keys, sequences
        self.runs: dict[int, tuple] = {}
        self.shared: dict = {}  # one object per distinct word and tag sequence, whichever shard sent it

    def rows(self, keys: np.ndarray) -> np.ndarray:
        """Each key's candidate (its place in `keys`), or -1."""
        return sorted_positions(self.keys, keys)

    def add_runs(self, runs: dict[int, tuple]) -> None:
        """Keep runs read from a shard (candidate -> (words, tags)), their words and tag sequences shared: each
        shard sends its own copies: 1.5 million candidates' words and tags, in dicts by name, took 1.6 GB at 100 MB."""
        shared = self.shared
        for k, (words, tags) in runs.items():
            self.runs[k] = (tuple([shared.setdefault(word, word) for word in words]), shared.setdefault(tags, tags))

    def read_runs(self, forms: dict, rows: np.ndarray, wanted: np.ndarray) -> dict[int, tuple]:
        """The words and tags of the forms' rows selected by the mask `wanted` that are their candidate's chosen
        sequence, by candidate (a sequence is one row of a shard: each such row is a candidate of its own)."""
        vocabulary, tags, word_ids = forms["vocabulary"], forms["tags"], forms["words"]
        places = np.flatnonzero(wanted & (self.sequences[rows] == forms["sequence"]))
        runs = {}
        for place, k in zip(places.tolist(), rows[places].tolist()):
            ids = [w for w in word_ids[place].tolist() if w >= 0]
            runs[k] = (tuple(vocabulary[w] for w in ids), tuple(tags[w] for w in ids))
        return runs


def _full_forms(index: AbbreviationIndex, forms: dict, rows: np.ndarray) -> np.ndarray:
    """For a shard's forms selected by the mask `rows`, whether each is the full form of a name of `index` (a
    candidate that may be ranked), as abbreviation_of decides: as group_variants will join them."""
    full_rows, owners = index.pairs(forms["abbreviations"][rows], forms["abbreviation_taken"][rows],
                                    forms["body_chars"][rows], forms["abbreviation_tails"][rows],
                                    forms["char_mask"][rows])
    result = np.zeros(int(rows.sum()), dtype=bool)
    vocabulary, word_ids = forms["vocabulary"], forms["words"][rows]
    full_of: dict[int, tuple] = {}
    for row, owner in zip(full_rows.tolist(), owners.tolist()):
        if result[row]:
            continue
        if row not in full_of:
            tokens = tuple(vocabulary[w] for w in word_ids[row].tolist() if w >= 0)
            full_of[row] = ("".join(tokens), tokens)
        full, tokens = full_of[row]
        result[row] = abbreviates(index.names[owner], full, tokens)
    return result


def _sum_pairs(tables: list[tuple], partitions: int = 1) -> tuple:
    """Concatenate (key, value, occurrences) tables and sum the occurrences of each distinct (key, value), in order
    of first appearance. Pairs are told apart by one hash of both: a hash table over one column, not a sort.
    With `partitions`, a share of the keys at a time (keys are hashes: their low bits share them out evenly), so
    the hash table and its codes take that share of the memory; the pairs of a key keep their order, the keys come
    a share after another (the merge's tables are read by key; at 100 MB of text they hold millions of rows)."""
    keys = np.concatenate([t[0] for t in tables]) if tables else np.zeros(0, dtype=np.uint64)
    if not len(keys):
        return keys.astype(np.uint64), np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    values = np.concatenate([t[1] for t in tables])
    occurrences = np.concatenate([t[2] for t in tables])
    if partitions > 1:
        share = keys % np.uint64(partitions)
        sums = [_sum_pairs([(keys[taken], values[taken], occurrences[taken])])
                for taken in (share == p for p in range(partitions))]
        return tuple(np.concatenate([summed[c] for summed in sums]) for c in range(3))
    with np.errstate(over="ignore"):
        pairs = keys.astype(np.uint64) * np.uint64(TOKEN_BASE) + values.astype(np.uint64)
    codes, distinct = pd.factorize(pairs, sort=False)
    del pairs
    sums = np.bincount(codes, weights=occurrences, minlength=len(distinct))
    first = _first_positions(codes, len(distinct))
    return keys[first], values[first], np.rint(sums).astype(np.int64)


# shares of the keys the merge sums its largest tables in (_sum_pairs)
MERGE_PARTITIONS = 4


def hash_shares(hashes: np.ndarray, partitions: int = 16, among: np.ndarray | None = None):
    """The rows of `hashes` (those of the mask `among` only, when given) a share of the hashes at a time, by their
    low bits, as index arrays: whatever groups rows by hash holds one share's hash table (pandas over the 35
    million candidates of 1 GB of text at once: the merge's peak). One share below a million rows."""
    if len(hashes) < 1 << 20:
        partitions = 1
    share = (hashes % np.uint64(partitions)).astype(np.uint8)
    for p in range(partitions):
        yield np.flatnonzero(share == p if among is None else (share == p) & among)


def repeated_hashes(hashes: np.ndarray, partitions: int = 16, among: np.ndarray | None = None) -> np.ndarray:
    """Which of `hashes` occur more than once (among the rows `among` only, a mask, when given: the others are
    False), a share at a time (hash_shares), with no copy of the rows asked about."""
    shared = np.zeros(len(hashes), dtype=bool)
    for taken in hash_shares(hashes, partitions, among):
        shared[taken] = pd.Series(hashes[taken]).duplicated(keep=False).to_numpy()
    return shared


def hash_group_sums(hashes: np.ndarray, values: np.ndarray, partitions: int = 16) -> np.ndarray:
    """For each row, the sum of `values` over the rows sharing its hash (as float64: exact below 2**53), a share at
    a time (hash_shares; pandas' groupby over millions of rows at once held several copies)."""
    sums = np.zeros(len(hashes), dtype=np.float64)
    for taken in hash_shares(hashes, partitions):
        codes, _ = pd.factorize(hashes[taken])
        sums[taken] = np.bincount(codes, weights=values[taken])[codes] if len(codes) else 0
    return sums


def _branching_entropies(keys: np.ndarray, neighbours: np.ndarray, occurrences: np.ndarray,
                         partitions: int = 1) -> tuple:
    """(distinct keys, their entropies). Branching entropy (Tanaka-Ishii 2005), as statistics.branching_entropy:
    each clause edge a neighbour of its own. With `partitions`, a share of the keys at a time (as _sum_pairs)."""
    if partitions > 1:
        share = keys % np.uint64(partitions)
        found = [_branching_entropies(keys[taken], neighbours[taken], occurrences[taken])
                 for taken in (share == p for p in range(partitions))]
        return np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])
    frame = pd.DataFrame({"key": keys, "n": occurrences.astype(float), "edge": neighbours == EDGE})
    total = frame.groupby("key", sort=False)["n"].transform("sum")
    p = frame["n"] / total
    frame["h"] = np.where(frame["edge"], p * np.log2(total), -p * np.log2(p))
    entropies = frame.groupby("key", sort=False)["h"].sum()
    return entropies.index.to_numpy(np.uint64), entropies.to_numpy()
