"""Mining stage: candidate terms from segmented text, their statistics, and one ranking.

The pipeline, each step a named function:
  clauses()            split tagged paragraphs at punctuation: a term never crosses a clause boundary
  is_candidate()       the syntactic shape of a term: content words at both edges, a nominal head
  count_corpus()       (glossary.count) the n-grams inside clauses (the statistics need the parts too) and, for
                       candidates, their documents and neighbours: vectorised, by shard, cached, in workers
  term_statistics()    frequency, document frequency, C-value, independence, association, branching entropy,
                       specificity
  joins_terms(), rank() one score from those components, every component kept as a column
  mine_corpus()        the whole stage: ranked concepts with variants grouped (glossary.variants), drift by year,
                       keyword-in-context sentences
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from glossary.config import Settings, default_settings
from glossary.parallel import collector_paused, run_beside
from glossary.model import Document
from glossary.text import HAN_CHAR
from glossary.mining.count import Counts, DocCounter, count_corpus, documents_using
from glossary.mining.segment import Segmenter, Token, read_user_dict

# POS tags (jieba / ICTCLAS set) of words that only glue others together: conjunctions, prepositions,
# particles, interjections, onomatopoeia, punctuation. They may sit inside a term (和, 及), never at its edge.
FUNCTION_POS = {"c", "p", "u", "uj", "ul", "uz", "ug", "ud", "uv", "y", "e", "o", "x", "w", "zg"}
# Tags jieba gives to nominal words; a term's last word should be one of them (or a verb nominalised by a
# preceding noun, as in 技术转让, 能源转型, 多边环境协定).
# Pronouns, demonstratives and classifiers (这场, 该, 各) open a noun phrase but are no part of a term's name.
EDGE_FORBIDDEN_POS = FUNCTION_POS | {"r", "mq", "q", "rz", "rr", "tg"}
# Adverbs open a predicate (仔细挑选…), except the few that form names (最不发达国家): see name_prefixes.txt
ADVERB_POS = {"d", "ad", "dg"}
# Aspect particles, time words, modal particles: the marks of a clause, not of a name.
INTERNAL_POS = {"ul", "uz", "ug", "uv", "ud", "y", "e", "o", "t", "tg", "mq"}
NOMINAL_POS = {"n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "ng", "vn", "an", "j", "l", "eng", "i"}
# A word standing alone is a term only if jieba knows it as a noun or a fixed expression (not 调集, 私营).
SINGLE_TERM_POS = {"n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "j", "l", "eng"}
PROPER_NOUN_POS = {"nr", "nrt", "nrfg", "ns", "nt", "nz", "j"}
COMMON_NOUN_POS = {"n", "vn", "an", "ng", "l"}
PUNCTUATION = re.compile(r"^[\s\W_]+$", re.UNICODE)
CLAUSE_INTERNAL = {"、", "·", "-", "/"}  # punctuation that may sit inside a name (非洲、加勒比和太平洋国家组织)
NUMBER = re.compile(r"^[0-9.%,]+$|^[零一二三四五六七八九十百千万亿两几]+[个项次年名位条家]?$")
ORDINAL = re.compile(r"^第[零一二三四五六七八九十百千0-9]+")
CJK = HAN_CHAR
TITLE = re.compile(r"《([^《》\n]{2,40})》")


def read_patterns(path: Path) -> list[re.Pattern]:
    """Regular expressions, one per line ('#' comments)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [re.compile(line.strip()) for line in lines if line.strip() and not line.lstrip().startswith("#")]


def read_word_list(path: Path) -> frozenset[str]:
    words: set[str] = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        words.update(line.split("#", 1)[0].split())
    return frozenset(words)


@dataclass
class Lexicon:
    """The configurable word lists the candidate filter reads (data files named in [tool.glossary])."""

    edge_stopwords: frozenset[str]
    generic_words: frozenset[str]
    internal_words: frozenset[str] = frozenset()
    pos_overrides: dict[str, str] = field(default_factory=dict)
    single_word_max_zipf: float = 4.6
    verb_start_max_zipf: float = 4.5
    name_prefixes: frozenset[str] = frozenset()
    verb_suffixes: frozenset[str] = frozenset()
    light_heads: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings) -> "Lexicon":
        overrides = {}
        for line in settings.path("pos_overrides").read_text(encoding="utf-8").splitlines():
            parts = line.split("#", 1)[0].split()
            if len(parts) == 2:
                overrides[parts[0]] = parts[1]
        return cls(
            read_word_list(settings.path("stopwords")),
            read_word_list(settings.path("generic_words")),
            read_word_list(settings.path("internal_words")),
            overrides,
            float(settings.get("single_word_max_zipf", 4.6)),
            float(settings.get("verb_start_max_zipf", 4.5)),
            read_word_list(settings.path("name_prefixes")),
            read_word_list(settings.path("verb_suffixes")),
            read_word_list(settings.path("light_heads")) if settings.get("light_heads") else frozenset(),
        )

    @cached_property
    def fingerprint(self) -> str:
        """Identifies the word lists and thresholds: what a cached count or verdict depends on."""
        import hashlib

        parts = (sorted(self.edge_stopwords), sorted(self.generic_words), sorted(self.internal_words),
                 sorted(self.pos_overrides.items()), self.single_word_max_zipf, self.verb_start_max_zipf,
                 sorted(self.name_prefixes), sorted(self.verb_suffixes))
        return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]

    def is_forbidden_inside(self, token: Token) -> bool:
        """Clause-level words (predicates, aspect particles, pronouns) never occur inside a term."""
        return (token.word in self.edge_stopwords and token.word not in self.internal_words) or token.pos in INTERNAL_POS


# --- candidates -----------------------------------------------------------------------------------------------


def clauses(tokens: Sequence[Token], pos_overrides: dict[str, str] | None = None) -> list[list[Token]]:
    """Runs of tokens between punctuation marks; 《》 and quotes bound a clause too."""
    pos_overrides = pos_overrides or {}
    runs: list[list[Token]] = []
    current: list[Token] = []
    for token in tokens:
        word = token.word.strip()
        if not word:
            continue
        if PUNCTUATION.match(word) and word not in CLAUSE_INTERNAL:
            if current:
                runs.append(current)
            current = []
            continue
        current.append(Token(word, pos_overrides.get(word, token.pos), token.start))
    if current:
        runs.append(current)
    return runs


def _is_edge_word(token: Token, lexicon: Lexicon) -> bool:
    word = token.word
    return not (
        token.pos in EDGE_FORBIDDEN_POS
        or word in lexicon.edge_stopwords
        or word in CLAUSE_INTERNAL
        or (token.pos[:1] == "m" and NUMBER.match(word))  # 十年 'decade' is a noun (pos_overrides.txt)
    )


def is_candidate(words: Sequence[Token], lexicon: Lexicon) -> bool:
    """The shape of a term: content words at both edges, a nominal head, no clause-internal punctuation at edges."""
    first, last = words[0], words[-1]
    if first.pos in ADVERB_POS and first.word not in lexicon.name_prefixes:
        return False
    if last.word.endswith(tuple(lexicon.verb_suffixes)):
        return False
    if not (_is_edge_word(first, lexicon) or ORDINAL.match(first.word)):
        return False
    if not _is_edge_word(last, lexicon):
        # an ordinal name may end in a number-unit word (第三个非洲工业发展十年)
        if not (ORDINAL.match(first.word) and NUMBER.match(last.word) and len(words) > 2):
            return False
    if any(lexicon.is_forbidden_inside(w) for w in words[1:-1]):
        return False
    # a common verb inside opens a clause (…业务战略|编制|过程); rare verbs name actions in titles (抵御灾害能力)
    if any(w.pos == "v" and general_zipf(w.word) >= lexicon.verb_start_max_zipf for w in words[1:-1]):
        return False
    if not _well_formed_coordination([w.word for w in words], lexicon):
        return False
    text = "".join(w.word for w in words)
    if not CJK.search(text):
        return False  # Latin-only strings (symbols, URLs) are metadata, not Chinese terms
    if len(words) == 1:
        return (
            last.pos in SINGLE_TERM_POS
            and len(text) >= 2
            and text not in lexicon.generic_words
            and not ORDINAL.match(text)
            and general_zipf(text) < lexicon.single_word_max_zipf
        )
    if first.pos == "v" and general_zipf(first.word) >= lexicon.verb_start_max_zipf:
        return False
    if last.pos in NOMINAL_POS or (ORDINAL.match(first.word) and NUMBER.match(last.word)):
        return True
    # a verb or adjective heads a compound when a common noun modifies it (技术转让, 能源转型, 性别平等), but a
    # common verb after a noun is a clause's predicate (组织|宣布)
    if last.pos == "v" and general_zipf(last.word) >= lexicon.verb_start_max_zipf:
        return False
    return words[-2].pos in COMMON_NOUN_POS and last.pos in {"v", "a", "ad"} and len(last.word) >= 2


def _well_formed_coordination(words: Sequence[str], lexicon: Lexicon) -> bool:
    """An enumeration comma closes with a conjunction (非洲、加勒比和太平洋国家组织, not 科学、技术), and a coordination
    of generic words (框架和政策) names nothing."""
    if "、" in words and not any(w in COORDINATORS for w in words[words.index("、") + 1 :]):
        return False
    parts, current = [], []
    for word in words:
        if word in COORDINATORS or word == "、":
            parts.append(current)
            current = []
        else:
            current.append(word)
    parts.append(current)
    return len(parts) == 1 or not all(len(p) == 1 and p[0] in lexicon.generic_words for p in parts)


COORDINATORS = {"和", "及", "与", "或", "以及"}


# --- counting (glossary.count) --------------------------------------------------------------------------------


def _may_start(token: Token, lexicon: Lexicon) -> bool:
    if token.pos in ADVERB_POS and token.word not in lexicon.name_prefixes:
        return False
    return _is_edge_word(token, lexicon) or bool(ORDINAL.match(token.word))


def _bad_inside(token: Token, lexicon: Lexicon) -> bool:
    return lexicon.is_forbidden_inside(token) or (
        token.pos == "v" and general_zipf(token.word) >= lexicon.verb_start_max_zipf
    )


# --- statistics -----------------------------------------------------------------------------------------------


def c_value(length: int, freq: int, nesting_freqs: Sequence[int]) -> float:
    # C-value (Frantzi, Ananiadou & Mima 2000), with log2(|a|+1) so one-word terms score (Barrón-Cedeño et al. 2009).
    # jieba splits names into many short tokens (工发|组织), so the length weight stops growing at four tokens.
    weight = math.log2(min(length, 4) + 1)
    if not nesting_freqs:
        return weight * freq
    return weight * (freq - sum(nesting_freqs) / len(nesting_freqs))


def independence(freq: int, nesting_freqs: Sequence[int]) -> float:
    # Share of a string's occurrences outside its most frequent containing candidate: a fragment of a longer term
    # (收入国家 inside 中等收入国家) has almost none (nested-term test after Frantzi et al. 2000; Kit & Liu 2008)
    return 1.0 - (max(nesting_freqs) / freq if nesting_freqs and freq else 0.0)


def branching_entropy(neighbours: Counter, edges: int = 0) -> float:
    # Branching entropy of a string's neighbours (Tanaka-Ishii 2005; Jin & Tanaka-Ishii 2006): free boundaries are
    # varied. Each of the `edges` clause boundaries counts as a neighbour of its own (probability 1/total).
    total = sum(neighbours.values()) + edges
    if total == 0:
        return 0.0
    entropy = -sum((c / total) * math.log2(c / total) for c in neighbours.values())
    return entropy + (edges / total) * math.log2(total)


def dice(joint: int, left: int, right: int) -> float:
    # Dice coefficient of two parts (Smadja, McKeown & Hatzivassiloglou 1996)
    return 2 * joint / (left + right) if left + right else 0.0


def pmi(joint: int, left: int, right: int, total: int) -> float:
    # Pointwise mutual information (Church & Hanks 1990)
    return math.log2(joint * total / (left * right)) if joint and left and right else 0.0


def log_likelihood(joint: int, left: int, right: int, total: int) -> float:
    # Log-likelihood ratio G² for a 2×2 contingency table (Dunning 1993)
    k11 = joint
    k12 = max(left - joint, 0)
    k21 = max(right - joint, 0)
    k22 = max(total - left - right + joint, 0)

    def h(*ks: int) -> float:
        n = sum(ks)
        return sum(k * math.log(k / n) for k in ks if k)

    return 2 * (h(k11, k12, k21, k22) - h(k11 + k12, k21 + k22) - h(k11 + k21, k12 + k22))


def weakest_split(tokens: tuple[str, ...], ngrams: Counter, total: int) -> tuple[float, float, float]:
    """Association of a term's parts at its weakest split point (between tokens): (Dice, PMI, log-likelihood)."""
    if len(tokens) < 2:
        return 1.0, 0.0, 0.0
    joint = ngrams["".join(tokens)]
    splits = [(ngrams["".join(tokens[:k])], ngrams["".join(tokens[k:])]) for k in range(1, len(tokens))]
    left, right = min(splits, key=lambda parts: dice(joint, *parts))  # the first of the weakest
    return dice(joint, left, right), pmi(joint, left, right, total), log_likelihood(joint, left, right, total)


@lru_cache(maxsize=None)
def general_zipf(word: str) -> float:
    """Zipf frequency (log10 per billion words) of a word in general Chinese, from wordfreq."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "zh")


def domain_specificity(term: str, freq: int, total_tokens: int) -> float:
    # Weirdness ratio (Ahmad, Gillam & Tostevin 1999): log10 of corpus frequency over general-language frequency.
    # For a multiword candidate, wordfreq's own estimate of the whole string (it penalises each inferred boundary,
    # as a compound is rarer than its parts); for one word, that word's frequency.
    general = max(general_frequency(term), 1e-9)
    corpus = freq / max(total_tokens, 1)
    return math.log10(corpus / general)


@lru_cache(maxsize=None)
def general_frequency(text: str) -> float:
    from wordfreq import word_frequency

    return word_frequency(text, "zh")


def nesting_index(segmented: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """For each candidate, the longer candidates that contain it as a contiguous run of their tokens."""
    nested_in: dict[str, list[str]] = defaultdict(list)
    for longer, tokens in segmented.items():
        n = len(tokens)
        inside = {"".join(tokens[i:j]) for i in range(n) for j in range(i + 1, n + 1) if j - i < n}
        for shorter in inside & segmented.keys():
            nested_in[shorter].append(longer)
    return nested_in


def term_statistics(
    counts: Counts, n_docs: int, min_freq: int, also: Iterable[str] = (), excluded: Sequence[re.Pattern] = (),
    beside: bool = False,
) -> pd.DataFrame:
    """One row per candidate seen at least `min_freq` times (and per form in `also`), with every statistic the
    ranking uses. Candidates matching an `excluded` pattern (document furniture: 总干事的报告) are dropped first,
    so they neither rank nor make their parts (总干事) look like fragments. Fragments have no specificity (NaN).
    With `beside`, half the rows are computed in a second process (config.run_beside)."""
    kept = [gram for gram in counts.per_doc if counts.ngrams[gram] >= min_freq] + [g for g in also if g in counts.per_doc]
    kept = [gram for gram in kept if not any(pattern.search(gram) for pattern in excluded)]
    nested_in = nesting_index({gram: counts.segmentation[gram] for gram in kept})
    half = len(kept) // 2 if beside else 0
    second = run_beside(_statistics_rows, kept[:half], counts, nested_in, n_docs, fork=beside)
    rows = _statistics_rows(kept[half:], counts, nested_in, n_docs)
    return pd.DataFrame(second() + rows)


def _statistics_rows(grams: Sequence[str], counts: Counts, nested_in: dict, n_docs: int) -> list[dict]:
    total = max(counts.tokens, 1)
    rows = []
    for gram in grams:
        freq = counts.ngrams[gram]
        containing = [counts.ngrams[g] for g in set(nested_in.get(gram, ()))]
        docs = documents_using(counts.per_doc, gram)
        tokens = counts.segmentation[gram]
        dice_, pmi_, llr = weakest_split(tokens, counts.ngrams, total)
        rows.append(
            {
                "term": gram,
                "tokens": " ".join(tokens),
                "pos": " ".join(counts.pos[gram]),
                "length": len(tokens),
                "freq": freq,
                "docs": docs,
                "spread": docs / max(n_docs, 1),
                "cvalue": c_value(len(tokens), freq, containing),
                "nested_mean": sum(containing) / len(containing) if containing else float("nan"),
                "independence": independence(freq, containing),
                "dice": dice_,
                "pmi": pmi_,
                "llr": llr,
                "left_entropy": counts.left_entropy.get(gram, 0.0),
                "enumerated": counts.enumerated.get(gram, 0) / freq,
                "general_zipf": min(general_zipf(w) for w in tokens),
                "right_entropy": counts.right_entropy.get(gram, 0.0),
                # a fragment (never outside a longer candidate) never scores: its general frequency is not looked up
                "specificity": domain_specificity(gram, freq, total) if freq > max(containing, default=0)
                else float("nan"),
            }
        )
    return rows


LINKERS = {"和", "及", "与", "或", "以及", "、", "的", "之", "间", "/"}


def joins_terms(stats: pd.DataFrame, min_independence: float, max_dice: float) -> pd.Series:
    """True for a phrase built around a term rather than a name of its own:
    - a term linked to more words (气候变化和环境退化, 伙伴关系的战略框架): the part before the first linker is a term
      that mostly stands alone, so the whole names two things together;
    - a term plus one loosely attached word (吁请|工发组织, 工发组织|启动, 工发组织|成员国): the parts rarely go together
      (Dice below `max_dice`), unlike a name that extends a term (最不发达国家|业务战略).
    Names whose parts are no terms of their own (包容和可持续的工业发展, 国家伙伴关系方案) are kept."""
    independent = {
        tuple(tokens.split()) for tokens, ind in zip(stats["tokens"], stats["independence"]) if ind >= min_independence
    }
    flags = []
    for tokens, tags, association, enumerated in zip(stats["tokens"], stats["pos"], stats["dice"], stats["enumerated"]):
        words, tags = tuple(tokens.split()), tags.split()
        first_link = next((i for i, w in enumerate(words[1:-1], start=1) if w in LINKERS), None)
        linked = first_link is not None and words[:first_link] in independent
        # a proper name before a term makes a new name (非加太|国家组织), not a phrase
        loose = len(words) >= 2 and association < max_dice and (
            (words[1:] in independent and tags[0] not in PROPER_NOUN_POS) or words[:-1] in independent
        )
        # a coordination that mostly begins right after an enumeration comma is the tail of a longer list
        tail = first_link is not None and enumerated >= 0.5
        flags.append(linked or loose or tail)
    return pd.Series(flags, index=stats.index)


def rank(
    stats: pd.DataFrame, single_word_weight: float = 0.6, attributive_weight: float = 0.5, light_head_weight: float = 0.5
) -> pd.Series:
    """One termhood score in 0..1 from the statistics; every factor stays visible as a column of `stats`."""
    if stats.empty:
        return pd.Series(dtype=float)
    frequency = (1 + stats["cvalue"].clip(lower=0)).map(math.log2)
    # weirdness mapped to 0..1: a term used 10 times more often here than in general Chinese gets one half
    specificity = (1 / (1 + (-2 * (stats["specificity"] - 1)).map(math.exp))).fillna(0.0)
    # significance of the parts' association (log-likelihood, which unlike Dice does not punish frequent generic
    # parts: 工业|政策) mapped to 0..1, half at G² = 10.83 (p = 0.001); a single word is its own unit
    segmented_as_one = ~stats["tokens"].str.contains(" ", regex=False)
    association = (stats["llr"] / (stats["llr"] + 10.83)).where(~segmented_as_one, 1.0)
    # the multiword terms UN documents repeat are what a glossary is for; a one-word term must be more frequent
    shape = stats["length"].map(lambda n: single_word_weight if n == 1 else 1.0) * (~stats["joins_terms"])
    # an enumeration (贸易、旅游、工业和矿产事务) is rarely one name, nor is a possessive phrase (领域的优先)
    shape = shape * stats["tokens"].map(lambda t: 0.5 if sum(w in LINKERS for w in t.split()) >= 2 else 1.0)
    shape = shape * stats["tokens"].map(lambda t: attributive_weight if "的" in t.split() else 1.0)
    shape = shape * stats["light_head"].map(lambda light: light_head_weight if light else 1.0)
    raw = frequency * stats["independence"] * specificity * association * shape
    return raw / raw.max() if raw.max() > 0 else raw


# --- the whole stage ------------------------------------------------------------------------------------------



@dataclass
class MiningResult:
    terms: pd.DataFrame  # one row per concept (variant group), best first
    candidates: pd.DataFrame  # one row per ranked surface form, with every statistic
    variants: pd.DataFrame  # form, concept, document, year, count: which document uses which form
    contexts: pd.DataFrame  # concept, form, document, paragraph, sentence
    documents: Sequence[Document]


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
                    "sentence": _sentence_at(paragraph.text, start),
                }
            )
    return pd.DataFrame(rows, columns=CONTEXT_COLUMNS)


CONTEXT_COLUMNS = ["term", "form", "document", "year", "paragraph", "sentence"]


def _sentence_at(text: str, position: int) -> str:
    """The sentence of `text` around character `position`."""
    start = max(text.rfind(mark, 0, position) for mark in "。！？；") + 1
    ends = [i for i in (text.find(mark, position) for mark in "。！？；") if i >= 0]
    return text[start : (min(ends) + 1 if ends else len(text))].strip()


def _count_titles(texts: Sequence[str]) -> Counter:
    return Counter(m.group(1) for text in texts if "《" in text for m in TITLE.finditer(text))


@collector_paused()
def mine_corpus(
    documents: Sequence[Document],
    settings: Settings | None = None,
    segmenter: Segmenter | None = None,
    curated: Sequence[Sequence[str]] = (),
    min_freq: int | None = None,
    cache_dir: Path | None = None,
    jobs: int = 1,
    progress=None,
) -> MiningResult:
    """Segment, count, score and group: the ranked terms of a corpus."""
    from glossary.mining.variants import group_variants, parenthetical_abbreviations

    from glossary.cache import cache_key, code_fingerprint, entry_path, read_entry, settings_fingerprint, write_entry

    settings = settings or default_settings()
    lexicon = Lexicon.from_settings(settings)
    min_freq = int(min_freq if min_freq is not None else settings.get("min_freq", 2))
    curated_forms = [f for entry in curated for f in entry if f]
    # an unchanged corpus with unchanged settings is answered from the cache
    result_path = None
    if cache_dir is not None and segmenter is None:
        # documents loaded by glossary.corpus are known by their files' bytes: a hit repairs nothing
        known_as = getattr(documents, "key", None) or [
            f"{d.name}|{d.year}|{d.sha256}|" + "\n".join(p.kind + p.text for p in d.paragraphs) for d in documents]
        result_path = entry_path(cache_dir, "mining", cache_key(
            code_fingerprint("glossary.mining.mine", "glossary.mining.count", "glossary.mining.variants", "glossary.mining.segment"), settings_fingerprint(settings), curated, min_freq,
            *known_as,
        ))
        cached = read_entry(result_path)
        if cached is not None:
            terms, stats, variants, contexts = cached
            return MiningResult(terms, stats, _expanded(variants), contexts, documents)
    segmenter = segmenter or Segmenter(user_words=[*read_user_dict(settings.path("user_dict")), *curated_forms])
    counts = count_corpus(
        [[p.text for p in doc.paragraphs if p.kind != "header"] for doc in documents],
        lexicon,
        segmenter,
        int(settings.get("max_term_tokens", 8)),
        int(settings.get("max_term_chars", 24)),
        jobs=jobs,
        cache_dir=cache_dir,
        progress=progress,
        parallel_min_chars=int(settings.get("parallel_min_chars", 2_000_000)),
        shard_chars=int(settings.get("shard_chars", 300_000)),
    )
    texts = [p.text for d in documents for p in d.paragraphs]
    corpus_text = "\n".join(texts)
    # a second process pays for itself on a large corpus only (as the workers of count_corpus)
    large = jobs > 1 and len(corpus_text) >= int(settings.get("parallel_min_chars", 2_000_000))
    # scans that find strings, not count them, read each distinct paragraph once (documents repeat paragraphs)
    distinct_texts = list(dict.fromkeys(texts))
    titles = _count_titles(texts)
    ignored = str(settings.get("variant_ignored_chars", "和及与的、"))
    scan = sum(map(len, distinct_texts)) <= int(settings.get("reorder_scan_max_chars", 5_000_000))
    rare_recurring, typos = recurring_variant_forms(counts, min_freq, ignored, distinct_texts if scan else [],
                                                    corpus_text)
    excluded = read_patterns(settings.path("excluded_candidates"))
    stats = term_statistics(counts, len(documents), min_freq, also=rare_recurring, excluded=excluded, beside=large)
    if stats.empty:
        # too little text for any recurring candidate: empty tables, with their columns
        return MiningResult(
            pd.DataFrame(columns=[*TERM_COLUMNS, "first_year", "last_year", "forms_by_year"]),
            stats,
            pd.DataFrame(columns=VARIANT_COLUMNS),
            pd.DataFrame(columns=CONTEXT_COLUMNS),
            list(documents),
        )
    stats["titled"] = [titles[t] / f for t, f in zip(stats["term"], stats["freq"])]
    if curated_forms:
        stats = measure_curated_as_plain_text(stats, set(curated_forms), counts)
    stats["joins_terms"] = joins_terms(
        stats, float(settings.get("phrase_part_min_independence", 0.5)), float(settings.get("phrase_max_dice", 0.1))
    )
    # a light noun heading a phrase (活动|情况, 南南合作|模式) says what is said about a concept, not which one
    stats["light_head"] = [
        len(tokens.split()) > 1 and tokens.split()[-1] in lexicon.light_heads for tokens in stats["tokens"]
    ]
    stats["score"] = rank(
        stats,
        float(settings.get("single_word_weight", 0.6)),
        float(settings.get("attributive_weight", 0.5)),
        float(settings.get("light_head_weight", 0.5)),
    )
    fragments = set(stats.loc[stats["score"] <= 0, "term"])
    stats = stats[stats["score"] > 0]  # never seen outside a longer candidate: a fragment, not a term
    stats = stats.sort_values(["score", "freq", "term"], ascending=[False, False, True]).reset_index(drop=True)

    # a fragment (可持续的工业发展, always inside 包容和可持续的工业发展) is no form of a concept of its own
    forms = {form: tokens for form, tokens in counts.segmentation.items() if tokens is not None and form not in fragments}
    freq = {form: counts.ngrams.get(form, 0) for form in forms}
    # forms that are no candidate n-gram of their own: curated forms jieba splits oddly, reordering typos of names
    extra = [f for f in curated_forms if f not in forms and f in corpus_text]
    extra += [f for f in typos if f not in forms and f not in extra]
    for form in extra:
        forms[form] = tuple(t.word for t in segmenter.tag(form))
        freq[form] = corpus_text.count(form)
        in_docs = [sum(p.text.count(form) for p in doc.paragraphs) for doc in documents]
        counts.per_doc[form] = DocCounter([i for i, n in enumerate(in_docs) if n], [n for n in in_docs if n])
    groups = group_variants(
        forms,
        freq,
        anchors=set(stats["term"]),
        ignored=ignored,
        curated=curated,
        defined_abbreviations=parenthetical_abbreviations(distinct_texts, set(forms)),
    )
    per_doc = {form: counts.per_doc.get(form, DocCounter()) for form in forms}
    members_of = {concept: groups.members.get(concept, [concept]) for concept in dict.fromkeys(
        groups.canonical.get(form, form) for form in stats["term"])}
    documents_of = {concept: _documents_of_forms(members, per_doc) for concept, members in members_of.items()}
    # contexts are read from the documents on the second core while this one builds the tables
    contexts = run_beside(find_contexts, documents, members_of, 3, documents_of, fork=large)
    terms = _concept_table(stats, groups, freq, documents_of, per_doc, documents)
    variants = _variant_table(groups, freq, per_doc, documents)
    contexts = contexts()
    first_context = contexts.drop_duplicates("term").set_index("term")["sentence"] if len(contexts) else {}
    terms["example"] = [first_context.get(t, "") for t in terms["term"]]
    # a name mostly written as a title keeps its brackets: 《多哈行动纲领》
    titled = {t: f"《{t}》" for t, share in zip(stats["term"], stats["titled"]) if share >= 0.5}
    for table in (terms, contexts, variants):
        table["term"] = _with_titles(table["term"], titled)
    write_entry(result_path, (terms, stats, variants, contexts))
    return MiningResult(terms, stats, _expanded(variants), contexts, list(documents))


def measure_curated_as_plain_text(stats: pd.DataFrame, curated: set[str], counts: Counts) -> pd.DataFrame:
    """A curated term is one token to the segmenter (the user dictionary keeps it whole), but a multiword term to
    the ranking: its length, C-value and word-count weights are those of its plain jieba segmentation."""
    plain = Segmenter(engine="auto")
    stats = stats.copy()
    for index in stats.index[stats["term"].isin(curated)]:
        length = len([t for t in plain.tag(stats.at[index, "term"]) if t.word.strip()])
        if length > stats.at[index, "length"]:
            nested = stats.at[index, "nested_mean"]
            stats.at[index, "length"] = length
            stats.at[index, "cvalue"] = c_value(length, stats.at[index, "freq"], [nested] if nested == nested else [])
    return stats


def recurring_variant_forms(
    counts: Counts, min_freq: int, ignored: str, texts: Sequence[str], corpus_text: str = ""
) -> tuple[set[str], dict[str, str]]:
    """Candidates rarer than `min_freq` whose concept still recurs, in several forms: 私营部门制造商全球联盟 once
    and 全球私营部门制造商联盟 once make one concept seen twice. Returns those forms, and the reordering typos of
    rare names found in `texts` (strings that are no candidate: 最不发达等国家高代办), their occurrences counted in
    `corpus_text` (by default the texts joined)."""
    from glossary.mining.variants import find_reorderings, variant_key

    rare = [g for g in counts.per_doc if counts.ngrams[g] < min_freq]
    typos = find_reorderings(texts, [g for g in rare if len(g) >= 8]) if texts else {}
    corpus_text = corpus_text or "\n".join(texts)
    occurrences = {typo: corpus_text.count(typo) for typo in typos}
    groups: dict[str, list[str]] = defaultdict(list)
    for form in [*counts.per_doc, *typos]:
        groups["k:" + variant_key(form, ignored)].append(form)
        if len(form) >= 6:
            groups["c:" + "".join(sorted(form))].append(form)
    recurring: set[str] = set()
    for members in groups.values():
        if len(members) < 2 or any(counts.ngrams[m] >= min_freq for m in members):
            continue  # a lone form, or a group a ranked form already represents
        if sum(counts.ngrams[m] or occurrences.get(m, 0) for m in members) >= min_freq:
            recurring.update(m for m in members if m in counts.per_doc)
    return recurring, {typo: name for typo, name in typos.items() if name in recurring}


TERM_COLUMNS = ["term", "freq", "docs", "score", "variants", "tokens", "example"]


def _concept_table(stats, groups, freq, documents_of, per_doc, documents) -> pd.DataFrame:
    by_form = dict(zip(stats["term"], stats.to_dict("records")))
    # each document's year as a small code (0: undated), so counting by year is a bincount, not a sort
    year_code, year_of_code = pd.factorize(np.array([doc.year or 0 for doc in documents], dtype=np.int64), sort=True)
    year_of_code = np.asarray(year_of_code)
    rows, seen = [], set()
    for form in stats["term"]:
        concept = groups.canonical.get(form, form)
        if concept in seen:
            continue
        seen.add(concept)
        members = groups.members.get(concept, [form])
        ranked = by_form[form]
        doc_ids = documents_of[concept]
        used = year_of_code[np.bincount(year_code[doc_ids], minlength=len(year_of_code)) > 0]
        used = used[used > 0]
        row = {
            "term": concept,
            "freq": sum(freq.get(m, 0) for m in members),
            "docs": len(doc_ids),
            "score": round(float(ranked["score"]), 4),
            "variants": "|".join(m for m in members if m != concept),
            "tokens": by_form[concept]["tokens"] if concept in by_form else ranked["tokens"],
            "example": "",
            "first_year": int(used[0]) if len(used) else None,
            "last_year": int(used[-1]) if len(used) else None,
            "forms_by_year": _forms_by_year(members, per_doc, year_code, year_of_code),
        }
        for column in SCORE_COLUMNS:
            row[column] = ranked[column]
        rows.append(row)
    return pd.DataFrame(rows, columns=[*TERM_COLUMNS, "first_year", "last_year", "forms_by_year", *SCORE_COLUMNS])


# the statistics behind a concept's score, as columns of MiningResult.terms
SCORE_COLUMNS = ("cvalue", "independence", "dice", "pmi", "llr", "left_entropy", "right_entropy", "specificity",
                 "general_zipf", "spread", "titled", "length", "pos")


def _forms_by_year(members, per_doc, year_code: np.ndarray, year_of_code: np.ndarray) -> str:
    """'2018: 包容和可持续的工业发展 ×12; 2020: 包容及可持续工业发展 ×3': the drift a terminologist looks for.
    Documents without a date count as 'undated'."""
    by_year: dict = defaultdict(Counter)
    for member in members:
        counter = per_doc.get(member)
        if not counter:
            continue
        per_year = np.bincount(year_code[counter.docs], weights=counter.counts, minlength=len(year_of_code))
        for code in np.flatnonzero(per_year).tolist():
            by_year[int(year_of_code[code]) or "undated"][member] += int(per_year[code])
    parts = []
    for year in sorted(by_year, key=str):
        parts.append(f"{year}: " + ", ".join(f"{f} ×{n}" for f, n in by_year[year].most_common()))
    return "; ".join(parts)


def _documents_of_forms(members, per_doc) -> np.ndarray:
    """Indices of the documents using any of the forms (a form's own are distinct already)."""
    arrays = [per_doc[m].docs for m in members if m in per_doc]
    if len(arrays) == 1:
        return arrays[0]
    return np.unique(np.concatenate(arrays)) if arrays else EMPTY


def _variant_table(groups, freq, per_doc, documents) -> pd.DataFrame:
    # built from arrays: a large corpus has a row for every form in every document that uses it
    names = np.array([doc.name for doc in documents], dtype=object)
    years = np.array([doc.year for doc in documents], dtype=object)
    labels, docs, counts = [], [], []
    for concept, members in groups.members.items():
        for member in members:
            counter = per_doc.get(member)
            if counter:
                relation = "canonical" if member == concept else groups.relation.get(member, "variant")
                labels.append((concept, member, relation, len(counter)))
                order = np.argsort(counter.docs, kind="stable")
                docs.append(counter.docs[order])
                counts.append(counter.counts[order])
    if not labels:
        return pd.DataFrame(columns=VARIANT_COLUMNS)
    # the repeated strings as categories: no string is hashed or copied per row
    rows = np.repeat(np.arange(len(labels)), [label[3] for label in labels])
    docs = np.concatenate(docs)
    columns = {}
    for k, name in enumerate(("term", "form", "relation")):
        codes, categories = pd.factorize(np.array([label[k] for label in labels], dtype=object))
        columns[name] = pd.Categorical.from_codes(codes[rows], categories)
    codes, categories = pd.factorize(names)
    columns.update(document=pd.Categorical.from_codes(codes[docs], categories), year=years[docs],
                   count=np.concatenate(counts))
    return pd.DataFrame(columns, columns=VARIANT_COLUMNS)


VARIANT_COLUMNS = ["term", "form", "relation", "document", "year", "count"]
_REPEATED = ["term", "form", "relation", "document"]


def _expanded(variants: pd.DataFrame) -> pd.DataFrame:
    """The variant table with plain string columns, as users read it (it is built and cached with categories)."""
    return variants.astype({column: variants[column].cat.categories.dtype for column in _REPEATED
                            if isinstance(variants[column].dtype, pd.CategoricalDtype)})


def _with_titles(column: pd.Series, titled: dict[str, str]) -> pd.Series | np.ndarray:
    """A term column with each name that is mostly written as a title in its brackets: 《多哈行动纲领》."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        renamed = [titled.get(name, name) for name in column.cat.categories]
        if len(set(renamed)) == len(renamed):
            return column.cat.rename_categories(renamed)
        column = column.astype(object)
    codes, names = pd.factorize(column)
    return np.array([titled.get(name, name) for name in names] + [None], dtype=object)[codes]


EMPTY = np.zeros(0, dtype=np.int64)
