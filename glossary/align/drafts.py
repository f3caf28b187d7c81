"""English drafts for new Chinese terms: the mined terms no English entry covers, glossed word by word with the
dictionary (glossary.dictionary) and composed in English word order.

  draft_translation(term, dictionary)   one draft, its word glosses and the share of the term they cover
  draft_english(mining, covered)        a draft for every mined term outside `covered` (see covered_forms)
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

from glossary.align.lexicon import align_dictionary
from glossary.dictionary import ORDINAL, Dictionary, Piece, chinese_ordinal
from glossary.align.matching import NEUTRAL_CHARS, format_glosses
from glossary.config import Settings, default_settings
from glossary.formats.terms import normalise_zh, split_forms
from glossary.text import HAN_CHAR

DRAFT_COLUMNS = ["term", "en", "score", "method", "glosses", "untranslated", "freq"]
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


# senses of a bygone China a UN text does not mean when the word has a common sense (金: Jurchen Jin dynasty, 彝:
# ancient wine vessel)
HISTORICAL_SENSE = re.compile(r"\b(?:dynasty|dynasties|ancient|archaic|classical|feudal|imperial|emperor|Warring "
                              r"States|Spring and Autumn|old name|former name)\b", re.IGNORECASE)


def common_senses(word: str, dictionary: Dictionary) -> list[str]:
    """The senses of a word a draft may use, in the dictionary's order: short ones (a name's long sense when it has
    only long ones), without 'sb'/'sth' patterns; historical senses and proper-noun senses (a capital that is no
    acronym) only when the word has no common sense (金 is gold, not the Jurchen Jin dynasty; 联合国 stays United
    Nations)."""
    senses = [s.strip() for s in dictionary.glosses(word) if "sb" not in s.split() and "sth" not in s.split()]
    short = [s for s in senses if len(s.split()) <= 4] or sorted(senses, key=len)[:1]
    if word in dictionary.domain_words:
        return short
    common = [s for s in short if not HISTORICAL_SENSE.search(s)] or short
    lower = [s for s in common if not (s[:1].isupper() and not s.split()[0].isupper())]
    return lower or common


def choose_gloss(word: str, dictionary: Dictionary, modifier: bool) -> str | None:
    """One English rendering of a Chinese word: the domain lexicon's first sense, else a short common CC-CEDICT
    sense; a modifier prefers an adjective (技术 → technical), a head prefers a noun (not 'to …')."""
    senses = common_senses(word, dictionary)
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
    choice = (nouns or senses)[0].strip()
    if choice.startswith("to "):
        choice = choice[3:]
    if choice[:1].isupper() and ", " in choice:  # "Vienna, capital of Austria"
        choice = choice.split(", ")[0]
    return choice


NAME_MARK = "\0name:"
UNTRANSLATED_NAME = "(name, untranslated)"
UNTRANSLATED = "(untranslated)"


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
        if len(part) == 1 and HAN_CHAR.match(part) and part not in dictionary.domain_words:
            run.append(part)
        else:
            flush()
            joined.append(part)
    flush()
    return joined


def draft_translation(term: str, dictionary: Dictionary) -> tuple[str, list[tuple[str, str]], float]:
    """An English draft of a Chinese term, in English word order: modifiers before the head as in Chinese,
    'B of A' for A的B, 'B on A' for A问题B, 'and' for 和/及/与. Returns the draft, the word glosses and the
    share of the term's characters glossed by whole dictionary words (single characters count half). A name no
    dictionary knows, and any word it cannot gloss, stays in Chinese in the draft (never its pinyin: a reader
    cannot tell a transliteration from a guess); its gloss says so ('水俣 (name, untranslated)')."""
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
            if part.startswith(NAME_MARK):  # characters of a transliterated name: neither their glosses nor pinyin
                name = part[len(NAME_MARK):]
                words.append(name)
                glosses.append((name, UNTRANSLATED_NAME))
                continue
            if re.fullmatch(r"[A-Za-z0-9.\-]+", part):
                words.append(part)
                covered += len(part)
                continue
            if part == "年" and i and re.fullmatch(r"\d{4}", content_parts[i - 1]):  # 2030年: the year 2030
                covered += 1
                continue
            ordinal = ORDINAL.fullmatch(part)
            if ordinal and chinese_ordinal(ordinal.group(1)):
                words.append(chinese_ordinal(ordinal.group(1)))
                glosses.append((part, words[-1]))
                covered += len(part)
                continue
            gloss = choose_gloss(part, dictionary, modifier=i < len(content_parts) - 1)
            if gloss is None:
                words.append(part)
                glosses.append((part, UNTRANSLATED))
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
    ('draft'), glosses, untranslated (the words left in Chinese, names marked), freq."""
    settings = settings or default_settings()
    dictionary = align_dictionary(settings.align)
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
            "glosses": format_glosses([g for g in glosses if g[1] not in (UNTRANSLATED, UNTRANSLATED_NAME)]),
            "untranslated": untranslated_words(glosses),
            "freq": int(row.get("freq", 0) or 0),
        })
    return pd.DataFrame(rows, columns=DRAFT_COLUMNS)


def untranslated_words(glosses: list[tuple[str, str]]) -> str:
    """The words a draft leaves in Chinese, names marked: '水俣 (name); 彡'."""
    return "; ".join(f"{zh} (name)" if gloss == UNTRANSLATED_NAME else zh for zh, gloss in glosses
                     if gloss in (UNTRANSLATED, UNTRANSLATED_NAME))


def covered_forms(alignment: pd.DataFrame) -> set[str]:
    """Chinese forms an alignment table accounts for: found equivalents, alternatives are not counted."""
    forms: set[str] = set()
    for column in ("zh", "variants", "curated_zh"):
        if column in alignment.columns:
            for value in alignment[column]:
                forms.update(split_forms(value))
    return forms
