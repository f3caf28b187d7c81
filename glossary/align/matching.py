"""Compositional matching: how completely and how exclusively an English term and a Chinese string translate each
other, word by word, through CC-CEDICT and the domain lexicon (glossary.dictionary).

  prepare_english(text, pool)   the English term as weighted content words, each with its word family among the
                                pool's glosses
  compositional_match(...)      English coverage, Chinese coverage, and their harmonic mean, lowered when the
                                Chinese does not end with the English head or joins two things the English does not
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

from glossary.align.candidates import CandidatePool, related_stems
from glossary.dictionary import SAME_WORD, EnglishWord, Piece, english_term_words, expand_abbreviations
from glossary.config import AlignSettings
from glossary.text import HAN_CHAR

# characters that are neither content nor linkers: they never count for or against a match
NEUTRAL_CHARS = set(" \u3000《》〈〉“”‘’\"'()（）[]【】·-—/")
NOMINALISATIONS = ("tion", "sion", "ment", "ing", "ance", "ence", "al", "ure")  # English nouns made from verbs
# Chinese linkers that join two things (X和Y, X、Y): glossary.mining's coordinators and the enumeration comma
LINKERS_JOINING_TWO_THINGS = {"和", "及", "与", "以及", "或", "、"}
SPLITTING_LINKERS = LINKERS_JOINING_TWO_THINGS | {"之类"}
ENGLISH_COORDINATORS = re.compile(r"\b(?:and|or)\b|,|&", re.IGNORECASE)


@dataclass
class EnglishTerm:
    text: str
    words: list[EnglishWord]
    related: list[dict[str, float]]
    coordinated: bool = False  # 'and', 'or' or a comma: the term names several things

    @property
    def all_related(self) -> set[str]:
        return {stem for r in self.related for stem in r}


def prepare_english(text: str, pool: CandidatePool, abbreviations: dict[str, str]) -> EnglishTerm:
    words = english_term_words(text, pool.dictionary, abbreviations)
    vocabulary = pool.vocabulary()
    related = [
        {w.stem: 1.0} if w.literal else related_stems(w.stem, vocabulary, pool.stem_index) for w in words
    ]
    coordinated = bool(ENGLISH_COORDINATORS.search(expand_abbreviations(text, abbreviations)))
    return EnglishTerm(text, words, related, coordinated)


@dataclass
class CompositionalMatch:
    score: float  # harmonic mean of the two coverages, times the head factor
    english_coverage: float
    chinese_coverage: float
    head_aligned: bool
    glosses: list[tuple[str, str]]  # (Chinese word, English word) pairs that matched


@dataclass(frozen=True)
class MatchWeights:
    single_char: float = 0.8  # a single character inside a longer word is a weaker witness than a whole word
    head_penalty: float = 0.8  # factor when the Chinese does not end with the English head's translation
    coordination_penalty: float = 0.8  # factor when the Chinese joins two things (X和Y) and the English does not
    name_credit: float = 0.6  # an unmatched proper name against characters no dictionary word covers


def match_weights(config: AlignSettings) -> MatchWeights:
    """The weights of a compositional match, as the align settings give them."""
    return MatchWeights(config.single_char_weight, config.head_penalty, config.coordination_penalty, config.name_credit)


def redundant_conjuncts(form: str, pieces: Sequence[Piece], renders: dict[int, set[int]]) -> list[tuple[int, int]]:
    """Spans of a coordination (X和Y, X之类Y) whose translated English words the other conjuncts already render:
    基金 in 基金和蒙特利尔议定书多边基金 repeats, 三角合作 in 南南合作和三角合作 adds 'triangular'."""
    cuts = sorted({(p.start, p.end) for p in pieces if p.function_word and p.word in SPLITTING_LINKERS})
    if not cuts:
        return []
    bounds, start = [], 0
    for cut_start, cut_end in cuts:
        if cut_start >= start:
            bounds.append((start, cut_start))
            start = cut_end
    bounds.append((start, len(form)))
    rendered = []
    for lo, hi in bounds:
        words = set()
        for j, piece in enumerate(pieces):
            if lo <= piece.start and piece.end <= hi:
                words |= renders.get(j, set())
        rendered.append(words)
    redundant = []
    for i, (span, words) in enumerate(zip(bounds, rendered)):
        others = set().union(*(w for k, w in enumerate(rendered) if k != i and bounds[k] not in redundant))
        if words and words <= others:
            redundant.append(span)
    return redundant


def sense_precision(piece: Piece, english_stems: set[str]) -> float:
    """The share of the best-matching sense's words that the English term accounts for: 南南 (South-South) is
    fully explained by "South-South cooperation", 北南 (North-South) only half."""
    # precision of a gloss against the English words (this project's heuristic, in the spirit of the "exclusive"
    # coverage of compositional term alignment: Morin & Daille 2010)
    best = 0.0
    for sense in piece.senses:
        shared = len(sense & english_stems)
        if shared:
            best = max(best, shared / len(sense))
    return best


def compositional_match(
    words: Sequence[EnglishWord],
    related: Sequence[dict[str, float]],
    form: str,
    pieces: Sequence[Piece],
    weights: MatchWeights = MatchWeights(),
    english_coordinated: bool = False,
) -> CompositionalMatch:
    """How completely and how exclusively an English term and a Chinese string translate each other word by word.

    A piece (dictionary word inside the Chinese) renders an English word when one of its gloss stems is the
    word's stem or of its family; its strength is scaled by how much of its sense the English accounts for.
    English coverage: the informativeness-weighted share of English words some piece renders.
    Chinese coverage: the share of Chinese characters inside a rendering piece; linkers (的, 和, 问题 …) and
    brackets count only when matched. Chinese terms end with their head: a candidate whose last word does not
    render the English head is weaker. A proper name no dictionary knows (Minamata) is credited against
    characters no dictionary word covers (水俣), never against a known word (阿布扎比)."""
    keys = [set(r) for r in related]
    english_stems = set().union(*keys) if keys else set()
    lights = [w.light for w in words]
    best = [0.0] * len(words)
    best_piece: list[Piece | None] = [None] * len(words)
    strengths: dict[int, list[float]] = defaultdict(list)  # piece -> how well it renders each English word
    renders: dict[int, set[int]] = defaultdict(set)  # piece -> English words it renders
    for j, piece in enumerate(pieces):
        if not piece.stems:
            continue
        reliability = weights.single_char if piece.end - piece.start == 1 and not piece.domain else 1.0
        precision = None
        for k in range(len(words)):
            if lights[k] and lights[k] in piece.light:
                relation = SAME_WORD
            else:
                common = piece.stems & keys[k]
                if not common:
                    continue
                relation = max(related[k][c] for c in common)
            if precision is None:
                precision = sense_precision(piece, english_stems)
            s = relation * reliability * precision
            renders[j].add(k)
            strengths[j].append(s)
            longer = best_piece[k] is not None and (piece.end - piece.start) > (best_piece[k].end - best_piece[k].start)
            if s > best[k] or (s == best[k] and longer):
                best[k], best_piece[k] = s, piece

    # a piece rendering several English words (气候变化: climate change) is as good as its renderings on average:
    # 发展中国家 renders "developed countries" less well than 发达国家 does
    strength = {j: sum(values) / len(values) for j, values in strengths.items()}
    n = len(form)
    covered = [0.0] * n
    linker = [False] * n
    in_word = [False] * n  # inside a dictionary word of two characters or more
    for j, piece in enumerate(pieces):
        if piece.function_word:
            for p in range(piece.start, piece.end):
                linker[p] = True
        if piece.end - piece.start > 1 or piece.literal:
            for p in range(piece.start, piece.end):
                in_word[p] = True
        s = strength.get(j, 0.0)
        if s:
            for p in range(piece.start, piece.end):
                covered[p] = max(covered[p], s)

    # one English word, one Chinese rendering: a conjunct repeating what another renders adds nothing
    for conjunct in redundant_conjuncts(form, pieces, renders):
        for p in range(*conjunct):
            covered[p] = 0.0

    # proper names: transliterations and kanji names are rarely in a dictionary (this project's heuristic)
    unmatched_names = [k for k, w in enumerate(words) if w.name and best[k] == 0.0]
    if unmatched_names:
        unknown = [p for p in range(n) if covered[p] == 0.0 and not in_word[p] and not linker[p] and HAN_CHAR.match(form[p])]
        if len(unknown) >= 2:  # transliterated or kanji names run over two characters or more
            for k in unmatched_names:
                best[k] = weights.name_credit
            for p in unknown:
                covered[p] = weights.name_credit

    total_weight = sum(w.weight for w in words)
    english = sum(w.weight * b for w, b in zip(words, best)) / total_weight if total_weight else 0.0
    counted = [p for p in range(n) if form[p] not in NEUTRAL_CHARS and not (linker[p] and covered[p] == 0.0)]
    chinese = sum(covered[p] for p in counted) / len(counted) if counted else 0.0
    coordinated = any(piece.word in LINKERS_JOINING_TWO_THINGS for piece in pieces if piece.function_word)
    head_words = {k for k, w in enumerate(words) if w.head}
    content = [p for p in counted if not linker[p] and HAN_CHAR.match(form[p])]  # 工业4.0 ends with 工业

    def renders_head_at(position: int | None) -> bool:
        return position is not None and any(
            piece.start <= position < piece.end and renders.get(j, set()) & head_words for j, piece in enumerate(pieces)
        )

    # Chinese names end with their head; a nominalised English head (job creation) may also be a Chinese verb
    # before its object (创造就业)
    head_aligned = not head_words or renders_head_at(content[-1] if content else None) or (
        any(words[k].text.endswith(NOMINALISATIONS) for k in head_words) and renders_head_at(content[0] if content else None)
    )
    # harmonic mean of the two coverages (van Rijsbergen's F1): high only when both directions are covered
    score = 2 * english * chinese / (english + chinese) if english + chinese else 0.0
    # Chinese compounds are head-final (Li & Thompson 1981, ch. 4): the last word translates the English head
    if not head_aligned:
        score *= weights.head_penalty
    # a coordination on one side only names two things against one (structural match; this project's heuristic)
    if coordinated and not english_coordinated:
        score *= weights.coordination_penalty
    glosses = []
    for word, piece in zip(words, best_piece):
        if piece is not None and (piece.word, word.text) not in glosses:
            glosses.append((piece.word, word.text))
    return CompositionalMatch(score, english, chinese, head_aligned, glosses)


def format_glosses(glosses: Sequence[tuple[str, str]]) -> str:
    """'工发组织=united nations industrial; 组织=organization': the English words each Chinese word rendered."""
    grouped: dict[str, list[str]] = {}
    for zh, en in glosses:
        grouped.setdefault(zh, []).append(en)
    return "; ".join(f"{zh}={' '.join(words)}" for zh, words in grouped.items())
