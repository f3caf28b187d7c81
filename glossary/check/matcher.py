"""Finding the glossary's forms, and variants of them, in Chinese text.

Matching has no word boundaries (Chinese has none). Every text is folded to simplified characters (char for
char, so offsets hold) and to a *view* without particles (和及与的、), title marks and whitespace (a PDF line break
inside a term), keeping each view character's offset in the original. One Aho-Corasick automaton holds the variant
key of every glossary form (the form without particles) plus the anchors of the word-choice patterns, and runs once
over each view; reorderings are found by a vectorised multiset hash of the view's windows. A key hit is classified
by its surface in the original: a listed form, or (long keys only) an unlisted particle variant. The longest match
wins, so a form nested in a longer one is never reported. Positions are 1-based line and column (in characters) of
the original file, also for traditional-script text.

    TermMatcher(rulebook, options).scan(text) -> list[Match]
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from glossary.check.rules import CheckOptions
from glossary.config import AlignSettings
from glossary.check.rulebook import Rulebook
from glossary.mining.variants import NUMERAL, reordering, word_choice
from glossary.text import HAN as HAN_RANGES

# never part of what a form means: whitespace (a PDF line break inside a term) and title marks (《多哈行动纲领》)
NEUTRAL = frozenset(" \t\r\n\u3000\u00a0\u200b《》")
# full-width Latin letters and digits compare as ASCII (one character for one, so offsets hold)
WIDTH_FOLD = str.maketrans({chr(c): chr(c - 0xFEE0) for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                                                  *range(0xFF41, 0xFF5B)]})
HAN = re.compile(f"^[{HAN_RANGES}]+$")
KINDS_ALLOWED = ("preferred", "admitted")
# a form listed in several places takes the most permissive status: a form some concept accepts is never reported
FORM_PRIORITY = {"preferred": 0, "admitted": 1, "deprecated": 2, "banned": 3, "listed-variant": 4}
UNLISTED_REASONS = {
    "particles": "with other particles (和及与的、)",
    "word-choice": "with one word swapped for a near-synonym or mistyped",
    "reordering": "with its characters in another order",
}
MIN_SHARED_CHARS = 4  # variants.word_choice: a word-choice variant shares at least this much with its form
MIN_ANCHOR_CHARS = 2  # the unchanged side a word-choice variant is found by (in the automaton)
MIN_REORDER_CHARS = 6  # variants.reordering: only long names have transposition typos worth reporting
# How likely each kind of unlisted variant is the listed concept (judged on the seeds and on real UN text of other
# organs, see tests/check/test_unseen_findings.py): other particles change nothing; a non-word in a name's place
# is a slip; a near-synonym may be a deliberate other term, more often so in the head.
PARTICLES_CONFIDENCE = 0.9
TYPO_CONFIDENCE = 0.8
REORDERING_CONFIDENCE = 0.7
NEAR_SYNONYM_CONFIDENCE = 0.6
NEAR_SYNONYM_HEAD_CONFIDENCE = 0.4
# A form that mining grouped with the concept but no reviewer decided on, and that none of the variant rules above
# explains (世卫组织总部 'WHO headquarters' grouped with 世界卫生组织): a hint for the reviewer, never a CI warning
UNREVIEWED_GROUPING_CONFIDENCE = 0.3
MAX_TYPO_CHARS = 2  # an OCR or typing slip changes one or two characters of a name, keeping its length
# Characters a match may skip (whitespace, particles, title marks, Markdown emphasis) between the characters of its
# form: a line break and the next line's indentation inside a term, a few particles. More is no term, and would let
# one finding span a whole hostile file (包容 and a million 和 before 可持续工业发展), its text copied into every
# format of the report.
MAX_SKIPPED_IN_MATCH = 64


@dataclass(frozen=True)
class Match:
    start: int  # offsets in the scanned text; end exclusive
    end: int
    kind: str  # preferred | admitted | deprecated | banned | listed-variant | particles | word-choice | reordering
    concept: int | None  # index into Rulebook.concepts
    banned: int | None  # index into Rulebook.banned
    normal: str  # the surface, simplified, without whitespace and title marks
    confidence: float = 1.0  # how likely the surface is the concept's term (fuzzy variants: below 1)
    evidence: str = ""  # why it is taken for the concept (fuzzy variants)


# where a sentence (or line) ends: no phrase of OpenCC's dictionaries goes on past one
SENTENCE_END = re.compile("(?<=[。！？；\n])")


def simplified_text(text: str) -> str:
    """`text` with full-width Latin folded and traditional characters simplified, one character for one."""
    from glossary.corpus.repair import to_simplified

    # OpenCC takes some microseconds a character: only the sentences with a traditional character go through it,
    # not the whole of a line that may be a whole file
    return "".join(to_simplified(sentence)[0] for sentence in SENTENCE_END.split(text.translate(WIDTH_FOLD)))


def normal_form(text: str) -> str:
    return "".join(ch for ch in simplified_text(text) if ch not in NEUTRAL)


def _char_hashes(codes):
    """splitmix64 of code points: a random 64-bit value per character (numpy uint64 arithmetic wraps mod 2**64)."""
    import numpy as np

    z = codes.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _codes(text: str):
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class WindowHashes:
    """A multiset hash of every window of a text (its characters in any order), vectorised: the sum of a random
    64-bit value per character, by prefix sums. Reorderings are windows whose hash is a long key's."""

    def __init__(self, text: str):
        import numpy as np

        values = _char_hashes(_codes(text))
        self.sums = np.concatenate([np.zeros(1, dtype=np.uint64), np.cumsum(values, dtype=np.uint64)])

    def multisets(self, length: int):
        """The hash of the window of `length` starting at each position."""
        return self.sums[length:] - self.sums[:-length]


def _segment_key(key: str) -> list[str]:
    try:
        import rjieba

        return list(rjieba.cut(key))
    except ImportError:  # pragma: no cover - rjieba is a dependency; jieba is the reference implementation
        import jieba

        return jieba.lcut(key)


class TermMatcher:
    """Every glossary form in one automaton, built once; `scan` is one pass over a text (plus vectorised window
    hashes for the fuzzy variants: word choice and reordering)."""

    def __init__(self, rulebook: Rulebook, options: CheckOptions | None = None,
                 dictionary_settings: AlignSettings | None = None):
        import ahocorasick

        self.rulebook = rulebook
        self.options = options or CheckOptions.from_settings()
        # CC-CEDICT and the domain lexicon tell a near-synonym from another kind of thing; read on first need
        self._dictionary_settings = dictionary_settings
        self._dictionary = None
        self.particles = frozenset(self.options.particles)
        self.skipped = frozenset(self.particles | NEUTRAL) - (set() if self.options.across_line_breaks else {"\n"})
        self.conflicts: list[str] = []
        self.forms: dict[str, tuple[str, int | None, int | None]] = {}  # normal form -> (kind, concept, banned)
        self.key_concepts: dict[str, list[int]] = defaultdict(list)  # variant key -> concepts with a form of it
        # listed (mined, unreviewed) variant -> (confidence, evidence): how surely it is the concept's own form
        self.listed_variant_evidence: dict[str, tuple[float, str]] = {}
        keys: set[str] = set()

        def add(form: str, kind: str, concept: int | None, banned: int | None) -> None:
            normal = normal_form(form)
            key = self._key(normal)
            if not key:
                return
            keys.add(key)
            if concept is not None and concept not in self.key_concepts[key]:
                self.key_concepts[key].append(concept)
            held = self.forms.get(normal)
            if held is None:
                self.forms[normal] = (kind, concept, banned)
                return
            if held[0] != kind or held[1] != concept:
                winner = (kind, concept, banned) if FORM_PRIORITY[kind] < FORM_PRIORITY[held[0]] else held
                if {held[0], kind} & {"deprecated", "banned"} and {held[0], kind} & set(KINDS_ALLOWED):
                    self.conflicts.append(f"{form} is both {held[0]} ({self._origin(held)}) and {kind} "
                                          f"({self._origin((kind, concept, banned))}): taken as {winner[0]}")
                self.forms[normal] = winner

        for index, concept in enumerate(rulebook.concepts):
            add(concept.preferred, "preferred", index, None)
            for form in concept.admitted:
                add(form, "admitted", index, None)
            for form in concept.deprecated:
                add(form, "deprecated", index, None)
            for form in concept.variants:
                add(form, "listed-variant", index, None)
                self.listed_variant_evidence.setdefault(normal_form(form), max(
                    self.grouping_evidence(listed, form)
                    for listed in (concept.preferred, *concept.admitted, *concept.deprecated)))
        for index, term in enumerate(rulebook.banned):
            add(term.form, "banned", None, index)
        self.keys = keys

        long_keys = [(key, concepts[0]) for key, concepts in self.key_concepts.items()
                     if len(key) >= self.options.variant_min_chars]
        # word choice: a key with one word replaced. Anchored on the longer unchanged side (in the automaton with
        # the keys), verified by a lookup of the window with the replaced word masked out
        # anchor -> (anchor precedes the word?, key length, word start, word end, the word masked)
        self.anchor_shapes: dict[str, set[tuple[bool, int, int, int, str]]] = defaultdict(set)
        self.masked: dict[str, list[tuple[int, tuple[str, ...], int]]] = defaultdict(list)
        if self.options.word_choice:
            for key, concept in long_keys:
                self._add_word_choice(key, concept)
        # reorderings: multiset hash of the key's characters, by length -> hash -> entries
        self.reorder_index: dict[int, dict[int, list[tuple[int, str]]]] = {}
        if self.options.reorderings:
            for key, concept in long_keys:
                if len(key) >= MIN_REORDER_CHARS:
                    digest = int(WindowHashes(key).multisets(len(key))[0])
                    self.reorder_index.setdefault(len(key), {}).setdefault(digest, []).append((concept, key))
        self._wanted = {length: _sorted_array(by_hash) for length, by_hash in self.reorder_index.items()}
        self._skip_codes = _codes("".join(sorted(self.skipped)))
        self.automaton = ahocorasick.Automaton()
        for word in keys | set(self.anchor_shapes):
            self.automaton.add_word(word, (word, word in keys, self.anchor_shapes.get(word)))
        if len(self.automaton):
            self.automaton.make_automaton()

    def _key(self, normal: str) -> str:
        return "".join(ch for ch in normal if ch not in self.particles)

    def _origin(self, entry: tuple[str, int | None, int | None]) -> str:
        kind, concept, banned = entry
        if concept is not None:
            return self.rulebook.concepts[concept].origin or "glossary"
        return self.rulebook.banned[banned].origin or "glossary"

    def _add_word_choice(self, key: str, concept: int) -> None:
        tokens = tuple(_segment_key(key))
        if len(tokens) < 2:
            return
        start = 0
        for slot, word in enumerate(tokens):
            end = start + len(word)
            # variants.word_choice: the rest is at least MIN_SHARED_CHARS long, the word has no numeral; a
            # one-character word sharing a character with its replacement would be the same word
            if len(key) - len(word) >= MIN_SHARED_CHARS and len(word) > 1 and HAN.match(word) \
                    and not NUMERAL.search(word):
                before, after = key[:start], key[end:]
                side, anchor = ("P", before) if len(before) >= len(after) else ("S", after)
                if len(anchor) >= MIN_ANCHOR_CHARS:
                    self.anchor_shapes[anchor].add((side == "P", len(key), start, end, "\0" * len(word)))
                    self.masked[before + "\0" * len(word) + after].append((concept, tokens, slot))
            start = end

    def _view(self, simplified: str, extra_skip: str = ""):
        """The text without particles, title marks and whitespace, and each view character's offset in it."""
        import numpy as np

        codes = _codes(simplified)
        skip = self._skip_codes if not extra_skip else np.concatenate([self._skip_codes, _codes(extra_skip)])
        keep = ~np.isin(codes, skip)
        return codes[keep].tobytes().decode("utf-32-le", "surrogatepass"), np.flatnonzero(keep)

    def scan(self, text: str, extra_skip: str = "") -> list[Match]:
        """Every glossary form and variant in `text`, longest first, never overlapping; offsets into `text`."""
        if not text or not len(self.automaton):
            return []
        simplified = simplified_text(text)
        view, origin = self._view(simplified, extra_skip)
        exact: list[Match] = []
        fuzzy: list[Match] = []
        for last, (word, is_key, shapes) in self.automaton.iter(view):
            first = last - len(word) + 1
            if is_key:
                start, end = int(origin[first]), int(origin[last]) + 1
                if end - start - len(word) <= MAX_SKIPPED_IN_MATCH:  # else no form: spread over a whole file
                    match = self._key_match(simplified, start, end, word)
                    if match is not None:
                        exact.append(match)
            if shapes:
                # most anchor hits are common words with no variant around them: one dict lookup each, inline
                for before, length, blank_start, blank_end, mask in shapes:
                    begin = first if before else last + 1 - length
                    if begin < 0 or begin + length > len(view):
                        continue
                    window = view[begin:begin + length]
                    entries = self.masked.get(window[:blank_start] + mask + window[blank_end:])
                    if entries and window not in self.keys and (  # not where a form itself is, nor spread out
                            origin[begin + length - 1] - origin[begin] + 1 - length <= MAX_SKIPPED_IN_MATCH):
                        fuzzy += self._word_choices(origin, simplified, begin, window, blank_start, blank_end,
                                                    entries)
        if self.reorder_index and view:
            fuzzy += self._reorderings(view, origin, simplified, WindowHashes(view))
        return _select(exact, fuzzy, len(text))

    def _key_match(self, simplified: str, start: int, end: int, key: str) -> Match | None:
        particles = self.particles
        if (end - start == len(key) and (start == 0 or simplified[start - 1] not in particles)
                and (end == len(simplified) or simplified[end] not in particles)):
            # the common case: the surface is the key itself, nothing skipped inside or next to it
            listed = self.forms.get(key)
            if listed is not None:
                return self._listed_match(start, end, listed, key)
            concepts = self.key_concepts.get(key)
            if concepts and len(key) >= self.options.variant_min_chars:
                return Match(start, end, "particles", concepts[0], None, key, PARTICLES_CONFIDENCE,
                             "the same characters as the listed form but for particles (和及与的、)")
            return None
        # a form may begin or end with a particle character (与贸易有关的知识产权, 和平): try the span widened by
        # the particles next to it, widest first
        lefts, rights = [start], [end]
        while len(lefts) < 3 and lefts[-1] > 0 and simplified[lefts[-1] - 1] in particles:
            lefts.append(lefts[-1] - 1)
        while len(rights) < 3 and rights[-1] < len(simplified) and simplified[rights[-1]] in particles:
            rights.append(rights[-1] + 1)
        for left, right in sorted(((a, b) for a in lefts for b in rights), key=lambda s: s[0] - s[1]):
            normal = "".join(ch for ch in simplified[left:right] if ch not in NEUTRAL)
            listed = self.forms.get(normal)
            if listed is not None:
                return self._listed_match(left, right, listed, normal)
        concepts = self.key_concepts.get(key)
        if concepts and len(key) >= self.options.variant_min_chars:
            normal = "".join(ch for ch in simplified[start:end] if ch not in NEUTRAL)
            return Match(start, end, "particles", concepts[0], None, normal, PARTICLES_CONFIDENCE,
                         "the same characters as the listed form but for particles (和及与的、)")
        return None

    def _listed_match(self, start: int, end: int, listed: tuple[str, int | None, int | None], normal: str) -> Match:
        kind, concept, banned = listed
        if kind == "listed-variant":
            return Match(start, end, kind, concept, banned, normal, *self.listed_variant_evidence[normal])
        return Match(start, end, kind, concept, banned, normal)

    def grouping_evidence(self, preferred: str, variant: str) -> tuple[float, str]:
        """How surely a form mining grouped with a concept (the workbook's `variants` column, not reviewed) is the
        concept's form `preferred`: as sure as the variant rule that explains it (other particles, reordered
        characters, a slip or a near-synonym in one word); explained by none, or by a word of other senses, it is
        only a hint."""
        grouped = f"grouped with {preferred} by mining, not reviewed"
        listed_key, found_key = self._key(normal_form(preferred)), self._key(normal_form(variant))
        if listed_key == found_key:
            return PARTICLES_CONFIDENCE, f"{grouped}: the same characters but for particles (和及与的、)"
        if (reordering(listed_key, found_key, MIN_REORDER_CHARS) and listed_key[0] == found_key[0]
                and listed_key[-1] == found_key[-1]):
            return REORDERING_CONFIDENCE, f"{grouped}: its characters in another order"
        listed_tokens, found_tokens = tuple(_segment_key(listed_key)), tuple(_segment_key(found_key))
        if word_choice(listed_tokens, found_tokens, MIN_SHARED_CHARS):
            slot = next(i for i, (a, b) in enumerate(zip(listed_tokens, found_tokens)) if a != b)
            verdict = self.word_choice_evidence(listed_tokens[slot], found_tokens[slot],
                                                is_head=slot == len(listed_tokens) - 1)
            if verdict is not None:
                return verdict[0], f"{grouped}: {verdict[1]}"
        elif len(listed_key) == len(found_key) >= MIN_REORDER_CHARS:
            differ = [i for i, (a, b) in enumerate(zip(listed_key, found_key)) if a != b]
            if differ and differ[-1] - differ[0] < MAX_TYPO_CHARS \
                    and not NUMERAL.search("".join(listed_key[i] + found_key[i] for i in differ)):
                # the changed characters with a neighbour: the word of the listed form they fall in (贸易 -> 货易)
                for first, last in ((differ[0] - 1, differ[-1] + 1), (differ[0], differ[-1] + 2)):
                    listed_word = listed_key[max(first, 0):last]
                    if self.dictionary.glosses(listed_word):
                        verdict = self.word_choice_evidence(listed_word, found_key[max(first, 0):last],
                                                            is_head=last >= len(listed_key))
                        if verdict is not None:
                            return verdict[0], f"{grouped}: {verdict[1]}"
                        break
        return UNREVIEWED_GROUPING_CONFIDENCE, f"{grouped}; no spelling-variant rule explains it"

    def _unlisted(self, simplified: str, start: int, end: int, concept: int, kind: str,
                  confidence: float = 1.0, evidence: str = "") -> Match | None:
        normal = "".join(ch for ch in simplified[start:end] if ch not in NEUTRAL)
        if normal in self.forms or self._key(normal) in self.keys:
            return None  # a listed form, or a particle variant of one: the key match reports it
        return Match(start, end, kind, concept, None, normal, confidence, evidence)

    @property
    def dictionary(self):
        if self._dictionary is None:
            from glossary.dictionary import load_dictionary

            self._dictionary = load_dictionary(self._dictionary_settings)
        return self._dictionary

    def word_choice_evidence(self, listed: str, found: str, is_head: bool) -> tuple[float, str] | None:
        """Whether `found`, in the place of the word `listed` of a glossary form, keeps the concept: a string no
        dictionary knows is a slip of the pen or of OCR (贸易 -> 货易); a word whose senses share one with the
        listed word's is a near-synonym (国别/国家: both 'country'); a word of other senses names another thing
        (理事会 'council' for 事务部 'affairs department': another body) and is no variant at all.
        Returns (confidence, evidence), or None for another concept."""
        dictionary = self.dictionary
        found_senses = set(map(str.casefold, dictionary.glosses(found)))
        if not found_senses:
            return TYPO_CONFIDENCE, f"{found} is no word CC-CEDICT or the domain lexicon knows: a slip for {listed}"
        listed_senses = set(map(str.casefold, dictionary.glosses(listed)))
        if not listed_senses:  # a compound the dictionary lacks (事务部): the senses of its words
            listed_senses = {g.casefold() for piece in dictionary.pieces(listed) if len(piece.word) > 1
                             for g in dictionary.glosses(piece.word)}
        shared = sorted(found_senses & listed_senses)
        if not shared:
            return None
        # a near-synonym in the head names the same kind of thing less surely than one in a modifier
        confidence = NEAR_SYNONYM_HEAD_CONFIDENCE if is_head else NEAR_SYNONYM_CONFIDENCE
        return confidence, f"{found} and {listed} share the sense '{shared[0]}' (CC-CEDICT)"

    def _candidates(self, shape, digests) -> Iterable[int]:
        """Window starts whose hash is one of the shape's: a sorted lookup, vectorised."""
        import numpy as np

        wanted = self._wanted[shape]
        at = np.minimum(np.searchsorted(wanted, digests), len(wanted) - 1)
        return np.flatnonzero(wanted[at] == digests)

    def _word_choices(self, origin, simplified, begin, window, blank_start, blank_end, entries) -> Iterable[Match]:
        word = window[blank_start:blank_end]
        for concept, tokens, slot in entries:
            if word == tokens[slot] or set(word).isdisjoint(tokens[slot]) or not HAN.match(word):
                continue  # the form itself, or no shared character
            if word_choice(tokens, tokens[:slot] + (word,) + tokens[slot + 1:], MIN_SHARED_CHARS):
                verdict = self.word_choice_evidence(tokens[slot], word, is_head=slot == len(tokens) - 1)
                if verdict is None:
                    continue  # another kind of thing, not a variant of this one
                match = self._unlisted(simplified, int(origin[begin]), int(origin[begin + len(window) - 1]) + 1,
                                       concept, "word-choice", *verdict)
                if match is not None:
                    yield match

    def _reorderings(self, view, origin, simplified, hashes: WindowHashes) -> Iterable[Match]:
        """Windows with the characters of a long key in another order, same first and last character (a typo
        keeps the ends: variants.find_reorderings)."""
        for length, by_hash in self.reorder_index.items():
            if length > len(view):
                continue
            digests = hashes.multisets(length)
            for begin in self._candidates(length, digests):
                begin = int(begin)
                if origin[begin + length - 1] - origin[begin] + 1 - length > MAX_SKIPPED_IN_MATCH:
                    continue
                window = view[begin:begin + length]
                for concept, key in by_hash[int(digests[begin])]:
                    if (window != key and window[0] == key[0] and window[-1] == key[-1]
                            and sorted(window) == sorted(key)):
                        match = self._unlisted(simplified, int(origin[begin]), int(origin[begin + length - 1]) + 1,
                                               concept, "reordering", REORDERING_CONFIDENCE,
                                               "the listed form's characters in another order")
                        if match is not None:
                            yield match


def _sorted_array(by_hash: dict[int, Any]):
    import numpy as np

    return np.array(sorted(by_hash), dtype=np.uint64)


def _select(exact: list[Match], fuzzy: list[Match], size: int) -> list[Match]:
    """Longest first, never overlapping; fuzzy variants (word choice, reordering) only where no glossary form or
    particle variant matched."""
    taken = bytearray(size)
    chosen = []
    for group in (exact, fuzzy):
        for match in sorted(group, key=lambda m: (-len(m.normal), m.start)):
            if not any(taken[match.start:match.end]):
                taken[match.start:match.end] = b"\1" * (match.end - match.start)
                chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)
