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

from glossary.text import HAN
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


def reordering(a: str, b: str, min_chars: int = 6) -> bool:
    """The same characters in another order: a transposition typo of a long name."""
    return a != b and len(a) >= min_chars and sorted(a) == sorted(b)


def find_reorderings(texts: Sequence[str], names: Iterable[str], min_chars: int = 6) -> dict[str, str]:
    """Strings of the texts that are reorderings of a name (最不发达等国家高代办 for 最不发达国家等高代办) even where
    the reordered string is no candidate of its own. A typo keeps the name's first and last characters, so for each
    name length one vectorised pass finds the positions whose first and last characters match some name's."""
    import numpy as np

    by_shape: dict[tuple[int, str, str], list[str]] = defaultdict(list)
    for name in dict.fromkeys(names):
        if len(name) >= min_chars:
            by_shape[(len(name), name[0], name[-1])].append(name)
    text = "\n".join(texts)
    if not by_shape or not text:
        return {}
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    hits: list[tuple[int, int, str, str]] = []
    for length in sorted({shape[0] for shape in by_shape}):
        if length > len(chars):
            break
        ends = np.array([ord(first) << 21 | ord(last) for (n, first, last) in by_shape if n == length])
        pairs = chars[: len(chars) - length + 1] << 21 | chars[length - 1 :]
        for start in np.flatnonzero(np.isin(pairs, ends)).tolist():
            window = text[start : start + length]
            for name in by_shape[(length, window[0], window[-1])]:
                if reordering(name, window):
                    hits.append((start, length, window, name))
    found: dict[str, str] = {}
    for _, _, window, name in sorted(hits, key=lambda hit: hit[:2]):
        found.setdefault(window, name)
    return found


def abbreviation_of(short: str, full_tokens: Sequence[str], function_words: str = "和及与的、") -> bool:
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


def group_variants(
    forms: dict[str, tuple[str, ...]],
    freq: dict[str, int],
    anchors: set[str],
    ignored: str,
    curated: Sequence[Sequence[str]] = (),
    defined_abbreviations: Sequence[tuple[str, str]] = (),
) -> VariantGroups:
    """Group `forms` (surface -> tokens). Only groups holding an anchor (a ranked term) or a curated form are kept:
    rarer forms are attached to them as variants, never grouped among themselves."""
    uf = _UnionFind()
    relation: dict[str, str] = {}

    def link(a: str, b: str, how: str) -> None:
        if uf.find(a) != uf.find(b):
            uf.union(a, b)
            rarer = a if freq.get(a, 0) < freq.get(b, 0) else b
            relation.setdefault(rarer, how)

    by_key: dict[str, list[str]] = defaultdict(list)
    by_chars: dict[str, list[str]] = defaultdict(list)
    by_slot: dict[tuple, list[str]] = defaultdict(list)
    by_head: dict[str, list[str]] = defaultdict(list)
    for form, tokens in forms.items():
        by_key[variant_key(form, ignored)].append(form)
        if len(form) >= 6:
            by_chars["".join(sorted(form))].append(form)
        for i in range(len(tokens)):
            # word_choice swaps one word for one of the same length, among enough shared characters
            if len(form) - len(tokens[i]) >= WORD_CHOICE_MIN_SHARED:
                by_slot[(len(tokens), i, len(tokens[i]), tokens[:i], tokens[i + 1 :])].append(form)
        if len(tokens) >= 2:
            by_head[tokens[-1]].append(form)

    for group in by_key.values():
        for other in group[1:]:
            link(group[0], other, "particles")
    for group in by_chars.values():
        for other in group[1:]:
            if reordering(group[0], other):
                link(group[0], other, "reordering")
    for group in by_slot.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (a in anchors or b in anchors) and word_choice(forms[a], forms[b]):
                    link(a, b, "word choice")
    # an abbreviation ends in its full form's head word and opens with the first character of one of the first
    # two content words (abbreviation_of): only those full forms are tried
    by_head_and_opening: dict[tuple[str, str], list[str]] = defaultdict(list)
    for head, fulls in by_head.items():
        for full in fulls:
            content = [w for w in forms[full][:-1] if w not in "和及与的、"]
            for opening in {w[0] for w in content[:2] if w}:
                by_head_and_opening[(head, opening)].append(full)
    for short in anchors:
        for cut in range(1, len(short)):
            for full in by_head_and_opening.get((short[cut:], short[0]), ()):
                if abbreviation_of(short, forms[full]):
                    link(short, full, "abbreviation")
    for full, short in defined_abbreviations:
        if full in forms and short in forms:
            link(full, short, "abbreviation")

    # a year's instance of a name (2020年|高级别政治论坛) is a form of the name when the name recurs on its own;
    # a name that never occurs without its year (2030年可持续发展议程) is a concept of its own
    for form, tokens in forms.items():
        if len(tokens) >= 3 and NAME_NUMBER.match(tokens[0]) and tokens[1] == "年":
            undated = "".join(tokens[2:])
            if form in anchors and undated in anchors and uf.find(form) != uf.find(undated):
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
    for form in forms:
        roots[uf.find(form)].append(form)
    result = VariantGroups(relation=relation)
    for group in roots.values():
        curated_choice = next(
            (curated_keys[variant_key(f, ignored)] for f in group if variant_key(f, ignored) in curated_keys), None
        )
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
