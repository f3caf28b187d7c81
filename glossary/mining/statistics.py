"""Termhood and association measures: what the ranking reads of each candidate, and the ranking itself.

  c_value(), independence()             how often a string is a term of its own, not a part of a longer one
  branching_entropy()                   how freely its neighbours vary (counted per shard in glossary.mining.count)
  dice(), pmi(), log_likelihood()       how strongly its parts go together, at its weakest split
  domain_specificity()                  how much more frequent here than in general Chinese
  term_statistics()                     all of them, one row per candidate
  joins_terms(), rank()                 one score from those components, every component kept as a column
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from functools import lru_cache
from itertools import chain
from typing import Iterable, Mapping, Sequence

import pandas as pd

from glossary.mining.count import Counts, StringCounts, documents_using_each, values_of
from glossary.mining.shape import PROPER_NOUN_POS, general_zipf
from glossary.parallel import mapped_beside

def c_value(length: int, freq: int, nesting_freqs: Sequence[int]) -> float:
    """C-value: Frantzi, Ananiadou & Mima 2000; with log2(|a|+1) so one-word terms score (Barrón-Cedeño et al. 2009).
    jieba splits names into many short tokens (工发|组织), so the length weight stops growing at four tokens."""
    weight = math.log2(min(length, 4) + 1)
    if not nesting_freqs:
        return weight * freq
    return weight * (freq - sum(nesting_freqs) / len(nesting_freqs))


def independence(freq: int, nesting_freqs: Sequence[int]) -> float:
    """Nested-term test: after Frantzi et al. 2000; Kit & Liu 2008.
    The share of a string's occurrences outside its most frequent containing candidate: a fragment of a longer term
    (收入国家 inside 中等收入国家) has almost none."""
    return 1.0 - (max(nesting_freqs) / freq if nesting_freqs and freq else 0.0)


def branching_entropy(neighbours: Counter, edges: int = 0) -> float:
    """Branching entropy: Tanaka-Ishii 2005; Jin & Tanaka-Ishii 2006.
    The entropy of a string's neighbours: free boundaries are varied. Each of the `edges` clause boundaries counts
    as a neighbour of its own (probability 1/total)."""
    total = sum(neighbours.values()) + edges
    if total == 0:
        return 0.0
    entropy = -sum((c / total) * math.log2(c / total) for c in neighbours.values())
    return entropy + (edges / total) * math.log2(total)


def dice(joint: int, left: int, right: int) -> float:
    """Dice coefficient of two parts: Smadja, McKeown & Hatzivassiloglou 1996."""
    return 2 * joint / (left + right) if left + right else 0.0


def pmi(joint: int, left: int, right: int, total: int) -> float:
    """Pointwise mutual information: Church & Hanks 1990."""
    return math.log2(joint * total / (left * right)) if joint and left and right else 0.0


def log_likelihood(joint: int, left: int, right: int, total: int) -> float:
    """Log-likelihood ratio G² for a 2×2 contingency table: Dunning 1993."""
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
    return _association_at_weakest(joint, splits, total)


def weakest_splits(segmentations: Sequence[tuple[str, ...]], ngrams: Mapping[str, int],
                   total: int) -> list[tuple[float, float, float]]:
    """weakest_split of each token sequence, the occurrences of every part looked up at once (StringCounts.many)."""
    parts: list[str] = []
    for tokens in segmentations:
        if len(tokens) > 1:
            parts.append("".join(tokens))
            for k in range(1, len(tokens)):
                parts += ("".join(tokens[:k]), "".join(tokens[k:]))
    found = ngrams.many(parts).tolist() if isinstance(ngrams, StringCounts) else [ngrams[part] for part in parts]
    associations, at = [], 0
    for tokens in segmentations:
        if len(tokens) < 2:
            associations.append((1.0, 0.0, 0.0))
            continue
        end = at + 2 * len(tokens) - 1
        associations.append(_association_at_weakest(found[at], list(zip(found[at + 1:end:2], found[at + 2:end:2])),
                                                    total))
        at = end
    return associations


def _association_at_weakest(joint: int, splits: list[tuple[int, int]], total: int) -> tuple[float, float, float]:
    left, right = min(splits, key=lambda parts: dice(joint, *parts))  # the first of the weakest
    return dice(joint, left, right), pmi(joint, left, right, total), log_likelihood(joint, left, right, total)


def domain_specificity(term: str, freq: int, total_tokens: int, general: float | None = None) -> float:
    """Weirdness ratio: Ahmad, Gillam & Tostevin 1999.
    log10 of corpus frequency over general-language frequency. For a multiword candidate, wordfreq's own estimate
    of the whole string (it penalises each inferred boundary, as a compound is rarer than its parts); for one word,
    that word's frequency. `general`: that estimate, when already looked up (general_frequency)."""
    general = max(general_frequency(term) if general is None else general, 1e-9)
    corpus = freq / max(total_tokens, 1)
    return math.log10(corpus / general)


@lru_cache(maxsize=None)
def general_frequency(text: str) -> float:
    """Frequency (per word) of a string in general Chinese, from wordfreq (segmented by rjieba where installed)."""
    from wordfreq import word_frequency

    segment_wordfreq_with_rjieba()
    return word_frequency(text, "zh")


class RjiebaOnWordfreqDictionary:
    """jieba.Tokenizer's `tokenize` as wordfreq calls it, done by rjieba loaded with wordfreq's own dictionary."""

    def __init__(self, dictionary: str):
        import rjieba

        self.jieba = rjieba.Jieba.empty()
        # jieba's dictionary format, which has no comments: segment.read_user_dict (our user dictionary's format)
        # would read wordfreq's entry "c# 1097" as the word "c"
        with open(dictionary, encoding="utf-8") as lines:
            for parts in map(str.split, lines):
                if parts:
                    self.jieba.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None,
                                        parts[2] if len(parts) > 2 else None)

    def tokenize(self, text: str, HMM: bool = True) -> list[tuple[str, int, int]]:  # noqa: N803 (jieba's name)
        return self.jieba.tokenize(text, hmm=HMM)


@lru_cache(maxsize=1)
def segment_wordfreq_with_rjieba() -> bool:
    """wordfreq segments every string it is asked about with pure-Python jieba (its own dictionary, HMM off), most
    of the cost of a lookup. rjieba (jieba's algorithm, compiled) loaded with that dictionary gives the same tokens
    (0 of 228,807 substrings of the benchmark corpus and unseen-dev differed) and makes a lookup 3.4 times faster
    (13 against 44 µs, same values): it is put where wordfreq keeps its tokenizer. False when either is missing or
    wordfreq no longer keeps it there; wordfreq then segments as it always did."""
    from importlib.util import find_spec

    if find_spec("rjieba") is None:
        return False
    from wordfreq import chinese

    if not hasattr(chinese, "jieba_tokenizer") or not hasattr(chinese, "DICT_FILENAME"):
        return False
    if chinese.jieba_tokenizer is None:
        chinese.jieba_tokenizer = RjiebaOnWordfreqDictionary(chinese.DICT_FILENAME)
    return isinstance(chinese.jieba_tokenizer, RjiebaOnWordfreqDictionary)


def general_frequencies_of(texts: Sequence[str]) -> list[float]:
    """general_frequency of each text: one chunk of the work a forked process is sent (_statistics_rows)."""
    return [general_frequency(text) for text in texts]


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
    *, jobs: int = 1,
) -> pd.DataFrame:
    """One row per candidate seen at least `min_freq` times (and per form in `also`), with every statistic the
    ranking uses. Candidates matching an `excluded` pattern (document furniture: 总干事的报告) are dropped first,
    so they neither rank nor make their parts (总干事) look like fragments. Fragments have no specificity (NaN).
    With more than one job, the general-language frequencies are read in `jobs` forked processes beside."""
    kept = [gram for gram in counts.per_doc if counts.occurrences(gram) >= min_freq] + [g for g in also if g in counts.per_doc]
    kept = [gram for gram in kept if not any(pattern.search(gram) for pattern in excluded)]
    nested_in = nesting_index({gram: counts.segmentation[gram] for gram in kept})
    return pd.DataFrame(_statistics_rows(kept, counts, nested_in, n_docs, jobs), columns=list(STATISTICS_COLUMNS))


# candidates sent at a time to a process reading their general frequencies
GENERAL_CHUNK = 10_000


def _statistics_rows(grams: Sequence[str], counts: Counts, nested_in: dict, n_docs: int,
                     jobs: int = 1) -> dict[str, list]:
    """The statistics of `grams`, as one list per column: a dict per row took 464 bytes more a candidate
    (sys.getsizeof), all held until the table was made. In this process but for the general frequencies: a
    process forked to compute half the rows came to hold 579 MB of its own at 100 MB of text (reading a Python
    object writes its reference count, so the pages it read were copied); one sent the strings alone reads
    wordfreq's tables only (wordfreq segments each string again: at 100 MB of text, 9 of the 20 seconds here)."""
    total = max(counts.tokens, 1)
    frequencies = counts.occurrences_of(grams)
    containing = [counts.occurrences_of(list(set(nested_in[gram]))) if gram in nested_in else [] for gram in grams]
    # a fragment (never outside a longer candidate) never scores: its general frequency is not looked up
    scored = [freq > max(inside, default=0) for freq, inside in zip(frequencies, containing)]
    ranked = [gram for gram, is_scored in zip(grams, scored) if is_scored]
    if jobs > 1 and ranked:
        general_frequency(ranked[0])  # wordfreq's tables loaded here, before forking, for the processes to share
    chunks = [ranked[k:k + GENERAL_CHUNK] for k in range(0, len(ranked), GENERAL_CHUNK)]
    # as many processes beside as jobs, not one fewer: wordfreq's share (9.6 s at 100 MB of text) outlasts this
    # process's (7.7 s) once forking and sending are counted
    with mapped_beside(general_frequencies_of, chunks, jobs if jobs > 1 else 0) as general:
        # a column at a time, each table read for all the candidates at once (a row at a time, its ten lookups
        # through the merged counts' views took 10 s at 100 MB of text)
        segmentations = [tuple(tokens) for tokens in values_of(counts.segmentation, grams)]
        associations = weakest_splits(segmentations, counts.ngrams, total)
        docs = documents_using_each(counts.per_doc, grams)
        n_documents = max(n_docs, 1)
        columns: dict[str, list] = {
            "term": list(grams),
            "tokens": [" ".join(tokens) for tokens in segmentations],
            "pos": [" ".join(tags) for tags in values_of(counts.pos, grams)],
            "length": [len(tokens) for tokens in segmentations],
            "freq": frequencies,
            "docs": docs,
            "spread": [d / n_documents for d in docs],
            "cvalue": [c_value(len(tokens), freq, inside)
                       for tokens, freq, inside in zip(segmentations, frequencies, containing)],
            "nested_mean": [sum(inside) / len(inside) if inside else float("nan") for inside in containing],
            "independence": [independence(freq, inside) for freq, inside in zip(frequencies, containing)],
            "dice": [association[0] for association in associations],
            "pmi": [association[1] for association in associations],
            "llr": [association[2] for association in associations],
            "left_entropy": values_of(counts.left_entropy, grams, 0.0),
            "enumerated": [enumerated / freq for enumerated, freq in zip(values_of(counts.enumerated, grams, 0),
                                                                              frequencies)],
            # the share of its occurrences next to one same word that may extend the name, on its more bound side
            "glued": [min(max(left, right) / freq, 1.0) for left, right, freq in zip(
                values_of(counts.left_glued, grams, 0), values_of(counts.right_glued, grams, 0), frequencies)],
            "general_zipf": [min(map(general_zipf, tokens)) for tokens in segmentations],
            "right_entropy": values_of(counts.right_entropy, grams, 0.0),
        }
        generals = chain.from_iterable(general)
        columns["specificity"] = [domain_specificity(gram, freq, total, next(generals)) if is_scored else float("nan")
                                  for gram, freq, is_scored in zip(grams, frequencies, scored)]
    return columns


# the columns of term_statistics, in the order _statistics_rows makes them
STATISTICS_COLUMNS = ("term", "tokens", "pos", "length", "freq", "docs", "spread", "cvalue", "nested_mean",
                      "independence", "dice", "pmi", "llr", "left_entropy", "enumerated", "glued", "general_zipf",
                      "right_entropy", "specificity")


LINKERS = {"和", "及", "与", "或", "以及", "、", "的", "之", "间", "/"}
# the attributive particle, and its literary form (会址|之|所在地 'the seat's location')
ATTRIBUTIVES = {"的", "之"}


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


def generic_heads(stats: pd.DataFrame, min_extensions: int, min_zipf: float, titles: Iterable[str] = ()) -> pd.Series:
    """True for a one-word candidate that ends at least `min_extensions` other candidates used on their own (seen
    outside any longer candidate): the category noun of several names (理事会 in 安全理事会, 人权理事会,
    经济及社会理事会), which standing alone names none of them. Fragments do not count (国家伙伴关系 is only ever
    inside 国家伙伴关系方案: 伙伴关系 heads no name there). A head rarer than `min_zipf` in general Chinese (wordfreq)
    is a concept of the domain in its own right (伙伴关系 'partnership'), and stays.
    The distinct `titles` of the text (《经济、社会、文化权利国际公约》, 《残疾人权利公约》) extend a head too, a candidate or
    not: a title said once is still a name the head heads (公约, which a document also uses alone for the one it
    treats: 《公约》).
    Head productivity: the count of distinct left extensions of a head among the candidates, the nested-term count of
    C-value read from the head's side (Frantzi, Ananiadou & Mima 2000; cf. Nakagawa & Mori 2002's left frequency)."""
    singles = set(stats.loc[stats["length"] == 1, "term"])
    extended: dict[str, set[str]] = defaultdict(set)
    for term in {*stats.loc[stats["independence"] > 0, "term"], *titles}:
        for start in range(1, len(term) - 1):
            if term[start:] in singles:
                extended[term[start:]].add(term)
    extensions = Counter({head: len(names) for head, names in extended.items()})
    return pd.Series([length == 1 and extensions[term] >= min_extensions and zipf >= min_zipf
                      for term, length, zipf in zip(stats["term"], stats["length"], stats["general_zipf"])],
                     index=stats.index)


def generic_kinds(stats: pd.DataFrame, generic: pd.Series) -> pd.Series:
    """True for a one-word candidate that ends in a `generic` head and is longer than it (国际|公约 where 公约 heads
    several names here): a word of the general language for a kind of the things the head names, which jieba's
    dictionary holds whole as it holds none of the names. An organisation's name (tag nt) ending so is one of the
    names, not a kind."""
    heads = set(stats.loc[generic.astype(bool), "term"])
    return pd.Series([length == 1 and tags != "nt" and any(term[start:] in heads for start in range(1, len(term) - 1))
                      for term, length, tags in zip(stats["term"], stats["length"], stats["pos"])], index=stats.index)


def _recurring_share(stats: pd.DataFrame, column: str, min_share: float) -> pd.Series:
    """True where a candidate seen at least twice has at least `min_share` of its occurrences so (a share column):
    one occurrence says nothing of where a string usually stands."""
    return (stats[column] >= min_share) & (stats["freq"] >= 2)


def _weighed(flags: pd.Series, weight: float) -> pd.Series:
    """`weight` where a flag holds, 1 elsewhere: one factor of the score."""
    return flags.map(lambda flag: weight if flag else 1.0)


def rank(
    stats: pd.DataFrame, single_word_weight: float = 0.6, attributive_weight: float = 0.5, light_head_weight: float = 0.5,
    predicate_weight: float = 0.35, generic_head_weight: float = 1.0, glued_weight: float = 1.0,
    glued_min_share: float = 1.0, instance_weight: float = 1.0, place_weight: float = 1.0,
    common_word_min_zipf: float = 99.0, common_word_max_zipf: float = 99.0, common_word_weight: float = 1.0,
    verb_phrase_weight: float = 1.0, heading_weight: float = 1.0, heading_min_share: float = 1.0,
    misspelt_weight: float = 1.0, before_number_weight: float = 1.0, before_number_min_share: float = 1.0,
    reference_weight: float = 1.0, title_piece_weight: float = 1.0, title_piece_min_share: float = 1.0,
    organisation_weight: float | None = None, verbal_weight: float = 1.0, quality_weight: float = 1.0,
    generic_kind_weight: float = 1.0, cut_end_weight: float = 1.0,
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
    # ... unless the one word is an organisation's name jieba's dictionary holds whole (国际劳工组织, 安理会: tag nt),
    # a multiword name to the reader: organisation_weight instead (None: no exception)
    single = stats["length"] == 1
    organisation = (stats["organisation"].astype(bool) if organisation_weight is not None and "organisation" in stats
                    else pd.Series(False, index=stats.index))
    shape = single.map(lambda one: single_word_weight if one else 1.0).where(~organisation, organisation_weight)
    shape = shape * (~stats["joins_terms"])
    # ... and the more common the word is in general Chinese (wordfreq Zipf) the less likely an entry of its own: from
    # common_word_min_zipf on, its weight falls linearly to common_word_weight at common_word_max_zipf (公约, 任命, 事项)
    if "general_zipf" in stats:
        span = max(common_word_max_zipf - common_word_min_zipf, 1e-9)
        common = stats["general_zipf"].map(
            lambda z: 1.0 - (1.0 - common_word_weight) * min(max((z - common_word_min_zipf) / span, 0.0), 1.0))
        shape = shape * common.where(single & ~organisation, 1.0)
    # an enumeration (贸易、旅游、工业和矿产事务) is rarely one name, nor is a possessive phrase (领域的优先)
    shape = shape * stats["tokens"].map(lambda t: 0.5 if sum(w in LINKERS for w in t.split()) >= 2 else 1.0)
    shape = shape * stats["tokens"].map(lambda t: attributive_weight if ATTRIBUTIVES & set(t.split()) else 1.0)
    shape = shape * _weighed(stats["light_head"], light_head_weight)
    if "predicate" in stats:  # a clause's predicate inside (会议|开幕): what is said, not a name
        shape = shape * _weighed(stats["predicate"], predicate_weight)
    if "verb_phrase" in stats:  # headed by a verb and its object held as one word (第七章|采取行动): a clause's piece
        shape = shape * _weighed(stats["verb_phrase"], verb_phrase_weight)
    if "verbal" in stats:  # one word glossed first as a verb (任命 'to appoint'): an action reported, not a name
        shape = shape * _weighed(stats["verbal"], verbal_weight)
    if "quality" in stats:  # one word of a quality (一般|性 'generality'): said of a thing, not its name
        shape = shape * _weighed(stats["quality"], quality_weight)
    if "heading" in stats:  # seen more than once, always as a line of its own: a document's heading (导言), not a term
        shape = shape * _weighed(_recurring_share(stats, "heading", heading_min_share), heading_weight)
    if "misspelt" in stats:  # one character wrong in a name the corpus also spells right (货易 for 贸易)
        shape = shape * _weighed(stats["misspelt"], misspelt_weight)
    if "before_number" in stats:  # seen more than once, always right before a number (附件|一): a cut name
        cut = _recurring_share(stats, "before_number", before_number_min_share)
        shape = shape * _weighed(cut, before_number_weight)
    if "cut_end" in stats:  # recurring only by an occurrence where a cut document stops (总统行政|): a name cut short
        shape = shape * _weighed(stats["cut_end"], cut_end_weight)
    if "reference" in stats:  # a document symbol's part or a placeholder glued to a name (联合国|FCCC, XX|会议室)
        shape = shape * _weighed(stats["reference"], reference_weight)
    if "title_piece" in stats:  # seen more than once, (nearly) always inside a longer quoted title: a piece of it
        shape = shape * _weighed(_recurring_share(stats, "title_piece", title_piece_min_share), title_piece_weight)
    if "glued" in stats:
        # always beside the same word that may extend a name (特别|程序任务负责人, 大会可持续发展目标|开放): a piece of a
        # longer name, or of one repeated clause. Branching entropy read on its bound side (Tanaka-Ishii 2005): one
        # neighbour only, and a content word, not a particle that any phrase takes (的, 和)
        shape = shape * _weighed(_recurring_share(stats, "glued", glued_min_share), glued_weight)
    if "instance" in stats:  # one numbered session or report (大会第五十四届常会): an occasion, not a concept
        shape = shape * _weighed(stats["instance"], instance_weight)
    if "place" in stats:  # a country or city (摩纳哥): where a document is set, not a term of its glossary
        shape = shape * _weighed(stats["place"], place_weight)
    if "generic_head" in stats:  # the category noun of several names here (理事会): none of them by itself
        shape = shape * _weighed(stats["generic_head"], generic_head_weight)
    if "generic_kind" in stats:  # one word of a kind the generic head names (国际|公约): no name of the kind
        shape = shape * _weighed(stats["generic_kind"], generic_kind_weight)
    raw = frequency * stats["independence"] * specificity * association * shape
    return raw / raw.max() if raw.max() > 0 else raw
