"""Term consistency checks for CI: the terms a translation uses, against the glossary's decisions.

Rules (ids, default severities; severities are set in [tool.glossary] check_severity_*):
  deprecated-variant        error    a form the glossary deprecates for a concept (包容及可持续工业发展 where
                                     包容和可持续工业发展 is preferred); expected = the preferred form
  unlisted-variant          warning  a form the glossary neither prefers, admits nor deprecates but that is the same
                                     concept: other particles (包容与可持续的工业发展), one word swapped for a
                                     near-synonym (国别/国家伙伴关系方案), the characters reordered, or a corpus variant
                                     from the workbook's `variants` column
  deprecated-term           error    the Chinese of a glossary row with status deprecated (or rejected)
  key-term-mismatch         warning  bilingual: an English glossary term is in the source paragraph, no form of its
                                     Chinese is in the corresponding target paragraph
  inconsistent-translation  warning  bilingual: one English term rendered by different Chinese forms in one set

Matching has no word boundaries (Chinese has none). Every text is folded to simplified characters (char for
char, so offsets hold) and to a *view* without particles (和及与的、), title marks and whitespace (a PDF line break
inside a term), keeping each view character's offset in the original. One Aho-Corasick automaton holds the variant
key of every glossary form (the form without particles) plus the anchors of the word-choice patterns, and runs once
over each view; reorderings are found by a vectorised multiset hash of the view's windows. A key hit is classified
by its surface in the original: a listed form, or (long keys only) an unlisted particle variant. The longest match
wins, so a form nested in a longer one is never reported. Positions are 1-based line and column (in characters) of
the original file, also for traditional-script text.

Public API:
    load_rulebook(glossary=None, terms=None, settings=None) -> Rulebook
    check_paths(paths, rulebook, settings=None, sources=(), notes=None) -> list[Finding]
    run_check(paths, rulebook, settings=None, sources=()) -> CheckRun   (findings, files checked, notes)
    TermMatcher(rulebook, options).scan(text) -> list[Match]
    read_baseline(path) / apply_baseline(findings, baseline) / write_baseline(path, findings)
    RULES, Finding
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Sequence

from glossary.errors import InputError
from glossary.files import collect_files
from glossary.text import HAN as HAN_RANGES
from glossary.mining.variants import NUMERAL, word_choice

# --- rules --------------------------------------------------------------------------------------------------------

SEVERITIES = ("error", "warning", "off")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # the default; [tool.glossary] check_severity_<id with underscores> overrides it
    summary: str
    description: str


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("deprecated-variant", "error", "A deprecated form of a glossary term is used",
             "The text uses a form the glossary deprecates for a concept (the `deprecated` column of an approved "
             "row, or a form after the first in the terms file). Use the preferred form."),
        Rule("unlisted-variant", "warning", "An unapproved variant of a glossary term is used",
             "The text uses a form the glossary neither prefers, admits nor deprecates, but that is a variant of a "
             "glossary concept: other particles (和及与的、), one word swapped for a near-synonym, the same characters "
             "reordered, or a corpus variant listed in the `variants` column. Use the preferred form, or add the "
             "form to the glossary as admitted or deprecated."),
        Rule("deprecated-term", "error", "A term marked deprecated or rejected in the glossary is used",
             "The text uses the Chinese of a glossary row whose status is deprecated (or rejected: rejected as a "
             "translation). Use the approved term with the same English, if there is one."),
        Rule("key-term-mismatch", "warning", "A key term of the source is missing from the translation",
             "An English glossary term occurs in the source paragraph, but none of the Chinese forms of that "
             "concept occurs in the corresponding target paragraph."),
        Rule("inconsistent-translation", "warning", "One English term is translated in different ways",
             "Within one bilingual set, paragraphs whose source has the same English term render it with "
             "different Chinese forms of the concept."),
    )
}


@dataclass(frozen=True)
class Finding:
    rule: str
    path: str  # as shown: relative to the working folder when under it, '/'-separated
    line: int  # 1-based
    column: int  # 1-based, in characters
    found: str
    expected: str
    message: str
    severity: str  # error | warning
    end_line: int = 0
    end_column: int = 0  # 1-based column just past the last character (SARIF's endColumn)
    line_text: str = field(default="", compare=False, repr=False)  # the original line, shown and hashed

    def to_dict(self) -> dict[str, Any]:
        """Exactly the keys of the command-line contract."""
        return {"rule": self.rule, "path": self.path, "line": self.line, "column": self.column,
                "found": self.found, "expected": self.expected, "message": self.message, "severity": self.severity}

    @property
    def line_hash(self) -> str:
        return hashlib.sha256(self.line_text.strip().encode("utf-8")).hexdigest()[:16]

    @property
    def fingerprint(self) -> str:
        """Stable across edits elsewhere in the file: path, rule, text found and the line's text, no line number."""
        key = "\0".join((self.path, self.rule, self.found, self.line_hash))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


# --- settings -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckOptions:
    severities: dict[str, str]
    particles: str = "和及与的、"
    variant_min_chars: int = 6
    across_line_breaks: bool = True
    word_choice: bool = True
    reorderings: bool = True
    ignore_marker: str = "glossary-ignore"
    rejected_as_deprecated: bool = True

    @classmethod
    def from_settings(cls, settings=None) -> "CheckOptions":
        get = settings.get if settings is not None else (lambda key, default=None: default)
        severities = {}
        for rule in RULES.values():
            key = "check_severity_" + rule.id.replace("-", "_")
            value = str(get(key, rule.severity) or rule.severity).strip().lower()
            if value not in SEVERITIES:
                raise InputError(None, f"[tool.glossary] {key} = {value!r}: expected one of {', '.join(SEVERITIES)}")
            severities[rule.id] = value
        marker = str(get("check_ignore_marker", "glossary-ignore") or "").strip()
        if not marker:
            raise InputError(None, "[tool.glossary] check_ignore_marker is empty")
        return cls(
            severities=severities,
            particles=str(get("variant_ignored_chars", "和及与的、")),
            variant_min_chars=int(get("check_variant_min_chars", 6)),
            across_line_breaks=bool(get("check_across_line_breaks", True)),
            word_choice=bool(get("check_word_choice", True)),
            reorderings=bool(get("check_reorderings", True)),
            ignore_marker=marker,
            rejected_as_deprecated=bool(get("check_rejected_as_deprecated", True)),
        )


# --- the rulebook: what the glossary decided ----------------------------------------------------------------------


@dataclass(frozen=True)
class Concept:
    en: str
    preferred: str
    admitted: tuple[str, ...] = ()
    deprecated: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()  # corpus variants listed but not decided on (workbook column `variants`)
    origin: str = ""  # 'glossary-v3.xlsx row 12': where a terminologist finds the decision


@dataclass(frozen=True)
class BannedTerm:
    form: str
    en: str
    status: str  # deprecated | rejected
    replacement: str  # preferred Chinese of the approved row with the same English, or ''
    origin: str = ""


@dataclass
class Rulebook:
    concepts: list[Concept]
    banned: list[BannedTerm] = field(default_factory=list)
    source: str = ""


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _forms(value: Any) -> list[str]:
    from glossary.formats.terms import split_forms

    return split_forms(value)


def rulebook_from_terms(terms, source: str = "") -> Rulebook:
    """A terms file (glossary.align.read_terms): each row with Chinese is a concept, its first form preferred and
    the others deprecated; an optional `admitted` column names accepted synonyms (工发组织, 劳工组织)."""
    concepts = []
    name = Path(source).name if source else "terms file"
    for number, row in enumerate(terms.to_dict("records"), start=2):
        forms = _forms(row.get("zh"))
        if forms:
            admitted = tuple(f for f in _forms(row.get("admitted")) if f not in forms)
            concepts.append(Concept(_cell(row.get("en")), forms[0], admitted=admitted, deprecated=tuple(forms[1:]),
                                    origin=f"{name} row {number}"))
    return Rulebook(concepts, [], source)


def rulebook_from_glossary(rows, source: str = "", rejected_as_deprecated: bool = True) -> Rulebook:
    """Rows of a glossary workbook (glossary.workbook.read_glossary(...).rows): approved rows are concepts (zh
    preferred; admitted, deprecated and variants columns), deprecated rows, and rejected rows unless
    `rejected_as_deprecated` is off, are banned terms. Candidate rows are not decisions and are left out."""
    name = Path(source).name if source else "glossary"
    records = rows.to_dict("records")
    concepts: list[Concept] = []
    preferred_by_en: dict[str, str] = {}
    for row in records:
        zh, en = _cell(row.get("zh")), _cell(row.get("en"))
        if _cell(row.get("status")).lower() == "approved" and zh:
            where = f"{name} row {row.get('_row', '?')}"
            listed = {zh}
            admitted = tuple(f for f in _forms(row.get("admitted")) if f not in listed)
            listed |= set(admitted)
            deprecated = tuple(f for f in _forms(row.get("deprecated")) if f not in listed)
            listed |= set(deprecated)
            variants = tuple(f for f in _forms(row.get("variants")) if f not in listed)
            concepts.append(Concept(en, zh, admitted, deprecated, variants, where))
            if en:
                preferred_by_en.setdefault(en.casefold(), zh)
    banned_statuses = {"deprecated", "rejected"} if rejected_as_deprecated else {"deprecated"}
    banned = []
    for row in records:
        zh, en, status = _cell(row.get("zh")), _cell(row.get("en")), _cell(row.get("status")).lower()
        if status in banned_statuses and zh:
            banned.append(BannedTerm(zh, en, status, preferred_by_en.get(en.casefold(), "") if en else "",
                                     f"{name} row {row.get('_row', '?')}"))
    return Rulebook(concepts, banned, source)


def load_rulebook(glossary: str | Path | None = None, terms: str | Path | None = None, settings=None) -> Rulebook:
    """The rules: from a glossary workbook (or the newest version in a folder), or from a terms file. With neither,
    the folder glossaries/ when it holds a version, else data/terms_en.csv."""
    from glossary.config import DATA_DIR
    from glossary.formats.workbook import list_versions, read_glossary, resolve_glossary

    if glossary is not None and terms is not None:
        raise InputError(None, "--glossary and --terms are alternatives: give one of them")
    if glossary is None and terms is None:
        if list_versions(Path("glossaries")):
            glossary = Path("glossaries")
        elif (DATA_DIR / "terms_en.csv").is_file():
            terms = DATA_DIR / "terms_en.csv"
        else:
            raise InputError(None, "no glossary to check against: pass --glossary FILE|DIR or --terms FILE "
                                   "(there is no glossaries/ folder here and no data/terms_en.csv)")
    if glossary is not None:
        path = resolve_glossary(Path(glossary))
        stored = read_glossary(path, settings)
        rejected = CheckOptions.from_settings(settings).rejected_as_deprecated
        return rulebook_from_glossary(stored.rows, str(path), rejected)
    import warnings

    from glossary.formats.terms import read_terms

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a Chinese form given for two English terms does not stop a check
        frame = read_terms(Path(terms))
    return rulebook_from_terms(frame, str(terms))


# --- matching -----------------------------------------------------------------------------------------------------

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
    "word-choice": "with one word swapped for a near-synonym",
    "reordering": "with its characters in another order",
}
MIN_SHARED_CHARS = 4  # variants.word_choice: a word-choice variant shares at least this much with its form
MIN_ANCHOR_CHARS = 2  # the unchanged side a word-choice variant is found by (in the automaton)
MIN_REORDER_CHARS = 6  # variants.reordering: only long names have transposition typos worth reporting


@dataclass(frozen=True)
class Match:
    start: int  # offsets in the scanned text; end exclusive
    end: int
    kind: str  # preferred | admitted | deprecated | banned | listed-variant | particles | word-choice | reordering
    concept: int | None  # index into Rulebook.concepts
    banned: int | None  # index into Rulebook.banned
    normal: str  # the surface, simplified, without whitespace and title marks


def simplified_text(text: str) -> str:
    """`text` with full-width Latin folded and traditional characters simplified, one character for one."""
    from glossary.corpus.repair import to_simplified

    return to_simplified(text.translate(WIDTH_FOLD))[0]


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

    def __init__(self, rulebook: Rulebook, options: CheckOptions | None = None):
        import ahocorasick

        self.rulebook = rulebook
        self.options = options or CheckOptions(severities={r: RULES[r].severity for r in RULES})
        self.particles = frozenset(self.options.particles)
        self.skipped = frozenset(self.particles | NEUTRAL) - (set() if self.options.across_line_breaks else {"\n"})
        self.conflicts: list[str] = []
        self.forms: dict[str, tuple[str, int | None, int | None]] = {}  # normal form -> (kind, concept, banned)
        self.key_concepts: dict[str, list[int]] = defaultdict(list)  # variant key -> concepts with a form of it
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
                match = self._key_match(simplified, int(origin[first]), int(origin[last]) + 1, word)
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
                    if entries and window not in self.keys:  # not where a form itself is
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
                return Match(start, end, listed[0], listed[1], listed[2], key)
            concepts = self.key_concepts.get(key)
            if concepts and len(key) >= self.options.variant_min_chars:
                return Match(start, end, "particles", concepts[0], None, key)
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
                return Match(left, right, listed[0], listed[1], listed[2], normal)
        concepts = self.key_concepts.get(key)
        if concepts and len(key) >= self.options.variant_min_chars:
            normal = "".join(ch for ch in simplified[start:end] if ch not in NEUTRAL)
            return Match(start, end, "particles", concepts[0], None, normal)
        return None

    def _unlisted(self, simplified: str, start: int, end: int, concept: int, kind: str) -> Match | None:
        normal = "".join(ch for ch in simplified[start:end] if ch not in NEUTRAL)
        if normal in self.forms or self._key(normal) in self.keys:
            return None  # a listed form, or a particle variant of one: the key match reports it
        return Match(start, end, kind, concept, None, normal)

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
                match = self._unlisted(simplified, int(origin[begin]), int(origin[begin + len(window) - 1]) + 1,
                                       concept, "word-choice")
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
                window = view[begin:begin + length]
                for concept, key in by_hash[int(digests[begin])]:
                    if (window != key and window[0] == key[0] and window[-1] == key[-1]
                            and sorted(window) == sorted(key)):
                        match = self._unlisted(simplified, int(origin[begin]), int(origin[begin + length - 1]) + 1,
                                               concept, "reordering")
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


# --- reading files: text to check, with positions in the original -------------------------------------------------

TEXT_SUFFIXES = (".txt", ".md")
CONTAINER_SUFFIXES = (".docx", ".pdf")
BILINGUAL_SUFFIXES = (".xlf", ".xliff", ".tmx")
CHECKED_SUFFIXES = TEXT_SUFFIXES + CONTAINER_SUFFIXES + BILINGUAL_SUFFIXES
MARKDOWN_EMPHASIS = "*_`"  # **包容及**可持续工业发展 is still the term


@dataclass
class Segment:
    """A run of text to check and where each of its characters is in the file."""

    text: str
    anchors: list[tuple[int, int, int]]  # (offset in text, line, column) where a run of characters starts; 1-based

    def locate(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._offsets, offset) - 1
        start, line, column = self.anchors[max(index, 0)]
        return line, column + offset - start

    @cached_property
    def _offsets(self) -> list[int]:
        return [anchor[0] for anchor in self.anchors]


def text_segment(text: str) -> Segment:
    """A whole file: a run starts at every line."""
    anchors = [(0, 1, 1)] + [(m.end(), number, 1) for number, m in enumerate(re.finditer("\n", text), start=2)]
    return Segment(text, anchors)


@dataclass
class Unit:
    """One translation unit of an XLIFF or TMX file: its English and its Chinese segments."""

    label: str
    english: str
    chinese: list[Segment]
    line: int


@dataclass
class CheckedFile:
    path: Path
    shown: str  # the path as reported
    lines: list[str]
    segments: list[Segment]
    units: list[Unit] = field(default_factory=list)
    extra_skip: str = ""


def shown_path(path: Path) -> str:
    path = Path(path)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def collect_check_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named (any text file), plus the checkable files found recursively in folders named. No duplicates."""
    return collect_files(paths, CHECKED_SUFFIXES, any_named_file=True)


def read_checked_file(path: Path) -> CheckedFile | None:
    """The text of one file as it is on disk (decoded, nothing repaired: positions must point into the file).
    None for an explicitly named file of another type that is not text (pre-commit passes every text file)."""
    from glossary.corpus.load import decode_bytes, read_source

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in BILINGUAL_SUFFIXES:
        return read_bilingual_file(path)
    if suffix in CONTAINER_SUFFIXES:
        text = read_source(path).text  # .docx: a line per Word paragraph; .pdf: the text layer's lines
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None
        if not data.strip(b" \t\r\n\x00\x0c\xef\xbb\xbf\xff\xfe"):
            return CheckedFile(path, shown_path(path), [], [])
        try:
            text, _ = decode_bytes(data, path)
        except InputError:
            if suffix in TEXT_SUFFIXES:
                raise
            return None
    return CheckedFile(path, shown_path(path), [line.rstrip("\r") for line in text.split("\n")],
                       [text_segment(text)], extra_skip=MARKDOWN_EMPHASIS if suffix == ".md" else "")


# XLIFF 1.2/2.x and TMX are read with defusedxml's expat SAX parser (no entity expansion, no external entities,
# no network): a translator's file is untrusted input. SAX rather than translate-toolkit because a finding needs the
# line and column of each character in the file, which expat reports for every run of text and lxml does not.
INLINE_CODES = {"bpt", "ept", "it", "ph", "ut"}  # native codes inside segments: not text


def _language_side(lang: str) -> str | None:
    lang = (lang or "").lower()
    return "zh" if lang.startswith("zh") else "en" if lang.startswith("en") else None


def read_bilingual_file(path: Path) -> CheckedFile:
    import io
    import xml.sax
    from xml.parsers import expat
    from xml.sax.handler import ContentHandler

    from defusedxml import DefusedXmlException
    from defusedxml.expatreader import DefusedExpatParser

    from glossary.corpus.load import decode_bytes

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None

    class Handler(ContentHandler):
        def __init__(self):
            super().__init__()
            self.stack: list[str] = []
            self.languages = {"source": "en", "target": "zh"}  # XLIFF without language attributes: en -> zh
            self.units: list[Unit] = []
            self.unit: dict | None = None
            self.capture: tuple[str, list[str], list[tuple[int, int, int]]] | None = None  # (side, chunks, anchors)
            self.code_depth = 0
            self.locator = None

        def setDocumentLocator(self, locator):
            self.locator = locator

        def startElement(self, qname, attrs):
            name = qname.rsplit(":", 1)[-1]
            parent = self.stack[-1] if self.stack else ""
            self.stack.append(name)
            line = self.locator.getLineNumber() if self.locator else 0
            if name == "file" and attrs.get("source-language"):  # XLIFF 1.2
                self.languages = {"source": attrs.get("source-language"),
                                  "target": attrs.get("target-language") or "zh"}
            elif name == "xliff" and attrs.get("srcLang"):  # XLIFF 2.x
                self.languages = {"source": attrs.get("srcLang"), "target": attrs.get("trgLang") or "zh"}
            if name in ("trans-unit", "segment", "tu"):
                unit_id = attrs.get("id") or attrs.get("tuid") or str(len(self.units) + 1)
                self.unit = {"label": f"unit {unit_id}", "en": [], "zh": [], "line": line}
            elif name == "tuv" and self.unit is not None:
                self.unit["lang"] = _language_side(attrs.get("xml:lang") or attrs.get("lang") or "")
            if self.unit is not None and self.capture is None and (
                    (name in ("source", "target") and parent in ("trans-unit", "segment"))
                    or (name == "seg" and parent == "tuv")):
                side = _language_side(self.languages[name]) if name != "seg" else self.unit.get("lang")
                self.capture = (side or "", [], [])
                self.captured = 0  # characters captured so far in this element
            elif self.capture is not None and name in INLINE_CODES:
                self.code_depth += 1

        def endElement(self, qname):
            name = self.stack.pop() if self.stack else qname
            if self.capture is not None and name in INLINE_CODES:
                self.code_depth -= 1
            elif self.capture is not None and name in ("source", "target", "seg") and (
                    len(self.stack) and self.stack[-1] in ("trans-unit", "segment", "tuv")):
                side, chunks, anchors = self.capture
                self.capture = None
                text = "".join(chunks)
                if side == "zh" and text.strip():
                    self.unit["zh"].append(Segment(text, anchors))
                elif side == "en":
                    self.unit["en"].append(text)
            elif name in ("trans-unit", "segment", "tu") and self.unit is not None:
                unit = self.unit
                self.unit = None
                self.units.append(Unit(unit["label"], " ".join(unit["en"]), unit["zh"], unit["line"]))

        def characters(self, content):
            if self.capture is None or self.code_depth:
                return
            _, chunks, anchors = self.capture
            # expat reports each run of character data where it starts (1-based line, 0-based column, counted in
            # characters); a run holds no newline in practice, but split on them anyway
            line, column = self.locator.getLineNumber(), self.locator.getColumnNumber() + 1
            offset = self.captured
            for number, piece in enumerate(content.split("\n")):
                if number:
                    offset, line, column = offset + 1, line + 1, 1
                if piece:
                    anchors.append((offset, line, column))
                    offset += len(piece)
            self.captured = offset
            chunks.append(content)

    class Parser(DefusedExpatParser):
        def reset(self):
            super().reset()
            # never read the external DTD a TMX file names (<!DOCTYPE tmx SYSTEM "tmx14.dtd">): nothing from outside
            # the file is loaded, and defusedxml would refuse the whole file for merely naming it
            self._parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    handler = Handler()
    parser = Parser()
    parser.setContentHandler(handler)
    parser.setFeature(xml.sax.handler.feature_namespaces, False)
    try:
        parser.parse(io.BytesIO(data))
    except xml.sax.SAXParseException as exc:
        raise InputError(path, f"not well-formed XML (line {exc.getLineNumber()}, column "
                               f"{exc.getColumnNumber() + 1}): {exc.getMessage()}") from None
    except DefusedXmlException as exc:
        raise InputError(path, f"refused: the XML declares entities or loads external ones ({type(exc).__name__})") \
            from None
    try:
        text, _ = decode_bytes(data, path)
    except InputError:
        text = data.decode("utf-8", "replace")
    segments = [segment for unit in handler.units for segment in unit.chinese]
    return CheckedFile(path, shown_path(path), [line.rstrip("\r") for line in text.split("\n")], segments,
                       handler.units)


# --- checking -----------------------------------------------------------------------------------------------------


@dataclass
class Occurrence:
    match: Match
    found: str  # the original characters, whitespace removed
    line: int
    column: int
    end_line: int
    end_column: int
    segment: int  # index into CheckedFile.segments


@dataclass
class CheckRun:
    findings: list[Finding]
    files: list[str]  # every file checked, as shown
    notes: list[str] = field(default_factory=list)


def _occurrences(file: CheckedFile, matcher: TermMatcher) -> list[Occurrence]:
    found = []
    for index, segment in enumerate(file.segments):
        for match in matcher.scan(segment.text, file.extra_skip):
            line, column = segment.locate(match.start)
            end_line, end_column = segment.locate(match.end - 1)
            surface = "".join(ch for ch in segment.text[match.start:match.end] if not ch.isspace())
            found.append(Occurrence(match, surface, line, column, end_line, end_column + 1, index))
    return found


def _line_text(file: CheckedFile, line: int) -> str:
    return file.lines[line - 1] if 0 < line <= len(file.lines) else ""


def _finding(rule: str, file: CheckedFile, line: int, column: int, found: str, expected: str, message: str,
             options: CheckOptions, end: tuple[int, int] | None = None) -> Finding | None:
    severity = options.severities[rule]
    if severity == "off":
        return None
    end_line, end_column = end if end else (line, column)
    return Finding(rule, file.shown, line, column, found, expected, message, severity, end_line, end_column,
                   _line_text(file, line))


def _term_finding(occurrence: Occurrence, file: CheckedFile, rulebook: Rulebook,
                  options: CheckOptions) -> Finding | None:
    match, found = occurrence.match, occurrence.found
    where = (occurrence.line, occurrence.column)
    end = (occurrence.end_line, occurrence.end_column)
    if match.kind in KINDS_ALLOWED:
        return None
    if match.kind == "banned":
        term = rulebook.banned[match.banned]
        because = f"{term.status} in the glossary" + (f" as the translation of '{term.en}'" if term.en else "")
        advice = f": use {term.replacement}" if term.replacement else ": do not use it"
        return _finding("deprecated-term", file, *where, found, term.replacement,
                        f"{found} is {because} ({term.origin}){advice}", options, end)
    concept = rulebook.concepts[match.concept]
    about = f" ({concept.en})" if concept.en else ""
    if match.kind == "deprecated":
        return _finding("deprecated-variant", file, *where, found, concept.preferred,
                        f"{found} is a deprecated form of {concept.preferred}{about}: use {concept.preferred}",
                        options, end)
    if match.kind == "listed-variant":
        message = (f"{found} is a corpus variant of {concept.preferred}{about} that the glossary lists but has not "
                   f"approved: use {concept.preferred}")
    else:
        message = (f"{found} is not in the glossary but reads as {concept.preferred}{about} "
                   f"{UNLISTED_REASONS[match.kind]}: use {concept.preferred}")
    return _finding("unlisted-variant", file, *where, found, concept.preferred, message, options, end)


def ignored_lines(lines: Sequence[str], marker: str) -> set[int]:
    """1-based lines a `marker` (any comment: <!-- glossary-ignore -->, # glossary-ignore) exempts: its own line,
    or with `marker-next-line` the line after it."""
    same_line = re.compile(re.escape(marker) + r"(?!-next-line)")
    next_line = marker + "-next-line"
    ignored = set()
    for number, line in enumerate(lines, start=1):
        if marker not in line:
            continue
        if same_line.search(line):
            ignored.add(number)
        if next_line in line:
            ignored.add(number + 1)
    return ignored


class EnglishTerms:
    """The English of the glossary concepts, found in source text: case-insensitive, whole words (English has
    boundaries), a plural -s/-es tolerated, longest match first."""

    def __init__(self, concepts: Sequence[Concept]):
        import ahocorasick

        self.automaton = ahocorasick.Automaton()
        by_term: dict[str, list[int]] = defaultdict(list)
        for index, concept in enumerate(concepts):
            term = self.normalise(concept.en)
            if term and concept.preferred:
                by_term[term].append(index)
        for term, indexes in by_term.items():
            self.automaton.add_word(term, (term, tuple(indexes)))
        if by_term:
            self.automaton.make_automaton()

    @staticmethod
    def normalise(text: str) -> str:
        text = text.casefold().replace("\u2019", "'").translate(str.maketrans("\u2010\u2011\u2013", "---"))
        return " ".join(text.split())

    def concepts_in(self, text: str) -> set[int]:
        if not len(self.automaton):
            return set()
        text = self.normalise(text)
        hits = []
        for last, (term, indexes) in self.automaton.iter(text):
            start, end = last - len(term) + 1, last + 1
            if start > 0 and text[start - 1].isalnum():
                continue
            tail = text[end:end + 3]
            for suffix in ("", "s", "es"):
                if tail.startswith(suffix) and not tail[len(suffix):len(suffix) + 1].isalnum():
                    hits.append((start, end + len(suffix), indexes))
                    break
        taken = bytearray(len(text) + 2)
        concepts = set()
        for start, end, indexes in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
            if not any(taken[start:end]):
                taken[start:end] = b"\1" * (end - start)
                concepts.update(indexes)
        return concepts


@dataclass
class AlignedUnit:
    """A source paragraph (English) and its translation's occurrences of glossary forms."""

    file: CheckedFile
    label: str
    english: str
    occurrences: list[Occurrence]
    line: int
    column: int


def _xml_units(file: CheckedFile, occurrences: list[Occurrence]) -> list[AlignedUnit]:
    by_segment = defaultdict(list)
    for occurrence in occurrences:
        by_segment[occurrence.segment].append(occurrence)
    aligned, index = [], 0
    for unit in file.units:
        found = []
        for _ in unit.chinese:
            found += by_segment.get(index, [])
            index += 1
        if unit.english.strip() and unit.chinese:
            line, column = unit.chinese[0].locate(len(unit.chinese[0].text) - len(unit.chinese[0].text.lstrip()))
            aligned.append(AlignedUnit(file, unit.label, unit.english, found, line, column))
    return aligned


def _plain_units(targets: list[tuple[CheckedFile, list[Occurrence]]], sources: Sequence[str | Path], settings,
                 notes: list[str]) -> list[AlignedUnit]:
    """Paragraph pairs of plain documents (txt, md, docx, pdf) and their source files, paired by symbol or by name
    (doc.zh.txt / doc.en.txt, or the same name in two folders)."""
    from glossary.corpus.load import load_document
    from glossary.corpus.pairing import pair_documents, paragraph_pairs

    source_files = [p for p in collect_check_paths(sources) if p.suffix.lower() not in BILINGUAL_SUFFIXES]
    en_docs = [load_document(p, settings) for p in source_files]
    plain = {file.path.resolve(): (file, occurrences) for file, occurrences in targets
             if file.path.suffix.lower() not in BILINGUAL_SUFFIXES and file.segments}
    zh_docs = [load_document(file.path, settings) for file, _ in plain.values()]
    pairs = pair_documents(zh_docs, en_docs)
    paired = {id(zh) for zh, _ in pairs}
    for doc in zh_docs:
        if id(doc) not in paired:
            notes.append(f"{shown_path(doc.path)}: no source document pairs with it (same symbol or same name)")
    aligned = []
    for zh_doc, en_doc in pairs:
        file, occurrences = plain[zh_doc.path.resolve()]
        pairs_of_paragraphs = paragraph_pairs(zh_doc, en_doc, by_order=True)
        if pairs_of_paragraphs is None:
            zh_body, en_body = ([p for p in doc.paragraphs if p.kind != "header"] for doc in (zh_doc, en_doc))
            notes.append(f"{shown_path(zh_doc.path)} and {shown_path(en_doc.path)}: {len(zh_body)} and "
                         f"{len(en_body)} paragraphs without paragraph numbers; cannot pair them")
            pairs_of_paragraphs = []
        starts = sorted({p.line for p in [*zh_doc.paragraphs, *zh_doc.footnotes]})
        by_start = defaultdict(list)
        for occurrence in occurrences:
            index = bisect.bisect_right(starts, occurrence.line) - 1
            if index >= 0:
                by_start[starts[index]].append(occurrence)
        for zh_paragraph, en_paragraph in pairs_of_paragraphs:
            text = _line_text(file, zh_paragraph.line)
            column = len(text) - len(text.lstrip()) + 1
            label = f"paragraph {zh_paragraph.number}" if zh_paragraph.number else f"paragraph at line {zh_paragraph.line}"
            aligned.append(AlignedUnit(file, f"{label} (source {shown_path(en_doc.path)})", en_paragraph.text,
                                       by_start.get(zh_paragraph.line, []), zh_paragraph.line, column))
    return aligned


def _bilingual_findings(units: list[AlignedUnit], rulebook: Rulebook, options: CheckOptions,
                        reported: set[tuple[str, int, int]]) -> list[Finding]:
    english = EnglishTerms(rulebook.concepts)
    findings = []
    uses: dict[int, list[tuple[AlignedUnit, Occurrence]]] = defaultdict(list)
    for unit in units:
        in_source = english.concepts_in(unit.english)
        in_target = {o.match.concept for o in unit.occurrences if o.match.concept is not None}
        for index in sorted(in_source):
            concept = rulebook.concepts[index]
            if index not in in_target:
                accepted = " | ".join([concept.preferred, *concept.admitted])
                finding = _finding("key-term-mismatch", unit.file, unit.line, unit.column, concept.en,
                                   concept.preferred, f"the source of {unit.label} has '{concept.en}' but the "
                                   f"translation has none of its Chinese forms ({accepted})", options)
                if finding:
                    findings.append(finding)
            for occurrence in unit.occurrences:
                if occurrence.match.concept == index:
                    uses[index].append((unit, occurrence))
    for index, used in uses.items():
        forms = Counter(o.match.normal for _, o in used)
        if len(forms) < 2:
            continue
        concept = rulebook.concepts[index]
        preferred = normal_form(concept.preferred)
        dominant = preferred if preferred in forms else forms.most_common(1)[0][0]
        expected = concept.preferred if dominant == preferred else dominant
        spread = ", ".join(f"{form} ×{count}" for form, count in forms.most_common())
        for unit, occurrence in used:
            if occurrence.match.normal == dominant or (unit.file.shown, occurrence.line, occurrence.column) in reported:
                continue
            finding = _finding("inconsistent-translation", unit.file, occurrence.line, occurrence.column,
                               occurrence.found, expected, f"'{concept.en}' is translated {occurrence.found} here "
                               f"but {expected} elsewhere in this set ({spread})", options,
                               (occurrence.end_line, occurrence.end_column))
            if finding:
                findings.append(finding)
    return findings


def run_check(paths: Sequence[str | Path], rulebook: Rulebook, settings=None,
              sources: Sequence[str | Path] = (), matcher: TermMatcher | None = None) -> CheckRun:
    """Check every file of `paths` against the rulebook; with `sources`, pair plain files with their English
    versions for the bilingual rules (XLIFF and TMX files carry both languages and always get them)."""
    from glossary.config import default_settings

    settings = settings if settings is not None else default_settings()
    options = CheckOptions.from_settings(settings)
    matcher = matcher or TermMatcher(rulebook, options)
    notes = list(matcher.conflicts)
    files = collect_check_paths(paths)
    if sources:
        collect_check_paths(sources)  # a missing source is bad input before any work is done
    findings: list[Finding] = []
    checked: list[tuple[CheckedFile, list[Occurrence]]] = []
    aligned: list[AlignedUnit] = []
    for path in files:
        file = read_checked_file(path)
        if file is None:
            notes.append(f"{shown_path(path)}: not checked (not a text file in a known encoding)")
            continue
        occurrences = _occurrences(file, matcher)
        checked.append((file, occurrences))
        for occurrence in occurrences:
            finding = _term_finding(occurrence, file, rulebook, options)
            if finding:
                findings.append(finding)
        if file.units:
            aligned += _xml_units(file, occurrences)
    if sources:
        aligned += _plain_units(checked, sources, settings, notes)
    if aligned:
        reported = {(f.path, f.line, f.column) for f in findings}
        findings += _bilingual_findings(aligned, rulebook, options, reported)
    ignored = {file.shown: ignored_lines(file.lines, options.ignore_marker) for file, _ in checked}
    findings = [f for f in findings if f.line not in ignored.get(f.path, ())]
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    return CheckRun(findings, [file.shown for file, _ in checked], notes)


def check_paths(paths: Sequence[str | Path], rulebook: Rulebook, settings=None, sources: Sequence[str | Path] = (),
                notes: list[str] | None = None) -> list[Finding]:
    """Findings for every file of `paths` (files, or folders searched recursively); see run_check."""
    run = run_check(paths, rulebook, settings, sources)
    if notes is not None:
        notes.extend(run.notes)
    return run.findings


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


# --- baseline: accepted findings, keyed without line numbers ------------------------------------------------------

BASELINE_VERSION = 1


def _baseline_key(path: str, rule: str, found: str, line_hash: str) -> tuple[str, str, str, str]:
    return (path, rule, found, line_hash)


def write_baseline(path: str | Path, findings: Sequence[Finding]) -> None:
    """Record `findings` as accepted: keyed by path, rule, text found and a hash of the line's text (not the line
    number, so edits elsewhere in a file do not bring them back)."""
    from glossary.files import write_text_atomic

    entries = [{"path": f.path, "rule": f.rule, "found": f.found, "line_hash": f.line_hash, "line": f.line}
               for f in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.rule))]
    document = {"version": BASELINE_VERSION, "tool": "glossary check",
                "note": "findings accepted for now; `line` is for people, matching ignores it",
                "findings": entries}
    write_text_atomic(Path(path), json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def read_baseline(path: str | Path) -> Counter:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such baseline file (write one with --update-baseline)")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        entries = document["findings"]
        return Counter(_baseline_key(str(e["path"]), str(e["rule"]), str(e["found"]), str(e["line_hash"]))
                       for e in entries)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InputError(path, "not a baseline file (a JSON object with a 'findings' list of objects with path, "
                               "rule, found and line_hash)") from None


def apply_baseline(findings: Sequence[Finding], baseline: Counter) -> list[Finding]:
    """The findings the baseline does not account for (each baseline entry accounts for one finding)."""
    remaining = Counter(baseline)
    kept = []
    for finding in findings:
        key = _baseline_key(finding.path, finding.rule, finding.found, finding.line_hash)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            kept.append(finding)
    return kept
