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
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from glossary.parallel import collector_paused
from glossary.mining.segment import Segmenter, Token
from glossary.mining.shape import (
    CLAUSE_INTERNAL, NUMBER, PUNCTUATION, WORD_FLAGS, Lexicon, general_zipf, is_edge_word, may_start, window_verdicts,
    word_flags,
)

MASK = (1 << 64) - 1
CHAR_BASE = 0x100000001B3  # odd, so invertible modulo 2^64 (the FNV-64 prime)
TOKEN_BASE = 0x9E3779B97F4A7C15  # a second odd base, for hashes of token sequences (segmentations)
EDGE = 0  # the neighbour of an occurrence that opens or closes its clause
DROP, BOUNDARY, WORD = 0, 1, 2  # what a token is to the counting: space, clause boundary, word


@lru_cache(maxsize=1_000_000)
def string_hash(text: str) -> int:
    """The polynomial hash of a string's characters, modulo 2^64; equal to the hash count_shard gives a window."""
    value = 0
    for char in text:
        value = (value * CHAR_BASE + ord(char)) & MASK
    return value


def _powers(base: int, n: int) -> np.ndarray:
    """base^0 .. base^n modulo 2^64 (numpy's unsigned arithmetic wraps)."""
    steps = np.full(n + 1, base, dtype=np.uint64)
    steps[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(steps, dtype=np.uint64)


class StringCounts(Mapping):
    """Occurrences of n-grams looked up by their string; only the n-grams the statistics read are held."""

    def __init__(self, counts: dict[int, int] | None = None):
        self.by_hash = counts or {}

    def __getitem__(self, text: str) -> int:
        return self.by_hash.get(string_hash(text), 0)

    def get(self, text: str, default: int = 0) -> int:
        return self.by_hash.get(string_hash(text), default)

    def __contains__(self, text) -> bool:
        return isinstance(text, str) and string_hash(text) in self.by_hash

    def __iter__(self):
        raise TypeError("n-gram counts are looked up by string, not listed")

    def __len__(self) -> int:
        return len(self.by_hash)


class DocCounter(Mapping):
    """Occurrences of one candidate per document index, as two arrays (a corpus of ten thousand documents holds
    millions of these pairs; a dict of dicts would not fit in memory)."""

    __slots__ = ("docs", "counts")

    def __init__(self, docs: Sequence[int] = (), counts: Sequence[int] = ()):
        self.docs = np.asarray(docs, dtype=np.int64)
        self.counts = np.asarray(counts, dtype=np.int64)

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


class DocumentCounts(MutableMapping):
    """Candidate -> DocCounter for a whole corpus, grouped in a background thread (numpy sorts and gathers without
    the interpreter lock) while mining goes on; `documents(name)`, how many documents use a candidate, never
    waits for it."""

    def __init__(self, names: list[str], codes: np.ndarray, docs: np.ndarray, occurrences: np.ndarray):
        import threading

        self._index = {name: k for k, name in enumerate(names)}
        self._documents = np.bincount(codes, minlength=len(names))
        self._added: dict[str, DocCounter] = {}
        self._grouped: tuple | BaseException | None = None
        self._pending = (codes, docs, occurrences)
        self._thread = threading.Thread(target=self._group, args=self._pending, daemon=True)
        self._thread.start()

    def _group(self, codes, docs, occurrences) -> None:
        try:
            # numpy sorts 16-bit integers by radix, in linear time: most corpora have fewer distinct candidates
            order = np.argsort(codes.astype(np.uint16) if len(self._index) <= 1 << 16 else codes, kind="stable")
            bounds = np.concatenate([[0], np.cumsum(self._documents)])
            self._grouped = (docs[order], occurrences[order], bounds)
            self._pending = None
        except BaseException as error:  # noqa: BLE001  (raised where the counts are read)
            self._grouped = error

    def documents(self, name: str) -> int:
        if name in self._added:
            return len(self._added[name])
        return int(self._documents[self._index[name]])

    def __getitem__(self, name: str) -> DocCounter:
        if name in self._added:
            return self._added[name]
        k = self._index[name]
        self._thread.join()
        if self._grouped is None:  # a forked process has no copy of the thread: group here
            self._group(*self._pending)
        if isinstance(self._grouped, BaseException):
            raise self._grouped
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
    """How many documents use a candidate, without waiting for DocumentCounts to be grouped."""
    return per_doc.documents(name) if isinstance(per_doc, DocumentCounts) else len(per_doc[name])


@dataclass
class Counts:
    """What the statistics read, for the whole corpus."""

    ngrams: StringCounts = field(default_factory=StringCounts)  # candidates and their parts -> occurrences
    segmentation: dict = field(default_factory=dict)  # candidate -> its most frequent tokens
    pos: dict = field(default_factory=dict)  # candidate -> the POS tags of those tokens
    per_doc: dict = field(default_factory=dict)  # candidate -> DocCounter
    # candidate -> its occurrences as an n-gram (ngrams[candidate]), gathered by hash at merge time: looking a
    # million candidates up by string would hash each string again in Python
    frequency: dict = field(default_factory=dict)
    left_entropy: dict = field(default_factory=dict)  # candidate -> branching entropy of its left neighbours
    right_entropy: dict = field(default_factory=dict)
    enumerated: dict = field(default_factory=dict)  # candidate -> occurrences right after 和, 及, 、 …
    tokens: int = 0

    def occurrences(self, name: str) -> int:
        """ngrams[name], from `frequency` when the name is a candidate."""
        found = self.frequency.get(name)
        return found if found is not None else self.ngrams[name]


@dataclass
class ShardCounts:
    """One shard's counts, every table keyed by window hash (see count_shard)."""

    tokens: int
    ngrams: tuple  # (string hash, occurrences) of the n-grams the shard's candidates need
    per_doc: tuple  # (string hash, document within the shard, occurrences) of candidates
    left: tuple  # (string hash, neighbour's hash or EDGE, occurrences)
    right: tuple
    enumerated: tuple  # (string hash, occurrences after a coordinator)
    segmentations: tuple  # (string hash, token-sequence hash, occurrences)
    token_runs: dict  # token-sequence hash -> (words, tags) of the candidates' segmentations


# --- one shard ------------------------------------------------------------------------------------------------


class WordTable:
    """What counting needs to know of each distinct word, computed once per process: it is a pure function of the
    word, the segmenter's tag for it (jieba tags a word from its dictionary, whatever the context) and the lexicon.
    Kept as columns (ROW_FIELDS) indexed by a word id, so a shard's table is a gather, not a loop."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.ids: dict[str, int] = {}
        self.columns = {name: np.zeros(0, dtype=dtype) for name, dtype in ROW_FIELDS}

    def table(self, words: list[str], tag_of: Callable[[int], str]) -> dict[str, np.ndarray]:
        """The columns for `words` (distinct), `tag_of(k)` giving the tag of words[k]."""
        ids = self.ids
        new = [k for k, word in enumerate(words) if word not in ids]
        if new:
            rows = [self._describe(words[k], tag_of(k)) for k in new]
            for k in new:
                ids[words[k]] = len(ids)
            for i, (name, dtype) in enumerate(ROW_FIELDS):
                column = np.array([row[i] for row in rows], dtype=dtype)
                self.columns[name] = np.concatenate([self.columns[name], column])
        index = np.fromiter(map(ids.__getitem__, words), dtype=np.int64, count=len(words))
        return {name: column[index] for name, column in self.columns.items()}

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


_RUNS: dict = {}  # segmenter fingerprint -> {token-sequence hash: (words, tags)}


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
    char_pow = _powers(CHAR_BASE, int(char_end[-1]) + 1)
    char_inv = _powers(pow(CHAR_BASE, -1, 1 << 64), int(char_end[-1]) + 1)
    token_pow = _powers(TOKEN_BASE, n + 1)
    token_inv = _powers(pow(TOKEN_BASE, -1, 1 << 64), n + 1)
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
    # the words and tags of each candidate sequence (remembered across shards)
    runs = _RUNS.setdefault(segmenter.fingerprint, {})
    if len(runs) > 2_000_000:
        runs.clear()
    token_runs: dict[int, tuple] = {}
    word_of, tag_of = table["word"], table["pos"]
    for k, key in zip(np.flatnonzero(verdicts).tolist(), distinct[verdicts].tolist()):
        run = runs.get(key)
        if run is None:
            w = first_windows[k]
            span = codes[i[w]: j[w]]
            run = runs[key] = (tuple(word_of[span].tolist()), tuple(tag_of[span].tolist()))
        token_runs[key] = run
    # one window of each candidate segmentation, for its parts below
    wi, wj = i[first_windows[verdicts]], j[first_windows[verdicts]]
    chosen = verdicts[inverse]
    i, j, sequences = i[chosen], j[chosen], sequences[chosen]
    strings = string_of(i, j)

    # neighbours: the word before and after each occurrence, or EDGE at a clause's edge
    before, after = np.maximum(i - 1, 0), np.minimum(j, max(n - 1, 0))
    opens = (i == 0) | boundary[before]
    closes = (j >= n) | boundary[after]
    left = np.where(opens, np.uint64(EDGE), h[before])
    right = np.where(closes, np.uint64(EDGE), h[after])
    coordinated = ~opens & table["separator"][codes[before]]
    enumerated_keys, _, enumerated_counts = _count_pairs(strings[coordinated], np.zeros(int(coordinated.sum()),
                                                                                        dtype=np.uint64))

    # the n-grams the statistics read: each candidate, and both parts of each split of each segmentation
    needed = [strings]
    for k in range(1, max_tokens):
        split = wj - wi > k
        needed += [string_of(wi[split], wi[split] + k), string_of(wi[split] + k, wj[split])]
    needed = pd.unique(np.concatenate(needed))
    every = np.concatenate(all_hashes) if all_hashes else np.zeros(0, dtype=np.uint64)
    every = pd.Series(every[pd.Index(needed).get_indexer(every) >= 0]).value_counts(sort=False)
    ngram_keys, ngram_counts = every.index.to_numpy(np.uint64), every.to_numpy(np.int64)
    return ShardCounts(
        tokens=tokens,
        ngrams=(ngram_keys, ngram_counts),
        per_doc=_narrow(_count_pairs(strings, doc[i])),
        left=_count_pairs(strings, left),
        right=_count_pairs(strings, right),
        enumerated=(enumerated_keys, enumerated_counts),
        segmentations=_count_pairs(strings, sequences.astype(np.uint64)),
        token_runs=token_runs,
    )


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


def _start_worker(user_words: tuple, engine: str, lexicon: Lexicon, max_tokens: int, max_chars: int) -> None:
    """What every shard's counting needs, set once per process. count_corpus sets it in the parent before starting
    workers, so forked workers inherit the loaded dictionaries (jieba's, wordfreq's) instead of each loading them."""
    setup = (user_words, engine, lexicon.fingerprint, max_tokens, max_chars)
    if _WORKER.get("setup") == setup:
        return
    segmenter = Segmenter(user_words, engine=engine)
    segmenter.tag_raw("发展")  # loads the dictionary
    general_zipf("发展")  # loads wordfreq's frequency list
    _WORKER.update(setup=setup, segmenter=segmenter, words=WordTable(lexicon), max_tokens=max_tokens,
                   max_chars=max_chars)


def _count_in_worker(task: tuple[list[list[str]], Path | None]) -> ShardCounts:
    """Count one shard and cache it (in the worker: writing is part of the parallel work)."""
    from glossary.cache import write_entry

    documents, path = task
    part = count_shard(documents, _WORKER["segmenter"], _WORKER["words"], _WORKER["max_tokens"], _WORKER["max_chars"])
    write_entry(path, part)
    return part


# the modules whose code shapes a shard's counts: a change to any of them misses the cache
COUNTING_MODULES = ("glossary.text", "glossary.mining.segment", "glossary.mining.shape", "glossary.mining.count")


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
) -> Counts:
    """Count every document (`texts`: each document's paragraphs), shard by shard, in `jobs` worker processes.
    Each shard's counts are cached on disk by the hash of its documents and of everything that shapes counting."""
    import hashlib

    from glossary.cache import cache_key, code_fingerprint, entry_path, read_entry

    fingerprint = repr((segmenter.fingerprint, lexicon.fingerprint, max_tokens, max_chars,
                        code_fingerprint(*COUNTING_MODULES)))
    content = [hashlib.sha256("\0".join(t).encode("utf-8")).hexdigest() for t in texts]
    shards = shard_count(sum(len(p) for t in texts for p in t), shard_chars)
    members: list[list[int]] = [[] for _ in range(shards)]
    for index in sorted(range(len(texts)), key=lambda k: (content[k], k)):
        members[shard_of(content[index], shards)].append(index)
    members = [m for m in members if m]
    paths = [entry_path(cache_dir, "counts", cache_key(fingerprint, *(content[k] for k in m))) for m in members]
    missing = [s for s, path in enumerate(paths) if path is None or not path.is_file()]
    setup = (tuple(segmenter.user_words), segmenter.engine, lexicon, max_tokens, max_chars)
    work = sum(len(p) for s in missing for k in members[s] for p in texts[k])
    # worker processes pay a start-up (dictionaries, word frequencies) that only a large corpus repays
    parallel = jobs > 1 and len(missing) > 1 and work >= parallel_min_chars
    merged = _Merger()
    _start_worker(*setup)
    with contextlib.ExitStack() as stack:
        tasks = (([texts[k] for k in members[s]], paths[s]) for s in missing)
        if parallel:
            from concurrent.futures import ProcessPoolExecutor

            pool = stack.enter_context(ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                                                           initargs=setup))
            counted = pool.map(_count_in_worker, tasks)
        else:
            counted = map(_count_in_worker, tasks)
        counted, fresh = iter(counted), set(missing)
        # merged in shard order as they come, so few shards' tables wait in memory
        for s in range(len(members)):
            part = next(counted) if s in fresh else read_entry(paths[s], ShardCounts)
            if part is None:  # a cache entry damaged since it was looked at
                part = _count_in_worker(([texts[k] for k in members[s]], paths[s]))
            merged.add(part, members[s])
            if progress:
                progress(len(members[s]))
    return merged.result()


class _Merger:
    """Sums shards' tables as they arrive, compacting now and then so memory stays near the distinct keys."""

    def __init__(self):
        self.tokens = 0
        self.tables: dict[str, list] = {"ngrams": [], "per_doc": [], "left": [], "right": [], "enumerated": [],
                                        "segmentations": []}
        self.token_runs: dict[int, tuple] = {}

    def add(self, part: ShardCounts, documents: list[int]) -> None:
        self.tokens += part.tokens
        keys, local, occurrences = part.per_doc
        self.tables["per_doc"].append((keys, np.asarray(documents, dtype=np.int64)[local.astype(np.int64)], occurrences))
        self.tables["ngrams"].append((part.ngrams[0], np.zeros(len(part.ngrams[0]), dtype=np.uint64), part.ngrams[1]))
        for name in ("left", "right", "segmentations"):
            self.tables[name].append(getattr(part, name))
        keys, occurrences = part.enumerated
        self.tables["enumerated"].append((keys, np.zeros(len(keys), dtype=np.uint64), occurrences))
        for key, run in part.token_runs.items():
            self.token_runs.setdefault(key, run)
        if len(self.tables["left"]) >= 32:
            for name in ("ngrams", "left", "right", "enumerated", "segmentations"):
                self.tables[name] = [_sum_pairs(self.tables[name])]

    def result(self) -> Counts:
        ngram_keys, _, ngram_counts = _sum_pairs(self.tables["ngrams"])
        counts = Counts(ngrams=StringCounts(dict(zip(ngram_keys.tolist(), ngram_counts.tolist()))),
                        tokens=self.tokens)
        # a candidate's segmentation: the token sequence it is most often cut into (ties: the smaller hash)
        keys, sequences, occurrences = _sum_pairs(self.tables["segmentations"])
        order = np.lexsort((sequences, -occurrences, keys))
        keys, sequences = keys[order], sequences[order]
        firsts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, dtype=np.int64)
        name_of: dict[int, str] = {}
        for key, sequence in zip(keys[firsts].tolist(), sequences[firsts].tolist()):
            run_words, run_tags = self.token_runs[sequence]
            name = "".join(run_words)
            name_of[key] = name
            counts.segmentation[name] = run_words
            counts.pos[name] = run_tags
        # documents are disjoint between shards: the tables only need grouping by candidate
        tables = self.tables["per_doc"] or [(np.zeros(0, dtype=np.uint64),) + (np.zeros(0, dtype=np.int64),) * 2]
        keys, docs, occurrences = (np.concatenate([t[k] for t in tables]) for k in range(3))
        self.tables["per_doc"] = []
        codes, distinct = pd.factorize(keys, sort=False)
        names = [name_of[key] for key in distinct.tolist()]
        counts.per_doc = DocumentCounts(names, codes, docs, occurrences)
        found = pd.Index(ngram_keys).get_indexer(np.asarray(distinct, dtype=np.uint64))
        counts.frequency = dict(zip(names, np.where(found >= 0, ngram_counts[found], 0).tolist()))
        for side, target in (("left", counts.left_entropy), ("right", counts.right_entropy)):
            for key, entropy in _branching_entropies(*_sum_pairs(self.tables[side])):
                target[name_of[key]] = entropy
        keys, _, occurrences = _sum_pairs(self.tables["enumerated"])
        counts.enumerated = {name_of[k]: n for k, n in zip(keys.tolist(), occurrences.tolist())}
        return counts


def _sum_pairs(tables: list[tuple]) -> tuple:
    """Concatenate (key, value, occurrences) tables and sum the occurrences of each distinct (key, value), in order
    of first appearance. Pairs are told apart by one hash of both: a hash table over one column, not a sort."""
    keys = np.concatenate([t[0] for t in tables]) if tables else np.zeros(0, dtype=np.uint64)
    if not len(keys):
        return keys.astype(np.uint64), np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    values = np.concatenate([t[1] for t in tables])
    with np.errstate(over="ignore"):
        pairs = keys.astype(np.uint64) * np.uint64(TOKEN_BASE) + values.astype(np.uint64)
    codes, distinct = pd.factorize(pairs, sort=False)
    sums = np.bincount(codes, weights=np.concatenate([t[2] for t in tables]), minlength=len(distinct))
    first = _first_positions(codes, len(distinct))
    return keys[first], values[first], np.rint(sums).astype(np.int64)


def _branching_entropies(keys: np.ndarray, neighbours: np.ndarray, occurrences: np.ndarray):
    # Branching entropy (Tanaka-Ishii 2005), as statistics.branching_entropy: each clause edge a neighbour of its own
    if not len(keys):
        return
    frame = pd.DataFrame({"key": keys, "n": occurrences.astype(float), "edge": neighbours == EDGE})
    total = frame.groupby("key", sort=False)["n"].transform("sum")
    p = frame["n"] / total
    frame["h"] = np.where(frame["edge"], p * np.log2(total), -p * np.log2(p))
    yield from frame.groupby("key", sort=False)["h"].sum().items()
