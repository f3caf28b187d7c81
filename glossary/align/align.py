"""Alignment stage: the Chinese equivalent, found in the corpus, of every English term of a curated list, and an
English draft for every mined Chinese term no English entry covers.

Each method is a named function; `align_terms` combines them into one ranked proposal per English term:
  curated_match()        the list's approved zh found in the corpus, directly or through its variant group
  dictionary_matches()   compositional: each Chinese candidate's words translated with CC-CEDICT and the domain
                         lexicon, matched to the English words in both directions (glossary.dictionary)
  parallel_matches()     co-occurrence of the English term and a Chinese candidate across paragraphs of English
                         versions of the documents, paired by symbol and UN paragraph number
  draft_english()        compositional English drafts, in English word order, for new Chinese terms

Candidates (`CandidatePool`) are the corpus n-grams shaped like terms (glossary.mine's filter, every frequency),
the mined terms and their variants, and spans of the corpus anchored on words that translate the English term.

Warnings about a terms file (one Chinese form claimed by two English terms) are issued with `warnings.warn`
as `TermsFileWarning` and also kept in `DataFrame.attrs["warnings"]` of what `read_terms` returns.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from glossary.config import Settings, default_settings
from glossary.corpus.pairing import AlignedParagraph, aligned_paragraphs, document_key, pair_documents  # noqa: F401
from glossary.model import Document
from glossary.text import HAN_CHAR
from glossary.align.dictionary import (
    ENGLISH_FUNCTION_WORDS,
    ORDINAL,
    SAME_STEM,
    SAME_WORD,
    Dictionary,
    EnglishWord,
    Piece,
    english_term_words,
    chinese_ordinal,
    expand_abbreviations,
    gloss_words,
    load_dictionary,
    read_abbreviations,
    resolve_setting_path,
    stem_relation,
)
from glossary.errors import InputError
from glossary.formats.terms import (  # noqa: F401  (the terms file lives in formats)
    TERM_COLUMNS, TermsFileWarning, curated_forms, normalise_zh, read_terms, split_forms,
)

ALIGN_COLUMNS = ["en", "zh", "score", "method", "alternatives", "freq", "docs", "variants", "glosses", "context",
                 "near_miss"]
DRAFT_COLUMNS = ["term", "en", "score", "method", "glosses", "freq"]
# characters that are neither content nor linkers: they never count for or against a match
NEUTRAL_CHARS = set(" \u3000《》〈〉“”‘’\"'()（）[]【】·-—/")
CJK_CHAR = HAN_CHAR
# words joining two terms into a phrase: a candidate next to one inside a longer candidate is a conjunct there
# (三角合作 in 南南合作和三角合作), not a fragment
CONJUNCTIONS = {"和", "及", "与", "以及", "或", "、", "的"}
NUMBER_TOKEN = re.compile(r"^(?:[0-9][0-9.\-]*|第?[一二三四五六七八九十]+)$")
NOMINALISATIONS = ("tion", "sion", "ment", "ing", "ance", "ence", "al", "ure")  # English nouns made from verbs
COORDINATORS = {"和", "及", "与", "以及", "或", "、"}  # Chinese linkers that join two things
SPLITTING_LINKERS = COORDINATORS | {"之类"}
ENGLISH_COORDINATORS = re.compile(r"\b(?:and|or)\b|,|&", re.IGNORECASE)


# --- candidates ---------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    form: str
    tokens: tuple[str, ...]
    freq: int
    docs: int
    independence: float = 1.0  # share of its occurrences outside its most frequent longer candidate (0..1)
    mined: float = 0.0  # the miner's termhood score, 0 when it did not rank the form
    concept: str = ""  # canonical form of its variant group (mined), or the form itself


@dataclass
class CandidatePool:
    """The Chinese strings an English term may align to, with their corpus statistics and dictionary pieces."""

    dictionary: Dictionary
    documents: list[Document]
    candidates: dict[str, Candidate] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)  # concept -> forms (mined variant groups)
    clauses: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)  # (words, POS tags)
    corpus_text: str = ""
    flat_text: str = ""  # corpus text without spaces (PDF paste leaves them inside terms)
    stem_index: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # gloss stem -> forms
    flat_documents: list[str] = field(default_factory=list)  # each document's text without spaces
    _vocabulary: list[str] | None = None
    _clause_index: dict[str, list[tuple[int, int, int]]] | None = None
    _counts: dict[str, int] = field(default_factory=dict)
    clause_words: frozenset[str] = frozenset()  # glossary.mine's stopwords that may not sit inside a term

    def add(self, candidate: Candidate) -> None:
        if "《" in candidate.form or "》" in candidate.form:  # title marks are punctuation, not part of a name
            candidate.form = candidate.form.replace("《", "").replace("》", "")
            candidate.tokens = tuple(t for t in candidate.tokens if t not in ("《", "》"))
        if candidate.form in self.candidates or not candidate.form:
            return
        if not candidate.concept:
            candidate.concept = candidate.form
        self.candidates[candidate.form] = candidate
        for piece in self.dictionary.pieces(candidate.form):
            for stem in piece.stems:
                self.stem_index[stem].add(candidate.form)
        self._vocabulary = None

    def vocabulary(self) -> list[str]:
        """Every gloss stem of every candidate, sorted (for finding the words of one family by prefix)."""
        if self._vocabulary is None:
            self._vocabulary = sorted(self.stem_index)
        return self._vocabulary

    def occurrences(self, form: str) -> int:
        if not form:
            return 0
        count = self._counts.get(form)
        if count is None:
            count = self._counts[form] = self.flat_text.count(normalise_zh(form))
        return count

    def documents_with(self, form: str) -> int:
        if not self.occurrences(form):
            return 0
        target = normalise_zh(form)
        return sum(target in text for text in self.flat_documents)

    def clause_stem_index(self) -> dict[str, list[tuple[int, int, int]]]:
        """gloss stem -> (clause, start, end) of every dictionary piece carrying it (linkers left out): where in
        the corpus each English word may be translated. Built once per pool."""
        if self._clause_index is None:
            index: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
            for clause_id, (words, _) in enumerate(self.clauses):
                for piece in self.dictionary.pieces("".join(words)):
                    if not piece.function_word:
                        for stem in piece.stems:
                            index[stem].append((clause_id, piece.start, piece.end))
            self._clause_index = index
        return self._clause_index

    def context(self, form: str) -> str:
        """One corpus sentence using the form, with its document's name."""
        target = normalise_zh(form)
        if not target:
            return ""
        for doc in self.documents:
            for paragraph in doc.paragraphs:
                if target not in normalise_zh(paragraph.text):
                    continue
                for sentence in re.split(r"(?<=[。！？；])", paragraph.text):
                    if target in normalise_zh(sentence):
                        return f"{doc.name}: {sentence.strip()}"
                return f"{doc.name}: {paragraph.text.strip()}"
        return ""


def build_candidate_pool(
    documents: Sequence[Document],
    settings: Settings,
    dictionary: Dictionary,
    mining=None,
    extra_forms: Iterable[str] = (),
) -> CandidatePool:
    """Every term-shaped n-gram of the corpus (any frequency), the mined terms and variants, and `extra_forms`
    (curated Chinese) that occur in the corpus."""
    from glossary.mining.count import count_corpus, documents_using
    from glossary.mining.mine import Lexicon, clauses
    from glossary.mining.segment import Segmenter, read_user_dict

    extra_forms = [f for f in extra_forms if f]
    lexicon = Lexicon.from_settings(settings)
    segmenter = Segmenter(user_words=[*read_user_dict(settings.path("user_dict")), *extra_forms])
    tagged = [[segmenter.tag(p.text) for p in doc.paragraphs if p.kind != "header"] for doc in documents]
    counts = count_corpus(
        [[p.text for p in doc.paragraphs if p.kind != "header"] for doc in documents], lexicon, segmenter,
        int(settings.get("max_term_tokens", 8)), int(settings.get("max_term_chars", 24)),
        shard_chars=int(settings.get("shard_chars", 300_000)),
    )
    pool = CandidatePool(dictionary, list(documents))
    pool.clause_words = frozenset(lexicon.edge_stopwords - lexicon.internal_words)
    pool.corpus_text = "\n".join(p.text for doc in documents for p in doc.paragraphs)
    pool.flat_text = normalise_zh(pool.corpus_text)
    pool.flat_documents = [normalise_zh(doc.text) for doc in documents]
    seen_clauses: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    for paragraphs in tagged:
        for tokens in paragraphs:
            for clause in clauses(tokens, lexicon.pos_overrides):
                words = tuple(t.word for t in clause)
                tags = tuple(t.pos for t in clause)
                if (words, tags) in seen_clauses:  # a repeated clause offers no new span
                    continue
                seen_clauses.add((words, tags))
                pool.clauses.append((words, tags))
    independence = candidate_independence(list(counts.per_doc), counts.ngrams)
    for gram in counts.per_doc:
        pool.add(Candidate("".join(gram), gram, counts.ngrams[gram], documents_using(counts.per_doc, gram),
                           independence[gram]))
    if mining is not None:
        _add_mined(pool, mining, segmenter)
    for form in extra_forms:
        if form not in pool.candidates and pool.occurrences(form):
            tokens = tuple(t.word for t in segmenter.tag(form))
            pool.add(Candidate(form, tokens, pool.occurrences(form), pool.documents_with(form)))
    return pool


def candidate_independence(grams: Sequence[tuple[str, ...]], ngrams: Counter) -> dict[tuple[str, ...], float]:
    """Share of each candidate's occurrences outside its most frequent longer candidate (glossary.mine's
    independence), containers where it is a conjunct ignored. A form seen once cannot tell: 1.0."""
    known = set(grams)
    nested_in: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for longer in grams:
        n = len(longer)
        for i in range(n):
            for j in range(i + 1, n + 1):
                if j - i < n and longer[i:j] in known and ngrams[longer[i:j]] >= 2:
                    nested_in[longer[i:j]].append(longer)
    result = {}
    for gram in grams:
        freq = ngrams[gram]
        if freq < 2 or gram not in nested_in:
            result[gram] = 1.0
            continue
        containing = [ngrams[c] for c in set(nested_in[gram]) if not _is_conjunct(gram, c)]
        result[gram] = 1.0 - (max(containing) / freq if containing else 0.0)
    return result


def _is_conjunct(gram: tuple[str, ...], container: tuple[str, ...]) -> bool:
    n = len(gram)
    for i in range(len(container) - n + 1):
        if container[i: i + n] == gram:
            before = container[i - 1] if i > 0 else None
            after = container[i + n] if i + n < len(container) else None
            if before in CONJUNCTIONS or after in CONJUNCTIONS:
                return True
    return False


def _add_mined(pool: CandidatePool, mining, segmenter) -> None:
    """Mined concepts, their variants and the miner's scores; forms the n-gram pass missed are added."""
    scores = {}
    if mining.candidates is not None and len(mining.candidates):
        scores = dict(zip(mining.candidates["term"], mining.candidates["score"]))
    if mining.terms is None or not len(mining.terms):
        return
    for term, variants, score in zip(mining.terms["term"], mining.terms["variants"], mining.terms["score"]):
        members = [term, *split_forms(variants)]
        pool.groups[term] = members
        for form in members:
            candidate = pool.candidates.get(form)
            if candidate is None and pool.occurrences(form):
                tokens = tuple(t.word for t in segmenter.tag(form))
                candidate = Candidate(form, tokens, pool.occurrences(form), pool.documents_with(form))
                pool.add(candidate)
            if candidate is not None:
                candidate.concept = term
                candidate.mined = float(scores.get(form, score if form == term else 0.0) or 0.0)


# --- English words against Chinese pieces -------------------------------------------------------------------


def related_stems(stem: str, vocabulary: Sequence[str], known: set[str] | dict, min_prefix: int = 5) -> dict[str, float]:
    """Stems of the pool's glosses that render `stem`, with glossary.dictionary.stem_relation's strength: itself
    and its word family (partner -> partnership, econom -> economi), found by prefix."""
    related = {stem: SAME_STEM}
    if len(stem) >= min_prefix:
        start = bisect.bisect_left(vocabulary, stem)
        for other in vocabulary[start:]:
            if not other.startswith(stem):
                break
            strength = stem_relation(stem, other, min_prefix)
            if strength and other != stem:
                related[other] = strength
        for cut in range(min_prefix, len(stem)):
            if stem[:cut] in known:
                strength = stem_relation(stem, stem[:cut], min_prefix)
                if strength:
                    related.setdefault(stem[:cut], strength)
    return related


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
        unknown = [p for p in range(n) if covered[p] == 0.0 and not in_word[p] and not linker[p] and CJK_CHAR.match(form[p])]
        if len(unknown) >= 2:  # transliterated or kanji names run over two characters or more
            for k in unmatched_names:
                best[k] = weights.name_credit
            for p in unknown:
                covered[p] = weights.name_credit

    total_weight = sum(w.weight for w in words)
    english = sum(w.weight * b for w, b in zip(words, best)) / total_weight if total_weight else 0.0
    counted = [p for p in range(n) if form[p] not in NEUTRAL_CHARS and not (linker[p] and covered[p] == 0.0)]
    chinese = sum(covered[p] for p in counted) / len(counted) if counted else 0.0
    coordinated = any(piece.word in COORDINATORS for piece in pieces if piece.function_word)
    head_words = {k for k, w in enumerate(words) if w.head}
    content = [p for p in counted if not linker[p] and CJK_CHAR.match(form[p])]  # 工业4.0 ends with 工业

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


def anchored_spans(pool: CandidatePool, term: EnglishTerm, max_tokens: int = 16, max_chars: int = 48,
                   max_gap: int = 1) -> dict[str, Candidate]:
    """Spans of the corpus that begin and end with a word translating part of the term, with at most `max_gap`
    untranslated words inside (linkers free): candidates the term-shape filter missed (独立评价处, names longer
    than a mined term may be). A word counts as translating when a dictionary piece over it does, also a piece
    across words (最|不|发达国家 carries 最不发达, least developed). They stay with this term: another term's
    alignment never sees them."""
    dictionary = pool.dictionary
    spans: dict[str, Candidate] = {}
    matched_spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    index = pool.clause_stem_index()
    for stem in term.all_related:
        for clause_id, start, end in index.get(stem, ()):
            matched_spans[clause_id].append((start, end))
    for clause_id in sorted(matched_spans):
        words, _ = pool.clauses[clause_id]
        matched_chars = [False] * sum(len(w) for w in words)
        for start, end in matched_spans[clause_id]:
            for p in range(start, end):
                matched_chars[p] = True
        flags, offset = [], 0
        for word in words:
            flags.append(any(matched_chars[offset: offset + len(word)]))
            offset += len(word)
        for i, first in enumerate(flags):
            if not first:
                continue
            gaps, chars = 0, 0
            for j in range(i, min(len(words), i + max_tokens)):
                chars += len(words[j])
                if chars > max_chars:
                    break
                if not flags[j]:
                    if dictionary.is_function_word(words[j]):
                        continue
                    # 在, 将, 所: a clause goes on, no name does; a unit after a number (2030年) stays in the name
                    if words[j] in pool.clause_words and not (j > i and NUMBER_TOKEN.match(words[j - 1])):
                        break
                    gaps += 1
                    if gaps > max_gap:
                        break
                    continue
                form = "".join(words[i: j + 1])
                if form in pool.candidates or form in spans or len(form) < 2:
                    continue
                spans[form] = Candidate(form, tuple(words[i: j + 1]), max(pool.occurrences(form), 1),
                                        pool.documents_with(form), concept=form)
    return spans


# --- proposals ----------------------------------------------------------------------------------------------


@dataclass
class Proposal:
    zh: str
    score: float
    method: str
    glosses: list[tuple[str, str]] = field(default_factory=list)
    dictionary_score: float = 0.0
    parallel_score: float = 0.0
    english_coverage: float = 0.0
    head_aligned: bool = True
    candidate: Candidate | None = None
    chinese_coverage: float | None = None

    def acceptable(self, config: "AlignSettings") -> bool:
        """Good enough to propose: curated, or scored high enough with enough of the English translated (or
        with strong co-occurrence evidence). Anything less means the corpus has no equivalent."""
        if self.method in ("curated", "variant"):
            return True
        if self.parallel_score >= config.parallel_min_dice:
            return self.score >= config.min_score
        # a Chinese term ends with its head: one ending elsewhere names another concept (高效的能源 is no
        # "energy efficiency"), and one that leaves much of the English untranslated is a broader term
        enough_english = self.english_coverage >= config.min_english_coverage
        return self.score >= config.min_score and enough_english and self.head_aligned


@dataclass
class AlignSettings:
    min_score: float = 0.35
    single_char_weight: float = 0.8
    head_penalty: float = 0.8
    coordination_penalty: float = 0.8
    name_credit: float = 0.6
    min_english_coverage: float = 0.7
    max_span_tokens: int = 16
    max_span_chars: int = 48
    independence_weight: float = 0.3
    mined_weight: float = 0.1
    alternatives: int = 4
    alternative_min_ratio: float = 0.6
    candidate_limit: int = 120
    parallel_weight: float = 0.5
    parallel_min_dice: float = 0.5

    @classmethod
    def from_settings(cls, settings: Settings) -> "AlignSettings":
        values = {}
        for name, default in cls.__dataclass_fields__.items():
            value = settings.get(f"align_{name}", default.default)
            values[name] = type(default.default)(value)
        return cls(**values)

    @property
    def match_weights(self) -> MatchWeights:
        return MatchWeights(self.single_char_weight, self.head_penalty, self.coordination_penalty, self.name_credit)


def termhood(candidate: Candidate, config: AlignSettings) -> float:
    # A candidate's weight as a term of the corpus: whether it ever stands outside a longer candidate (a string
    # never seen alone is a fragment: the nested-term test of Frantzi et al. 2000) and the miner's own ranking
    # (glossary.mine.rank), each a bounded factor so that the translation match stays the main evidence.
    # A term seen alone at all is a term, however often a longer name contains it (发达国家 in 最不发达国家).
    independent = 1 - config.independence_weight * (candidate.independence == 0.0)
    return independent * (1 - config.mined_weight + config.mined_weight * min(1.0, candidate.mined * 4))


def dictionary_matches(term: EnglishTerm, pool: CandidatePool, config: AlignSettings) -> list[Proposal]:
    """Candidates ranked by compositional match × termhood; only candidates sharing a gloss word are scored."""
    if not term.words:
        return []
    spans = anchored_spans(pool, term, config.max_span_tokens, config.max_span_chars)
    total = sum(w.weight for w in term.words)
    reach: dict[str, float] = defaultdict(float)  # form -> upper bound of its English coverage
    for word, related in zip(term.words, term.related):
        forms = set()
        for stem in related:
            forms |= pool.stem_index.get(stem, set())
        forms |= {form for form in spans if any(related.keys() & p.stems for p in pool.dictionary.pieces(form))}
        for form in forms:
            reach[form] += word.weight / total
    # the shortlist: most of the English reachable first, then the shortest (extra Chinese only lowers a match)
    shortlist = sorted(reach, key=lambda f: (-round(reach[f], 6), len(f), f))[: config.candidate_limit]
    proposals = []
    for form in shortlist:
        candidate = pool.candidates.get(form) or spans[form]
        match = compositional_match(term.words, term.related, form, pool.dictionary.pieces(form),
                                    config.match_weights, term.coordinated)
        if match.score <= 0:
            continue
        score = match.score * termhood(candidate, config)
        proposals.append(Proposal(form, score, "dictionary", match.glosses, dictionary_score=score,
                                  english_coverage=match.english_coverage, head_aligned=match.head_aligned,
                                  candidate=candidate, chinese_coverage=match.chinese_coverage))
    return rank_proposals(proposals)


def rank_proposals(proposals: list[Proposal]) -> list[Proposal]:
    # equal scores: the more frequent form, then the longer (增强妇女的经济权能 over 妇女的经济权能: both render it all)
    return sorted(proposals, key=lambda p: (-round(p.score, 6), -(p.candidate.freq if p.candidate else 0),
                                            -len(p.zh), p.zh))


def curated_match(forms: Sequence[str], pool: CandidatePool) -> Proposal | None:
    """The approved Chinese (first form) found in the corpus: method 'curated'. Otherwise a form of its variant
    group (mined groups, the same form without particles, or a deprecated form of the list): method 'variant'."""
    from glossary.mining.variants import variant_key

    forms = [f for f in forms if f]
    if not forms:
        return None
    if pool.occurrences(forms[0]):
        return Proposal(forms[0], 1.0, "curated")
    keys = {variant_key(f, "和及与的、") for f in forms}
    group_forms = set()
    for concept, members in pool.groups.items():
        if any(m in forms or variant_key(m, "和及与的、") in keys for m in members):
            group_forms.update(members)
    group_forms |= {c for c in pool.candidates if variant_key(c, "和及与的、") in keys}
    group_forms |= {f for f in forms[1:]}
    present = sorted((f for f in group_forms if pool.occurrences(f)), key=lambda f: (-pool.occurrences(f), f))
    if present:
        return Proposal(present[0], 0.9, "variant")
    return None


# --- parallel documents -------------------------------------------------------------------------------------

def english_stem_sequence(text: str, dictionary: Dictionary, abbreviations: dict[str, str]) -> list[str]:
    expanded = expand_abbreviations(text, abbreviations)
    return [dictionary.stem(w) for w in gloss_words(expanded) if w not in ENGLISH_FUNCTION_WORDS]


def _contains_sequence(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    return n > 0 and any(list(haystack[i: i + n]) == list(needle) for i in range(len(haystack) - n + 1))


@dataclass
class ParallelEvidence:
    dice: float
    joint: int
    english_paragraphs: int
    chinese_paragraphs: int


def parallel_matches(
    term: str,
    aligned: Sequence[AlignedParagraph],
    pool: CandidatePool,
    abbreviations: dict[str, str],
    _cache: dict | None = None,
) -> dict[str, ParallelEvidence]:
    """Candidates co-occurring with the English term in aligned paragraphs, with their Dice coefficient."""
    dictionary = pool.dictionary
    needle = english_stem_sequence(term, dictionary, abbreviations)
    cache = _cache if _cache is not None else {}
    if "en" not in cache:
        cache["en"] = [english_stem_sequence(p.en, dictionary, abbreviations) for p in aligned]
        cache["zh"] = [normalise_zh(p.zh) for p in aligned]
    with_term = [i for i, stems in enumerate(cache["en"]) if _contains_sequence(stems, needle)]
    if not with_term:
        return {}
    joint_counts: Counter = Counter()
    for i in with_term:
        text = cache["zh"][i]
        for form in pool.candidates:
            if normalise_zh(form) in text:
                joint_counts[form] += 1
    evidence = {}
    for form, joint in joint_counts.items():
        zh_count = sum(normalise_zh(form) in text for text in cache["zh"])
        # Dice coefficient of the two paragraph sets (Smadja, McKeown & Hatzivassiloglou 1996)
        dice = 2 * joint / (len(with_term) + zh_count)
        evidence[form] = ParallelEvidence(dice, joint, len(with_term), zh_count)
    return evidence


def combine_parallel(term: EnglishTerm, proposals: list[Proposal], evidence: dict[str, ParallelEvidence],
                     pool: CandidatePool, config: AlignSettings) -> list[Proposal]:
    """Dictionary and co-occurrence evidence in one score, a weighted mean, where the term occurs in aligned
    paragraphs. Co-occurrence cannot tell a name from its head word (曙光倡议 / 倡议 share every paragraph), so it
    is weighed by how well the untranslated parts balance: English words no dictionary renders should face
    Chinese characters no dictionary renders, as much of one as of the other."""
    by_form = {p.zh: p for p in proposals}
    combined = []
    for form in set(by_form) | set(evidence):
        proposal = by_form.get(form)
        if proposal is None or (form in evidence and proposal.chinese_coverage is None):
            match = compositional_match(term.words, term.related, form, pool.dictionary.pieces(form),
                                        config.match_weights, term.coordinated)
            candidate = pool.candidates.get(form)
            dictionary_score = match.score * termhood(candidate, config) if candidate else match.score
            proposal = Proposal(form, dictionary_score, "dictionary", match.glosses, dictionary_score,
                                english_coverage=match.english_coverage, head_aligned=match.head_aligned,
                                candidate=candidate, chinese_coverage=match.chinese_coverage)
        parallel = 0.0
        if form in evidence:
            # untranslated shares should balance, as lengths do in sentence alignment (Gale & Church 1993)
            balance = 1 - abs(proposal.chinese_coverage - proposal.english_coverage)
            parallel = evidence[form].dice * termhood(pool.candidates[form], config) * balance
        score = (1 - config.parallel_weight) * proposal.dictionary_score + config.parallel_weight * parallel
        method = "parallel" if form in evidence and evidence[form].dice >= config.parallel_min_dice else proposal.method
        combined.append(Proposal(form, score, method, proposal.glosses, proposal.dictionary_score, parallel,
                                 proposal.english_coverage, proposal.head_aligned,
                                 proposal.candidate or pool.candidates.get(form), proposal.chinese_coverage))
    return rank_proposals(combined)


# --- the whole stage ----------------------------------------------------------------------------------------


def _as_terms_frame(terms) -> pd.DataFrame:
    if isinstance(terms, pd.DataFrame):
        if "en" not in terms.columns:
            raise InputError(terms.attrs.get("source"), "no 'en' column")
        return terms
    return pd.DataFrame({"en": [str(t) for t in terms]})


def abbreviations_of_terms(frame: pd.DataFrame) -> dict[str, str]:
    """The terms file's own abbreviations (abbr column: LDCs for least developed countries), singular too, so
    that "LDC Ministerial Conference" and English paragraphs using LDCs read as spelt out."""
    table = {}
    for en, abbr in zip(frame["en"], frame["abbr"]):
        for short in re.split(r"[;,|]", str(abbr or "")):
            short = short.strip()
            if not short or " " in short or short == en:
                continue
            table[short] = str(en)
            if short.endswith("s") and str(en).endswith("s"):
                table.setdefault(short[:-1], singular(str(en)))
    return table


def singular(phrase: str) -> str:
    """least developed countries -> least developed country (the last word only)."""
    if phrase.endswith("ies"):
        return phrase[:-3] + "y"
    if phrase.endswith("s") and not phrase.endswith("ss"):
        return phrase[:-1]
    return phrase


def _documents(parallel) -> list[Document]:
    if parallel is None:
        return []
    if hasattr(parallel, "documents"):
        return list(parallel.documents)
    return list(parallel)


def align_terms(
    terms,
    documents: Sequence[Document],
    settings: Settings | None = None,
    mining=None,
    parallel=None,
    use_curated: bool = True,
) -> pd.DataFrame:
    """One row per English term, in input order: the best Chinese found in the corpus and how it was found.

    `terms`: a DataFrame with column `en` (as `read_terms` returns) or a list of English terms.
    `parallel`: English versions of the documents (a list of Documents or a Corpus), paired by symbol or name.
    `use_curated=False` ignores the list's own zh (evaluation hands only `en`).
    Columns: en, zh (empty when nothing in the corpus translates the term), score (0..1), method (curated |
    variant | dictionary | parallel; empty with zh), alternatives ('|', next best, up to 4), freq, docs, variants,
    glosses, context, near_miss (with an empty zh: the best candidate rejected, and why), then the input's other
    columns (its own zh as `curated_zh`)."""
    from glossary.mining.mine import mine_corpus

    settings = settings or default_settings()
    config = AlignSettings.from_settings(settings)
    frame = _as_terms_frame(terms)
    dictionary = load_dictionary(settings)
    abbreviations = dict(read_abbreviations(resolve_setting_path(settings, "abbreviations", "abbreviations.tsv")))
    if "abbr" in frame.columns:
        abbreviations.update(abbreviations_of_terms(frame))
    curated = [split_forms(v) for v in frame["zh"]] if use_curated and "zh" in frame.columns else [[] for _ in
                                                                                                   range(len(frame))]
    curated_forms = [f for forms in curated for f in forms]
    if mining is None:
        mining = mine_corpus(documents, settings, curated=[forms for forms in curated if forms])
    pool = build_candidate_pool(documents, settings, dictionary, mining, curated_forms)
    aligned = aligned_paragraphs(documents, _documents(parallel)) if parallel is not None else []
    parallel_cache: dict = {}

    rows = []
    for (_, source), forms in zip(frame.iterrows(), curated):
        en = str(source["en"]).strip()
        english = prepare_english(en, pool, abbreviations)
        proposals = dictionary_matches(english, pool, config)
        if aligned:
            evidence = parallel_matches(en, aligned, pool, abbreviations, parallel_cache)
            if evidence:
                proposals = combine_parallel(english, proposals, evidence, pool, config)
        chosen = curated_match(forms, pool) if forms else None
        rows.append(_result_row(en, chosen, proposals, pool, config))
    result = pd.DataFrame(rows)
    if result.empty:
        result = pd.DataFrame(columns=ALIGN_COLUMNS)
    carried = [c for c in frame.columns if c != "en"]
    for column in carried:
        name = "curated_zh" if column == "zh" else column
        if name in ALIGN_COLUMNS:
            name = f"input_{column}"
        result[name] = list(frame[column])
    return result


def _result_row(en: str, chosen: Proposal | None, proposals: list[Proposal], pool: CandidatePool,
                config: AlignSettings) -> dict:
    ranked: list[Proposal] = []
    seen: set[str] = set()
    for proposal in ([chosen] if chosen else []) + proposals:
        key = normalise_zh(proposal.zh)
        if key and key not in seen:
            seen.add(key)
            ranked.append(proposal)
    best = ranked[0] if ranked else None
    found = best is not None and best.acceptable(config)
    zh = best.zh if found else ""
    # next best: acceptable on their own and not far behind (a tenth of the list's noise is worth no reader's time)
    floor = best.score * config.alternative_min_ratio if found else 0.0
    alternatives = [p.zh for p in ranked[1:] if p.acceptable(config) and p.score >= floor][: config.alternatives]
    alternatives = alternatives if found else []
    glosses = best.glosses if found else []
    if found and not glosses:  # a curated choice: show what the dictionary makes of it
        glosses = next((p.glosses for p in proposals if p.zh == zh), [])
    candidate = pool.candidates.get(zh)
    concept = candidate.concept if candidate else zh
    variants = [f for f in pool.groups.get(concept, []) if f != zh and pool.occurrences(f)]
    return {
        "en": en,
        "zh": zh,
        # no equivalent: the score stays below the acceptance line, the best rejected candidate is shown apart
        "score": round(float(best.score if found else min(best.score, config.min_score)), 4) if best else 0.0,
        "method": best.method if found else "",
        "alternatives": "|".join(alternatives),
        "freq": pool.occurrences(zh) if zh else 0,
        "docs": pool.documents_with(zh) if zh else 0,
        "variants": "|".join(variants),
        "glosses": format_glosses(glosses),
        "context": pool.context(zh) if zh else "",
        "near_miss": near_miss(best, config) if best is not None and not found else "",
    }


def near_miss(proposal: Proposal, config: AlignSettings) -> str:
    """The best candidate found not good enough, and why: '直接投资 (translates 69% of the English)'."""
    if proposal.method not in ("curated", "variant") and not proposal.head_aligned:
        reason = "does not end with the English head"
    elif proposal.english_coverage < config.min_english_coverage:
        reason = f"translates {proposal.english_coverage:.0%} of the English"
    else:
        reason = f"score {proposal.score:.2f}"
    return f"{proposal.zh} ({reason})"


def format_glosses(glosses: Sequence[tuple[str, str]]) -> str:
    """'工发组织=united nations industrial; 组织=organization': the English words each Chinese word rendered."""
    grouped: dict[str, list[str]] = {}
    for zh, en in glosses:
        grouped.setdefault(zh, []).append(en)
    return "; ".join(f"{zh}={' '.join(words)}" for zh, words in grouped.items())


# --- baseline -----------------------------------------------------------------------------------------------


def cedict_lookup_baseline(terms, documents: Sequence[Document]) -> pd.DataFrame:
    """Plain CC-CEDICT lookup of the whole English term: headwords with a sense equal to the term (case
    ignored) that occur in the corpus, most frequent first. The comparison point for alignment accuracy."""
    from glossary.align.dictionary import _cedict_tables, dictionary_cache_dir

    senses = _cedict_tables(None, dictionary_cache_dir())[0]
    by_sense: dict[str, list[str]] = defaultdict(list)
    for word, glosses in senses.items():
        for gloss in glosses:
            by_sense[" ".join(gloss.lower().split())].append(word)
    text = normalise_zh("\n".join(p.text for doc in documents for p in doc.paragraphs))
    rows = []
    for en in _as_terms_frame(terms)["en"]:
        words = [w for w in by_sense.get(" ".join(str(en).lower().split()), []) if w in text]
        words.sort(key=lambda w: -text.count(w))
        rows.append({"en": en, "zh": words[0] if words else "", "alternatives": "|".join(words[1:4])})
    return pd.DataFrame(rows, columns=["en", "zh", "alternatives"])


# --- English drafts for new Chinese terms -------------------------------------------------------------------

ADJECTIVE_ENDINGS = ("al", "ic", "ive", "ous", "able", "ible", "ary", "ful", "less", "ial")
NOUN_ENDINGS = ("tion", "sion", "ment", "ity", "ness", "ance", "ence", "ship", "ism", "ure", "age", "ency", "ancy")
OF_LINKERS = {"的", "之"}
ON_LINKERS = {"问题"}
AND_LINKERS = {"和", "及", "与", "以及", "、"}


def gloss_segments(term: str, dictionary: Dictionary) -> list[str]:
    """The term cut into dictionary words: the cut with the fewest pieces, domain-lexicon words preferred (a
    shortest-path segmentation over the dictionary's word lattice)."""
    n = len(term)
    best: list[tuple[float, int] | None] = [None] * (n + 1)
    best[0] = (0.0, 0)
    pieces_at: dict[int, list[Piece]] = defaultdict(list)
    for piece in dictionary.pieces(term):
        pieces_at[piece.start].append(piece)
    for i in range(n):
        if best[i] is None:
            continue
        options = [(p.end, 1.0 - (0.2 if p.domain else 0.0)) for p in pieces_at[i]] or [(i + 1, 2.0)]
        if not any(end == i + 1 for end, _ in options):
            options.append((i + 1, 2.0))
        for end, cost in options:
            total = best[i][0] + cost
            if best[end] is None or total < best[end][0]:
                best[end] = (total, i)
    cuts, end = [], n
    while end > 0:
        start = best[end][1]
        cuts.append(term[start:end])
        end = start
    return cuts[::-1]


def choose_gloss(word: str, dictionary: Dictionary, modifier: bool) -> str | None:
    """One English rendering of a Chinese word: the domain lexicon's first sense, else a short CC-CEDICT sense;
    a modifier prefers an adjective (技术 → technical), a head prefers a noun (not 'to …')."""
    senses = [s for s in dictionary.glosses(word) if len(s.split()) <= 4 and "sb" not in s.split()
              and "sth" not in s.split()]
    if not senses:
        return None
    if word in dictionary.domain_words:
        domain = senses[0]
        if not modifier:
            return domain
        adjective = next((s for s in senses[:4] if s.split()[-1].endswith(ADJECTIVE_ENDINGS)), None)
        return adjective or domain
    nouns = [s for s in senses if not s.startswith("to ")]
    if not modifier and nouns and nouns[0].split()[-1].endswith(ADJECTIVE_ENDINGS):
        noun = next((s for s in nouns[:6] if s.split()[-1].endswith(NOUN_ENDINGS)), None)
        if noun:
            return noun
    if modifier:
        adjective = next((s for s in senses[:6] if " " not in s and s.endswith(ADJECTIVE_ENDINGS)), None)
        if adjective:
            return adjective
    choice = (nouns or senses)[0]
    if choice.startswith("to "):
        choice = choice[3:]
    if choice[:1].isupper() and ", " in choice:  # "Vienna, capital of Austria"
        choice = choice.split(", ")[0]
    return choice


NAME_MARK = "\0name:"


def join_name_runs(parts: list[str], dictionary: Dictionary) -> list[str]:
    """Two or more single characters in a row that no dictionary word joins (水|俣, 圣|何|塞) read as a name."""
    joined, run = [], []

    def flush():
        if len(run) >= 2:
            joined.append(NAME_MARK + "".join(run))
        else:
            joined.extend(run)
        run.clear()

    for part in parts:
        if len(part) == 1 and CJK_CHAR.match(part) and part not in dictionary.domain_words:
            run.append(part)
        else:
            flush()
            joined.append(part)
    flush()
    return joined


def draft_translation(term: str, dictionary: Dictionary) -> tuple[str, list[tuple[str, str]], float]:
    """An English draft of a Chinese term, in English word order: modifiers before the head as in Chinese,
    'B of A' for A的B, 'B on A' for A问题B, 'and' for 和/及/与. Returns the draft, the word glosses and the
    share of the term's characters glossed by whole dictionary words (single characters count half)."""
    segments = gloss_segments(term, dictionary)
    glosses: list[tuple[str, str]] = []
    covered = 0.0
    content = sum(len(s) for s in segments if s not in OF_LINKERS | ON_LINKERS | AND_LINKERS
                  and not all(ch in NEUTRAL_CHARS for ch in s))

    def render(parts: list[str]) -> str:
        nonlocal covered
        for linkers, pattern in ((ON_LINKERS, "{b} on {a}"), (OF_LINKERS, "{b} of {a}")):
            cut = max((i for i, s in enumerate(parts) if s in linkers and 0 < i < len(parts) - 1), default=None)
            if cut is not None:
                return pattern.format(a=render(parts[:cut]), b=render(parts[cut + 1:]))
        cut = next((i for i, s in enumerate(parts) if s in AND_LINKERS and 0 < i < len(parts) - 1), None)
        if cut is not None:
            return f"{render(parts[:cut])} and {render(parts[cut + 1:])}"
        words = []
        content_parts = [s for s in parts if not all(ch in NEUTRAL_CHARS for ch in s)
                         and not dictionary.is_function_word(s)]
        content_parts = join_name_runs(content_parts, dictionary)
        for i, part in enumerate(content_parts):
            if part.startswith(NAME_MARK):  # characters of a transliterated name: its reading, not their glosses
                name = part[len(NAME_MARK):]
                words.append("".join(dictionary.pinyin(ch).split(" ")[0].rstrip("12345") for ch in name).capitalize())
                glosses.append((name, words[-1] + " (name?)"))
                continue
            if re.fullmatch(r"[A-Za-z0-9.\-]+", part):
                words.append(part)
                covered += len(part)
                continue
            ordinal = ORDINAL.fullmatch(part)
            if ordinal and chinese_ordinal(ordinal.group(1)):
                words.append(chinese_ordinal(ordinal.group(1)))
                glosses.append((part, words[-1]))
                covered += len(part)
                continue
            gloss = choose_gloss(part, dictionary, modifier=i < len(content_parts) - 1)
            if gloss is None:
                reading = dictionary.pinyin(part) or part
                words.append(reading.replace(" ", "").capitalize())
                continue
            words.append(gloss)
            glosses.append((part, gloss))
            covered += len(part) if len(part) > 1 or part in dictionary.domain_words else 0.5
        return " ".join(words)

    draft = render(segments)
    return draft, glosses, min(1.0, covered / content) if content else 0.0


def draft_english(mining, covered: set[str], settings: Settings | None = None) -> pd.DataFrame:
    """English drafts for the mined Chinese terms (canonical forms and variants) no English entry covers.
    Columns: term, en (compositional draft), score (share of the term glossed by dictionary words), method
    ('draft'), glosses, freq."""
    settings = settings or default_settings()
    dictionary = load_dictionary(settings)
    covered_keys = {normalise_zh(c) for c in covered if c}
    rows = []
    terms = mining.terms if mining is not None and mining.terms is not None else pd.DataFrame()
    for _, row in terms.iterrows():
        forms = [row["term"], *split_forms(row.get("variants", ""))]
        if any(normalise_zh(f) in covered_keys for f in forms):
            continue
        draft, glosses, confidence = draft_translation(str(row["term"]), dictionary)
        rows.append({
            "term": row["term"],
            "en": draft,
            "score": round(confidence, 4),
            "method": "draft",
            "glosses": format_glosses(glosses),
            "freq": int(row.get("freq", 0) or 0),
        })
    return pd.DataFrame(rows, columns=DRAFT_COLUMNS)


def covered_forms(alignment: pd.DataFrame) -> set[str]:
    """Chinese forms an alignment table accounts for: found equivalents, alternatives are not counted."""
    forms: set[str] = set()
    for column in ("zh", "variants", "curated_zh"):
        if column in alignment.columns:
            for value in alignment[column]:
                forms.update(split_forms(value))
    return forms
