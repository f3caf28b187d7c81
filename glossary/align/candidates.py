"""Candidates: the Chinese strings of the corpus an English term may align to.

`build_candidate_pool` gathers them once per run: every n-gram of the corpus shaped like a term (glossary.mining's
filter, at any frequency), the mined terms and their variant groups, and the curated Chinese that occurs. Each
candidate keeps its corpus statistics; the pool indexes the candidates by the gloss stems of their dictionary
pieces, so that an English word finds the Chinese that may translate it.

For one English term, `related_stems` finds each word's family among the pool's glosses, and `anchored_spans` the
spans of the corpus that begin and end with a word translating the term: candidates the term filter missed.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from glossary.dictionary import SAME_STEM, Dictionary, stem_relation
from glossary.config import Settings
from glossary.formats.terms import normalise_zh, split_forms
from glossary.model import Document

# words joining two terms into a phrase: a candidate next to one inside a longer candidate is a conjunct there
# (三角合作 in 南南合作和三角合作), not a fragment
CONJUNCTIONS = {"和", "及", "与", "以及", "或", "、", "的"}
TITLE_MARKS = {"<", ">", "〈", "〉", "《", "》", ""}
TITLE_MARK_DELETION = str.maketrans("", "", "《》<>〈〉")
NUMBER_TOKEN = re.compile(r"^(?:[0-9][0-9.\-]*|第?[一二三四五六七八九十]+)$")


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
    clause_words: frozenset[str] = frozenset()  # glossary.mining's stopwords that may not sit inside a term

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
    from glossary.mining.shape import Lexicon, clauses
    from glossary.mining.segment import Segmenter, read_user_dict

    extra_forms = [f for f in extra_forms if f]
    lexicon = Lexicon.from_settings(settings.mining)
    segmenter = Segmenter(user_words=[*read_user_dict(settings.mining.user_dict), *extra_forms])
    # spans may run across title marks: 《联合国宪章》第七章 is one name (Chapter VII of the Charter), and so is
    # 《进一步执行<21世纪议程>方案》 with its nested marks
    tagged = [[segmenter.tag(without_title_marks(p.text)) for p in doc.paragraphs if p.kind != "header"]
              for doc in documents]
    counts = count_corpus(
        [[p.text for p in doc.paragraphs if p.kind != "header"] for doc in documents], lexicon, segmenter,
        settings.mining.max_term_tokens, settings.mining.max_term_chars, shard_chars=settings.run.shard_chars,
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


def without_title_marks(text: str) -> str:
    return text.translate(TITLE_MARK_DELETION)


def candidate_independence(grams: Sequence[tuple[str, ...]], ngrams: Counter) -> dict[tuple[str, ...], float]:
    """Share of each candidate's occurrences outside its most frequent longer candidate (glossary.mining's
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


# --- one English term against the pool ----------------------------------------------------------------------


def related_stems(stem: str, vocabulary: Sequence[str], known: set[str] | dict, min_prefix: int = 5) -> dict[str, float]:
    """Stems of the pool's glosses that render `stem`, with glossary.dictionary.stem_relation's strength:
    itself and its word family (partner -> partnership, econom -> economi), found by prefix."""
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


def anchored_spans(pool: CandidatePool, stems: Iterable[str], max_tokens: int = 16, max_chars: int = 48,
                   max_gap: int = 1) -> dict[str, Candidate]:
    """Spans of the corpus that begin and end with a word translating part of an English term (`stems`: its
    words' related stems), with at most `max_gap` untranslated words inside (linkers free): candidates the
    term-shape filter missed (独立评价处, names longer than a mined term may be). A word counts as translating when a dictionary piece over it does, also a piece
    across words (最|不|发达国家 carries 最不发达, least developed). They stay with this term: another term's
    alignment never sees them."""
    dictionary = pool.dictionary
    spans: dict[str, Candidate] = {}
    matched_spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    index = pool.clause_stem_index()
    for stem in stems:
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
            gaps, chars, matched = 0, 0, 0
            for j in range(i, min(len(words), i + max_tokens)):
                chars += len(words[j])
                if chars > max_chars:
                    break
                matched += flags[j]
                if not flags[j]:
                    # linkers and nested title marks (《进一步执行<21世纪议程>方案》) sit inside names
                    if dictionary.is_function_word(words[j]) or words[j].strip() in TITLE_MARKS:
                        continue
                    # 在, 将, 所: a clause goes on, no name does; a unit after a number (2030年) stays in the name
                    if words[j] in pool.clause_words and not (j > i and NUMBER_TOKEN.match(words[j - 1])):
                        break
                    gaps += 1
                    # a long name has room for more untranslated words: one more for every four translated
                    if gaps > max_gap + matched // 4:
                        break
                    continue
                form = "".join(words[i: j + 1])
                if form in pool.candidates or form in spans or len(form) < 2:
                    continue
                spans[form] = Candidate(form, tuple(words[i: j + 1]), max(pool.occurrences(form), 1),
                                        pool.documents_with(form), concept=form)
    return spans
