"""Compositional matching: how completely and how exclusively an English term and a Chinese string translate each
other, word by word, through CC-CEDICT and the domain lexicon (glossary.dictionary).

  prepare_english(text, pool)   the English term as weighted content words, each with its word family among the
                                pool's glosses
  compositional_match(...)      English coverage, Chinese coverage, and their harmonic mean, lowered when the
                                Chinese does not end with the English head or joins two things the English does not
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

from glossary.align.candidates import CandidatePool, related_stems
from glossary.dictionary import ORDINAL_WORDS, SAME_WORD, EnglishWord, Piece, english_term_words, expand_abbreviations
from glossary.config import AlignSettings
from glossary.text import HAN_CHAR

# characters that are neither content nor linkers: they never count for or against a match
NEUTRAL_CHARS = set(" \u3000《》〈〉<>“”‘’\"'()（）[]【】·-—/")  # <> nest title marks in plain text
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
    negated: bool = False  # not, non-, least, un-…: a Chinese negation may match
    required: tuple[int, ...] = ()  # words of a name the Chinese must render (African in African Union Commission)

    @property
    def all_related(self) -> set[str]:
        return {stem for r in self.related for stem in r}


ROMAN_NUMERAL = re.compile(r"^(?=[ivxlc]+$)(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def roman_value(token: str) -> int | None:
    """VII -> 7 (Chapter VII of the Charter), None for anything else."""
    token = token.lower()
    if not token or not ROMAN_NUMERAL.match(token):
        return None
    values = [ROMAN_VALUES[ch] for ch in token]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def literal_related(word: EnglishWord, pool: CandidatePool) -> dict[str, float]:
    """A literal token matches itself; a Roman numeral also the English ordinal and the number (第七章 for Chapter
    VII: the dictionary glosses 第七 'seventh')."""
    related = {word.stem: 1.0}
    value = roman_value(word.text)
    if value and value < len(ORDINAL_WORDS):
        related[pool.dictionary.stem(ORDINAL_WORDS[value])] = 1.0
        related[str(value)] = 1.0
    return related


def known_acronyms_kept(abbreviations: dict[str, str], pool: CandidatePool) -> dict[str, str]:
    """The abbreviations to spell out: an acronym some Chinese word of the corpus is glossed with (粮农组织: FAO)
    stays whole, so that it aligns with that word rather than with its spelt-out name."""
    return {short: long for short, long in abbreviations.items() if short.lower() not in pool.stem_index}


def is_english_compound(word: str, pool: CandidatePool, min_part: int = 4, min_glosses: int = 3) -> bool:
    """Peacebuilding, Peacekeeping: two English words the dictionary's glosses use, written as one."""
    dictionary = pool.dictionary
    word = word.lower()
    return any(dictionary.df.get(dictionary.stem(word[:i]), 0) >= min_glosses
               and dictionary.df.get(dictionary.stem(word[i:]), 0) >= min_glosses
               for i in range(min_part, len(word) - min_part + 1))


def without_known_names(words: list[EnglishWord], pool: CandidatePool) -> list[EnglishWord]:
    """A capitalised English compound (Peacebuilding), or a name some Chinese word of the corpus translates
    (African: 非洲), is no unknown proper name like Minamata: it must be translated, not credited against whatever
    characters no dictionary word covers (会址, 天向)."""
    vocabulary = pool.vocabulary()

    def translatable(word: EnglishWord) -> bool:
        return is_english_compound(word.text, pool) or any(
            stem in pool.stem_index for stem in related_stems(word.stem, vocabulary, pool.stem_index))

    return [dataclasses.replace(w, name=False) if w.name and translatable(w) else w for w in words]


def number_names_noun(words: list[EnglishWord]) -> list[EnglishWord]:
    """A number or Roman numeral after a noun names it (Chapter VII, Agenda 21): the noun is the head."""
    at = next((i for i, w in enumerate(words) if w.head), None)
    if at is None or at == 0 or not words[at].literal or words[at - 1].literal:
        return words
    if not (roman_value(words[at].text) or words[at].text.isdigit()):
        return words
    return [dataclasses.replace(w, head=(i == at - 1)) for i, w in enumerate(words)]


def prepare_english(text: str, pool: CandidatePool, abbreviations: dict[str, str]) -> EnglishTerm:
    abbreviations = known_acronyms_kept(abbreviations, pool)
    words = without_known_names(english_term_words(text, pool.dictionary, abbreviations), pool)
    words = number_names_noun(words)
    vocabulary = pool.vocabulary()
    related = [
        literal_related(w, pool) if w.literal else related_stems(w.stem, vocabulary, pool.stem_index) for w in words
    ]
    coordinated = bool(ENGLISH_COORDINATORS.search(expand_abbreviations(text, abbreviations)))
    negated = english_negation(words, pool.dictionary.word_stems)
    return EnglishTerm(text, words, related, coordinated, negated, name_words(text, words, abbreviations, pool))


def name_words(text: str, words: Sequence[EnglishWord], abbreviations: dict[str, str],
               pool: CandidatePool) -> tuple[int, ...]:
    """The words of a proper name a translation must render: capitalised content words before the head that the
    dictionary knows (unknown names are credited apart, literal tokens match as written). They tell one body from
    another: 会址委员会 is no Peacebuilding Commission, 天向委员会 no African Union Commission. What follows the
    head ("… of the Organization") is often rendered freely (联合国作用), and so is an English compound
    (Cleantech: 清洁技术)."""
    capitalised = {token.lower() for token in re.findall(r"[A-Za-z][\w'’]*", expand_abbreviations(text, abbreviations))
                   if token[:1].isupper()}
    head = next((k for k, w in enumerate(words) if w.head), len(words))
    return tuple(k for k, w in enumerate(words[:head]) if w.text in capitalised and not w.name and not w.literal
                 and not is_english_compound(w.text, pool))


def is_participle(word: str) -> bool:
    """seized, developed: a verb form ending the English phrase, no noun (need, seed and creed are nouns)."""
    return len(word) > 4 and word.endswith("ed") and not word.endswith("eed")


NEGATION_CHARS = "不非未无"  # not, non-, not yet, without
NEGATION_WORDS = {"not", "no", "non", "without", "lack", "least", "less", "free", "absence", "neither", "nor"}
NEGATING_PREFIXES = ("un", "non", "dis", "under")


def gloss_negates(words: frozenset[str]) -> bool:
    """A sense like 'unsafe', 'non-governmental', 'least developed': it says what something is not."""
    return any(w in NEGATION_WORDS or (w.startswith(NEGATING_PREFIXES) and len(w) > 5) for w in words)


def chinese_negation(pieces: Sequence[Piece], form: str) -> bool:
    """Whether a Chinese string negates (粮食不安全, 非政府组织, 最不发达国家): a negation character standing alone, or
    inside a word whose gloss negates. 非洲 (Africa) and 未成年人 (minor) are words that do not."""
    for position, character in enumerate(form):
        if character not in NEGATION_CHARS:
            continue
        covering = [p for p in pieces if p.start <= position < p.end and p.end - p.start > 1]
        if not covering:
            return True
        longest = max(covering, key=lambda p: p.end - p.start)
        if gloss_negates(longest.light):
            return True
    return False


def english_negation(words: Sequence[EnglishWord], known: dict[str, str]) -> bool:
    """Whether an English term negates: not, non-, without, least, or a negating prefix on a known word
    (insecurity, unemployment, independent: lenient, since it only lets a Chinese negation match)."""
    for word in words:
        text = word.text.lower()
        if text in NEGATION_WORDS or "free" in text.split("-"):
            return True
        for prefix in ("un", "non", "in", "im", "il", "ir", "dis", "under"):
            rest = text[len(prefix):].lstrip("-")
            if text.startswith(prefix) and len(rest) >= 4 and rest in known:  # known: the glosses' words
                return True
    return False


def antonymous_participle(english: str, gloss_words: frozenset[str]) -> bool:
    """developed against a gloss 'developing' (发展中), developing against 'developed' (发达): the same verb, opposite
    sides (发达/发展中 are antonyms in UN usage)."""
    for own, other in (("ed", "ing"), ("ing", "ed")):
        if english.endswith(own) and len(english) > len(own) + 3:
            base = english[: -len(own)]
            counterparts = {base + other, base + "e" + other} if other == "ed" else {base + other}
            if own == "ed" and english.endswith("ed") and base.endswith("e"):
                counterparts.add(base[:-1] + "ing")
            if gloss_words & counterparts and english not in gloss_words:
                return True
    return False


@dataclass
class CompositionalMatch:
    score: float  # harmonic mean of the two coverages, times the head factor
    english_coverage: float
    chinese_coverage: float
    head_aligned: bool
    glosses: list[tuple[str, str]]  # (Chinese word, English word) pairs that matched
    secondary_senses: int = 0  # English words rendered only by a lexicon word's later sense (任务: task, then mandate)
    names_rendered: bool = True  # every word of the English name (`required`) has a rendering


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


def sense_rank(piece: Piece, english_stems: set[str]) -> int:
    """The position of the first sense of a piece that renders the English: 0 for its primary sense."""
    return next((i for i, sense in enumerate(piece.senses) if sense & english_stems), len(piece.senses))


def repeated_renderings(pieces: Sequence[Piece], renders: dict[int, set[int]],
                        strength: dict[int, float]) -> list[int]:
    """Pieces that render again an English word another, separate piece renders alone: one English word has one
    Chinese rendering (特派团 and 任务 both render "mission": 联合国南苏丹共和国特派团的任务 says it twice). Of
    equally strong renderings side by side the last is kept (Chinese names end with their head); the others
    count as untranslated."""
    by_word: dict[int, list[int]] = defaultdict(list)
    for j, words in renders.items():
        if len(words) == 1 and j in strength:
            by_word[next(iter(words))].append(j)
    repeated = []
    for candidates in by_word.values():
        # the widest pieces only (发展中国家, not 国家 inside it), then those apart from each other
        widest = [j for j in candidates if not any(
            i != j and pieces[i].start <= pieces[j].start and pieces[j].end <= pieces[i].end
            and (pieces[i].start, pieces[i].end) != (pieces[j].start, pieces[j].end) for i in candidates)]
        if len(widest) < 2:
            continue
        keep = max(widest, key=lambda j: (round(strength[j], 6), pieces[j].end))
        for j in widest:
            if round(strength[j], 6) != round(strength[keep], 6):  # a weaker rendering supports, it does not repeat
                continue
            low, high = sorted([j, keep], key=lambda i: pieces[i].start)
            if pieces[low].end > pieces[high].start:
                continue
            # a frame around other words is one rendering (增强妇女的经济权能: empower … empowerment); side by side
            # (特派团的任务) it is said twice
            between = any(pieces[low].end <= pieces[i].start and pieces[i].end <= pieces[high].start
                          and words and words != renders[low] for i, words in renders.items())
            if not between:
                repeated.append(j)
    return repeated


def compositional_match(
    words: Sequence[EnglishWord],
    related: Sequence[dict[str, float]],
    form: str,
    pieces: Sequence[Piece],
    weights: MatchWeights = MatchWeights(),
    english_coordinated: bool = False,
    english_negated: bool | None = None,
    required: Sequence[int] = (),
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
    renderers: dict[int, list[int]] = defaultdict(list)  # English word -> pieces rendering it
    # a word whose gloss is the English word's antonym (发展中: developing, against "developed") blocks its span:
    # no shorter word inside it (发展) renders that English word
    blocked = [(k, piece.start, piece.end) for piece in pieces for k in range(len(words))
               if lights[k] and antonymous_participle(lights[k], piece.light)]
    for j, piece in enumerate(pieces):
        if not piece.stems:
            continue
        reliability = weights.single_char if piece.end - piece.start == 1 and not piece.domain else 1.0
        precision = None
        for k in range(len(words)):
            if any(b == k and start <= piece.start and piece.end <= end for b, start, end in blocked):
                continue
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
            renderers[k].append(j)
            strengths[j].append(s)
            longer = best_piece[k] is not None and (piece.end - piece.start) > (best_piece[k].end - best_piece[k].start)
            if s > best[k] or (s == best[k] and longer):
                best[k], best_piece[k] = s, piece

    # a piece rendering several English words (气候变化: climate change) is as good as its renderings on average:
    # 发展中国家 renders "developed countries" less well than 发达国家 does
    strength = {j: sum(values) / len(values) for j, values in strengths.items()}
    if not english_coordinated:
        for j in repeated_renderings(pieces, renders, strength):
            del strength[j]
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
    # A participle is no noun head ("remain seized of the matter"): the Chinese verb comes before its object
    head_aligned = not head_words or renders_head_at(content[-1] if content else None) or (
        any(words[k].text.endswith(NOMINALISATIONS) for k in head_words) and renders_head_at(content[0] if content else None)
    ) or (any(is_participle(words[k].text) for k in head_words) and any(renders_head_at(p) for p in content))
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
    # a negation never matches a term without one (粮食不安全 is no "food security"); None: not checked
    if english_negated is False and chinese_negation(pieces, form):
        score = 0.0
    # (sense order counts in the lexicons, which put the UN sense first; CC-CEDICT's order is no ranking: 酷刑 is
    # "cruelty; torture")
    secondary = sum(1 for k in range(len(words)) if renderers[k] and all(
        pieces[j].domain and sense_rank(pieces[j], english_stems) > 0 for j in renderers[k]))
    names_rendered = all(best[k] > 0 for k in required)
    return CompositionalMatch(score, english, chinese, head_aligned, glosses, secondary, names_rendered)


def format_glosses(glosses: Sequence[tuple[str, str]]) -> str:
    """'工发组织=united nations industrial; 组织=organization': the English words each Chinese word rendered."""
    grouped: dict[str, list[str]] = {}
    for zh, en in glosses:
        grouped.setdefault(zh, []).append(en)
    return "; ".join(f"{zh}={' '.join(words)}" for zh, words in grouped.items())
