"""Variants stage: group the surface forms of one concept, so a glossary row and a drift report see them together.

Each relation is a named function over two forms; `group_variants` joins forms that any relation links:
  same_without_particles   包容和可持续的工业发展 / 包容及可持续工业发展 / 包容可持续工业发展 ; 《多哈行动纲领》 / 多哈行动纲领
  word_choice              国家伙伴关系方案 / 国别伙伴关系方案 (one word swapped for a near-synonym sharing a character)
  reordering               最不发达国家等高代办 / 最不发达等国家高代办 (the same characters in another order)
  abbreviation_of          工发组织 / 联合国工业发展组织 ; 非加太国家组织 / 非洲、加勒比和太平洋国家组织
plus abbreviations a document defines in parentheses (国际劳工组织（劳工组织）) and the forms of a curated entry.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from glossary.text import HAN
from glossary.mining.hashing import CHAR_BASE, powers, searched, spread_hashes, string_hashes
from glossary.mining.shape import NAME_NUMBER

NUMERAL = re.compile(r"[0-9零一二三四五六七八九十百千]")
PARENTHETICAL = re.compile(f"([{HAN}、]{{3,40}})[（(]([{HAN}]{{2,12}})[）)]")


def variant_key(term: str, ignored: str) -> str:
    """A form with title brackets, spaces and coordination/attribution particles removed."""
    return term.translate(_deletion_table(ignored))


@lru_cache(maxsize=16)
def _deletion_table(ignored: str) -> dict[int, None]:
    return dict.fromkeys(map(ord, ignored + "《》 \u3000"))


def same_without_particles(a: str, b: str, ignored: str) -> bool:
    return variant_key(a, ignored) == variant_key(b, ignored)


WORD_CHOICE_MIN_SHARED = 4


def word_choice_keys(slots: np.ndarray, chars: np.ndarray) -> np.ndarray:
    """Blocking keys of word_choice: a form's token sequence with the word at one place replaced by a mark of its
    length (`slots`, hashed by count.py) combined with one character of that word (`chars`, code points). Two forms
    word_choice links share a key: the same sequence but for one word of the same length, sharing a character."""
    with np.errstate(over="ignore"):
        return spread_hashes(slots.astype(np.uint64) ^ spread_hashes(chars.astype(np.uint64) + np.uint64(1 << 33)))


def word_choice(a: Sequence[str], b: Sequence[str], min_shared_chars: int = WORD_CHOICE_MIN_SHARED) -> bool:
    """Token sequences equal but for one word, swapped for one of the same length that shares a character."""
    if len(a) != len(b) or len(a) < 2:
        return False
    differing = [i for i in range(len(a)) if a[i] != b[i]]
    if len(differing) != 1:
        return False
    x, y = a[differing[0]], b[differing[0]]
    shared = sum(len(w) for i, w in enumerate(a) if i != differing[0])
    return (
        len(x) == len(y)
        and bool(set(x) & set(y))
        and not NUMERAL.search(x + y)
        and shared >= min_shared_chars
    )


# a reordering of fewer characters is no typo of a name (南南合作 / 合作南南): forms this short are never compared
REORDERED_MIN_CHARS = 6


def reordering(a: str, b: str, min_chars: int = REORDERED_MIN_CHARS) -> bool:
    """The same characters in another order: a transposition typo of a long name."""
    return a != b and len(a) >= min_chars and sorted(a) == sorted(b)


def find_reorderings(texts: Sequence[str], names: Iterable[str],
                     min_chars: int = REORDERED_MIN_CHARS) -> dict[str, str]:
    """Strings of the texts that are reorderings of a name (最不发达等国家高代办 for 最不发达国家等高代办) even where
    the reordered string is no candidate of its own. A typo keeps the name's first and last characters and all its
    characters: for each name length, one vectorised pass keys every window of the text by its first and last
    characters and the multiset hash of its characters (char_multiset_hashes), and looks the keys up among the
    names'. Only the windows that match are compared as strings."""
    names = [name for name in dict.fromkeys(names) if len(name) >= min_chars]
    text = "\n".join(texts)
    if not names or not text:
        return {}
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    with np.errstate(over="ignore"):
        prefix = np.concatenate([np.zeros(1, dtype=np.uint64), np.cumsum(spread_hashes(chars), dtype=np.uint64)])
    name_keys = _ends_keys(char_multiset_hashes(names), np.array([ord(name[0]) for name in names], dtype=np.uint64),
                           np.array([ord(name[-1]) for name in names], dtype=np.uint64))
    by_key: dict[tuple[int, int], list[str]] = defaultdict(list)
    for name, key in zip(names, name_keys.tolist()):
        by_key[(len(name), key)].append(name)
    hits: list[tuple[int, int, str, str]] = []
    lengths = np.array([len(name) for name in names])
    for length in sorted(set(lengths.tolist())):
        if length > len(chars):
            break
        with np.errstate(over="ignore"):
            sums = prefix[length:] - prefix[: len(prefix) - length]
        window_keys = _ends_keys(sums, chars[: len(chars) - length + 1], chars[length - 1:])
        wanted = pd.Index(pd.unique(name_keys[lengths == length]))
        for start, key in zip(*(a.tolist() for a in _matching(window_keys, wanted))):
            window = text[start: start + length]
            for name in by_key[(length, key)]:
                if reordering(name, window):
                    hits.append((start, length, window, name))
    found: dict[str, str] = {}
    for _, _, window, name in sorted(hits, key=lambda hit: hit[:2]):
        found.setdefault(window, name)
    return found


def blocks_sharing_hashes(forms: Sequence[str], ignored: str,
                          min_reordered_chars: int = REORDERED_MIN_CHARS) -> dict[tuple, list[str]]:
    """The forms that share a hash with another, in their order, keyed ("particles", hash of the variant key) or
    ("reordering", hash of the characters' multiset, forms of `min_reordered_chars` or more only). The hashes are
    computed for all forms in one numpy pass; only forms in a block of two or more are read one by one."""
    long_enough = np.fromiter(map(len, forms), dtype=np.int64, count=len(forms)) >= min_reordered_chars
    blocks: dict[tuple, list[str]] = defaultdict(list)
    for how, hashes, among in (("particles", variant_key_hashes(forms, ignored), np.ones(len(forms), dtype=bool)),
                               ("reordering", char_multiset_hashes(forms), long_enough)):
        positions = np.flatnonzero(among)
        shared = positions[pd.Series(hashes[positions]).duplicated(keep=False).to_numpy()]
        for k, value in zip(shared.tolist(), hashes[shared].tolist()):
            blocks[(how, value)].append(forms[k])
    return blocks


def _matching(keys: np.ndarray, wanted: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Positions of `keys` found in `wanted`, and those keys."""
    positions = np.flatnonzero(wanted.get_indexer(keys) >= 0)
    return positions, keys[positions]


def char_multiset_hashes(strings: Sequence[str]) -> np.ndarray:
    """One 64-bit hash per string of the multiset of its characters (the sum of a hash of each character): strings
    that are reorderings of each other share it, so grouping by it blocks reordering tests without sorting each
    string. Computed for all strings in one numpy pass."""
    with np.errstate(over="ignore"):
        return _per_string(strings, spread_hashes, np.add)


def char_masks(strings: Sequence[str]) -> np.ndarray:
    """One 64-bit mask per string with a bit set for each of its characters (a character's bit: the top six bits
    of its splitmix64 value): a string whose characters all occur in another has its mask inside the other's, so a
    subsequence test (is_subsequence) can be refused for many pairs at once without a string."""
    return _per_string(strings, lambda chars: np.left_shift(np.uint64(1), spread_hashes(chars) >> np.uint64(58)),
                       np.bitwise_or)


def _per_string(strings: Sequence[str], of_chars, combine: np.ufunc) -> np.ndarray:
    """A uint64 per string: `of_chars` of its characters' code points (uint64), combined by the ufunc `combine`
    (0 for an empty string)."""
    if not strings:
        return np.zeros(0, dtype=np.uint64)
    chars = np.frombuffer("".join(strings).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
    values = np.zeros(len(strings), dtype=np.uint64)
    filled = lengths > 0
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])[filled]
    values[filled] = combine.reduceat(of_chars(chars), offsets, dtype=np.uint64)
    return values


VARIANT_BASE = 0x100000001B3  # odd, so its powers are invertible modulo 2^64 (count.py sums keys of words)


def variant_key_hashes(strings: Sequence[str], ignored: str) -> np.ndarray:
    """One 64-bit hash per string of its variant_key (the string without `ignored` characters, title brackets and
    spaces), for all strings in one numpy pass: equal keys give equal hashes, different keys collide only by chance
    (a polynomial hash of the characters' splitmix64 values, modulo 2^64)."""
    if not strings:
        return np.zeros(0, dtype=np.uint64)
    chars = np.frombuffer("".join(strings).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
    dropped = np.fromiter(_deletion_table(ignored), dtype=np.uint64)
    kept = ~np.isin(chars, dropped)
    form_of = np.repeat(np.arange(len(strings)), lengths)
    before = np.concatenate([[0], np.cumsum(kept)])  # kept characters before each position
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    rank = before[:-1] - before[starts][form_of]  # a kept character's place within its string's key
    powers = np.cumprod(np.full(int(lengths.max()) + 1, VARIANT_BASE, dtype=np.uint64), dtype=np.uint64) \
        if len(chars) else np.zeros(1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        values = np.where(kept, spread_hashes(chars) * powers[rank], np.uint64(0))
        sums = np.zeros(len(strings), dtype=np.uint64)
        filled = lengths > 0
        sums[filled] = np.add.reduceat(values, starts[filled], dtype=np.uint64)
    return sums


def _ends_keys(sums: np.ndarray, firsts: np.ndarray, lasts: np.ndarray) -> np.ndarray:
    """A multiset hash combined with the first and last characters' code points (uint64 arrays)."""
    with np.errstate(over="ignore"):
        return sums ^ spread_hashes(firsts << np.uint64(21) | lasts)


# the words an abbreviation takes no character from (abbreviation_of)
ABBREVIATION_FUNCTION_WORDS = "和及与的、"


def abbreviation_keys(heads: np.ndarray, openings: np.ndarray, lasts: np.ndarray) -> np.ndarray:
    """Blocking keys of the abbreviation test (abbreviation_of), equal for a full form and every abbreviation it
    may have. The abbreviation ends in the full form's head word and its body takes a leading part of each content
    word, in order, from the first or the second: so the body opens with that word's first character, and holds
    the last content word's first character after its own first (0: the body has one word). A full form gives
    (head, first character of the first content word it keeps, of the last), for both places it may start; an
    abbreviation gives (its ending, its first character, any later character of the body, or 0) for every
    cut. `heads` are string hashes (hashing.string_hash), `openings` and `lasts` code points."""
    with np.errstate(over="ignore"):
        mixed = spread_hashes(openings.astype(np.uint64)) ^ spread_hashes(lasts.astype(np.uint64) + np.uint64(1 << 32))
        return spread_hashes(heads.astype(np.uint64) ^ mixed)


def abbreviation_of(short: str, full_tokens: Sequence[str], function_words: str = ABBREVIATION_FUNCTION_WORDS) -> bool:
    """`short` keeps the head word of the full name whole and takes a leading part of every other content word, in
    order, except at most one leading qualifier: 工发组织 ← (联合国)|工业|发展|组织, 非加太国家组织 ←
    非洲|、|加勒比|和|太平洋|国家|组织. A plain substring is nesting, not this; skipping an inner word
    (中等收入成员国家 → 中等收入国家) makes another concept."""
    full = "".join(full_tokens)
    if len(short) < 3 or len(short) >= len(full) or len(full_tokens) < 2:
        return False
    if variant_key(short, function_words) in variant_key(full, function_words):
        return False  # nested (可持续工业发展 in 包容和可持续的工业发展), not abbreviated
    head = full_tokens[-1]
    if not short.endswith(head):
        return False
    body = short[: len(short) - len(head)]
    words = [w for w in full_tokens[:-1] if w not in function_words]
    for skip in (0, 1):
        rest = body
        for word in words[skip:]:
            n = next((k for k in range(min(len(word), len(rest)), 0, -1) if word[:k] == rest[:k]), 0)
            if n == 0:
                break
            rest = rest[n:]
        else:
            if not rest:
                return True
    return False


def abbreviates(short: str, full: str, full_tokens: Sequence[str]) -> bool:
    """Whether `short` abbreviates the form `full` (its words `full_tokens`): the cheapest tests first. A short form
    inside the full one is nested, not abbreviated; its characters must occur in the full form in order; then
    abbreviation_of decides."""
    return short not in full and is_subsequence(short, full) and abbreviation_of(short, full_tokens)


def abbreviation_short_keys(shorts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """abbreviation_keys of each short form for every cut (body short[:cut], ending short[cut:]): the
    ending's string hash, the first character, and each later character of the body or 0; the index of the
    short form each key is of, and the cut. A full form it abbreviates has one of these keys (count_shard's
    `abbreviations`). In numpy, strings of one length at a time: a string's hash is sum c_k B^(n-1-k), so an
    ending's is the sum of its characters' terms."""
    keys, owners, cut_of = [], [], []
    by_length: dict[int, list[int]] = defaultdict(list)
    for k, short in enumerate(shorts):
        if len(short) >= 2:
            by_length[len(short)].append(k)
    for length, group in by_length.items():
        chars = np.frombuffer("".join(shorts[k] for k in group).encode("utf-32-le"), dtype=np.uint32)
        chars = chars.astype(np.uint64).reshape(len(group), length)
        with np.errstate(over="ignore"):
            terms = chars * powers(CHAR_BASE, length)[length - 1 - np.arange(length)][None, :]
            endings = np.cumsum(terms[:, ::-1], axis=1, dtype=np.uint64)[:, ::-1]  # endings[:, cut]
        # (cut, q): the ending after `cut` with the body's character q (1 <= q < cut), or 0 (q = 0)
        cuts, places = np.nonzero(np.tri(length, length, -1, dtype=bool))
        cuts, places = cuts[cuts >= 1], places[cuts >= 1]
        lasts = np.where(places == 0, np.uint64(0), chars[:, places])
        keys.append(abbreviation_keys(endings[:, cuts].ravel(), np.repeat(chars[:, 0], len(cuts)), lasts.ravel()))
        owners.append(np.repeat(np.asarray(group, dtype=np.int32), len(cuts)))
        cut_of.append(np.tile(cuts.astype(np.int8), len(group)))
    if not keys:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int8)
    return np.concatenate(keys), np.concatenate(owners), np.concatenate(cut_of)


class AbbreviationIndex:
    """The short forms (names) an abbreviation of a full form may be, searched by the full form's abbreviation keys
    (abbreviation_keys: count_shard gives every candidate form them, full_form_keys any list of forms). A pair
    qualifies when a short form's key (abbreviation_short_keys) is the full form's at a cut that leaves the body a
    character for each word it takes from and the full form longer; abbreviation_of then decides. Keys and cuts are
    searched together: the low CUT_BITS bits of a key hold the cut, so a key's entries lie in cut order."""

    CUT_BITS = 5  # cuts run below 32: candidates hold at most max_term_chars (24) characters

    def __init__(self, names: list[str]):
        # a short form of n characters has n(n-1)/2 keys: the index holds them and their owners only, 12 bytes a key
        # (with each key's hash and mask, and a hash table of the keys, building it for a 100 MB corpus raised the
        # merging process by 850 MB)
        keys, owners, cuts = abbreviation_short_keys(names)
        low = np.uint64((1 << self.CUT_BITS) - 1)
        keys &= ~low
        keys |= np.minimum(cuts, int(low)).astype(np.uint64)
        del cuts
        order = np.argsort(keys, kind="stable")
        self.keyed, self.owners = keys[order], owners[order]
        del keys, owners, order
        self.names, self.low = names, low
        # the short forms' own hashes and character masks, read through `owners`
        self.hashes = string_hashes(names) if len(names) else np.zeros(0, dtype=np.uint64)
        self.masks = char_masks(names) if len(names) else np.zeros(0, dtype=np.uint64)

    def pairs(self, keys: np.ndarray, taken: np.ndarray, body: np.ndarray, tails: np.ndarray,
              masks: np.ndarray, *, block: int = 4_000_000) -> tuple[np.ndarray, np.ndarray]:
        """The (full form, short form) pairs worth asking abbreviation_of about, as row and name indices, each once.
        For each full form (a row): its keys for both words the body may start from, the number of words each
        takes from, `taken` (both arrays of shape (rows, 2), a key 0 for none), its characters before the head
        (`body`), the hashes of its ending from each of those words (`tails`) and its char_masks."""
        taken, body = taken.astype(np.int64), body.astype(np.int64)[:, None]
        base = keys & ~self.low
        start, end = np.zeros(keys.shape, dtype=np.int64), np.zeros(keys.shape, dtype=np.int64)
        asked = (keys != 0) & (body - 1 >= taken)
        # the short forms under the key whose cut is at least the words taken and below the full form's body
        low = np.clip(taken[asked], 0, int(self.low)).astype(np.uint64)
        start[asked] = searched(self.keyed, base[asked] | low, "left")
        high = np.clip(np.broadcast_to(body, keys.shape)[asked] - 1, 0, int(self.low)).astype(np.uint64)
        end[asked] = searched(self.keyed, base[asked] | high, "right")
        # every (row, short form) pair under the keys, as arrays: ranges [start, end) flattened, a block of rows at
        # a time (all at once, the 2.5 million full forms of 1 GB of text raised the process 3.5 GB)
        lengths = np.where(asked & (end > start), end - start, 0)
        cumulative = np.cumsum(lengths.sum(axis=1))
        if not len(cumulative) or not cumulative[-1]:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        # a block ends with the row that reaches each multiple of `block` entries
        ends = np.searchsorted(cumulative, np.arange(1, cumulative[-1] // block + 1) * block) + 1
        bounds = np.unique(np.r_[0, np.minimum(ends, len(cumulative)), len(cumulative)]).tolist()
        width = keys.shape[1]
        found = [self._pairs_of_rows(slice(a * width, b * width), start.ravel(), lengths.ravel(), tails.ravel(),
                                     masks, width) for a, b in zip(bounds[:-1], bounds[1:])]
        pairs = np.concatenate(found)
        return pairs // len(self.names), pairs % len(self.names)

    def _pairs_of_rows(self, cells: slice, start: np.ndarray, lengths: np.ndarray, tails: np.ndarray,
                       masks: np.ndarray, width: int) -> np.ndarray:
        """The pairs of whole rows (their `cells`, row * width + column) as row * len(names) + name, each once."""
        lengths = lengths[cells]
        first = np.cumsum(lengths) - lengths
        entries = np.repeat(start[cells] - first, lengths) + np.arange(int(lengths.sum()))
        cells = np.repeat(np.arange(cells.start, cells.stop), lengths)
        # the commonest miss, told apart without strings: the short form is the full form's own ending from the word
        # the body starts at (预断|发展|援助 and 发展援助): nested, not abbreviated
        owners = self.owners[entries].astype(np.int64)
        nested = self.hashes[owners] == tails[cells]
        # and a short form with a character the full form lacks is no abbreviation of it
        missing = self.masks[owners] & ~masks[cells // width] != 0
        possible = ~nested & ~missing
        return pd.unique(cells[possible] // width * len(self.names) + owners[possible])


def content_places(words: Sequence[str]) -> list[int]:
    """The places of a full form's content words before its head: those an abbreviation takes from (not the
    function words of ABBREVIATION_FUNCTION_WORDS)."""
    return [k for k, word in enumerate(words[:-1]) if word not in ABBREVIATION_FUNCTION_WORDS]


def full_form_keys(tokens: Sequence[Sequence[str]]) -> tuple[np.ndarray, ...]:
    """The arrays AbbreviationIndex.pairs reads of each full form (its words `tokens`), as count_shard gives them to
    the forms of a shard: the abbreviation keys for a body from the first and from the second content word, the
    words each takes from, the characters before the head, the ending's hash from each of those words, the
    characters' mask."""
    heads, openings, lasts, taken, tails, body = [], [], [], [], [], []
    for words in tokens:
        content = content_places(words)
        body.append(sum(map(len, words[:-1])))
        for skip in (0, 1):
            places = content[skip:] if len(words) >= 2 else []
            heads.append(words[-1] if places else "")
            openings.append(ord(words[places[0]][0]) if places else 0)
            lasts.append(ord(words[places[-1]][0]) if len(places) > 1 else 0)
            taken.append(len(places))
            tails.append("".join(words[places[0]:]) if places else "")
    keys = abbreviation_keys(string_hashes(heads), np.array(openings, dtype=np.uint64),
                             np.array(lasts, dtype=np.uint64))
    keys[np.array(taken) == 0] = 0
    masks = char_masks(["".join(words) for words in tokens])
    return (keys.reshape(-1, 2), np.array(taken, dtype=np.int64).reshape(-1, 2), np.array(body, dtype=np.int64),
            string_hashes(tails).reshape(-1, 2), masks)


def parenthetical_abbreviations(texts: Iterable[str], forms: set[str]) -> list[tuple[str, str]]:
    """(full, short) pairs a document defines itself: 国际劳工组织（劳工组织）. The full name is the longest known
    form ending the text before the parenthesis whose characters contain the short form in order."""
    pairs = []
    for text in texts:
        if "（" not in text and "(" not in text:
            continue
        for match in PARENTHETICAL.finditer(text):
            before, short = match.group(1), match.group(2)
            for start in range(len(before)):
                full = before[start:]
                if full in forms and full != short and is_subsequence(short, full):
                    pairs.append((full, short))
                    break
    return pairs


def is_subsequence(short: str, full: str) -> bool:
    """The characters of `short` occur in `full` in order (工发组织 in 联合国工业发展组织)."""
    chars = iter(full)
    return all(ch in chars for ch in short)


@dataclass
class VariantGroups:
    canonical: dict[str, str] = field(default_factory=dict)  # form -> canonical form of its group
    members: dict[str, list[str]] = field(default_factory=dict)  # canonical -> forms, most frequent first
    relation: dict[str, str] = field(default_factory=dict)  # form -> how it joined its group


class _UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _slot_groups(forms: dict[str, tuple[str, ...]], anchors: set[str], firsts: set, lasts: set):
    """(place, forms) for each slot word_choice may fill: forms of as many words, the same but at that place, where a
    word of one length stands. A slot is known by a hash of (words, place, length, the words before, after), held
    in an array: with a dict keyed by those tuples, grouping the 700,000 forms of a 100 MB corpus rose 483 MB above
    its start, with this 249 MB. Slots in the order first seen, each slot's forms in the order of `forms`; a slot of
    one form is left out (it pairs nothing). Two slots sharing a hash (about 10^-7 for millions) only offer
    word_choice a pair it then tests."""
    from array import array

    names = list(forms)
    hashes, owners, places = array("q"), array("q"), array("q")
    for k, (form, tokens) in enumerate(forms.items()):
        n = len(tokens)
        anchor = form in anchors
        same_first = anchor or (n, tokens[0]) in firsts
        same_last = anchor or (n, tokens[-1]) in lasts
        if not (same_first or same_last):
            continue
        for i in range(n):
            # a form shares the slot of an anchor at place i only if it has the anchor's first word (i > 0) and
            # its last (i < n - 1): other places would make slots without an anchor, never read
            if (i == 0 or same_first) and (i == n - 1 or same_last):
                # word_choice swaps one word for one of the same length, among enough shared characters
                if len(form) - len(tokens[i]) >= WORD_CHOICE_MIN_SHARED:
                    hashes.append(hash((len(tokens), i, len(tokens[i]), tokens[:i], tokens[i + 1:])))
                    owners.append(k)
                    places.append(i)
    codes, _ = pd.factorize(np.frombuffer(hashes, dtype=np.int64), sort=False)  # codes in order first seen
    shared = np.flatnonzero(np.bincount(codes)[codes] > 1) if len(codes) else np.zeros(0, dtype=np.int64)
    shared = shared[np.argsort(codes[shared], kind="stable")]
    owners, places = np.frombuffer(owners, dtype=np.int64)[shared], np.frombuffer(places, dtype=np.int64)[shared]
    bounds = np.flatnonzero(np.diff(codes[shared])) + 1
    for slot_owners, slot_places in zip(np.split(owners, bounds), np.split(places, bounds)):
        if len(slot_owners):
            yield int(slot_places[0]), [names[k] for k in slot_owners.tolist()]


def group_variants(
    forms: dict[str, tuple[str, ...]],
    freq: dict[str, int],
    anchors: set[str],
    ignored: str,
    curated: Sequence[Sequence[str]] = (),
    defined_abbreviations: Sequence[tuple[str, str]] = (),
    *,
    full_forms_block: int = 200_000,
) -> VariantGroups:
    """Group `forms` (surface -> tokens). Only groups holding an anchor (a ranked term) or a curated form are kept:
    rarer forms are attached to them as variants, never grouped among themselves. `full_forms_block`: how many
    forms are looked up as full forms of abbreviations at a time (the groups do not depend on it)."""
    # the forms and counts are read a few million times: as dicts, not through a view's lookups (under the profiler
    # at 100 MB of text, the merged counts' views took about a fifth of the grouping's time)
    forms = forms if type(forms) is dict else dict(forms.items())
    freq = freq if type(freq) is dict else dict(freq.items())
    uf = _UnionFind()
    relation: dict[str, str] = {}

    def link(a: str, b: str, how: str) -> None:
        # the rarer form of every related pair is labelled with the first relation (in the order below) that
        # relates it to a commoner one, whether or not the pair joins two groups: so a label does not depend on the
        # order pairs are found in (sets of strings iterate in a per-process order)
        uf.union(a, b)
        rarer = a if freq.get(a, 0) < freq.get(b, 0) else b
        relation.setdefault(rarer, how)

    # particles and reordering: only forms sharing a hash of their variant key, or of their characters, are compared
    for (how, _), group in blocks_sharing_hashes(list(forms), ignored).items():
        for other in group[1:]:
            if how == "particles" or reordering(group[0], other):
                link(group[0], other, how)
    # word choice pairs a form with an anchor of as many words, all but one the same: the form shares its first or
    # its last word with such an anchor, so only those forms are put in slots
    firsts = {(len(forms[a]), forms[a][0]) for a in anchors if a in forms}
    lasts = {(len(forms[a]), forms[a][-1]) for a in anchors if a in forms}
    for slot, group in _slot_groups(forms, anchors, firsts, lasts):
        anchored = [form in anchors for form in group]
        if not any(anchored):
            continue
        # in a slot the forms differ only in the word at `slot`, of one length: word_choice then asks that the two
        # words share a character, so each anchor is paired only with the forms whose word holds one of its own
        holding: dict[str, list[int]] = defaultdict(list)
        for place, form in enumerate(group):
            for char in set(forms[form][slot]):
                holding[char].append(place)
        pairs = set()
        for place, is_anchor in enumerate(anchored):
            if is_anchor:
                for char in set(forms[group[place]][slot]):
                    pairs.update((min(place, other), max(place, other)) for other in holding[char] if other != place)
        for i, j in sorted(pairs):
            if word_choice(forms[group[i]], forms[group[j]]):
                link(group[i], group[j], "word choice")
    # an abbreviation ends in its full form's head word and its body takes a leading part of each content word:
    # the pairs to test are those AbbreviationIndex finds by their keys (as the merge of count.py does), so a
    # common head (组织) and opening do not pair every anchor with every full form
    # (a block of full forms at a time: their keys' strings for the 2.5 million forms of 1 GB of text at once took
    # 1 GB; pairs come in the order of the forms either way)
    # a full form's head word ends the abbreviation, whose first character opens its first or second content word:
    # forms no anchor could abbreviate so are not keyed (at 10 MB of text, 55% of the forms)
    shorts = [name for name in anchors if len(name) >= 3]  # abbreviation_of asks three characters
    ends = {(name[cut:], name[0]) for name in shorts for cut in range(1, len(name))}
    fulls = [form for form, tokens in forms.items() if len(tokens) >= 2 and any(
        (tokens[-1], tokens[k][0]) in ends for k in content_places(tokens)[:2])]
    index = AbbreviationIndex(list(anchors))
    for begin in range(0, len(fulls), full_forms_block):
        block = fulls[begin:begin + full_forms_block]
        rows, owners = index.pairs(*full_form_keys([forms[full] for full in block]))
        for row, owner in zip(rows.tolist(), owners.tolist()):
            short, full = index.names[owner], block[row]
            if abbreviates(short, full, forms[full]):
                link(short, full, "abbreviation")
    for full, short in defined_abbreviations:
        if full in forms and short in forms:
            link(full, short, "abbreviation")

    # a year's instance of a name (2020年|高级别政治论坛) is a form of the name when the name recurs on its own;
    # a name that never occurs without its year (2030年可持续发展议程) is a concept of its own
    # (labelled whether or not another relation joined them first: the label does not depend on the order of a set)
    for form in anchors:
        tokens = forms.get(form, ())
        if len(tokens) >= 3 and NAME_NUMBER.match(tokens[0]) and tokens[1] == "年":
            undated = "".join(tokens[2:])
            if undated in anchors:
                uf.union(form, undated)
                relation[form] = "dated"

    curated_keys = {}
    for entry in curated:
        entry = [f for f in entry if f]
        present = [f for f in entry if f in forms]
        for other in present[1:]:
            link(present[0], other, "curated")
        for f in entry:
            curated_keys[variant_key(f, ignored)] = entry[0]

    roots: dict[str, list[str]] = defaultdict(list)
    result = VariantGroups(relation=relation)
    for form in forms:
        if form in uf.parent:
            roots[uf.find(form)].append(form)
        elif form in anchors and not curated_keys:  # a form related to none: a concept of its own if ranked
            result.members[form] = [form]
            result.canonical[form] = form
        elif curated_keys:
            roots[form].append(form)
    for group in roots.values():
        curated_choice = next(
            (curated_keys[variant_key(f, ignored)] for f in group if variant_key(f, ignored) in curated_keys), None
        ) if curated_keys else None
        if curated_choice is None and not any(f in anchors for f in group):
            continue
        ordered = sorted(group, key=lambda f: (-freq.get(f, 0), f))
        # the undated name represents its year's instances, however often one year is cited
        canonical = curated_choice or next(
            (f for f in ordered if f in anchors and relation.get(f) != "dated"), next(f for f in ordered if f in anchors))
        result.members[canonical] = ordered
        for f in group:
            result.canonical[f] = canonical
    return result
